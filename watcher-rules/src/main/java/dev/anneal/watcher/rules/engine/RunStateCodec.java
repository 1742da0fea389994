package dev.anneal.watcher.rules.engine;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.Evidence;
import dev.anneal.watcher.rules.model.Recommendation;
import dev.anneal.watcher.rules.model.SourcePosition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link RunState} into bytes and back, so the daemon can keep run state in a
 * changelogged state store and resume it after a crash or on another instance.
 *
 * <p>Rule state is keyed by rule id and the rule's fingerprint: after a rules reload, a rule whose
 * definition and parameters are unchanged gets its state back; a changed, new or removed rule
 * starts fresh (its old state is dropped). Promotion streaks are keyed by pack name. The latch
 * and the last recommendation always survive, because a FREEZE or ROLLBACK must hold until an
 * operator clears it, whatever the rules do.
 */
public final class RunStateCodec {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Format version written with every state; bump it when the layout changes incompatibly. */
    static final int VERSION = 1;

    record WindowDto(long[] t, double[] v) {
    }

    record RuleDto(String fp, AlertState state, String alertId, SourcePosition startedAt,
                   SourcePosition lastSource, int matchCount, long pendingSince, long lastTrueTime,
                   int falseCount, Double lastValue, Double lastThreshold, List<String> reasons,
                   List<WindowDto> windows, boolean seen, long lastSeen, boolean seenSynthetic) {
    }

    record PromotionDto(int streak, List<String> reasons) {
    }

    record RunDto(int version, String runId, Map<String, RuleDto> rules, Map<String, PromotionDto> promotion,
                  Action latched, List<Evidence> latchedEvidence, Recommendation last, String lastKey) {
    }

    private final RuleSet ruleSet;

    public RunStateCodec(RuleSet ruleSet) {
        this.ruleSet = ruleSet;
    }

    public byte[] encode(RunState run) {
        Map<String, RuleDto> rules = new LinkedHashMap<>();
        for (CompiledRule rule : ruleSet.rules()) {
            RuleState st = run.rules[rule.index()];
            List<WindowDto> windows = new ArrayList<>();
            for (WindowBuffer w : st.windows) {
                windows.add(new WindowDto(w.times(), w.values()));
            }
            rules.put(rule.id(), new RuleDto(st.fingerprint, st.state, st.alertId, st.startedAt, st.lastSource,
                    st.matchCount, st.pendingSince, st.lastTrueTime, st.falseCount, st.lastValue, st.lastThreshold,
                    st.reasons, windows, st.seen, st.lastSeen, st.seenSynthetic));
        }
        Map<String, PromotionDto> promotion = new LinkedHashMap<>();
        for (CompiledPack pack : ruleSet.packs()) {
            CompiledPromotion p = pack.promotion();
            if (p != null) {
                promotion.put(pack.name(), new PromotionDto(run.promotionStreak[p.index()],
                        run.promotionReasons[p.index()]));
            }
        }
        RunDto dto = new RunDto(VERSION, run.runId, rules, promotion, run.latched, run.latchedEvidence, run.last,
                run.lastKey);
        try {
            return MAPPER.writeValueAsBytes(dto);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the state of run " + run.runId, e);
        }
    }

    /**
     * Decodes a state written by {@link #encode} under this or an earlier rule set.
     *
     * @throws IllegalArgumentException when the bytes are not a run state of a known version
     */
    public RunState decode(byte[] bytes) {
        RunDto dto;
        try {
            dto = MAPPER.readValue(bytes, RunDto.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a watcher run state: " + e.getMessage(), e);
        }
        if (dto.version() != VERSION) {
            throw new IllegalArgumentException("run state version " + dto.version() + " is not " + VERSION);
        }
        RunState run = new RunState(dto.runId(), ruleSet);
        for (CompiledRule rule : ruleSet.rules()) {
            RuleDto r = dto.rules() == null ? null : dto.rules().get(rule.id());
            RuleState st = run.rules[rule.index()];
            if (r == null || !rule.fingerprint().equals(r.fp())) {
                continue; // new or changed rule: fresh state
            }
            st.state = r.state();
            st.alertId = r.alertId();
            st.startedAt = r.startedAt();
            st.lastSource = r.lastSource();
            st.matchCount = r.matchCount();
            st.pendingSince = r.pendingSince();
            st.lastTrueTime = r.lastTrueTime();
            st.falseCount = r.falseCount();
            st.lastValue = r.lastValue();
            st.lastThreshold = r.lastThreshold();
            st.reasons = r.reasons() == null ? List.of() : List.copyOf(r.reasons());
            st.seen = r.seen();
            st.lastSeen = r.lastSeen();
            st.seenSynthetic = r.seenSynthetic();
            if (r.windows() != null && r.windows().size() == st.windows.length) {
                for (int i = 0; i < st.windows.length; i++) {
                    WindowDto w = r.windows().get(i);
                    for (int j = 0; j < w.v().length; j++) {
                        st.windows[i].add(w.t()[j], w.v()[j]);
                    }
                }
            }
        }
        for (CompiledPack pack : ruleSet.packs()) {
            CompiledPromotion p = pack.promotion();
            PromotionDto pd = dto.promotion() == null ? null : dto.promotion().get(pack.name());
            if (p != null && pd != null) {
                run.promotionStreak[p.index()] = pd.streak();
                run.promotionReasons[p.index()] = pd.reasons() == null ? List.of() : List.copyOf(pd.reasons());
            }
        }
        run.latched = dto.latched();
        run.latchedEvidence = dto.latchedEvidence() == null ? List.of() : List.copyOf(dto.latchedEvidence());
        run.last = dto.last();
        run.lastKey = dto.lastKey();
        return run;
    }
}
