package dev.anneal.watcher.app;

import dev.anneal.watcher.app.cli.Cli;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The {@code watcher} executable. Deliberately thin: it wires the process's streams to
 * {@link Cli}, which parses and runs the command, and turns the returned code into the process
 * exit status. This is the only {@code System.exit} in the codebase; everything below it returns
 * codes (see {@link dev.anneal.watcher.app.cli.ExitCodes}) so that tests can run commands in-process.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)));
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = Cli.execute(System.in, out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }
}
