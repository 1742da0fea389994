package dev.anneal.watcher.app.http;

import dev.anneal.watcher.app.http.BearerAuth.Refused;
import dev.anneal.watcher.app.http.Router.BadPath;
import dev.anneal.watcher.app.http.Router.Found;
import dev.anneal.watcher.app.http.Router.MethodNotAllowed;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge from Jetty to the {@link Router}: resolve the route, authorise, read the body (POST
 * and the like only), run the endpoint, write its {@link Reply}. Runs on a worker thread of the
 * bounded pool. An endpoint that has not answered within the request timeout gets its client a 503
 * at once; whatever it answers later is dropped.
 */
final class RouterHandler extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(RouterHandler.class);

    private final Router router;
    private final BearerAuth auth;
    private final Duration requestTimeout;
    private final int maxBodyBytes;
    private final Scheduler scheduler;

    RouterHandler(Router router, BearerAuth auth, HttpLimits limits, Scheduler scheduler) {
        super(InvocationType.BLOCKING);
        this.router = router;
        this.auth = auth;
        this.requestTimeout = limits.requestTimeout();
        this.maxBodyBytes = limits.maxBodyBytes();
        this.scheduler = scheduler;
    }

    /** One request's single answer: the first of the endpoint's reply and the timeout's wins. */
    private final class Exchange {
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final AtomicBoolean answered = new AtomicBoolean();
        private volatile Scheduler.Task timer;

        Exchange(Request request, Response response, Callback callback) {
            this.request = request;
            this.response = response;
            this.callback = callback;
        }

        void answer(Reply reply) {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            Scheduler.Task t = timer;
            if (t != null) {
                t.cancel();
            }
            response.setStatus(reply.status());
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
            reply.headers().forEach(response.getHeaders()::put);
            byte[] body = reply.body();
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            boolean head = request.getMethod().equals("HEAD");
            response.write(true, head || body.length == 0 ? null : ByteBuffer.wrap(body), callback);
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Exchange ex = new Exchange(request, response, callback);
        ex.timer = scheduler.schedule(() -> ex.answer(Reply.json(503, RunsJson.error("the request took longer than "
                + requestTimeout.toMillis() + " ms; try again")).withHeader("Retry-After", "1")),
                requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            ex.answer(route(request));
        } catch (RuntimeException e) {
            LOG.error("HTTP {} {} failed", request.getMethod(), request.getHttpURI().getPath(), e);
            ex.answer(Reply.json(500, RunsJson.error("internal error: " + e.getClass().getSimpleName())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ex.answer(Reply.json(503, RunsJson.error("the server is stopping")));
        }
        return true;
    }

    private Reply route(Request request) throws InterruptedException {
        Router.Resolution resolution = router.resolve(request.getMethod(), request.getHttpURI().getPath());
        if (auth.decide(resolution.access(), request.getHeaders().get(HttpHeader.AUTHORIZATION)) instanceof Refused r) {
            // The body of a refused request is never read: close the connection rather than leave a
            // client to send its next request after bytes the server will not skip.
            String method = request.getMethod();
            return method.equals("GET") || method.equals("HEAD") ? r.reply() : r.reply().withHeader("Connection",
                    "close");
        }
        if (resolution instanceof Found f) {
            return call(request, f);
        }
        if (resolution instanceof MethodNotAllowed m) {
            return Reply.text(405, "method not allowed; " + m.allowHeader() + " only\n").withHeader("Allow",
                    m.allowHeader());
        }
        if (resolution instanceof BadPath b) {
            return Reply.text(400, "bad path: " + b.reason() + "\n");
        }
        return Reply.text(404, "not found; try " + String.join(", ", router.getPaths()) + "\n");
    }

    private Reply call(Request request, Found found) throws InterruptedException {
        byte[] body = new byte[0];
        String method = request.getMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            try {
                body = Content.Source.asByteArrayAsync(request, maxBodyBytes + 1).get();
            } catch (ExecutionException e) {
                return bodyFailure(e.getCause());
            }
            if (body.length > maxBodyBytes) {
                return tooLarge();
            }
        }
        String query = request.getHttpURI().getQuery();
        HttpCall call = new HttpCall(method, found.params(), query == null ? "" : query, body);
        return found.route().endpoint().handle(call);
    }

    private Reply bodyFailure(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof HttpException h && h.getCode() == 413) {
                return tooLarge();
            }
        }
        return Reply.text(400, "cannot read the request body\n");
    }

    private Reply tooLarge() {
        return new Reply(413, Reply.TEXT, ("request body larger than " + maxBodyBytes + " bytes\n")
                .getBytes(StandardCharsets.UTF_8), Map.of("Connection", "close"));
    }
}
