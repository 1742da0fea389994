package dev.anneal.watcher.core.stream;

import java.util.Locale;

/**
 * A small, fixed set of rejection categories. Rejection reasons are exact sentences that name keys
 * and values from the input, so they cannot be metric labels (one bad producer could mint
 * thousands of series); the category can. It labels {@code watcher_records_rejected_total} and
 * travels in the {@value WatcherTopics#HEADER_REASON_CATEGORY} dead-letter header; the full reason
 * travels in {@value WatcherTopics#HEADER_REASON}.
 *
 * <p>The ids are public API. The mapping matches the wording of the decoder's reasons and of
 * {@code RuleSet.rejectReason}; a reason nobody mapped yet is {@link #OTHER}, never an error.
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
    /** The envelope names a run other than the record key (see {@link WatcherTopology}). */
    RUN_ID_MISMATCH,
    /** Anything else. */
    OTHER;

    /** The label value: the lower-case name, e.g. {@code invalid_json}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The category of a rejection reason. */
    public static RejectionCategory of(String reason) {
        if (reason == null || reason.isBlank() || reason.startsWith("empty ")) {
            return EMPTY;
        }
        if (reason.startsWith("invalid JSON")) {
            return INVALID_JSON;
        }
        if (reason.startsWith("non-finite number")) {
            return NON_FINITE;
        }
        if (reason.startsWith("world telemetry")) {
            return WORLD_TELEMETRY;
        }
        if (reason.startsWith("unrecognised")) {
            return UNRECOGNISED;
        }
        if (reason.startsWith("envelope run_id") && reason.contains("differs from the record key")) {
            return RUN_ID_MISMATCH;
        }
        if (reason.startsWith("envelope ") || reason.startsWith("unknown envelope keys")) {
            return BAD_ENVELOPE;
        }
        if (reason.startsWith("not a JSON object") || reason.contains(" is not a JSON object")) {
            return NOT_AN_OBJECT;
        }
        if (reason.startsWith("missing keys") || reason.contains(" lacks key")) {
            return MISSING_KEYS;
        }
        if (reason.startsWith("non-numeric value") || reason.startsWith("non-string value")
                || reason.startsWith("not a tick_health line") || reason.contains(" is not a number")
                || reason.contains(" is not a boolean") || reason.contains(" value for key ")
                || reason.contains(" values for keys ")) {
            return WRONG_TYPE;
        }
        if (reason.startsWith("line longer than") || reason.startsWith("JSON document larger than")) {
            return TOO_LARGE;
        }
        return OTHER;
    }
}
