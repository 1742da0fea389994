package dev.anneal.watcher.rules.model;

import java.util.Locale;

/** What became of an operator command. The lower-case ids are public API (audit records). */
public enum CommandOutcome {
    /** It took effect. */
    APPLIED,
    /** It could not take effect; the audit record's detail says why. */
    REFUSED,
    /** Its command id was already applied: a retry, answered without doing anything. */
    DUPLICATE;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
