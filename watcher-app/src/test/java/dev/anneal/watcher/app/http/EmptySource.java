package dev.anneal.watcher.app.http;

import dev.anneal.watcher.core.stream.RuleSetHolder;
import dev.anneal.watcher.core.stream.RunQueries;
import dev.anneal.watcher.rules.load.BuiltinPacks;
import dev.anneal.watcher.rules.load.RuleLoadException;
import dev.anneal.watcher.rules.load.RuleSetCompiler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;

/** The state of a running daemon that holds no run yet: for tests of routes that do not read runs. */
final class EmptySource implements WatcherRoutes.Source {

    private final RunQueries queries;
    private final String scrape;

    /** A source whose {@code /metrics} is empty. */
    EmptySource() {
        this("");
    }

    /** A source whose {@code /metrics} is {@code scrape}. */
    EmptySource(String scrape) {
        this.scrape = scrape;
        try {
            queries = new RunQueries(new EmptyStore(), new RuleSetHolder(RuleSetCompiler.compile(
                    List.of(BuiltinPacks.load(BuiltinPacks.DEFAULT)), Map.of())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuleLoadException e) {
            throw new IllegalStateException("the default pack compiles", e);
        }
    }

    @Override
    public String scrape() {
        return scrape;
    }

    @Override
    public Optional<KafkaStreams.State> streamsState() {
        return Optional.of(KafkaStreams.State.RUNNING);
    }

    @Override
    public RunQueries runs() {
        return queries;
    }

    @Override
    public String ruleSetDigest() {
        return "sha256:0";
    }
}
