package dev.anneal.watcher.core.inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One {@code --set FIELD=VALUE@RECORDS} edit: set a payload field of the selected records, the way
 * a QA drill flips {@code anneal_loss_flag} on record 3 of a recording
 * ({@code --set anneal_loss_flag=true@3}). The value is a JSON scalar ({@code true}, {@code false},
 * a number, {@code null} or a quoted {@code "string"}), so a drill can only write what a trainer
 * could have written.
 *
 * @param field   the payload key (townlet keys, including dotted ones such as {@code conflict.rivalry_max_mean_avg})
 * @param value   the JSON scalar to write
 * @param records the records to edit
 */
public record FieldEdit(String field, JsonNode value, RecordSelection records) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public FieldEdit {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(records, "records");
        if (field.isBlank()) {
            throw new IllegalArgumentException("the field name is empty");
        }
        if (value.isContainerNode()) {
            throw new IllegalArgumentException("the value must be a JSON scalar, not " + value);
        }
    }

    /**
     * Parses {@code FIELD=VALUE@RECORDS}.
     *
     * @throws IllegalArgumentException naming the argument and what is wrong with it
     */
    public static FieldEdit parse(String text) {
        Objects.requireNonNull(text, "text");
        int eq = text.indexOf('=');
        int at = text.lastIndexOf('@');
        if (eq <= 0 || at < eq) {
            throw new IllegalArgumentException("--set '" + text + "': expected FIELD=VALUE@RECORDS, such as "
                    + "anneal_loss_flag=true@3 or loss_total=2.4@5-");
        }
        String field = text.substring(0, eq).trim();
        String valueText = text.substring(eq + 1, at).trim();
        String recordsText = text.substring(at + 1).trim();
        if (field.isEmpty()) {
            throw new IllegalArgumentException("--set '" + text + "': the field name is empty");
        }
        JsonNode value;
        try {
            value = valueText.isEmpty() ? null : MAPPER.readTree(valueText);
        } catch (JsonProcessingException e) {
            value = null;
        }
        if (value == null || value.isContainerNode() || value.isMissingNode()) {
            throw new IllegalArgumentException("--set '" + text + "': value '" + valueText + "' is not a JSON scalar; "
                    + "write true, false, a number, null or a quoted \"string\"");
        }
        RecordSelection records;
        try {
            records = RecordSelection.parse(recordsText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--set '" + text + "': " + e.getMessage(), e);
        }
        return new FieldEdit(field, value, records);
    }

    /**
     * Applies the edits in order to {@code messages} (record numbers count from 1).
     *
     * @throws IllegalArgumentException when an edit names a record beyond the end or a malformed
     *                                  message that has no payload to edit
     */
    public static List<SyntheticMessage> apply(List<FieldEdit> edits, List<SyntheticMessage> messages) {
        List<SyntheticMessage> out = new ArrayList<>(messages);
        for (FieldEdit edit : edits) {
            int highest = edit.records().highestClosed();
            if (highest > out.size()) {
                throw new IllegalArgumentException("--set " + edit + ": record " + highest + " is beyond the "
                        + out.size() + " records to inject");
            }
            for (int i = 0; i < out.size(); i++) {
                if (!edit.records().contains(i + 1)) {
                    continue;
                }
                SyntheticMessage m = out.get(i);
                if (m.isRaw() || !m.data().isObject()) {
                    throw new IllegalArgumentException("--set " + edit + ": record " + (i + 1)
                            + " has no JSON object payload to edit (a deliberately malformed message or an array)");
                }
                ObjectNode data = (ObjectNode) m.data();
                data.set(edit.field(), edit.value());
                out.set(i, m.withData(data));
            }
        }
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return field + "=" + value + "@" + records;
    }
}
