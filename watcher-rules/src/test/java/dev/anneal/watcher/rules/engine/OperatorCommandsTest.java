package dev.anneal.watcher.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anneal.watcher.rules.model.AuditRecord;
import dev.anneal.watcher.rules.model.CommandOutcome;
import dev.anneal.watcher.rules.model.CommandType;
import dev.anneal.watcher.rules.model.OperatorCommand;
import dev.anneal.watcher.rules.model.Silence;
import dev.anneal.watcher.rules.model.SilenceMatcher;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each semantic of {@link OperatorCommands}, one row per case (tokens and step descriptions:
 * {@link LifeDriver}; {@code loss_high} demands FREEZE, {@code loss_warn} HOLD after two records).
 */
class OperatorCommandsTest {

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            # row | name                                                | input                                      | expected
            1     | clear is refused when nothing is latched            | r@0 clear                                  | ->PASS refused
            2     | clear is refused while the latching alert fires     | b@0 clear                                  | loss_high:firing,loss_warn:pending,->FREEZE refused
            3     | clear releases the latch and recomputes             | b@0 r@1 clear                              | loss_high:firing,loss_warn:pending,->FREEZE loss_high:resolved,loss_warn:inactive,->FREEZE! ->PASS,applied
            4     | clear of an ended run recomputes it too             | b@0 e@1 clear                              | loss_high:firing,loss_warn:pending,->FREEZE loss_high:resolved,loss_warn:inactive,ended ->PASS,applied
            5     | a silenced latching alert demands nothing           | b@0 silence:loss_high:60 clear             | loss_high:firing,loss_warn:pending,->FREEZE loss_high:firing+silenced,->FREEZE!,applied ->PASS,applied
            6     | ack is refused without a firing alert of the rule   | r@0 ack:loss_high                          | ->PASS refused
            7     | ack of a rule the rule set lacks is refused         | b@0 ack:nope                               | loss_high:firing,loss_warn:pending,->FREEZE refused
            8     | ack marks the alert and re-publishes it             | b@0 ack:loss_high                          | loss_high:firing,loss_warn:pending,->FREEZE loss_high:firing+ack,applied
            9     | an ack ends when its alert resolves                 | b@0 ack:loss_high r@1 b@2                  | loss_high:firing,loss_warn:pending,->FREEZE loss_high:firing+ack,applied loss_high:resolved+ack,loss_warn:inactive,->FREEZE! loss_high:firing,loss_warn:pending,->FREEZE
            10    | a silenced alert evaluates but changes nothing      | r@0 silence:loss_warn:60 w@1 w@2           | ->PASS applied loss_warn:pending+silenced loss_warn:firing+silenced
            11    | when the silence ends the recommendation follows    | r@0 silence:loss_warn:60 w@1 w@2 a@60      | ->PASS applied loss_warn:pending+silenced loss_warn:firing+silenced ppo_silent:firing,loss_warn:firing,->HOLD
            12    | silencing a firing alert lifts its HOLD             | w@0 w@1 silence:loss_warn:60               | loss_warn:pending,->PASS loss_warn:firing,->HOLD loss_warn:firing+silenced,->PASS,applied
            13    | a silenced FREEZE does not latch                    | r@0 silence:loss_high:60 b@1               | ->PASS applied loss_high:firing+silenced,loss_warn:pending
            14    | unsilence brings the alert back                     | w@0 w@1 silence:loss_warn:60 unsilence:c1  | loss_warn:pending,->PASS loss_warn:firing,->HOLD loss_warn:firing+silenced,->PASS,applied loss_warn:firing,->HOLD,applied
            15    | unsilence of an unknown silence is refused          | r@0 unsilence:c9                           | ->PASS refused
            16    | a silence that already ended is refused             | r@0 silence:loss_warn:10:20                | ->PASS refused
            17    | end resolves the run's alerts; a second is refused  | b@0 end end                                | loss_high:firing,loss_warn:pending,->FREEZE loss_high:resolved,loss_warn:inactive,applied,ended refused
            18    | a command id applied before is a duplicate          | b@0 r@1 clear dup                          | loss_high:firing,loss_warn:pending,->FREEZE loss_high:resolved,loss_warn:inactive,->FREEZE! ->PASS,applied duplicate
            19    | a refused command may be sent again                 | b@0 clear r@1 dup                          | loss_high:firing,loss_warn:pending,->FREEZE refused loss_high:resolved,loss_warn:inactive,->FREEZE! ->PASS,applied
            """)
    void commands(int row, String name, String input, String expected) throws Exception {
        assertThat(new LifeDriver().drive(input)).as("row %d %s: %s", row, name, input).isEqualTo(expected);
    }

    @Test
    void everyCommandLeavesOneAuditRecordThatSaysWhy() throws Exception {
        LifeDriver d = new LifeDriver();
        d.drive("b@0 clear r@1 clear ack:loss_high");
        List<AuditRecord> audit = d.audit();
        assertThat(audit).extracting(AuditRecord::outcome).containsExactly(CommandOutcome.REFUSED,
                CommandOutcome.APPLIED, CommandOutcome.REFUSED);
        assertThat(audit.get(0).detail()).startsWith("alert ").contains("of rule loss_high still fires and demands "
                + "FREEZE");
        assertThat(audit.get(1).detail()).isEqualTo("FREEZE latch released; recommendation now PASS");
        assertThat(audit.get(2).detail()).isEqualTo("rule loss_high has no firing alert in run run-1 (it is inactive)");
        assertThat(audit).extracting(AuditRecord::runRecords).containsExactly(1L, 2L, 2L);
        assertThat(audit.get(1).appliedAt()).isEqualTo(LifeDriver.T0 + LifeDriver.MINUTE);
        assertThat(audit.get(1).ruleSetDigest()).isEqualTo(d.engine().ruleSet().digest());
        assertThat(d.run().audit()).as("kept in the run").isEqualTo(audit);
    }

    @Test
    void aRunKeepsItsLatestTwentyAuditRecordsAndRemembersTheLatestCommandIds() throws Exception {
        LifeDriver d = new LifeDriver();
        StringBuilder tokens = new StringBuilder("r@0");
        for (int i = 0; i < RunState.MAX_COMMAND_IDS + 10; i++) {
            tokens.append(" silence:loss_warn:60 unsilence:c").append(2 * i + 1);
        }
        d.drive(tokens.toString());
        assertThat(d.run().audit()).hasSize(RunState.MAX_AUDIT);
        assertThat(d.run().commandIds).hasSize(RunState.MAX_COMMAND_IDS).doesNotContain("c1")
                .contains("c" + (2 * (RunState.MAX_COMMAND_IDS + 10)));
        assertThat(d.run().silences()).isEmpty();
    }

    @Test
    void aCommandForARunWithoutStateIsRefused() throws Exception {
        LifeDriver d = new LifeDriver();
        OperatorCommand clear = new OperatorCommand("c1", CommandType.CLEAR, "ghost", "alice", "why",
                LifeDriver.T0, null, null, 0, null, false);
        AuditRecord audit = d.commands().apply(null, clear, LifeDriver.T0).audit().get(0);
        assertThat(audit.outcome()).isEqualTo(CommandOutcome.REFUSED);
        assertThat(audit.detail()).isEqualTo("run ghost is not known here: no record of it was accepted, or it expired");
        assertThat(audit.runRecords()).isZero();
        assertThatThrownBy(() -> d.commands().apply(d.run(), clear, LifeDriver.T0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSilenceOfEveryRunGoesToTheTaskAndMarksEveryRunItMatches() throws Exception {
        TaskSilences task = new TaskSilences();
        LifeDriver d = new LifeDriver(task);
        d.drive("w@0 w@1");
        OperatorCommand all = new OperatorCommand("s1", CommandType.SILENCE, OperatorCommand.ALL_RUNS, "bob", "drill",
                LifeDriver.T0, null, new SilenceMatcher(null, Map.of("action", "HOLD")), 60 * LifeDriver.MINUTE, null,
                false);
        OperatorCommands.AllRuns applied = d.commands().applyToAll(all, LifeDriver.T0 + LifeDriver.MINUTE);
        assertThat(applied.step().audit()).singleElement().extracting(AuditRecord::outcome)
                .isEqualTo(CommandOutcome.APPLIED);
        assertThat(task.all()).extracting(Silence::id).containsExactly("s1");
        Step settled = d.commands().silencesChanged(d.run(), applied.changed(), LifeDriver.T0 + LifeDriver.MINUTE);
        assertThat(settled.alerts()).singleElement().satisfies(a -> assertThat(a.silenced().id()).isEqualTo("s1"));
        assertThat(settled.recommendation()).hasValueSatisfying(r -> assertThat(r.action().name()).isEqualTo("PASS"));

        assertThat(d.commands().applyToAll(all, LifeDriver.T0).step().audit().get(0).outcome())
                .isEqualTo(CommandOutcome.DUPLICATE);
        assertThat(TaskSilences.decode(task.encode()).all()).isEqualTo(task.all());
        assertThat(task.expire(LifeDriver.T0 + 61 * LifeDriver.MINUTE)).extracting(Silence::id).containsExactly("s1");
        assertThat(task.isEmpty()).isTrue();
        OperatorCommand unsilence = new OperatorCommand("u1", CommandType.UNSILENCE, OperatorCommand.ALL_RUNS, "bob",
                "over", LifeDriver.T0, null, null, 0, "s1", false);
        assertThat(d.commands().applyToAll(unsilence, LifeDriver.T0).step().audit().get(0).outcome())
                .isEqualTo(CommandOutcome.REFUSED);
    }
}
