package dev.anneal.watcher.app.daemon;

import dev.anneal.watcher.rules.load.RuleSets;
import dev.anneal.watcher.app.config.WatcherConfig;
import dev.anneal.watcher.app.http.CommandRoutes;
import dev.anneal.watcher.app.http.HttpServer;
import dev.anneal.watcher.app.http.WatcherRoutes;
import dev.anneal.watcher.core.command.CommandClient;
import dev.anneal.watcher.core.kafka.EmbeddedKafkaBroker;
import dev.anneal.watcher.core.kafka.EmbeddedKafkaException;
import dev.anneal.watcher.core.notify.Notifier;
import dev.anneal.watcher.core.stream.ErrorLog;
import dev.anneal.watcher.core.stream.RuleSetHolder;
import dev.anneal.watcher.core.stream.RunQueries;
import dev.anneal.watcher.core.stream.StreamsProgress;
import dev.anneal.watcher.core.stream.TopicSetup;
import dev.anneal.watcher.core.stream.WatcherMetrics;
import dev.anneal.watcher.core.stream.WatcherTopics;
import dev.anneal.watcher.core.stream.WatcherTopology;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.load.RuleLoadException;
import dev.anneal.watcher.rules.model.ErrorClass;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The {@code watcher run} daemon as an embeddable object: {@link #start()}, {@link #stop()},
 * {@link #awaitTermination}. {@code RunCommand} runs it until a signal, and the integration tests
 * start the very same thing. It never exits the JVM.
 *
 * <h2>Start order</h2>
 * Subsystems start in dependency order, things that take requests before things that send them
 * (as LinkedIn Burrow does), and stop in reverse:
 * <ol>
 *   <li><b>rules</b>: compile the packs, so broken rules fail before anything touches Kafka;</li>
 *   <li><b>Kafka</b>: the embedded single-node broker when no bootstrap servers are configured,
 *       then wait (at most {@code kafka.startup_timeout}) until the brokers answer;</li>
 *   <li><b>topics</b>: create the missing ones ({@link TopicSetup});</li>
 *   <li><b>HTTP</b>: {@code /healthz} and {@code /metrics} serve from here on, {@code /readyz}
 *       says 503 until Kafka Streams is RUNNING;</li>
 *   <li><b>output log</b>: starts reading the alerts and recommendations topics at their end, so
 *       every output Streams publishes is logged once ({@link OutputLog});</li>
 *   <li><b>notifier</b> (when {@code notify.enabled}): delivers the alerts topic to the receivers
 *       ({@link Notifier}, its own consumer group per receiver); a receiver worker that stops by
 *       itself stops the daemon with that failure (exit 70) rather than leave alerts undelivered;</li>
 *   <li><b>Kafka Streams</b>: the {@link WatcherTopology}, which consumes and publishes;</li>
 *   <li><b>rules reloader</b>: from now on a rule file change or SIGHUP swaps the rule set.</li>
 * </ol>
 * A start that fails stops what it had started and throws a {@link StartupException} whose kind
 * classifies the failure (and becomes the exit code).
 *
 * <p>If Kafka Streams fails while running (an exception no retry fixes), the app stops itself;
 * {@link #awaitTermination} returns and {@link #failure()} says why.
 *
 * <p>Thread-safe: start once, stop from any thread (a signal handler, a test) any number of times.
 */
public final class WatcherApp {

    /** How long {@link #stop()} gives Kafka Streams to commit and close. */
    public static final Duration STREAMS_CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(WatcherApp.class);

    /** The app's lifecycle. */
    public enum Phase {
        NEW, STARTING, RUNNING, STOPPING, STOPPED
    }

    private final WatcherConfig config;
    private final Clock clock;
    private final PrometheusMeterRegistry registry;
    private final WatcherMetrics metrics;
    private final StreamsProgress progress;
    private final CountDownLatch terminated = new CountDownLatch(1);
    /** What to close on stop, most recently started first. */
    private final ConcurrentLinkedDeque<Stoppable> started = new ConcurrentLinkedDeque<>();

    private volatile Phase phase = Phase.NEW;
    private volatile String failure;
    private volatile RuleSetHolder rules;
    private volatile EmbeddedKafkaBroker broker;
    private volatile String bootstrapServers;
    private volatile KafkaStreams streams;
    private volatile HttpServer http;
    private volatile RulesReloader reloader;
    private volatile Notifier notifier;
    private final Map<String, String> env;

    @FunctionalInterface
    private interface Stoppable {
        void stop() throws Exception;
    }

    /** An app with the system clock. */
    public WatcherApp(WatcherConfig config) {
        this(config, Clock.systemUTC());
    }

    /**
     * @param config the validated configuration
     * @param clock  the daemon's clock (absence checks, latency); tests may pass their own
     */
    public WatcherApp(WatcherConfig config, Clock clock) {
        this(config, clock, System.getenv());
    }

    /**
     * @param config the validated configuration
     * @param clock  the daemon's clock
     * @param env    the environment the notifier's and the HTTP server's secrets are read from
     */
    public WatcherApp(WatcherConfig config, Clock clock, Map<String, String> env) {
        this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.metrics = new WatcherMetrics(registry);
        InfoMetrics.registerBuild(registry);
        this.progress = new StreamsProgress(registry);
    }

    /**
     * Starts every subsystem in order (see the class comment) and returns once Kafka Streams has
     * been started; it reaches RUNNING asynchronously ({@link #awaitRunning}, {@code /readyz}).
     *
     * @throws StartupException when a subsystem cannot start; everything started is stopped again
     * @throws IllegalStateException when called twice
     */
    public void start() throws StartupException {
        synchronized (this) {
            if (phase != Phase.NEW) {
                throw new IllegalStateException("a WatcherApp starts once; it is " + phase);
            }
            phase = Phase.STARTING;
        }
        try {
            startSubsystems();
        } catch (StartupException | RuntimeException e) {
            // The caller reports the failure (RunCommand logs it); here only what happens next.
            LOG.debug("start-up failed, stopping what had started: {}", e.getMessage());
            stopSubsystems();
            phase = Phase.STOPPED;
            terminated.countDown();
            if (e instanceof StartupException s) {
                throw s;
            }
            throw new StartupException(StartupException.Kind.FATAL, "start-up failed: " + e, e);
        }
        synchronized (this) {
            if (phase == Phase.STARTING) {
                phase = Phase.RUNNING;
            }
        }
    }

    private void startSubsystems() throws StartupException {
        long t0 = System.nanoTime();

        // 1. rules
        RuleSet ruleSet = compileRules();
        rules = new RuleSetHolder(ruleSet);
        InfoMetrics.registerRuleSet(registry, () -> rules.ruleSet());
        LOG.info("rules: {} ({} rules, rule set {})", String.join(", ", config.rules().packs()),
                ruleSet.rules().size(), ruleSet.digest());

        // 2. Kafka
        checkNotStopped();
        bootstrapServers = config.embeddedMode() ? startEmbeddedBroker() : config.kafka().bootstrapServers().get();
        Admin admin = createAdmin();
        started.push(() -> admin.close(Duration.ofSeconds(5)));
        BrokerCheck.Cluster cluster = BrokerCheck.await(admin, bootstrapServers, config.kafka().startupTimeout());
        LOG.info("connected to Kafka cluster {} at {} ({} broker{})", cluster.clusterId(), bootstrapServers,
                cluster.brokers(), cluster.brokers() == 1 ? "" : "s");

        // 3. topics
        checkNotStopped();
        WatcherTopics topics = topics();
        createTopics(admin, topics);

        // 4. HTTP
        checkNotStopped();
        startHttp();

        // 5. output log
        checkNotStopped();
        OutputLog outputLog;
        try {
            outputLog = OutputLog.start(KafkaClients.consumer(config, bootstrapServers, "watcher-output-log"),
                    topics.alerts(), topics.recommendations(), config.kafka().startupTimeout());
        } catch (KafkaException e) {
            throw new StartupException(StartupException.Kind.UNAVAILABLE, "cannot read the topics " + topics.alerts()
                    + " and " + topics.recommendations() + ": " + rootMessage(e), e);
        }
        started.push(outputLog::close);

        // 5b. notifier: like the output log, a reader of the outputs, so it starts before Streams
        checkNotStopped();
        if (config.notifier().enabled()) {
            Notifier n = NotifierStarter.start(config, bootstrapServers, admin, clock, registry, env);
            notifier = n;
            started.push(n::close);
            // A receiver worker that dies stops the daemon (exit 70) rather than leave alerts undelivered.
            started.push(NotifierStarter.watchFailure(n::failure, "watcher-notify-watchdog", this::stopAfterFailure)::run);
        }

        // 6. Kafka Streams
        checkNotStopped();
        startStreams(topics);

        // 7. rules reloader
        checkNotStopped();
        if (config.rules().reload()) {
            RulesReloader r = new RulesReloader(config.rules().packs(), config.rules().params(), rules, metrics);
            try {
                r.start();
            } catch (IOException e) {
                r.close();
                throw new StartupException(StartupException.Kind.IO, "cannot watch the rule files "
                        + r.files() + ": " + e.getMessage(), e);
            }
            reloader = r;
            started.push(r::close);
        } else {
            LOG.info("rules reload is off (rules.reload: false); restart to change the rules");
        }

        checkNotStopped();
        LOG.info("watcher started in {} ms: reading {}, writing alerts to {}, recommendations to {}, dead letters "
                        + "to {}; HTTP on {}", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
                topics.pattern().map(p -> "topics matching " + p.pattern())
                        .orElse(String.join(", ", topics.inputTopics())),
                topics.alerts(), topics.recommendations(), topics.dlq(), http.url());
    }

    /** A {@link #stop()} during start-up ends the start-up between two subsystems. */
    private void checkNotStopped() throws StartupException {
        if (phase != Phase.STARTING) {
            throw new StartupException(StartupException.Kind.FATAL, "stopped during start-up");
        }
    }

    private RuleSet compileRules() throws StartupException {
        try {
            return RuleSets.compile(config.rules().packs(), config.rules().params());
        } catch (RuleLoadException e) {
            throw new StartupException(StartupException.Kind.CONFIG, "invalid rules ("
                    + e.problems().size() + (e.problems().size() == 1 ? " problem" : " problems") + "):\n"
                    + String.join("\n", e.problems()), e);
        }
    }

    private String startEmbeddedBroker() throws StartupException {
        WatcherConfig.Embedded e = config.embedded();
        Duration timeout = config.kafka().startupTimeout().compareTo(EmbeddedKafkaBroker.DEFAULT_READY_TIMEOUT) > 0
                ? config.kafka().startupTimeout() : EmbeddedKafkaBroker.DEFAULT_READY_TIMEOUT;
        LOG.info("embedded mode: no kafka.bootstrap_servers configured, starting a Kafka broker in this process "
                + "on 127.0.0.1:{} (data in {})", e.port() == 0 ? "<any free port>" : e.port(),
                e.dataDir().toAbsolutePath().normalize());
        try {
            EmbeddedKafkaBroker b = EmbeddedKafkaBroker.start(e.port(), e.dataDir(), timeout);
            broker = b;
            started.push(b::close);
            LOG.atInfo().setMessage("embedded mode: started Kafka broker on {} (data in {}, {}) in {} ms")
                    .addArgument(b.bootstrapServers()).addArgument(b.dataDir())
                    .addArgument(b.formattedOnStart() ? "new" : "reused").addArgument(b.startupTime().toMillis())
                    .addKeyValue("event", "embedded_broker").addKeyValue("bootstrap_servers", b.bootstrapServers())
                    .log();
            LOG.warn("embedded mode is for development and tests: one broker, no replication, no security; set "
                    + "kafka.bootstrap_servers (or --bootstrap-servers) to use a real cluster");
            return b.bootstrapServers();
        } catch (EmbeddedKafkaException ex) {
            throw new StartupException(StartupException.Kind.UNAVAILABLE, "embedded mode: cannot start the Kafka "
                    + "broker: " + ex.getMessage(), ex);
        }
    }

    private Admin createAdmin() throws StartupException {
        try {
            return Admin.create(KafkaClients.admin(config, bootstrapServers, "watcher-admin"));
        } catch (KafkaException e) {
            String why = rootMessage(e);
            boolean unresolvable = why.contains("No resolvable bootstrap urls");
            throw new StartupException(unresolvable ? StartupException.Kind.UNAVAILABLE : StartupException.Kind.CONFIG,
                    (unresolvable ? "cannot resolve the Kafka brokers " + bootstrapServers
                            : "the Kafka client configuration is invalid") + ": " + why
                            + "; check kafka.bootstrap_servers and kafka.properties", e);
        }
    }

    private WatcherTopics topics() throws StartupException {
        WatcherConfig.Topics t = config.topics();
        try {
            return new WatcherTopics(t.input(), t.inputPattern().map(Pattern::compile).orElse(null), t.alerts(),
                    t.recommendations(), t.dlq(), t.syntheticAlerts().orElse(null),
                    t.syntheticRecommendations().orElse(null), t.commands(), t.audit());
        } catch (IllegalArgumentException e) {
            throw new StartupException(StartupException.Kind.CONFIG, "invalid topics: " + e.getMessage(), e);
        }
    }

    private void createTopics(Admin admin, WatcherTopics topics) throws StartupException {
        WatcherConfig.Topics t = config.topics();
        try {
            TopicSetup.Outcome outcome = TopicSetup.createMissing(admin, topics,
                    new TopicSetup.Settings(t.partitions(), (short) t.replicationFactor()),
                    config.kafka().startupTimeout());
            LOG.info("topics: created {}, already there {}", outcome.created().isEmpty() ? "none" : outcome.created(),
                    outcome.existing().isEmpty() ? "none" : outcome.existing());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            boolean denied = cause instanceof AuthorizationException || cause instanceof AuthenticationException;
            throw new StartupException(denied ? StartupException.Kind.CONFIG : StartupException.Kind.UNAVAILABLE,
                    "cannot create the watcher's topics: " + rootMessage(cause)
                            + (denied ? "; grant the watcher's principal Create and Describe on them, or create them "
                            + "beforehand" : ""), cause);
        } catch (TimeoutException e) {
            throw new StartupException(StartupException.Kind.UNAVAILABLE, "cannot create the watcher's topics: the "
                    + "brokers did not answer within " + BrokerCheck.seconds(config.kafka().startupTimeout()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException(StartupException.Kind.UNAVAILABLE, "interrupted while creating topics", e);
        }
    }

    /**
     * Starts the HTTP server with the read API and the operator commands, whose producer (a
     * {@link CommandClient}, stopped after the server) is created here.
     */
    private void startHttp() throws StartupException {
        CommandClient commands = new CommandClient(KafkaClients.consumer(config, bootstrapServers,
                "watcher-api-commands"), "watcher-api-commands",
                new CommandClient.Topics(config.topics().commands(), config.topics().audit()),
                config.kafka().startupTimeout());
        started.push(commands::close);
        http = HttpStartup.serve(config.http(), env, WatcherRoutes.run(new Source(),
                CommandRoutes.routes(commands::sendAndAwait, clock)));
        started.push(http::close);
        LOG.info("HTTP on {}: /metrics /healthz /readyz /api/runs, operator commands under /api/runs/{{id}}/ and "
                + "/api/silences ({})", http.url(), http.protection());
        started.push(JvmMeters.bind(registry)::close);
    }

    private void startStreams(WatcherTopics topics) throws StartupException {
        Topology topology = WatcherTopology.build(topics, rules, clock, metrics,
                config.streams().absenceCheckInterval(), config.streams().runStateCache(), config.runs().policy());
        KafkaStreams s;
        try {
            s = new KafkaStreams(topology, KafkaClients.streams(config, bootstrapServers));
        } catch (KafkaException e) {
            throw new StartupException(StartupException.Kind.IO, "cannot create Kafka Streams (state dir "
                    + config.streams().stateDir().toAbsolutePath().normalize() + "): " + rootMessage(e), e);
        }
        s.setGlobalStateRestoreListener(progress);
        s.setStateListener((next, previous) -> {
            progress.stateChanged(next, previous);
            LOG.info("Kafka Streams: {} -> {} ({})", previous, next, progress.describe());
            if (next == KafkaStreams.State.ERROR) {
                stopAfterFailure("Kafka Streams stopped with an error"
                        + (failure == null ? "" : ": " + failure));
            }
        });
        s.setUncaughtExceptionHandler(e -> {
            failure = rootMessage(e);
            ErrorLog.at(LOG, Level.ERROR, ErrorClass.FATAL).setCause(e)
                    .log("Kafka Streams failed; the watcher stops (a restart resumes from the last commit)");
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(s);
        streamsMetrics.bindTo(registry);
        streams = s;
        started.push(() -> {
            // Leave the consumer group: otherwise a restarted daemon waits a whole session timeout
            // (45 s) for its old member to expire before it gets its partitions back.
            if (!s.close(CloseOptions.timeout(STREAMS_CLOSE_TIMEOUT)
                    .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP))) {
                LOG.warn("Kafka Streams did not close within {}", BrokerCheck.seconds(STREAMS_CLOSE_TIMEOUT));
            }
            streamsMetrics.close();
        });
        s.start();
    }

    /**
     * Stops every subsystem in reverse start order: the reloader, Kafka Streams (which commits
     * and closes, at most {@link #STREAMS_CLOSE_TIMEOUT}), the notifier, the output log, HTTP, the admin client
     * and the embedded broker. Idempotent; concurrent callers wait until the first one is done.
     */
    public void stop() {
        boolean first;
        synchronized (this) {
            first = phase != Phase.STOPPING && phase != Phase.STOPPED;
            if (first) {
                phase = Phase.STOPPING;
            }
        }
        if (!first) {
            awaitQuietly();
            return;
        }
        long t0 = System.nanoTime();
        LOG.info("stopping{}", failure == null ? "" : " after a failure: " + failure);
        stopSubsystems();
        phase = Phase.STOPPED;
        LOG.info("stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        terminated.countDown();
    }

    private void stopSubsystems() {
        while (true) {
            Stoppable s = started.poll();
            if (s == null) {
                break;
            }
            try {
                s.stop();
            } catch (Exception e) {
                LOG.warn("error while stopping: {}", e.toString());
            } catch (Error e) {
                LOG.error("error while stopping", e);
            }
        }
    }

    private void stopAfterFailure(String why) {
        if (failure == null) {
            failure = why;
        }
        Thread t = new Thread(this::stop, "watcher-stop-after-failure");
        t.setDaemon(false);
        t.start();
    }

    private void awaitQuietly() {
        try {
            terminated.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until the app has stopped (by {@link #stop()} or after a failure). */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    /** Waits at most {@code timeout} until the app has stopped; true if it has. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits at most {@code timeout} until Kafka Streams is RUNNING; true if it is. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (streamsState().orElse(null) == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (phase == Phase.STOPPED) {
                return false;
            }
            Thread.sleep(50);
        }
        return false;
    }

    /** Why the app stopped by itself, if it did. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    public Phase phase() {
        return phase;
    }

    /** The Kafka Streams state, or empty before Streams exists. */
    public Optional<KafkaStreams.State> streamsState() {
        KafkaStreams s = streams;
        return s == null ? Optional.empty() : Optional.of(s.state());
    }

    /** The brokers in use (the embedded broker's address in embedded mode); null before start. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The embedded broker, in embedded mode once started. */
    public Optional<EmbeddedKafkaBroker> embeddedBroker() {
        return Optional.ofNullable(broker);
    }

    /** {@code http://host:port} of the HTTP server; null before it started. */
    public String httpUrl() {
        HttpServer h = http;
        return h == null ? null : h.url();
    }

    /** The running rule set. */
    public RuleSetHolder rules() {
        return rules;
    }

    /** The notifier (empty when {@code notify.enabled} is off or before start). */
    public Optional<Notifier> notifier() {
        return Optional.ofNullable(notifier);
    }

    /** The rules reloader (empty when {@code rules.reload} is off or before start). */
    public Optional<RulesReloader> reloader() {
        return Optional.ofNullable(reloader);
    }

    /** Every meter, as {@code /metrics} shows them. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public WatcherConfig config() {
        return config;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }

    /** What the HTTP server reads. */
    private final class Source implements WatcherRoutes.Source {
        @Override
        public String scrape() {
            return registry.scrape();
        }

        @Override
        public Optional<KafkaStreams.State> streamsState() {
            return WatcherApp.this.streamsState();
        }

        @Override
        public RunQueries runs() {
            KafkaStreams s = streams;
            if (s == null) {
                throw new InvalidStateStoreException("Kafka Streams has not started");
            }
            return new RunQueries(RunQueries.localStore(s), RunQueries.localSilences(s), rules);
        }

        @Override
        public String ruleSetDigest() {
            return rules.ruleSet().digest();
        }

        @Override
        public String streamsProgress() {
            return progress.describe();
        }
    }
}
