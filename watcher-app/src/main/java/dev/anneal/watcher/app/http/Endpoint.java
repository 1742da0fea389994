package dev.anneal.watcher.app.http;

/**
 * The code behind one route: a request in, a {@link Reply} out. It runs on one of the server's
 * bounded worker threads; if it takes longer than {@link HttpLimits#requestTimeout()} the client
 * gets a 503 and the late reply is dropped. A runtime exception becomes a 500 whose body names only
 * the exception's type (the log has the rest).
 */
@FunctionalInterface
public interface Endpoint {
    Reply handle(HttpCall call);
}
