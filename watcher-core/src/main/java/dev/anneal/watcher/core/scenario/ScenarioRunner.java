package dev.anneal.watcher.core.scenario;

import dev.anneal.watcher.core.decode.DecodeOptions;
import dev.anneal.watcher.core.replay.CommandSchedule;
import dev.anneal.watcher.core.replay.Replay;
import dev.anneal.watcher.core.replay.ReplayListener;
import dev.anneal.watcher.core.replay.ReplayOptions;
import dev.anneal.watcher.core.replay.ReplayResult;
import dev.anneal.watcher.core.replay.RuleErrorSummary;
import dev.anneal.watcher.core.replay.StrictRejectionException;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.Recommendation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs scenario tests through the real {@link Replay} (the decoder, validation and engine that
 * {@code watcher replay} uses, with nothing mocked; a test's commands as {@code replay --commands}
 * applies them) and compares the output with each test's expectations. Inline records are replayed as NDJSON, one line per item, from a source named
 * {@code <scenario file name>#<test name>}.
 *
 * <p>Stateless and deterministic: each test gets a fresh {@code Replay}, so tests in one file do
 * not see each other's runs.
 */
public final class ScenarioRunner {

    /** Runs every test of a scenario, in file order. */
    public ScenarioReport run(Scenario scenario) {
        List<TestOutcome> outcomes = new ArrayList<>();
        for (ScenarioTest test : scenario.tests()) {
            outcomes.add(run(test));
        }
        return new ScenarioReport(scenario.name(), outcomes);
    }

    /** Runs one test. Never throws for a failing test: failures are mismatches in the outcome. */
    public TestOutcome run(ScenarioTest test) {
        Collector collector = new Collector();
        Replay replay = new Replay(test.rules(),
                new ReplayOptions(new DecodeOptions(test.format(), Optional.empty()), false), collector)
                .commands(new CommandSchedule(test.commands()));
        try (InputStream in = open(test.input())) {
            replay.replay(test.input().sourceName(), in, test.runId());
        } catch (IOException e) {
            return new TestOutcome(test.name(), List.of("cannot read input " + test.input().sourceName() + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())), List.of());
        } catch (StrictRejectionException e) {
            throw new IllegalStateException("scenario replays are never strict", e);
        } catch (RuntimeException e) {
            // A crash in the engine or decoder is a failure of this test, not of the whole run.
            return new TestOutcome(test.name(), List.of("replay failed: " + e), List.of());
        }
        ReplayResult result = replay.finish();
        List<String> mismatches = Comparison.compare(test.expect(), collector.alerts, collector.recommendations,
                result);
        List<String> notes = new ArrayList<>();
        if (test.expect().ruleErrors().isEmpty()) {
            for (RuleErrorSummary e : result.ruleErrors()) {
                notes.add("rule " + e.rule() + " failed on " + e.count() + " record(s), first at "
                        + e.firstPosition() + ": " + e.firstMessage());
            }
        }
        return new TestOutcome(test.name(), mismatches, notes);
    }

    private static InputStream open(ScenarioInput input) throws IOException {
        if (input instanceof ScenarioInput.File f) {
            return Files.newInputStream(f.path());
        }
        ScenarioInput.Inline inline = (ScenarioInput.Inline) input;
        StringBuilder sb = new StringBuilder();
        for (String line : inline.lines()) {
            sb.append(line).append('\n');
        }
        return new ByteArrayInputStream(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Keeps every alert transition and recommendation change, in stream order. */
    private static final class Collector implements ReplayListener {
        final List<AlertEvent> alerts = new ArrayList<>();
        final List<Recommendation> recommendations = new ArrayList<>();

        @Override
        public void alert(AlertEvent alert) {
            alerts.add(alert);
        }

        @Override
        public void recommendation(Recommendation recommendation) {
            recommendations.add(recommendation);
        }
    }
}
