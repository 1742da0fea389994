package dev.anneal.watcher.core.output;

import dev.anneal.watcher.rules.cel.Template;
import dev.anneal.watcher.rules.engine.CompiledPack;
import dev.anneal.watcher.rules.spec.PackSpec;
import dev.anneal.watcher.rules.spec.ParameterSpec;
import dev.anneal.watcher.rules.spec.RuleSpec;
import java.util.List;

/**
 * The catalogue of rule packs as text ({@code watcher rules list}): per pack its description,
 * parameters with their defaults ({@code none} when a parameter has no default, which disables
 * the rules using it), its rules with action and severity, and which rules the default
 * parameters disable. Layout:
 *
 * <pre>
 * pack NAME
 *   DESCRIPTION
 *   parameters:
 *     NAME = DEFAULT: DESCRIPTION
 *   rules:
 *     ID [ACTION, severity]: DESCRIPTION
 *       disabled by default: REASON
 *   promotion: DESCRIPTION
 * </pre>
 */
public final class PackListText {

    private PackListText() {
    }

    /** The catalogue of {@code packs} (each compiled alone with default parameters). */
    public static String render(List<CompiledPack> packs) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < packs.size(); i++) {
            if (i > 0) {
                out.append('\n');
            }
            pack(out, packs.get(i));
        }
        return out.toString();
    }

    private static void pack(StringBuilder out, CompiledPack pack) {
        PackSpec spec = pack.spec();
        out.append("pack ").append(spec.name()).append('\n');
        String description = PackListJson.text(spec.description());
        if (!description.isEmpty()) {
            out.append("  ").append(oneLine(description)).append('\n');
        }
        if (!spec.parameters().isEmpty()) {
            out.append("  parameters:\n");
            for (ParameterSpec p : spec.parameters()) {
                out.append("    ").append(p.name()).append(" = ")
                        .append(p.defaultValue() == null ? "none" : Template.formatNumber(p.defaultValue()));
                describe(out, p.description());
            }
        }
        out.append("  rules:\n");
        for (RuleSpec r : spec.rules()) {
            out.append("    ").append(r.id()).append(" [").append(r.action().name()).append(", ")
                    .append(r.severity().id()).append(']');
            describe(out, r.description());
            String reason = pack.disabled().get(r.id());
            if (reason != null) {
                out.append("      disabled by default: ").append(reason).append('\n');
            }
        }
        spec.promotion().ifPresent(p -> {
            out.append("  promotion");
            describe(out, p.description());
            String reason = pack.disabled().get(PackListJson.PROMOTION_KEY);
            if (reason != null) {
                out.append("      disabled by default: ").append(reason).append('\n');
            }
        });
    }

    private static void describe(StringBuilder out, String description) {
        String d = PackListJson.text(description);
        if (!d.isEmpty()) {
            out.append(": ").append(oneLine(d));
        }
        out.append('\n');
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s*\\n\\s*", " ");
    }
}
