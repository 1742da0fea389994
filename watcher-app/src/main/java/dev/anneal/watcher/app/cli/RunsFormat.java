package dev.anneal.watcher.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The text {@code watcher runs} and {@code watcher runs show} print for people, from the JSON of
 * {@code /api/runs} and {@code /api/runs/{id}}. A field the API does not send (an older daemon)
 * shows as {@code -}, so the table never fails on a missing column.
 */
final class RunsFormat {

    private static final String NONE = "-";

    private RunsFormat() {
    }

    /** One line per run: RUN, STATUS, ACTION, LATCHED, OPEN ALERTS, ACKS, SILENCES, LAST RECORD. */
    static void table(JsonNode body, PrintWriter out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"RUN", "STATUS", "ACTION", "LATCHED", "OPEN ALERTS", "ACKS", "SILENCES", "LAST RECORD"});
        for (JsonNode r : body.path("runs")) {
            rows.add(new String[] {text(r, "run_id"), text(r, "status"), text(r, "action"),
                r.path("latched").asBoolean(false) ? "yes" : "no", count(r, "active_alerts"), count(r, "acks"),
                count(r, "silences"), text(r, "last_record_at")});
        }
        print(rows, out);
        int n = rows.size() - 1;
        out.printf(Locale.ROOT, "%d run%s; rule set %s%n", n, n == 1 ? "" : "s", text(body, "rule_set"));
    }

    /** One run: the summary, then a section per list the API sent. */
    static void detail(JsonNode run, PrintWriter out) {
        out.printf(Locale.ROOT, "run %s  status %s  last record %s  records %s%n", text(run, "run_id"),
                text(run, "status"), text(run, "last_record_at"), text(run, "records"));
        JsonNode rec = run.path("recommendation");
        if (rec.isObject()) {
            StringBuilder b = new StringBuilder("recommendation ").append(text(rec, "action"));
            if (rec.path("latched").asBoolean(false)) {
                b.append(" (latched)");
            }
            out.println(b);
            rec.path("reasons").forEach(r -> out.println("  " + r.asText()));
        } else {
            out.println("recommendation none yet");
        }
        out.println("latched " + text(run, "latched"));
        section(out, "open alerts", run.path("active_alerts"), List.of("rule", "state", "severity", "action", "value",
                "threshold", "started_at"));
        section(out, "evidence", run.path("evidence"), List.of("rule", "action", "value", "threshold", "source"));
        section(out, "acks", run.path("acks"), List.of());
        section(out, "silences", run.path("silences"), List.of());
        JsonNode audit = run.path("audit");
        if (audit.isArray()) {
            out.println("audit trail (" + audit.size() + ")");
            for (JsonNode a : audit) {
                out.printf(Locale.ROOT, "  %s  %-9s %-9s by %s: \"%s\" -> %s%n", text(a, "applied_at"),
                        text(a, "outcome"), text(a, "type"), text(a, "actor"), text(a, "reason"), text(a, "detail"));
            }
        }
    }

    /** A list of objects, one line each: the named fields first, in order, then the others as k=v. */
    private static void section(PrintWriter out, String title, JsonNode items, List<String> fields) {
        if (!items.isArray()) {
            return;
        }
        out.println(title + " (" + items.size() + ")");
        for (JsonNode item : items) {
            List<String> parts = new ArrayList<>();
            for (String f : fields) {
                parts.add(text(item, f));
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = item.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!fields.contains(e.getKey())) {
                    parts.add(e.getKey() + "=" + (e.getValue().isTextual() ? e.getValue().asText() : e.getValue()));
                }
            }
            out.println("  " + String.join("  ", parts));
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || v.isMissingNode()) {
            return NONE;
        }
        return v.isValueNode() ? v.asText() : v.toString();
    }

    /** A count: the number itself, or the size of a list. */
    private static String count(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return NONE;
        }
        return v.isArray() ? Integer.toString(v.size()) : v.asText();
    }

    private static void print(List<String[]> rows, PrintWriter out) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                b.append(row[i]);
                if (i < row.length - 1) {
                    b.append(" ".repeat(widths[i] - row[i].length() + 2));
                }
            }
            out.println(b);
        }
    }
}
