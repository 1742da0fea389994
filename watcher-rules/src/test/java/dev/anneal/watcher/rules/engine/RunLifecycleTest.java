package dev.anneal.watcher.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.RunStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each rule of {@link RunLifecycle}, one row per case: the run ends on a terminal record, on
 * idleness (60 minutes here) and by an operator; ending resolves open alerts and keeps the
 * recommendation; an ended run raises no staleness (the absence rule waits 30 minutes), expires
 * (120 minutes after it ended), and comes back with a non-terminal record. Tokens and the step
 * descriptions: {@link LifeDriver}.
 */
class RunLifecycleTest {

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            # row | name                                                   | input                          | expected
            1     | a run_end ends the run                                 | r@0 e@1                        | ->PASS ended
            2     | ending resolves firing, cancels pending, keeps the latch | b@0 w@1 e@2                  | loss_high:firing,loss_warn:pending,->FREEZE loss_high:resolved,loss_warn:firing,->FREEZE! loss_warn:resolved,ended
            3     | an ended run raises no staleness, then expires         | r@0 e@1 a@31 a@500             | ->PASS ended - expired
            4     | idleness ends an active run, after its staleness fired | r@0 a@31 a@60                  | ->PASS ppo_silent:firing,->HOLD ppo_silent:resolved,ended
            5     | a record re-activates an ended run, decided afresh     | w@0 w@1 e@2 r@3                | loss_warn:pending,->PASS loss_warn:firing,->HOLD loss_warn:resolved,ended ->PASS,active
            6     | a terminal record evaluates, then ends an ended run again | r@0 e@1 f@2                 | ->PASS ended rehearsal_bad:firing,rehearsal_bad:resolved,->ROLLBACK
            7     | an ended run expires retain_ended after it ended       | r@0 e@1 a@120 a@121            | ->PASS ended - expired
            8     | idle end, then expiry                                  | r@0 a@60 a@180                 | ->PASS ppo_silent:firing,ppo_silent:resolved,->HOLD,ended expired
            9     | records without timestamps never make a run idle       | u u a@100000                   | ->PASS - -
            10    | every record restarts the idle clock                   | r@0 r@25 r@50 a@80 a@109 a@110 | ->PASS - - ppo_silent:firing,->HOLD - ppo_silent:resolved,ended
            11    | a latch survives the end and the run's return          | b@0 e@1 r@2                    | loss_high:firing,loss_warn:pending,->FREEZE loss_high:resolved,loss_warn:inactive,ended ->FREEZE!,active
            12    | a rehearsal summary is terminal too                    | r@0 s@1 r@2 a@62               | ->PASS ended active ppo_silent:firing,ppo_silent:resolved,->HOLD,ended
            13    | an operator's end; a later record re-activates         | r@0 end r@5 a@31               | ->PASS applied,ended active -
            """)
    void lifecycle(int row, String name, String input, String expected) throws Exception {
        assertThat(new LifeDriver().drive(input)).as("row %d %s: %s", row, name, input).isEqualTo(expected);
    }

    @Test
    void theResolvedByAnnotationAndTheEndReasonSayWhatEndedTheRun() throws Exception {
        LifeDriver terminal = new LifeDriver();
        terminal.drive("b@0 e@1");
        AlertEvent resolved = terminal.alerts().get(terminal.alerts().size() - 1);
        assertThat(resolved.resolvedBy()).isEqualTo("run ended: run_end at t.jsonl:2");
        assertThat(resolved.annotations()).containsEntry(AlertEvent.RESOLVED_BY, "run ended: run_end at t.jsonl:2");
        assertThat(terminal.run().endReason()).isEqualTo("run ended: run_end at t.jsonl:2");
        assertThat(terminal.run().endedAt()).hasValue(LifeDriver.T0 + LifeDriver.MINUTE);

        LifeDriver idle = new LifeDriver();
        idle.drive("r@0 a@31 a@75");
        assertThat(idle.alerts().get(idle.alerts().size() - 1).resolvedBy()).isEqualTo("run ended: idle for 1h");
        assertThat(idle.run().endedAt()).hasValue(LifeDriver.T0 + 75 * LifeDriver.MINUTE);

        LifeDriver operator = new LifeDriver();
        operator.drive("b@0 end");
        assertThat(operator.alerts().get(operator.alerts().size() - 1).resolvedBy())
                .isEqualTo("run ended: operator alice: done");
        assertThat(operator.run().status()).isEqualTo(RunStatus.ENDED);
    }

    @Test
    void theRunCountsItsRecordsAndRemembersTheLatestTime() throws Exception {
        LifeDriver d = new LifeDriver();
        d.drive("r@0 u r@7 e@3");
        assertThat(d.run().records()).isEqualTo(4);
        assertThat(d.run().lastRecordAt()).hasValue(LifeDriver.T0 + 7 * LifeDriver.MINUTE);
        assertThat(new LifeDriver().run().lastRecordAt()).isEmpty();
    }

    @Test
    void theNextDeadlineIsTheEarliestThingDue() throws Exception {
        LifeDriver d = new LifeDriver();
        RunLifecycle lifecycle = new RunLifecycle(d.engine(), new RunLifecycle.Policy(60 * LifeDriver.MINUTE,
                120 * LifeDriver.MINUTE));
        assertThat(lifecycle.nextDeadline(d.run())).as("a run with no record").isEmpty();
        d.drive("r@0");
        assertThat(lifecycle.nextDeadline(d.run())).as("staleness first").hasValue(LifeDriver.T0 + 30 * LifeDriver.MINUTE);
        assertThat(lifecycle.deadline(d.run())).as("then idleness").hasValue(LifeDriver.T0 + 60 * LifeDriver.MINUTE);
        d.drive("e@5");
        assertThat(lifecycle.nextDeadline(d.run())).as("ended: only its expiry")
                .hasValue(LifeDriver.T0 + 125 * LifeDriver.MINUTE);
        RunLifecycle never = new RunLifecycle(d.engine(), new RunLifecycle.Policy(0, 0));
        d.drive("r@6");
        assertThat(never.deadline(d.run())).as("end_after_idle 0: no idle end").isEmpty();
    }
}
