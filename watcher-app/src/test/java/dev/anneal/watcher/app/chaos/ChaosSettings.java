package dev.anneal.watcher.app.chaos;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The knobs of the chaos suite, as system properties ({@code scripts/chaos.sh} passes them
 * through). The defaults are the bounded form that {@code ./mvnw verify} runs: a few thousand
 * records, outages of seconds. The script's full size raises them.
 *
 * <ul>
 *   <li>{@code chaos.records}: input records per scenario (a multiple of {@value #SEGMENTS});</li>
 *   <li>{@code chaos.rate}: records per second the input is produced at, steadily;</li>
 *   <li>{@code chaos.seed}: the generated stream;</li>
 *   <li>{@code chaos.standbys}: {@code streams.standby_replicas} of the multi-instance scenario;</li>
 *   <li>{@code chaos.receiverOutageSeconds}: how long the receivers are down;</li>
 *   <li>{@code chaos.brokerDowntimeSeconds}: how long a broker stays down;</li>
 *   <li>{@code chaos.sessionTimeoutMs}: the daemons' consumer session timeout;</li>
 *   <li>{@code chaos.childJvmOptions}: the daemons' JVM options (space separated);</li>
 *   <li>{@code chaos.figures}: a file each scenario appends its figures to (one line each).</li>
 * </ul>
 */
final class ChaosSettings {

    /** Generator segments (each with its own runs, some drifting): outputs spread over the whole stream. */
    static final int SEGMENTS = 8;
    /** Runs per segment: 48 runs over the 12 partitions of the multi-instance scenario. */
    static final int RUNS = 6;

    static final int RECORDS = roundToSegments(Integer.getInteger("chaos.records", 4_000));
    static final double RATE = Double.parseDouble(System.getProperty("chaos.rate", "100"));
    static final long SEED = Long.getLong("chaos.seed", 20260401L);
    static final int STANDBYS = Integer.getInteger("chaos.standbys", 1);
    static final Duration RECEIVER_OUTAGE = Duration.ofSeconds(Long.getLong("chaos.receiverOutageSeconds", 20));
    static final Duration BROKER_DOWNTIME = Duration.ofSeconds(Long.getLong("chaos.brokerDowntimeSeconds", 8));
    /** A killed member is noticed after this (Kafka's minimum is 6 s); see CrashIT. */
    static final int SESSION_TIMEOUT_MS = Integer.getInteger("chaos.sessionTimeoutMs", 6_000);
    static final List<String> CHILD_JVM = List.of(System.getProperty("chaos.childJvmOptions",
            "-Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto").trim().split("\\s+"));
    static final String FIGURES = System.getProperty("chaos.figures", "");

    private ChaosSettings() {
    }

    private static int roundToSegments(int records) {
        return Math.max(SEGMENTS * RUNS * 10, records - records % SEGMENTS);
    }

    /** The settings of this run, for the log. */
    static String describe() {
        return String.format(Locale.ROOT, "%d records at %.0f/s, seed %d, standbys %d, receiver outage %d s, broker "
                        + "downtime %d s, session timeout %d ms, child JVM %s", RECORDS, RATE, SEED, STANDBYS,
                RECEIVER_OUTAGE.toSeconds(), BROKER_DOWNTIME.toSeconds(), SESSION_TIMEOUT_MS, CHILD_JVM);
    }
}
