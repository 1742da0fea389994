package dev.anneal.watcher.core.decode;

import static dev.anneal.watcher.rules.model.RejectionCategory.BAD_ENVELOPE;
import static dev.anneal.watcher.rules.model.RejectionCategory.EMPTY;
import static dev.anneal.watcher.rules.model.RejectionCategory.INVALID_JSON;
import static dev.anneal.watcher.rules.model.RejectionCategory.MISSING_KEYS;
import static dev.anneal.watcher.rules.model.RejectionCategory.NON_FINITE;
import static dev.anneal.watcher.rules.model.RejectionCategory.NOT_AN_OBJECT;
import static dev.anneal.watcher.rules.model.RejectionCategory.TOO_LARGE;
import static dev.anneal.watcher.rules.model.RejectionCategory.UNRECOGNISED;
import static dev.anneal.watcher.rules.model.RejectionCategory.WORLD_TELEMETRY;
import static dev.anneal.watcher.rules.model.RejectionCategory.WRONG_TYPE;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import dev.anneal.watcher.rules.model.FieldValues;
import dev.anneal.watcher.rules.model.RejectReason;
import dev.anneal.watcher.rules.model.RejectionCategory;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * One call of every {@link Reasons} factory and constant, each with the category it must create,
 * for the category tables of other packages' tests ({@code RejectionCategoryTest}), which cannot
 * call the package's factories themselves.
 */
public final class ReasonSamples {

    /** A reason as a factory made it, and the category the factory must give it. */
    public record Sample(String factory, RejectReason reason, RejectionCategory expected) {
        @Override
        public String toString() {
            return factory;
        }
    }

    private ReasonSamples() {
    }

    /**
     * Every factory and constant of {@link Reasons} (those with two wordings once for each), named
     * as in {@link #declared()} with the branch in parentheses.
     */
    public static List<Sample> all() {
        return List.of(
                new Sample("NOT_TICK_HEALTH", Reasons.NOT_TICK_HEALTH, WRONG_TYPE),
                new Sample("WORLD_TELEMETRY", Reasons.WORLD_TELEMETRY, WORLD_TELEMETRY),
                new Sample("EMPTY_DOCUMENT", Reasons.EMPTY_DOCUMENT, EMPTY),
                new Sample("invalidJson", Reasons.invalidJson(new JsonParseException(null, "Unexpected end-of-input")),
                        INVALID_JSON),
                new Sample("trailingContent", Reasons.trailingContent(JsonLocation.NA), INVALID_JSON),
                new Sample("notAnObject", Reasons.notAnObject(1.0), NOT_AN_OBJECT),
                new Sample("nonFinite", Reasons.nonFinite(List.of("loss_total")), NON_FINITE),
                new Sample("unrecognised", Reasons.unrecognised(Set.of("a")), UNRECOGNISED),
                new Sample("unrecognisedStage", Reasons.unrecognisedStage("dagger", Set.of("mode")), UNRECOGNISED),
                new Sample("stageNotAnObject", Reasons.stageNotAnObject(1, 1.0), NOT_AN_OBJECT),
                new Sample("unknownEnvelopeKeys", Reasons.unknownEnvelopeKeys(Set.of("extra")), BAD_ENVELOPE),
                new Sample("envelopeKind", Reasons.envelopeKind("nope"), BAD_ENVELOPE),
                new Sample("envelopeTs", Reasons.envelopeTs("yesterday"), BAD_ENVELOPE),
                new Sample("envelopeRunId", Reasons.envelopeRunId(5.0), BAD_ENVELOPE),
                new Sample("envelopeSynthetic", Reasons.envelopeSynthetic("yes"), BAD_ENVELOPE),
                new Sample("envelopeData", Reasons.envelopeData("x"), BAD_ENVELOPE),
                new Sample("runEndData (a key other than reason)", Reasons.runEndData(Set.of("status"), null),
                        BAD_ENVELOPE),
                new Sample("runEndData (a reason that is not text)", Reasons.runEndData(Set.of("reason"), 1.0),
                        WRONG_TYPE),
                new Sample("lacksKeys", Reasons.lacksKeys("health record", Set.of("queue")), MISSING_KEYS),
                new Sample("notANumber", Reasons.notANumber("health record", "tick", "1"), WRONG_TYPE),
                new Sample("notABoolean", Reasons.notABoolean("simple rehearsal summary", "bc_passed", "yes"),
                        WRONG_TYPE),
                new Sample("isNull", Reasons.isNull("health record", List.of("queue"), "null"), WRONG_TYPE),
                new Sample("healthNotANumber", Reasons.healthNotANumber("tick", "x"), WRONG_TYPE),
                new Sample("lineTooLong", Reasons.lineTooLong(64), TOO_LARGE),
                new Sample("documentTooLarge", Reasons.documentTooLarge(1024), TOO_LARGE),
                new Sample("nonFinite (nested)", Reasons.nonFinite(List.of("extra", "deep", 1)), NON_FINITE),
                new Sample("unrecognisedStage (no mode)", Reasons.unrecognisedStage(FieldValues.NULL, Set.of("cycle")),
                        UNRECOGNISED),
                new Sample("isNull (several)", Reasons.isNull("tick_health", List.of("queue", "dropped"), "None"),
                        WRONG_TYPE));
    }

    /** The names of the factories and constants {@link Reasons} declares: what {@link #all()} must cover. */
    public static Set<String> declared() {
        Set<String> names = new TreeSet<>();
        Stream.of(Reasons.class.getDeclaredMethods())
                .filter(m -> Modifier.isStatic(m.getModifiers()) && m.getReturnType() == RejectReason.class)
                .forEach(m -> names.add(m.getName()));
        Stream.of(Reasons.class.getDeclaredFields())
                .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == RejectReason.class)
                .forEach(f -> names.add(f.getName()));
        return names;
    }
}
