package dev.anneal.watcher.core.decode;

import dev.anneal.watcher.rules.model.FieldValues;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the fields of the record kinds that are more than their payload: BC stages (which get
 * uniform {@code bc_*} keys) and rehearsal summaries (which become a set of facts).
 *
 * <p>Rehearsal fields are <em>facts, not decisions</em>: they restate what the payload says,
 * normalised the way promotion_evaluate.py reads it (absent {@code passed} counts as passed,
 * absent or null flags as false, Python truthiness elsewhere), and leave PASS/HOLD/FAIL and
 * PROMOTE/HOLD to the rules. Every documented key is always present, {@link FieldValues#NULL}
 * standing for "absent", so that rule conditions never fail on a missing key.
 */
final class RecordFields {

    /** Values of the rehearsal {@code form} field; rule files match on them, so they must not change. */
    static final String FORM_FULL = "full";
    static final String FORM_CI = "ci";
    static final String FORM_SIMPLE = "simple";

    private static final String SIMPLE = "simple rehearsal summary";

    private RecordFields() {
    }

    /** Adds {@code bc_accuracy}, {@code bc_threshold} and {@code bc_passed} to a BC stage's fields. */
    static Map<String, Object> bcStage(Map<String, Object> stage) {
        stage.putIfAbsent("bc_accuracy", numberOrNull(stage.get("accuracy")));
        stage.putIfAbsent("bc_threshold", numberOrNull(stage.get("threshold")));
        stage.putIfAbsent("bc_passed", passed(stage));
        return stage;
    }

    /** Whether a rehearsal payload is the full, CI or simple form. */
    static String form(Map<String, Object> payload) {
        if (!(payload.get("results") instanceof List)) {
            return FORM_SIMPLE;
        }
        return payload.containsKey("bc_stage") || payload.containsKey("ppo_stage") ? FORM_CI : FORM_FULL;
    }

    /**
     * The facts of one rehearsal payload.
     *
     * @param stages the payload's {@code results} elements, all objects (empty for the simple form)
     * @param reader the reader that parsed the payload, for the literal text of integer cycles
     * @throws DecodeFailure when a simple payload lacks what promotion_evaluate.py requires
     */
    static Map<String, Object> rehearsal(Map<String, Object> payload, String form,
            List<Map<String, Object>> stages, JsonValueReader reader) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("form", form);
        Object status = payload.get("status");
        facts.put("status_field", status instanceof String s && !s.isEmpty() ? s.toLowerCase(Locale.ROOT) : FieldValues.NULL);
        facts.put("payload_decision", payload.get("decision") instanceof String s ? s : FieldValues.NULL);
        facts.put("payload_candidate_ready", booleanOrNull(payload.get("candidate_ready")));

        Object promotion = payload.get("promotion");
        Map<?, ?> block = promotion instanceof Map<?, ?> m ? m : Map.of();
        facts.put("promotion_candidate_ready", block.get("candidate_ready") instanceof Boolean b ? b : Boolean.FALSE);
        facts.put("pass_streak", presentOrNull(block.get("pass_streak")));
        facts.put("required_passes", presentOrNull(block.get("required_passes")));

        List<Object> stageFacts = new ArrayList<>(stages.size());
        for (Map<String, Object> stage : stages) {
            stageFacts.add(stage(stage, reader));
        }
        Map<?, ?> last = stageFacts.isEmpty() ? Map.of() : (Map<?, ?>) stageFacts.get(stageFacts.size() - 1);
        facts.put("loss_flag", flag(payload.get("loss_flag"), last.get("loss_flag")));
        facts.put("queue_flag", flag(payload.get("queue_flag"), last.get("queue_flag")));
        facts.put("intensity_flag", flag(payload.get("intensity_flag"), last.get("intensity_flag")));
        facts.put("stages", Collections.unmodifiableList(stageFacts));
        facts.put("dataset", presentOrNull(payload.get("dataset")));

        if (FORM_SIMPLE.equals(form)) {
            simpleFacts(payload, facts, reader);
        }
        return facts;
    }

    private static void simpleFacts(Map<String, Object> payload, Map<String, Object> facts, JsonValueReader reader) {
        List<String> missing = new ArrayList<>();
        for (String key : List.of("bc_accuracy", "bc_threshold")) {
            if (!payload.containsKey(key)) {
                missing.add(key);
            }
        }
        if (!missing.isEmpty()) {
            throw new DecodeFailure(Reasons.lacksKeys(SIMPLE, missing));
        }
        double accuracy = requireNumber(payload, "bc_accuracy");
        double threshold = requireNumber(payload, "bc_threshold");
        Object passedValue = payload.get("bc_passed");
        Boolean passed;
        if (FieldValues.isMissing(passedValue)) {
            passed = accuracy >= threshold;
        } else if (passedValue instanceof Boolean b) {
            passed = b;
        } else {
            throw new DecodeFailure(Reasons.notABoolean(SIMPLE, "bc_passed", passedValue));
        }
        facts.put("bc_accuracy", accuracy);
        facts.put("bc_threshold", threshold);
        facts.put("bc_passed", passed);
        facts.put("candidate_ready_field", booleanOrNull(payload.get("candidate_ready")));
        facts.put("ppo_loss_total", presentOrNull(payload.get("ppo_loss_total")));
        facts.put("cycle", numberOrNull(payload.get("cycle")));
        facts.put("cycle_label", PythonRepr.str(payload.get("cycle"), reader.integerCycleText(payload)));
    }

    private static Map<String, Object> stage(Map<String, Object> stage, JsonValueReader reader) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("mode", stage.get("mode") instanceof String s ? s : FieldValues.NULL);
        facts.put("cycle", numberOrNull(stage.get("cycle")));
        facts.put("cycle_label", PythonRepr.str(stage.get("cycle"), reader.integerCycleText(stage)));
        facts.put("passed", passed(stage));
        facts.put("accuracy", numberOrNull(stage.get("accuracy")));
        facts.put("threshold", numberOrNull(stage.get("threshold")));
        facts.put("loss_flag", truthy(stage.get("anneal_loss_flag")));
        facts.put("queue_flag", truthy(stage.get("anneal_queue_flag")));
        facts.put("intensity_flag", truthy(stage.get("anneal_intensity_flag")));
        facts.put("loss_total", numberOrNull(stage.get("loss_total")));
        return facts;
    }

    /** {@code stage.get("passed", True)} read as a bool, as townlet's status derivation does. */
    private static Boolean passed(Map<String, Object> stage) {
        return stage.containsKey("passed") ? truthy(stage.get("passed")) : Boolean.TRUE;
    }

    private static Boolean flag(Object payloadValue, Object lastStageValue) {
        if (payloadValue instanceof Boolean b) {
            return b;
        }
        return lastStageValue instanceof Boolean b ? b : Boolean.FALSE;
    }

    private static double requireNumber(Map<String, Object> payload, String key) {
        Object value = payload.get(key);
        if (!(value instanceof Double d)) {
            throw new DecodeFailure(Reasons.notANumber(SIMPLE, key, value));
        }
        return d;
    }

    /** Python truthiness of a decoded JSON value; absent and null are false. */
    static boolean truthy(Object value) {
        if (FieldValues.isMissing(value)) {
            return false;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Double d) {
            return d != 0.0;
        }
        if (value instanceof String s) {
            return !s.isEmpty();
        }
        if (value instanceof List<?> l) {
            return !l.isEmpty();
        }
        if (value instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        return true;
    }

    private static Object numberOrNull(Object value) {
        return value instanceof Double ? value : FieldValues.NULL;
    }

    private static Object booleanOrNull(Object value) {
        return value instanceof Boolean ? value : FieldValues.NULL;
    }

    private static Object presentOrNull(Object value) {
        return value == null ? FieldValues.NULL : value;
    }
}
