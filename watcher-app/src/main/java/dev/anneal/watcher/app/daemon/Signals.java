package dev.anneal.watcher.app.daemon;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSIX signal handling (SIGHUP for rule reloads, SIGTERM and SIGINT for a graceful stop) through
 * {@code sun.misc.Signal}, the only way the JDK offers. It is reached by reflection so that the
 * build does not print a warning about internal API at every use, and so that a JVM without it
 * degrades instead of failing to link. Where a signal is not supported (Windows has no SIGHUP;
 * some JVMs reserve signals) installing a handler returns empty and the caller carries on.
 *
 * <p>Signals are process-wide: a handler replaces the previous one until {@link Handle#close()}
 * puts the previous one back.
 */
public final class Signals {

    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);
    private static final Api API = Api.load();

    /** An installed handler; closing it restores the handler it replaced. */
    public interface Handle extends AutoCloseable {
        @Override
        void close();
    }

    private Signals() {
    }

    /**
     * Handles signal {@code name} ({@code "HUP"}, {@code "TERM"}, {@code "INT"}) by calling
     * {@code action} with the number of times it has been received so far (1 for the first).
     *
     * @return the handle, or empty when the signal cannot be handled here
     */
    public static Optional<Handle> handle(String name, IntConsumer action) {
        AtomicInteger count = new AtomicInteger();
        return install(name, previous -> action.accept(count.incrementAndGet()));
    }

    /**
     * Handles signal {@code name} with {@code action} the first time; from then on the previous
     * handler (normally the JVM's: exit) is back, so an impatient second Ctrl-C still ends the process.
     */
    public static Optional<Handle> handleOnce(String name, Runnable action) {
        return install(name, previous -> {
            try {
                API.handle(name, previous);
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.debug("cannot restore the handler of SIG{}: {}", name, e.toString());
            }
            action.run();
        });
    }

    /** Installs {@code onSignal}, which receives the handler it replaced. */
    private static Optional<Handle> install(String name, java.util.function.Consumer<Object> onSignal) {
        if (API == null) {
            return Optional.empty();
        }
        AtomicReference<Object> previous = new AtomicReference<>();
        try {
            previous.set(API.handle(name, API.handler(() -> onSignal.accept(previous.get()))));
        } catch (ReflectiveOperationException | RuntimeException e) {
            Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
            LOG.debug("cannot handle SIG{} here: {}", name, String.valueOf(cause));
            return Optional.empty();
        }
        return Optional.of(() -> {
            try {
                API.handle(name, previous.get());
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.debug("cannot restore the handler of SIG{}: {}", name, e.toString());
            }
        });
    }

    /** {@code sun.misc.Signal.handle(new Signal(name), handler)} and {@code SignalHandler} proxies. */
    private record Api(Class<?> signalClass, Class<?> handlerClass, Method handle) {

        static Api load() {
            try {
                Class<?> signal = Class.forName("sun.misc.Signal");
                Class<?> handler = Class.forName("sun.misc.SignalHandler");
                return new Api(signal, handler, signal.getMethod("handle", signal, handler));
            } catch (ReflectiveOperationException | LinkageError e) {
                LOG.debug("no signal handling on this JVM: {}", e.toString());
                return null;
            }
        }

        /** Installs {@code handler} for {@code name}; returns the previous handler. */
        Object handle(String name, Object handler) throws ReflectiveOperationException {
            Object signal = signalClass.getConstructor(String.class).newInstance(name);
            return handle.invoke(null, signal, handler);
        }

        /** A {@code SignalHandler} that runs {@code action}. */
        Object handler(Runnable action) {
            InvocationHandler h = (proxy, method, args) -> {
                switch (method.getName()) {
                    case "handle" -> {
                        action.run();
                        return null;
                    }
                    case "hashCode" -> {
                        return System.identityHashCode(proxy);
                    }
                    case "equals" -> {
                        return proxy == args[0];
                    }
                    case "toString" -> {
                        return "watcher signal handler";
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                }
            };
            return Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handlerClass}, h);
        }
    }
}
