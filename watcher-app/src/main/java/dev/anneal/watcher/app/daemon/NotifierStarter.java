package dev.anneal.watcher.app.daemon;

import dev.anneal.watcher.app.config.WatcherConfig;
import dev.anneal.watcher.core.notify.Notifier;
import dev.anneal.watcher.core.notify.NotifierSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the {@link Notifier} from the configuration, the same way for {@code watcher run}
 * ({@code notify.enabled}) and {@code watcher notify}: creates the undeliverable topic when it is
 * missing, then starts the notifier, turning failures into {@link StartupException}s of the right
 * kind (a secret that cannot be read is a configuration error).
 */
final class NotifierStarter {

    private static final Logger LOG = LoggerFactory.getLogger(NotifierStarter.class);
    /** How often {@link #watchFailure} checks. */
    static final Duration WATCH_INTERVAL = Duration.ofSeconds(1);

    private NotifierStarter() {
    }

    static Notifier start(WatcherConfig config, String bootstrap, Admin admin, Clock clock, MeterRegistry registry,
            Map<String, String> env) throws StartupException {
        WatcherConfig.Notify n = config.notifier();
        if (n.receivers().isEmpty()) {
            throw new StartupException(StartupException.Kind.CONFIG, "the notifier has no receivers; add one to "
                    + "notify.receivers (or --notify-receiver)");
        }
        Duration timeout = config.kafka().startupTimeout();
        createUndeliverableTopic(config, admin, timeout);
        NotifierSettings settings = n.settings(config.topics().alerts(), config.topics().recommendations())
                .withSyntheticAlertsTopic(config.topics().syntheticAlerts());
        try {
            return Notifier.start(settings, KafkaClients.consumer(config, bootstrap, "watcher-notify"), env, clock,
                    registry, timeout);
        } catch (IllegalArgumentException e) {
            throw new StartupException(StartupException.Kind.CONFIG, "cannot start the notifier: " + e.getMessage(), e);
        } catch (KafkaException e) {
            throw new StartupException(StartupException.Kind.UNAVAILABLE, "cannot start the notifier: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Watches a notifier's {@code failure} ({@link Notifier#failure}) from a daemon thread of its own
     * and calls {@code onFailure} once, with why, when one of its receiver workers stops by itself:
     * an app that runs a notifier stops then (exit 70, so a supervisor restarts it) rather than
     * running on without delivering. Running the returned action stops watching and the thread.
     */
    static Runnable watchFailure(Supplier<Optional<String>> failure, String threadName,
            Consumer<String> onFailure) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        Runnable stop = watchFailure(failure, scheduler, onFailure);
        return () -> {
            stop.run();
            scheduler.shutdownNow();
        };
    }

    /**
     * Watches {@code failure} on {@code scheduler}: a check at once and then every
     * {@link #WATCH_INTERVAL}, until the first failure (reported once, and the checks end) or
     * until the returned action runs. The scheduler stays the caller's.
     */
    static Runnable watchFailure(Supplier<Optional<String>> failure, ScheduledExecutorService scheduler,
            Consumer<String> onFailure) {
        AtomicReference<Future<?>> checks = new AtomicReference<>();
        AtomicBoolean over = new AtomicBoolean();
        Runnable check = () -> {
            if (over.get()) {
                return;
            }
            Optional<String> f = failure.get();
            if (f.isPresent() && over.compareAndSet(false, true)) {
                Optional.ofNullable(checks.get()).ifPresent(c -> c.cancel(false));
                onFailure.accept("notifier stopped: " + f.get());
            }
        };
        checks.set(scheduler.scheduleWithFixedDelay(check, 0, WATCH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS));
        if (over.get()) {
            checks.get().cancel(false); // the first check, run before the future was set, found the failure
        }
        return () -> {
            over.set(true);
            checks.get().cancel(false);
        };
    }

    private static void createUndeliverableTopic(WatcherConfig config, Admin admin, Duration timeout)
            throws StartupException {
        String topic = config.notifier().undeliverableTopic();
        WatcherConfig.Topics t = config.topics();
        try {
            Set<String> present = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (present.contains(topic)) {
                return;
            }
            NewTopic nt = new NewTopic(topic, t.partitions() == -1 ? Optional.empty() : Optional.of(t.partitions()),
                    t.replicationFactor() == -1 ? Optional.empty() : Optional.of((short) t.replicationFactor()));
            admin.createTopics(List.of(nt)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("created topic {} (undeliverable alerts)", topic);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return;
            }
            boolean denied = e.getCause() instanceof AuthorizationException
                    || e.getCause() instanceof AuthenticationException;
            throw new StartupException(denied ? StartupException.Kind.CONFIG : StartupException.Kind.UNAVAILABLE,
                    "cannot create the undeliverable topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new StartupException(StartupException.Kind.UNAVAILABLE, "cannot create the undeliverable topic "
                    + topic + ": the brokers did not answer within " + BrokerCheck.seconds(timeout), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException(StartupException.Kind.UNAVAILABLE, "interrupted while creating " + topic, e);
        }
    }
}
