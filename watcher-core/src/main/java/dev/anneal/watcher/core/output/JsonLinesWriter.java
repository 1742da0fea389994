package dev.anneal.watcher.core.output;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.anneal.watcher.core.replay.ReplayListener;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.Recommendation;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Streams replay output as JSON lines ({@code \n}-terminated, UTF-8) while the replay runs, so a
 * replay of a very large input never holds its alerts in memory. Alerts are written with
 * {@link AlertJson}; recommendations, when enabled, with {@link RecommendationJson}.
 *
 * <p>As a {@link ReplayListener} it cannot throw checked exceptions, so a write failure surfaces
 * as an {@link UncheckedIOException} from the listener call (the CLI maps it to exit 74).
 * {@link #close()} flushes; the underlying stream is closed only if this writer was told it owns it.
 */
public final class JsonLinesWriter implements ReplayListener, Closeable {

    private final JsonGenerator generator;
    private final OutputStream out;
    private final boolean ownsStream;
    private final boolean recommendations;
    private long written;

    /**
     * @param out             where lines go
     * @param ownsStream      whether {@link #close()} closes {@code out}
     * @param recommendations whether recommendation changes are written too (alerts always are)
     */
    public JsonLinesWriter(OutputStream out, boolean ownsStream, boolean recommendations) throws IOException {
        this.out = out;
        this.ownsStream = ownsStream;
        this.recommendations = recommendations;
        this.generator = Json.generator(out, false);
    }

    /** A writer of alert lines only, which closes {@code out} when closed. */
    public static JsonLinesWriter alerts(OutputStream out) throws IOException {
        return new JsonLinesWriter(out, true, false);
    }

    @Override
    public void alert(AlertEvent alert) {
        try {
            AlertJson.write(generator, alert);
            endLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void recommendation(Recommendation recommendation) {
        if (!recommendations) {
            return;
        }
        try {
            RecommendationJson.write(generator, recommendation);
            endLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void endLine() throws IOException {
        generator.writeRaw('\n');
        written++;
    }

    /** Lines written so far. */
    public long written() {
        return written;
    }

    @Override
    public void close() throws IOException {
        try {
            generator.close();
        } finally {
            if (ownsStream) {
                out.close();
            } else {
                out.flush();
            }
        }
    }
}
