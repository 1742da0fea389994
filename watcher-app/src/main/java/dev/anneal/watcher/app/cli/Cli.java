package dev.anneal.watcher.app.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Builds the {@code watcher} command line: the command tree, the streams it uses and the mapping
 * of failures to {@link ExitCodes}. {@code Main} and the tests both go through here, so a test
 * runs exactly what a user runs, minus {@code System.exit}.
 */
public final class Cli {

    private Cli() {
    }

    /**
     * A ready-to-execute command line.
     *
     * @param stdin what {@code -} reads
     * @param out   where reports, help and version go
     * @param err   where errors go
     */
    public static CommandLine commandLine(InputStream stdin, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new WatcherCommand(), new Factory(stdin));
        ErrorHandler handler = new ErrorHandler();
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler(handler);
        cl.setExecutionExceptionHandler(handler);
        return cl;
    }

    /** Parses and runs {@code args}, returning the exit code; output is flushed before returning. */
    public static int execute(InputStream stdin, PrintWriter out, PrintWriter err, String... args) {
        int code = commandLine(stdin, out, err).execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** Creates commands, handing {@code stdin} to the ones that read it. */
    private static final class Factory implements CommandLine.IFactory {
        private final InputStream stdin;
        private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

        Factory(InputStream stdin) {
            this.stdin = stdin;
        }

        @Override
        public <K> K create(Class<K> cls) throws Exception {
            if (cls == ReplayCommand.class) {
                return cls.cast(new ReplayCommand(stdin));
            }
            return fallback.create(cls);
        }
    }
}
