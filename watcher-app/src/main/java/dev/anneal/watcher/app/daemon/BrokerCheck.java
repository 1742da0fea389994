package dev.anneal.watcher.app.daemon;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

/**
 * Waits until the brokers answer, so that {@code watcher run} against an unreachable cluster
 * fails at start with one clear message instead of Kafka Streams retrying forever in the
 * background. Authentication and authorisation failures are not retried: waiting does not fix
 * credentials.
 */
final class BrokerCheck {

    private static final long RETRY_PAUSE_MILLIS = 250;

    /**
     * What the cluster said.
     *
     * @param clusterId its id
     * @param brokers   how many brokers it reported
     */
    record Cluster(String clusterId, int brokers) {
    }

    private BrokerCheck() {
    }

    /**
     * Asks {@code describeCluster} until it answers or {@code timeout} has passed.
     *
     * @throws StartupException UNAVAILABLE after the timeout, CONFIG when the brokers refuse the credentials
     */
    static Cluster await(Admin admin, String bootstrap, Duration timeout) throws StartupException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Throwable last = null;
        while (true) {
            long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (remaining <= 0) {
                break;
            }
            try {
                DescribeClusterResult result = admin.describeCluster(
                        new DescribeClusterOptions().timeoutMs((int) Math.min(remaining, Integer.MAX_VALUE)));
                Collection<Node> nodes = result.nodes().get(remaining, TimeUnit.MILLISECONDS);
                if (!nodes.isEmpty()) {
                    String id = result.clusterId().get(Math.max(1, remaining), TimeUnit.MILLISECONDS);
                    return new Cluster(id, nodes.size());
                }
                last = new IllegalStateException("the cluster reported no brokers");
            } catch (ExecutionException e) {
                last = e.getCause();
                if (last instanceof AuthenticationException || last instanceof AuthorizationException) {
                    throw new StartupException(StartupException.Kind.CONFIG, "the Kafka brokers at " + bootstrap
                            + " refused the watcher: " + last.getMessage() + "; check the security settings in "
                            + "kafka.properties", last);
                }
            } catch (TimeoutException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StartupException(StartupException.Kind.UNAVAILABLE, "interrupted while waiting for the "
                        + "Kafka brokers at " + bootstrap, e);
            }
            try {
                Thread.sleep(RETRY_PAUSE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StartupException(StartupException.Kind.UNAVAILABLE, "interrupted while waiting for the "
                        + "Kafka brokers at " + bootstrap, e);
            }
        }
        throw new StartupException(StartupException.Kind.UNAVAILABLE, "cannot reach the Kafka brokers at "
                + bootstrap + " within " + seconds(timeout) + " (kafka.startup_timeout)"
                + (last == null ? "" : ": " + describe(last))
                + "; check kafka.bootstrap_servers, the network and the security settings in kafka.properties",
                last);
    }

    private static String describe(Throwable t) {
        if (t instanceof TimeoutException) {
            return "no broker answered";
        }
        String message = t.getMessage();
        return message == null ? t.getClass().getSimpleName() : message;
    }

    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
