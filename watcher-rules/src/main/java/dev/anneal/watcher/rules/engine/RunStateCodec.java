package dev.anneal.watcher.rules.engine;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.Evidence;
import dev.anneal.watcher.rules.model.Recommendation;
import dev.anneal.watcher.rules.model.SourcePosition;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link RunState} into bytes and back, so the daemon can keep run state in a
 * changelogged state store and resume it after a crash or on another instance.
 *
 * <p>States are written in a compact binary form ({@link BinaryRunStateFormat}, version 3;
 * version 2, written before runs had a life and operators a trail, is still read), which the
 * daemon pays for on every record. States written by earlier versions as JSON (version 1,
 * first byte '{') are still read, so a daemon upgraded in place resumes from its existing store
 * and changelog; each is rewritten in binary at the run's next record.
 *
 * <p>Rule state is keyed by rule id and the rule's fingerprint: after a rules reload, a rule whose
 * definition and parameters are unchanged gets its state back; a changed, new or removed rule
 * starts fresh (its old state is dropped; a pending or firing alert of it is kept aside, unencoded,
 * for {@link RetiredRules#settle} to close). Promotion streaks are keyed by pack name. The latch
 * and the last recommendation always survive, because a FREEZE or ROLLBACK must hold until an
 * operator clears it, whatever the rules do.
 */
public final class RunStateCodec {

    /** Reads the JSON form; unknown properties are ignored, as they always were. */
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Version of the JSON form, which is only read now. */
    static final int JSON_VERSION = 1;

    // The JSON form (version 1), read only.

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
    private final BinaryRunStateFormat binary;

    public RunStateCodec(RuleSet ruleSet) {
        this.ruleSet = ruleSet;
        this.binary = new BinaryRunStateFormat(ruleSet);
    }

    /** The state in the binary form (version 3). */
    public byte[] encode(RunState run) {
        return binary.encode(run);
    }

    /**
     * Decodes a state written by {@link #encode} (or as JSON by an earlier version of the watcher)
     * under this or an earlier rule set.
     *
     * @throws IllegalArgumentException when the bytes are not a run state of a known version
     */
    public RunState decode(byte[] bytes) {
        if (BinaryRunStateFormat.isBinary(bytes)) {
            return binary.decode(bytes);
        }
        return decodeJson(bytes);
    }

    private RunState decodeJson(byte[] bytes) {
        RunDto dto;
        try {
            dto = MAPPER.readValue(bytes, RunDto.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a watcher run state: " + e.getMessage(), e);
        }
        if (dto.version() != JSON_VERSION) {
            throw new IllegalArgumentException("run state version " + dto.version() + " is not " + JSON_VERSION);
        }
        RunState run = new RunState(dto.runId(), ruleSet);
        for (CompiledRule rule : ruleSet.rules()) {
            RuleDto r = dto.rules() == null ? null : dto.rules().get(rule.id());
            RuleState st = run.rules[rule.index()];
            if (r == null || !rule.fingerprint().equals(r.fp())) {
                continue; // new or changed rule: fresh state
            }
            restore(st, r);
        }
        if (dto.rules() != null) {
            dto.rules().forEach((id, r) -> retireIfOpen(run, id, r));
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

    /** Keeps aside a pending or firing alert of a stored rule this rule set no longer has (as the binary form does). */
    private void retireIfOpen(RunState run, String id, RuleDto r) {
        boolean current = ruleSet.rules().stream().anyMatch(rule -> rule.id().equals(id)
                && rule.fingerprint().equals(r.fp()));
        if (current || r.fp() == null || (r.state() != AlertState.PENDING && r.state() != AlertState.FIRING)) {
            return;
        }
        RuleState st = new RuleState(r.fp());
        restore(st, r);
        run.retired.add(new RunState.Retired(id, st));
    }

    /** Copies a stored rule's state into {@code st}; windows only when {@code st} has as many. */
    private static void restore(RuleState st, RuleDto r) {
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
}
