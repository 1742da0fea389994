package dev.anneal.watcher.app.cli;

import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.ErrorClass;

/**
 * Every exit code {@code watcher} returns. Public API: CI jobs and scripts branch on these, so a
 * code is never renamed or reused for another meaning.
 *
 * <p>0 to 3 are decisions, returned only by {@code replay --exit-on-failure} (without that flag a
 * completed replay exits 0 whatever it decided); one per rung of the {@link Action} ladder
 * ({@link #forDecision}: the rules engine knows nothing of exit codes). 64 and up are
 * failures, taken from BSD {@code sysexits.h}, and each belongs to one {@link ErrorClass}
 * ({@link #errorClass(int)}): 65 and 66 are bad input, 64 (usage) and 78 bad configuration, 69, 74
 * and 75 transient I/O, 70 fatal. Where a failure is known only by its class, its code is the
 * class's own ({@link #of(ErrorClass)}); the other codes name a more specific failure of the class.
 */
public final class ExitCodes {

    /** Success; with {@code --exit-on-failure}, the decision was PASS or PROMOTE. */
    public static final int OK = 0;

    /** With {@code --exit-on-failure}: the decision was HOLD. */
    public static final int HOLD = 1;

    /** With {@code --exit-on-failure}: the decision was FREEZE. */
    public static final int FREEZE = 2;

    /** With {@code --exit-on-failure}: the decision was ROLLBACK. */
    public static final int ROLLBACK = 3;

    /** Bad usage: unknown option, missing or malformed argument (EX_USAGE). */
    public static final int USAGE = 64;

    /** Bad input data: under {@code --strict}, a record was rejected (EX_DATAERR). */
    public static final int DATA_ERROR = 65;

    /** An input file does not exist or cannot be opened (EX_NOINPUT). */
    public static final int NO_INPUT = 66;

    /**
     * A service is unavailable: {@code watcher run} could not reach the Kafka brokers within
     * {@code kafka.startup_timeout}, or its embedded broker did not start (EX_UNAVAILABLE).
     */
    public static final int UNAVAILABLE = 69;

    /**
     * Internal error: a bug in the watcher; the stack trace is printed (EX_SOFTWARE). {@code bin/watcher}
     * also exits with it when rebuilding the jar fails.
     */
    public static final int SOFTWARE = 70;

    /** Reading an input or writing an output failed part way (EX_IOERR). */
    public static final int IO_ERROR = 74;

    /**
     * Temporary failure: {@code tail --max N --timeout D} saw fewer than N records in time, or
     * {@code demo} did not see the expected recommendations in time (EX_TEMPFAIL).
     */
    public static final int TEMPFAIL = 75;

    /** Bad configuration: invalid rule file, unknown pack, bad {@code --param} (EX_CONFIG). */
    public static final int CONFIG = 78;

    private ExitCodes() {
    }

    /**
     * The code of a failure of {@code errorClass} when nothing more specific is known: 65 bad input,
     * 78 bad configuration, 74 transient I/O, 70 fatal.
     */
    public static int of(ErrorClass errorClass) {
        return switch (errorClass) {
            case BAD_INPUT -> DATA_ERROR;
            case BAD_CONFIG -> CONFIG;
            case TRANSIENT_IO -> IO_ERROR;
            case FATAL -> SOFTWARE;
        };
    }

    /**
     * The error class of a failure code.
     *
     * @throws IllegalArgumentException when {@code code} is not one of the failure codes above
     *                                  (a decision code, or no code of the watcher's)
     */
    public static ErrorClass errorClass(int code) {
        return switch (code) {
            case DATA_ERROR, NO_INPUT -> ErrorClass.BAD_INPUT;
            case USAGE, CONFIG -> ErrorClass.BAD_CONFIG;
            case UNAVAILABLE, IO_ERROR, TEMPFAIL -> ErrorClass.TRANSIENT_IO;
            case SOFTWARE -> ErrorClass.FATAL;
            default -> throw new IllegalArgumentException(code + " is not a failure exit code of watcher");
        };
    }

    /**
     * The code {@code replay --exit-on-failure} returns for a decision: the table from the action
     * ladder to exit codes. A switch over every action, so a new action does not compile until it
     * has its code here.
     */
    public static int forDecision(Action decision) {
        return switch (decision) {
            case PROMOTE, PASS -> OK;
            case HOLD -> HOLD;
            case FREEZE -> FREEZE;
            case ROLLBACK -> ROLLBACK;
        };
    }
}
