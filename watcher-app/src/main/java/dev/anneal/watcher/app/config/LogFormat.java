package dev.anneal.watcher.app.config;

/** How {@code watcher run} writes its log: readable lines, or one JSON object per line. */
public enum LogFormat {
    /** Readable console lines (the default). */
    TEXT,
    /** One JSON object per line, written by Logback's own {@code JsonEncoder}. */
    JSON
}
