package dev.anneal.watcher.rules.engine;

import dev.anneal.watcher.rules.model.Silence;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The silences that cover every run (a {@code silence} command with {@code run_id "*"}), held by
 * whoever runs the pipeline: replay in memory, the daemon per stream task in its changelogged
 * {@code watcher-silences} store (such a command is written to every partition of the commands
 * topic, so every task gets its own copy). Also remembers the ids of the latest such commands it
 * applied, so that a retry is answered {@code duplicate}. Single-threaded; the engine reads it
 * when it marks alerts and decides recommendations.
 */
public final class TaskSilences {

    /** First byte of the stored form, and its version. */
    private static final byte MAGIC = (byte) 0xB6;
    private static final byte VERSION = 1;

    private final List<Silence> silences = new ArrayList<>();
    private final LinkedHashSet<String> commandIds = new LinkedHashSet<>();

    /** The silences, in the order they were applied. */
    public List<Silence> all() {
        return Collections.unmodifiableList(silences);
    }

    public boolean isEmpty() {
        return silences.isEmpty();
    }

    /** Whether a command with this id was applied here already. */
    public boolean applied(String commandId) {
        return commandIds.contains(commandId);
    }

    /** Adds a silence (its id is remembered as an applied command). */
    public void add(Silence silence) {
        silences.add(silence);
        remember(silence.id());
    }

    /**
     * Removes the silence with this id, remembering {@code commandId} (the unsilence command) as
     * applied; returns it, or null when there is none.
     */
    public Silence remove(String silenceId, String commandId) {
        for (Iterator<Silence> it = silences.iterator(); it.hasNext(); ) {
            Silence s = it.next();
            if (s.id().equals(silenceId)) {
                it.remove();
                remember(commandId);
                return s;
            }
        }
        return null;
    }

    private void remember(String commandId) {
        commandIds.remove(commandId);
        commandIds.add(commandId);
        Iterator<String> oldest = commandIds.iterator();
        while (commandIds.size() > RunState.MAX_COMMAND_IDS) {
            oldest.next();
            oldest.remove();
        }
    }

    /** When the earliest silence ends, or empty when there is none. */
    public OptionalLong nextExpiry() {
        return silences.stream().mapToLong(Silence::until).min();
    }

    /** Removes and returns the silences that have ended at {@code now}. */
    public List<Silence> expire(long now) {
        List<Silence> ended = new ArrayList<>();
        for (Iterator<Silence> it = silences.iterator(); it.hasNext(); ) {
            Silence s = it.next();
            if (!s.activeAt(now)) {
                ended.add(s);
                it.remove();
            }
        }
        return ended;
    }

    /**
     * The silence covering an alert of {@code rule} with {@code labels} in {@code run} at
     * {@code now}: the run's own first, then these, each in the order they were applied; null
     * when none does.
     */
    Silence covering(RunState run, String rule, Map<String, String> labels, long now) {
        for (Silence s : run.silences) {
            if (s.covers(rule, labels, now)) {
                return s;
            }
        }
        for (Silence s : silences) {
            if (s.covers(rule, labels, now)) {
                return s;
            }
        }
        return null;
    }

    /** Whether any silence may cover an alert of {@code run} (so labels are worth computing). */
    boolean mayCover(RunState run) {
        return !silences.isEmpty() || !run.silences.isEmpty();
    }

    /** The stored form. */
    public byte[] encode() {
        StateBytes.Writer w = new StateBytes.Writer();
        w.writeByte(MAGIC);
        w.writeByte(VERSION);
        w.writeVarLong(silences.size());
        for (Silence s : silences) {
            OperatorBytes.writeSilence(w, s);
        }
        w.writeVarLong(commandIds.size());
        for (String id : commandIds) {
            w.writeString(id);
        }
        return w.toByteArray();
    }

    /**
     * Reads what {@link #encode} wrote.
     *
     * @throws IllegalArgumentException when the bytes are not a stored silence list
     */
    public static TaskSilences decode(byte[] bytes) {
        if (bytes.length < 2 || bytes[0] != MAGIC || bytes[1] != VERSION) {
            throw new IllegalArgumentException("not a stored silence list of version " + VERSION);
        }
        StateBytes.Reader r = new StateBytes.Reader(bytes, 2);
        TaskSilences out = new TaskSilences();
        int n = r.readCount();
        for (int i = 0; i < n; i++) {
            out.silences.add(OperatorBytes.readSilence(r));
        }
        int ids = r.readCount();
        for (int i = 0; i < ids; i++) {
            out.commandIds.add(r.readRequiredString("command id"));
        }
        if (!r.atEnd()) {
            throw new IllegalArgumentException("stored silence list has trailing bytes after offset " + r.position());
        }
        return out;
    }
}
