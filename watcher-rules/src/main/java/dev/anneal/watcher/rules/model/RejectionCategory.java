package dev.anneal.watcher.rules.model;

import java.util.Locale;

/**
 * A small, fixed set of rejection categories. Rejection reasons are exact sentences that name keys
 * and values from the input, so they cannot be metric labels (one bad producer could mint
 * thousands of series); the category can. It labels {@code watcher_records_rejected_total} and
 * travels in the {@code watcher.reason.category} dead-letter header; the full reason travels in
 * {@code watcher.reason}.
 *
 * <p>The ids are public API. Each {@link RejectReason} is created with its category by whoever
 * rejects (the decoder, {@code RuleSet.rejectReason}, the daemon); every category is of the error
 * class {@link ErrorClass#BAD_INPUT}.
 */
public enum RejectionCategory {
    /** The message is empty, blank or a tombstone: there is nothing to decode. */
    EMPTY,
    /** Not parseable JSON (including trailing content after the value). */
    INVALID_JSON,
    /** JSON, but not an object (or an array element, or a rehearsal stage, that is not an object). */
    NOT_AN_OBJECT,
    /** A NaN or Infinity number. */
    NON_FINITE,
    /** An object of no known kind (or a stage of no known mode). */
    UNRECOGNISED,
    /** World telemetry (K10), which the watcher does not evaluate. */
    WORLD_TELEMETRY,
    /** A malformed envelope: unknown keys, bad kind, ts, run_id, synthetic or data. */
    BAD_ENVELOPE,
    /** A key the record's kind or the rule packs require is missing. */
    MISSING_KEYS,
    /** A value of the wrong type (a string where a number is required, a null, a bad tick_health value). */
    WRONG_TYPE,
    /** A line or document over the size limit. */
    TOO_LARGE,
    /** The envelope names a run other than the record key (the daemon keys runs by record key). */
    RUN_ID_MISMATCH,
    /**
     * A message on the operator commands topic that is not a valid command (bad JSON, a missing or
     * mistyped field, an unknown type) or whose key is not its run id.
     */
    BAD_COMMAND,
    /**
     * Anything else. No reason the watcher creates today has it; the id stays valid (it is public
     * API) for a reason that fits none of the others.
     */
    OTHER;

    /** The label value: the lower-case name, e.g. {@code invalid_json}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The error class of a rejection: always {@link ErrorClass#BAD_INPUT}, because a record is
     * rejected for what it holds, never for how the watcher is configured or running.
     */
    public ErrorClass errorClass() {
        return ErrorClass.BAD_INPUT;
    }
}
