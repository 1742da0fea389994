package dev.anneal.watcher.app.daemon;

import dev.anneal.watcher.core.stream.ErrorLog;
import dev.anneal.watcher.core.stream.RuleSetHolder;
import dev.anneal.watcher.core.stream.WatcherMetrics;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.load.BuiltinPacks;
import dev.anneal.watcher.rules.load.RuleLoadException;
import dev.anneal.watcher.rules.load.RuleSets;
import dev.anneal.watcher.rules.model.ErrorClass;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Reloads the rules without a restart: when a rule file changes (a {@link WatchService} on the
 * files' directories) and on SIGHUP. A reload compiles the packs with the same loader as start-up
 * and {@code watcher rules check}; a rule set that compiles replaces the running one through
 * {@link RuleSetHolder#swap} (the stream tasks keep the state of every rule whose definition and
 * parameters are unchanged, and resolve the alerts of removed or changed rules), one that does not
 * is refused with every problem logged, and the running rules stay.
 *
 * <p>Directories are watched rather than files, because editors and Kubernetes ConfigMap updates
 * replace a file by renaming another over it. Any event in a watched directory starts a short
 * quiet period ({@link #DEBOUNCE}, so that a save that writes in several steps reloads once);
 * after it, the rules reload only if the content of one of the rule files differs from what was
 * last loaded or refused. SIGHUP reloads unconditionally. Built-in packs never change.
 *
 * <p>The quiet period runs on a scheduler: the reloader's own thread in the daemon, one a test
 * steps through in tests, so that a test can tell when the check after a change has run.
 */
public final class RulesReloader implements AutoCloseable {

    /** How long the files must stay quiet after a change before the reload. */
    static final Duration DEBOUNCE = Duration.ofMillis(300);

    private static final Logger LOG = LoggerFactory.getLogger(RulesReloader.class);

    /** What a reload did. */
    public enum Outcome {
        /** A new rule set is running. */
        APPLIED,
        /** The files compile to the running rule set (same digest); nothing changed. */
        UNCHANGED,
        /** The files do not compile; the running rules stay. */
        REFUSED
    }

    private final List<String> packs;
    private final Map<String, String> params;
    private final RuleSetHolder holder;
    private final WatcherMetrics metrics;
    private final List<Path> files;
    private final Map<Path, String> lastSeen = new HashMap<>();
    private final Object reloadLock = new Object();
    private final ScheduledExecutorService debounce;
    /** Guards {@link #pendingCheck}; not the monitor, which {@link #close} holds while it waits for the watcher. */
    private final Object checkLock = new Object();
    private ScheduledFuture<?> pendingCheck;
    private WatchService watchService;
    private Thread thread;
    private Signals.Handle hangup;

    /**
     * @param packs   the {@code rules.packs} entries (names and paths, as start-up compiled them)
     * @param params  the {@code rules.params} overrides
     * @param holder  where the running rule set lives
     * @param metrics counts reloads by outcome
     */
    public RulesReloader(List<String> packs, Map<String, String> params, RuleSetHolder holder,
            WatcherMetrics metrics) {
        this(packs, params, holder, metrics, Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "watcher-rules-reload-check");
            t.setDaemon(true);
            return t;
        }));
    }

    /**
     * As the public constructor, with the scheduler that runs the check after each quiet period;
     * the reloader shuts it down when it closes.
     */
    RulesReloader(List<String> packs, Map<String, String> params, RuleSetHolder holder, WatcherMetrics metrics,
            ScheduledExecutorService debounce) {
        this.debounce = Objects.requireNonNull(debounce, "debounce");
        this.packs = List.copyOf(packs);
        this.params = Map.copyOf(params);
        this.holder = Objects.requireNonNull(holder, "holder");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.files = packs.stream().filter(p -> !BuiltinPacks.NAMES.contains(p))
                .map(p -> Path.of(p).toAbsolutePath().normalize()).distinct().toList();
        files.forEach(f -> lastSeen.put(f, fingerprint(f)));
    }

    /** Whether SIGHUP triggers a reload here (false where the platform does not offer the signal). */
    public synchronized boolean handlesSighup() {
        return hangup != null;
    }

    /** The rule files watched (built-in packs are not files). */
    public List<Path> files() {
        return files;
    }

    /**
     * Starts watching the rule files' directories and handling SIGHUP.
     *
     * @throws IOException when a directory cannot be watched
     */
    public synchronized void start() throws IOException {
        if (!files.isEmpty()) {
            watchService = FileSystems.getDefault().newWatchService();
            Set<Path> dirs = new LinkedHashSet<>();
            files.forEach(f -> dirs.add(f.getParent()));
            for (Path dir : dirs) {
                dir.register(watchService, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
            }
            thread = new Thread(this::watch, "watcher-rules-reloader");
            thread.setDaemon(true);
            thread.start();
        }
        hangup = Signals.handle("HUP", n -> reload("SIGHUP")).orElse(null);
        LOG.info("rules reload on change: watching {}{}", files.isEmpty() ? "no rule files (built-in packs only)"
                : files, hangup == null ? "; SIGHUP is not available here" : "; SIGHUP reloads too");
    }

    /**
     * Reloads now: compiles the packs and swaps the rule set when it compiles and differs.
     *
     * @param trigger what asked for it, for the log ("SIGHUP", "file change", a test)
     */
    public Outcome reload(String trigger) {
        synchronized (reloadLock) {
            files.forEach(f -> lastSeen.put(f, fingerprint(f)));
            RuleSet previous = holder.ruleSet();
            RuleSet next;
            try {
                next = RuleSets.compile(packs, params);
            } catch (RuleLoadException e) {
                // Logged before counted: whoever waits on the count finds the reason already logged.
                ErrorLog.at(LOG, Level.ERROR, ErrorClass.BAD_CONFIG)
                        .setMessage("rules reload ({}) refused, {} {}; the running rule set {} stays:\n  {}")
                        .addArgument(trigger).addArgument(e.problems().size())
                        .addArgument(e.problems().size() == 1 ? "problem" : "problems")
                        .addArgument(previous.digest())
                        .addArgument(String.join("\n  ", e.problems()))
                        .addKeyValue("event", "rules_reload").addKeyValue("result", "refused")
                        .log();
                metrics.reloadRefused();
                return Outcome.REFUSED;
            } catch (RuntimeException e) {
                ErrorLog.at(LOG, Level.ERROR, ErrorClass.FATAL).setCause(e)
                        .log("rules reload ({}) failed; the running rule set {} stays", trigger, previous.digest());
                metrics.reloadRefused(ErrorClass.FATAL);
                return Outcome.REFUSED;
            }
            if (!holder.swap(next)) {
                LOG.info("rules reload ({}): unchanged, rule set {}", trigger, previous.digest());
                metrics.reloadUnchanged();
                return Outcome.UNCHANGED;
            }
            LOG.atInfo().setMessage("rules reloaded ({}): rule set {} (was {}), {} rules in {}; unchanged rules keep "
                            + "their state, alerts of removed or changed rules resolve")
                    .addArgument(trigger).addArgument(next.digest()).addArgument(previous.digest())
                    .addArgument(next.rules().size()).addArgument(String.join(", ", packs))
                    .addKeyValue("event", "rules_reload").addKeyValue("result", "applied")
                    .addKeyValue("rule_set", next.digest()).addKeyValue("version", holder.version())
                    .log();
            metrics.reloadApplied();
            return Outcome.APPLIED;
        }
    }

    private void watch() {
        try {
            while (true) {
                WatchKey key = watchService.take();
                drain(key);
                checkAfterQuietPeriod();
            }
        } catch (InterruptedException | ClosedWatchServiceException | RejectedExecutionException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("rule file watching stopped; SIGHUP still reloads", e);
        }
    }

    /** (Re)starts the quiet period: the check runs once no event has come for {@link #DEBOUNCE}. */
    private void checkAfterQuietPeriod() {
        synchronized (checkLock) {
            if (pendingCheck != null) {
                pendingCheck.cancel(false);
            }
            pendingCheck = debounce.schedule(this::checkFiles, DEBOUNCE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Reloads when a rule file's content differs from what was last loaded or refused. */
    private void checkFiles() {
        try {
            Optional<Path> changed = changed();
            if (changed.isPresent()) {
                reload("file change: " + changed.get());
            }
        } catch (RuntimeException e) {
            LOG.error("checking the rule files failed; the next change or SIGHUP tries again", e);
        }
    }

    private static void drain(WatchKey key) {
        key.pollEvents();
        key.reset();
    }

    /** The first rule file whose content differs from what was last loaded or refused. */
    private Optional<Path> changed() {
        synchronized (reloadLock) {
            return files.stream().filter(f -> !fingerprint(f).equals(lastSeen.get(f))).findFirst();
        }
    }

    /** A digest of the file's bytes, or a marker when it cannot be read (missing, mid-rename). */
    private static String fingerprint(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            return Arrays.toString(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (IOException e) {
            return "unreadable: " + e.getClass().getSimpleName();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Stops watching and restores the previous SIGHUP handler. */
    @Override
    public synchronized void close() {
        if (hangup != null) {
            hangup.close();
            hangup = null;
        }
        if (watchService != null) {
            try {
                watchService.close();
            } catch (IOException e) {
                LOG.debug("closing the watch service: {}", e.toString());
            }
            watchService = null;
        }
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
        debounce.shutdownNow();
    }
}
