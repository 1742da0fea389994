package dev.anneal.watcher.app.daemon;

import dev.anneal.watcher.app.config.WatcherConfig;
import dev.anneal.watcher.app.http.HttpServer;
import dev.anneal.watcher.app.http.WatcherRoutes;
import dev.anneal.watcher.core.notify.Notifier;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code watcher notify}: the notifier alone, delivering the alerts of a running cluster (whose
 * {@code watcher run} daemons may have {@code notify.enabled} off), with {@code /metrics} and
 * {@code /healthz} on {@code http.address}. Start order: Kafka (wait for the brokers) -> the
 * notifier -> HTTP; stopped in reverse. If a receiver's worker stops by itself, the app stops
 * with that failure (exit 70) rather than running on without delivering.
 */
public final class NotifyApp {

    private static final Logger LOG = LoggerFactory.getLogger(NotifyApp.class);

    private final WatcherConfig config;
    private final Clock clock;
    private final Map<String, String> env;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final Object lock = new Object();

    private Admin admin;
    private Notifier notifier;
    private HttpServer http;
    /** Stops watching the notifier for failures. */
    private Runnable stopWatchdog;
    private boolean stopped;
    private volatile String failure;

    public NotifyApp(WatcherConfig config, Clock clock, Map<String, String> env) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.env = Map.copyOf(env);
    }

    /**
     * Connects, starts the notifier and the HTTP server.
     *
     * @throws StartupException when something cannot start; what had started is stopped again
     */
    public void start() throws StartupException {
        if (config.embeddedMode()) {
            throw new StartupException(StartupException.Kind.CONFIG, "watcher notify delivers the alerts of a running "
                    + "Kafka cluster: set kafka.bootstrap_servers (--bootstrap-servers)");
        }
        String bootstrap = config.kafka().bootstrapServers().get();
        try {
            try {
                admin = Admin.create(KafkaClients.admin(config, bootstrap, "watcher-notify-admin"));
            } catch (KafkaException e) {
                throw new StartupException(StartupException.Kind.CONFIG, "the Kafka client configuration is invalid: "
                        + e.getMessage(), e);
            }
            BrokerCheck.Cluster cluster = BrokerCheck.await(admin, bootstrap, config.kafka().startupTimeout());
            LOG.info("connected to Kafka cluster {} at {}", cluster.clusterId(), bootstrap);
            notifier = NotifierStarter.start(config, bootstrap, admin, clock, registry, env);
            startHttp();
        } catch (StartupException | RuntimeException e) {
            stop();
            throw e;
        }
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        InfoMetrics.registerBuild(registry);
        stopWatchdog = NotifierStarter.watchFailure(notifier::failure, "watcher-notify-watchdog", why -> {
            failure = why;
            new Thread(this::stop, "watcher-notify-stop-after-failure").start();
        });
    }

    private void startHttp() throws StartupException {
        http = HttpStartup.serve(config.http(), env, WatcherRoutes.notifier(registry::scrape,
                () -> notifier == null ? Optional.empty() : notifier.failure()));
        LOG.info("HTTP on {}: /metrics /healthz ({})", httpUrl(), http.protection());
    }

    /** Stops HTTP, the notifier (alerts in hand are delivered after a restart) and the admin client. Idempotent. */
    public void stop() {
        synchronized (lock) {
            if (stopped) {
                return;
            }
            stopped = true;
        }
        LOG.info("stopping{}", failure == null ? "" : " after a failure: " + failure);
        if (stopWatchdog != null) {
            stopWatchdog.run();
        }
        if (http != null) {
            http.close();
        }
        if (notifier != null) {
            notifier.close();
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        terminated.countDown();
    }

    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Why the app stopped by itself, if it did. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** {@code http://host:port}, once started. */
    public String httpUrl() {
        return http == null ? null : http.url();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }
}
