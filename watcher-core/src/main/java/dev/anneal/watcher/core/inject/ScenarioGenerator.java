package dev.anneal.watcher.core.inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anneal.watcher.core.generate.PpoStreamGenerator;
import dev.anneal.watcher.core.generate.PpoStreamGenerator.Drift;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds a {@link Scenario}'s messages. The PPO epoch records come from the telemetry generator
 * {@link PpoStreamGenerator} (the full townlet v1.2 key set, values drawn around the recorded
 * baselines, the trainer's own anneal baselines and flags), with the drift forced for the
 * scenario; rehearsal summaries follow the shape of {@code summary_idle_v1_rehearsal.json}.
 * Pure and deterministic: the same scenario, run id, count and seed give the same messages.
 */
public final class ScenarioGenerator {

    /** PPO records per scenario unless {@code --count} says otherwise. */
    public static final int DEFAULT_COUNT = 12;
    /** The fewest PPO records a drifting scenario needs to drift within (the generator drifts in the second quarter). */
    public static final int MIN_COUNT = 8;
    /** How far the telemetry-stall records are backdated: anneal-gates' stale_after (600 s) plus a minute. */
    public static final long STALL_BACKDATE_MILLIS = 660_000L;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final long seed;

    public ScenarioGenerator(long seed) {
        this.seed = seed;
    }

    /** A generator with the telemetry generator's default seed. */
    public ScenarioGenerator() {
        this(PpoStreamGenerator.DEFAULT_SEED);
    }

    /**
     * The messages of {@code scenario} for run {@code runId} with {@code count} PPO records.
     *
     * @throws IllegalArgumentException when {@code count} is below {@link #MIN_COUNT}
     */
    public List<SyntheticMessage> generate(Scenario scenario, String runId, int count) {
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(runId, "runId");
        if (count < MIN_COUNT || count > 100_000) {
            throw new IllegalArgumentException("--count must be between " + MIN_COUNT + " and 100000 PPO records, was "
                    + count);
        }
        List<SyntheticMessage> out = new ArrayList<>();
        switch (scenario) {
            case HEALTHY -> {
                List<SyntheticMessage> ppo = ppo(runId, count, Drift.NONE);
                out.addAll(ppo);
                JsonNode last = ppo.get(ppo.size() - 1).data();
                out.add(rehearsal(runId, last, 0.96, count * PpoStreamGenerator.SPACING_MILLIS));
                out.add(rehearsal(runId, last, 0.97, (count + 1) * PpoStreamGenerator.SPACING_MILLIS));
            }
            case LOSS_FLAG_FLIP -> {
                List<SyntheticMessage> ppo = ppo(runId, count, Drift.NONE);
                out.addAll(FieldEdit.apply(List.of(FieldEdit.parse("anneal_loss_flag=true@" + count)), ppo));
            }
            case LOSS_DRIFT -> out.addAll(ppo(runId, count, Drift.LOSS_RAMP));
            case BC_DIP -> {
                List<SyntheticMessage> ppo = ppo(runId, count, Drift.NONE);
                out.addAll(ppo);
                out.add(rehearsal(runId, ppo.get(ppo.size() - 1).data(), 0.82,
                        count * PpoStreamGenerator.SPACING_MILLIS));
            }
            case KL_GRAD_SPIKE -> out.addAll(ppo(runId, count, Drift.KL_GRAD_SPIKE));
            case QUEUE_COLLAPSE -> out.addAll(ppo(runId, count, Drift.FLAG_FLIP));
            case TELEMETRY_STALL -> {
                for (SyntheticMessage m : ppo(runId, count, Drift.NONE)) {
                    out.add(m.backdated(STALL_BACKDATE_MILLIS));
                }
            }
            case MALFORMED -> {
                out.addAll(ppo(runId, 3, Drift.NONE));
                out.addAll(malformed(runId, ppo(runId, 5, Drift.NONE).get(4).data()));
            }
        }
        return List.copyOf(out);
    }

    /** {@code count} PPO epoch records of one run from the telemetry generator, as payloads. */
    private List<SyntheticMessage> ppo(String runId, int count, Drift drift) {
        PpoStreamGenerator gen = new PpoStreamGenerator(new PpoStreamGenerator.Config(count, 1, seed), drift);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            gen.writeTo(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<SyntheticMessage> out = new ArrayList<>();
        long offset = 0;
        for (String line : bytes.toString(StandardCharsets.US_ASCII).split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            out.add(SyntheticMessage.payload(runId, "ppo", parse(line).get("data"), offset));
            offset += PpoStreamGenerator.SPACING_MILLIS;
        }
        return out;
    }

    /**
     * A rehearsal summary in the shape townlet writes ({@code summary_idle_v1_rehearsal.json}): the
     * BC stage, the PPO stage (the run's last anneal stage), both again under {@code results}, and
     * the status the trainer derives. The trainer's BC threshold is 0.8 (as recorded), so a BC
     * accuracy of 0.82 still "passes" by townlet's own check; anneal-gates' floor is 0.85.
     */
    private static SyntheticMessage rehearsal(String runId, JsonNode lastPpo, double bcAccuracy, long offset) {
        ObjectNode bc = MAPPER.createObjectNode();
        bc.put("cycle", 0.0);
        bc.put("mode", "bc");
        bc.put("accuracy", bcAccuracy);
        bc.put("loss", 0.0);
        bc.put("threshold", 0.8);
        bc.put("passed", bcAccuracy >= 0.8);
        bc.put("bc_weight", 1.0);
        ObjectNode ppo = MAPPER.createObjectNode();
        ppo.put("cycle", 1.0);
        ppo.put("mode", "ppo");
        ppo.setAll((ObjectNode) lastPpo.deepCopy());
        boolean lossFlag = ppo.path("anneal_loss_flag").asBoolean(false);
        boolean queueFlag = ppo.path("anneal_queue_flag").asBoolean(false);
        boolean intensityFlag = ppo.path("anneal_intensity_flag").asBoolean(false);
        ObjectNode summary = MAPPER.createObjectNode();
        summary.set("bc", bc);
        summary.set("ppo", ppo);
        ArrayNode results = summary.putArray("results");
        results.add(bc.deepCopy());
        results.add(ppo.deepCopy());
        boolean flagged = lossFlag || queueFlag || intensityFlag;
        summary.put("status", !bc.get("passed").asBoolean() ? "FAIL" : flagged ? "HOLD" : "PASS");
        summary.put("bc_passed", bc.get("passed").asBoolean());
        summary.put("loss_flag", lossFlag);
        summary.put("queue_flag", queueFlag);
        summary.put("intensity_flag", intensityFlag);
        return SyntheticMessage.payload(runId, "rehearsal", summary, offset);
    }

    /** Six messages the daemon must dead-letter, one per kind of damage. */
    private static List<SyntheticMessage> malformed(String runId, JsonNode healthy) {
        List<SyntheticMessage> out = new ArrayList<>();
        String run = MAPPER.getNodeFactory().textNode(runId).toString();
        // 1. truncated JSON: the producer died mid-write
        String whole = SyntheticMessage.payload(runId, "ppo", healthy, -1).render(0);
        out.add(SyntheticMessage.raw(runId, whole.substring(0, whole.length() / 2)));
        // 2. an envelope key the watcher does not know (a typo of "synthetic" would be the same)
        out.add(SyntheticMessage.raw(runId, "{\"run_id\":" + run + ",\"kind\":\"ppo\",\"synthetic\":true,"
                + "\"source\":\"qa\",\"data\":" + healthy + "}"));
        // 3. a kind the watcher does not know
        out.add(SyntheticMessage.raw(runId, "{\"run_id\":" + run + ",\"kind\":\"ppo_v9\",\"synthetic\":true,"
                + "\"data\":" + healthy + "}"));
        // 4. a PPO record without loss_total, which anneal-gates requires
        ObjectNode noLoss = (ObjectNode) healthy.deepCopy();
        noLoss.remove("loss_total");
        out.add(SyntheticMessage.payload(runId, "ppo", noLoss, -1));
        // 5. a non-numeric grad_norm
        ObjectNode textGrad = (ObjectNode) healthy.deepCopy();
        textGrad.put("grad_norm", "high");
        out.add(SyntheticMessage.payload(runId, "ppo", textGrad, -1));
        // 6. an empty message
        out.add(SyntheticMessage.raw(runId, ""));
        return out;
    }

    private static JsonNode parse(String line) {
        try {
            return MAPPER.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException("the PPO generator wrote a line that is not JSON: " + line, e);
        }
    }
}
