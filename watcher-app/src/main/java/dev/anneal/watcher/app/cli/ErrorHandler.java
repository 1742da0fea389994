package dev.anneal.watcher.app.cli;

import dev.anneal.watcher.core.decode.Rejection;
import dev.anneal.watcher.core.replay.StrictRejectionException;
import dev.anneal.watcher.rules.load.RuleLoadException;
import dev.anneal.watcher.rules.model.ErrorClass;
import dev.anneal.watcher.rules.load.IoMessages;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import picocli.CommandLine;

/**
 * The one place where failures become exit codes and messages on stderr. Commands throw; this
 * class classifies each failure into its {@link ErrorClass} and exits with that class's code
 * ({@link ExitCodes#of(ErrorClass)}):
 *
 * <ul>
 *   <li>a command-line parse error: bad configuration, as the more specific {@link ExitCodes#USAGE},
 *       with the message and a pointer to help;</li>
 *   <li>{@link CommandFailure}: its own code (of its own class) and message;</li>
 *   <li>{@link RuleLoadException}: bad configuration ({@link ExitCodes#CONFIG}), each problem on its
 *       own line;</li>
 *   <li>{@link StrictRejectionException}: the rejection's class, bad input ({@link ExitCodes#DATA_ERROR}),
 *       naming the record and why;</li>
 *   <li>{@link IOException} (also wrapped in {@link UncheckedIOException}): transient I/O
 *       ({@link ExitCodes#IO_ERROR});</li>
 *   <li>anything else is a bug: fatal ({@link ExitCodes#SOFTWARE}) with the stack trace.</li>
 * </ul>
 */
final class ErrorHandler implements CommandLine.IParameterExceptionHandler, CommandLine.IExecutionExceptionHandler {

    /** How much of a rejected record's text a strict failure shows. */
    static final int RAW_EXCERPT_CHARS = 200;

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("watcher: " + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return ExitCodes.USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        int code = report(ex, err);
        err.flush();
        return code;
    }

    private static int report(Exception ex, PrintWriter err) {
        if (ex instanceof CommandFailure f) {
            err.println("watcher: " + f.getMessage());
            return f.exitCode();
        }
        if (ex instanceof RuleLoadException e) {
            e.problems().forEach(err::println);
            err.println("watcher: invalid rules (" + e.problems().size()
                    + (e.problems().size() == 1 ? " problem)" : " problems)"));
            return ExitCodes.of(ErrorClass.BAD_CONFIG);
        }
        if (ex instanceof StrictRejectionException e) {
            Rejection r = e.rejection();
            err.println("watcher: --strict: rejected record at " + r.position() + ": " + r.reason());
            if (!r.raw().isBlank()) {
                err.println("  record: " + excerpt(r.raw()));
            }
            return ExitCodes.of(r.cause().errorClass());
        }
        IOException io = ex instanceof IOException e ? e
                : ex instanceof UncheckedIOException u ? u.getCause() : null;
        if (io != null) {
            err.println("watcher: I/O error: " + describe(io));
            return ExitCodes.of(ErrorClass.TRANSIENT_IO);
        }
        err.println("watcher: internal error (a bug; please report it with this trace):");
        ex.printStackTrace(err);
        return ExitCodes.of(ErrorClass.FATAL);
    }

    /** A readable message for an I/O failure (the one wording, shared with the rule loaders). */
    static String describe(IOException e) {
        return IoMessages.describe(e);
    }

    private static String excerpt(String raw) {
        String oneLine = raw.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= RAW_EXCERPT_CHARS ? oneLine : oneLine.substring(0, RAW_EXCERPT_CHARS) + "...";
    }
}
