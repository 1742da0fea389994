package dev.anneal.watcher.rules.model;

import java.util.Locale;

/**
 * The watcher's one classification of what went wrong, shared by exit codes, metrics, dead-letter
 * headers and log lines, so that an operator who sees a failure in one of them can find it in the
 * others under the same name. The set is small and fixed on purpose: it says who has to act
 * (the producer of the data, the author of the rules or configuration, nobody but time, or a
 * developer), not what exactly failed; the exact failure is in the message next to it.
 *
 * <table>
 *   <caption>Where each class shows (the same ids everywhere)</caption>
 *   <tr><th>class</th><th>exit codes</th><th>metric</th><th>dead-letter header</th><th>log field</th></tr>
 *   <tr><td>{@code bad_input}</td><td>65, 66</td><td>{@code watcher_errors_total{error_class="bad_input"}}</td>
 *       <td>{@code watcher.error.class: bad_input}</td><td>{@code error_class=bad_input}</td></tr>
 *   <tr><td>{@code bad_config}</td><td>64, 78</td><td>{@code watcher_errors_total{error_class="bad_config"}}</td>
 *       <td>(nothing of this class is dead-lettered)</td><td>{@code error_class=bad_config}</td></tr>
 *   <tr><td>{@code transient_io}</td><td>69, 74, 75</td><td>(retried by the Kafka and HTTP clients)</td>
 *       <td>(nothing of this class is dead-lettered)</td><td>{@code error_class=transient_io}</td></tr>
 *   <tr><td>{@code fatal}</td><td>70</td><td>{@code watcher_errors_total{error_class="fatal"}}</td>
 *       <td>(nothing of this class is dead-lettered)</td><td>{@code error_class=fatal}</td></tr>
 * </table>
 *
 * <p>{@code docs/ARCHITECTURE.md} ("Errors") lists which failure falls in which class. The ids
 * (the lower-case names) are public API, like metric names.
 */
public enum ErrorClass {
    /**
     * The data is unusable: a rejected record (every {@link RejectionCategory}), an input file that
     * is missing or not what it should be. The producer of the data has to act; the watcher carries
     * on with the next record, except {@code replay --strict}, which stops at the first.
     */
    BAD_INPUT,
    /**
     * The rules, the configuration or the command line are wrong: an invalid rule, scenario or
     * configuration file, an unknown pack or option, a reload that does not compile, a rule whose
     * expression fails on a record its pack accepts. Whoever wrote them has to act; retrying the
     * same thing fails the same way.
     */
    BAD_CONFIG,
    /**
     * Something outside the watcher failed or was not there in time: the Kafka brokers cannot be
     * reached, reading or writing a file or topic failed, a timeout passed. Retrying later may
     * succeed without any change.
     */
    TRANSIENT_IO,
    /**
     * An internal error: a bug in the watcher or state it wrote that it cannot read back. A
     * developer has to look; the stack trace or message is logged.
     */
    FATAL;

    /** The value written in metric tags, headers and log fields: the lower-case name, e.g. {@code bad_input}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return id();
    }
}
