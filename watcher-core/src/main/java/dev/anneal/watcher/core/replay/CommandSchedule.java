package dev.anneal.watcher.core.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anneal.watcher.core.output.AuditJson;
import dev.anneal.watcher.core.output.CommandFormatException;
import dev.anneal.watcher.core.output.CommandJson;
import dev.anneal.watcher.rules.model.AuditRecord;
import dev.anneal.watcher.rules.model.OperatorCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The operator commands a replay applies, each where it was applied in the daemon: a
 * {@code replay --commands FILE}. The file is NDJSON (blank lines skipped), each line either
 *
 * <ul>
 *   <li>a command object ({@code CommandJson}) with an extra {@code "after_records": N}: apply it
 *       right after its run's N-th accepted record (for a command of every run, {@code "*"},
 *       after the N-th accepted record of the whole replay); or</li>
 *   <li>an audit record ({@code AuditJson}, as {@code watcher tail audit --json} prints them):
 *       its command is applied where its {@code run_records} says, so a recorded audit trail
 *       replays the operators of an incident. An audit record of a command of every run has
 *       {@code run_records} 0 (it belongs to no run): it applies before the first record.</li>
 * </ul>
 *
 * A command whose position is 0 applies before the replay's first record; one whose run never
 * reaches its position applies after the last record. Commands due at the same point apply in
 * file order. {@link #read} is strict: a line that is neither is an error naming its line.
 */
public final class CommandSchedule {

    /** No commands. */
    public static final CommandSchedule NONE = new CommandSchedule(List.of());

    /** The key of a command line's position. */
    public static final String AFTER_RECORDS = "after_records";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * One scheduled command.
     *
     * @param command      the command
     * @param afterRecords apply it right after this many accepted records of its run (of the replay, for {@code "*"})
     */
    public record Entry(OperatorCommand command, long afterRecords) {
        public Entry {
            Objects.requireNonNull(command, "command");
            if (afterRecords < 0) {
                throw new IllegalArgumentException("after_records must be >= 0, was " + afterRecords);
            }
        }
    }

    private final List<Entry> entries;
    private final boolean[] applied;
    /** Per run id (and {@code "*"}), the indices of its entries not applied yet, by position then file order. */
    private final Map<String, Deque<Integer>> pending = new HashMap<>();

    public CommandSchedule(List<Entry> entries) {
        this.entries = List.copyOf(entries);
        this.applied = new boolean[this.entries.size()];
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < this.entries.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingLong(i -> this.entries.get(i).afterRecords()));
        for (int i : order) {
            pending.computeIfAbsent(this.entries.get(i).command().runId(), k -> new ArrayDeque<>()).addLast(i);
        }
    }

    /**
     * Reads a commands file.
     *
     * @param sourceName the file's name, for messages ({@code NAME:LINE: ...})
     * @throws CommandFormatException naming the first bad line and what is wrong with it
     */
    public static CommandSchedule read(String sourceName, InputStream in) throws IOException, CommandFormatException {
        List<Entry> entries = new ArrayList<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        int lineNo = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            try {
                entries.add(entry(line));
            } catch (CommandFormatException e) {
                throw new CommandFormatException(sourceName + ":" + lineNo + ": " + e.getMessage());
            }
        }
        return new CommandSchedule(entries);
    }

    private static Entry entry(String line) throws CommandFormatException {
        JsonNode node;
        try {
            node = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new CommandFormatException("not JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode o)) {
            throw new CommandFormatException("a line is a command or an audit record: a JSON object");
        }
        if (o.has("schema")) {
            AuditRecord audit = AuditJson.parse(line);
            return new Entry(audit.command(), audit.runRecords());
        }
        JsonNode after = o.get(AFTER_RECORDS);
        if (after == null || !after.isIntegralNumber() || !after.canConvertToLong() || after.asLong() < 0) {
            throw new CommandFormatException(AFTER_RECORDS + " is required: the run's accepted records after which "
                    + "the command applies (a whole number >= 0)");
        }
        return new Entry(CommandJson.parse(o, Set.of(AFTER_RECORDS)), after.asLong());
    }

    public List<Entry> entries() {
        return entries;
    }

    /**
     * Takes the commands due once {@code runId} has {@code runRecords} accepted records and the
     * replay {@code totalRecords}: the run's own at or before its count, and those of every run at
     * or before the total, in file order.
     */
    List<OperatorCommand> due(String runId, long runRecords, long totalRecords) {
        if (pending.isEmpty()) {
            return List.of();
        }
        List<Integer> due = new ArrayList<>();
        takeDue(runId, runRecords, due);
        takeDue(OperatorCommand.ALL_RUNS, totalRecords, due);
        due.sort(null);
        List<OperatorCommand> out = new ArrayList<>(due.size());
        for (int i : due) {
            out.add(entries.get(i).command());
        }
        return out;
    }

    private void takeDue(String key, long records, List<Integer> into) {
        Deque<Integer> queue = pending.get(key);
        while (queue != null && !queue.isEmpty() && entries.get(queue.peekFirst()).afterRecords() <= records) {
            int i = queue.pollFirst();
            if (!applied[i]) {
                applied[i] = true;
                into.add(i);
            }
        }
        if (queue != null && queue.isEmpty()) {
            pending.remove(key);
        }
    }

    /** Takes the commands due before the first record (position 0), in file order. */
    List<OperatorCommand> atStart() {
        return take(e -> e.afterRecords() == 0);
    }

    /** Takes every command not applied yet, in file order. */
    List<OperatorCommand> rest() {
        return take(e -> true);
    }

    private List<OperatorCommand> take(Predicate<Entry> which) {
        List<OperatorCommand> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (!applied[i] && which.test(entries.get(i))) {
                applied[i] = true;
                out.add(entries.get(i).command());
            }
        }
        return out;
    }

}
