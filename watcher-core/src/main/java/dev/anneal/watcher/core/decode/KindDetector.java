package dev.anneal.watcher.core.decode;

import dev.anneal.watcher.rules.model.RecordKind;
import java.util.List;
import java.util.Map;

/**
 * Decides the {@link RecordKind} of a plain JSON object from its keys, because townlet's payloads
 * carry no type tag. The rules, first match wins:
 * <ol>
 *   <li>{@code mode == "bc"} → {@link RecordKind#BC_STAGE}; {@code mode == "ppo"} →
 *       {@link RecordKind#PPO} (K3 stage results, both the orchestrator form carrying a full K1
 *       record and the reduced strategy/DTO form);</li>
 *   <li>a {@code results} list, a {@code bc_stage} or {@code ppo_stage} object, or both
 *       {@code bc_accuracy} and {@code bc_threshold} → {@link RecordKind#REHEARSAL} (K5, its CI
 *       variant, K5a; also K4/K6 payloads, which share the shape);</li>
 *   <li>a {@code datasets} list and a {@code failures} key → {@link RecordKind#BC_AUDIT} (K9);</li>
 *   <li>{@code loss_total}, or both {@code epoch} and {@code updates} → {@link RecordKind#PPO}
 *       (K1 in every generation, K1a watcher projections, K11 baselines copied from a record);</li>
 *   <li>{@code schema_version} and {@code tick} → rejected: world telemetry (K10) is recognised
 *       but not evaluated, and saying so beats "unrecognised";</li>
 *   <li>anything else → rejected, listing the keys that were seen.</li>
 * </ol>
 * Stage results inside a rehearsal's {@code results} use {@link #detectStage}, which only admits
 * BC and PPO stages.
 */
final class KindDetector {

    private KindDetector() {
    }

    /**
     * @throws DecodeFailure when no kind matches
     */
    static RecordKind detect(Map<String, Object> record) {
        Object mode = record.get("mode");
        if ("bc".equals(mode)) {
            return RecordKind.BC_STAGE;
        }
        if ("ppo".equals(mode)) {
            return RecordKind.PPO;
        }
        if (record.get("results") instanceof List
                || record.get("bc_stage") instanceof Map
                || record.get("ppo_stage") instanceof Map
                || (record.containsKey("bc_accuracy") && record.containsKey("bc_threshold"))) {
            return RecordKind.REHEARSAL;
        }
        if (record.get("datasets") instanceof List && record.containsKey("failures")) {
            return RecordKind.BC_AUDIT;
        }
        if (hasPpoKeys(record)) {
            return RecordKind.PPO;
        }
        if (record.containsKey("schema_version") && record.containsKey("tick")) {
            throw new DecodeFailure(Reasons.WORLD_TELEMETRY);
        }
        throw new DecodeFailure(Reasons.unrecognised(record.keySet()));
    }

    /**
     * The kind of one element of a rehearsal's {@code results}: {@code mode} decides, and a
     * mode-less element with PPO keys is a PPO stage.
     *
     * @throws DecodeFailure when the element is neither
     */
    static RecordKind detectStage(Map<String, Object> stage) {
        Object mode = stage.get("mode");
        if ("bc".equals(mode)) {
            return RecordKind.BC_STAGE;
        }
        if ("ppo".equals(mode)) {
            return RecordKind.PPO;
        }
        if (!stage.containsKey("mode") && hasPpoKeys(stage)) {
            return RecordKind.PPO;
        }
        throw new DecodeFailure(Reasons.unrecognisedStage(mode, stage.keySet()));
    }

    private static boolean hasPpoKeys(Map<String, Object> record) {
        return record.containsKey("loss_total") || (record.containsKey("epoch") && record.containsKey("updates"));
    }
}
