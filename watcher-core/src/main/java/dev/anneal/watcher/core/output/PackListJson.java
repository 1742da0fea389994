package dev.anneal.watcher.core.output;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.anneal.watcher.rules.engine.CompiledPack;
import dev.anneal.watcher.rules.spec.PackSpec;
import dev.anneal.watcher.rules.spec.ParameterSpec;
import dev.anneal.watcher.rules.spec.PromotionSpec;
import dev.anneal.watcher.rules.spec.RuleSpec;
import java.io.IOException;
import java.util.List;

/**
 * The catalogue of rule packs as pretty JSON ({@code watcher rules list --json}). Each pack is
 * given compiled with its default parameters, so the listing can say which rules those defaults
 * leave disabled. Layout (fixed order, public API):
 *
 * <pre>
 * {"packs": [{name, description,
 *             parameters [{name, default (number or null for none), description}],
 *             rules [{id, action, severity, description, disabled_by_default, disabled_reason}],
 *             promotion {description, disabled_by_default, disabled_reason} or null}]}
 * </pre>
 */
public final class PackListJson {

    /** The key under which {@link CompiledPack#disabled()} reports a disabled promotion condition. */
    static final String PROMOTION_KEY = "promotion";

    private PackListJson() {
    }

    /** The catalogue of {@code packs} (each compiled alone with default parameters). */
    public static String toJson(List<CompiledPack> packs) {
        return Json.pretty(g -> write(g, packs));
    }

    private static void write(JsonGenerator g, List<CompiledPack> packs) throws IOException {
        g.writeStartObject();
        g.writeArrayFieldStart("packs");
        for (CompiledPack pack : packs) {
            PackSpec spec = pack.spec();
            g.writeStartObject();
            g.writeStringField("name", spec.name());
            g.writeStringField("description", text(spec.description()));
            g.writeArrayFieldStart("parameters");
            for (ParameterSpec p : spec.parameters()) {
                g.writeStartObject();
                g.writeStringField("name", p.name());
                Json.number(g, "default", p.defaultValue());
                g.writeStringField("description", text(p.description()));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("rules");
            for (RuleSpec r : spec.rules()) {
                g.writeStartObject();
                g.writeStringField("id", r.id());
                g.writeStringField("action", r.action().name());
                g.writeStringField("severity", r.severity().id());
                g.writeStringField("description", text(r.description()));
                disabled(g, pack.disabled().get(r.id()));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeFieldName("promotion");
            if (spec.promotion().isEmpty()) {
                g.writeNull();
            } else {
                PromotionSpec p = spec.promotion().get();
                g.writeStartObject();
                g.writeStringField("description", text(p.description()));
                disabled(g, pack.disabled().get(PROMOTION_KEY));
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void disabled(JsonGenerator g, String reason) throws IOException {
        g.writeBooleanField("disabled_by_default", reason != null);
        g.writeFieldName("disabled_reason");
        if (reason == null) {
            g.writeNull();
        } else {
            g.writeString(reason);
        }
    }

    static String text(String s) {
        return s == null ? "" : s.strip();
    }
}
