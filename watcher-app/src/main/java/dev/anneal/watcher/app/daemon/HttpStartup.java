package dev.anneal.watcher.app.daemon;

import dev.anneal.watcher.app.config.WatcherConfig;
import dev.anneal.watcher.app.http.HttpConfigException;
import dev.anneal.watcher.app.http.HttpServer;
import dev.anneal.watcher.app.http.Router;
import java.io.IOException;
import java.util.Map;

/** The HTTP server's start as a step of the daemons' start-up, shared by {@code run} and {@code notify}. */
final class HttpStartup {

    private HttpStartup() {
    }

    /**
     * Starts the HTTP server of {@code watcher run} or {@code watcher notify} with the {@code http.*}
     * settings, turning its failures into start-up failures: an unreadable secret or keystore is a
     * configuration problem, an address that cannot be bound an I/O one.
     */
    static HttpServer serve(WatcherConfig.Http settings, Map<String, String> env, Router routes)
            throws StartupException {
        try {
            return HttpServer.start(settings, env, routes);
        } catch (HttpConfigException e) {
            throw new StartupException(StartupException.Kind.CONFIG, e.getMessage(), e);
        } catch (IOException e) {
            throw new StartupException(StartupException.Kind.IO, "cannot serve HTTP on " + settings.address()
                    + ": " + e.getMessage() + "; choose another http.address (--http-address)", e);
        }
    }
}
