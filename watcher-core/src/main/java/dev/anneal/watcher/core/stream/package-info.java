/**
 * The daemon's Kafka Streams application: {@link dev.anneal.watcher.core.stream.WatcherTopology}
 * assembles the topology (sources, processor, store, sinks) around the same
 * {@link dev.anneal.watcher.core.pipeline.RecordPipeline} replay runs; its processor keeps run
 * states in the task's key-value store behind a cache of decoded states.
 *
 * <ul>
 *   <li>{@link dev.anneal.watcher.core.stream.WatcherTopics}: topic names and dead-letter headers
 *       (public API);</li>
 *   <li>{@link dev.anneal.watcher.core.stream.RuleSetHolder}: the current rule set, swapped on
 *       reload;</li>
 *   <li>{@link dev.anneal.watcher.core.stream.WatcherMetrics}: meter names and the meters;
 *       {@link dev.anneal.watcher.core.stream.ErrorLog}: the log field naming a failure's
 *       {@link dev.anneal.watcher.rules.model.ErrorClass} (public API);</li>
 *   <li>{@code DeadLetters}: a rejected record's dead letter, with its headers;</li>
 *   <li>{@link dev.anneal.watcher.core.stream.RunQueries}: read-only views of the run-state store
 *       for the HTTP API;</li>
 *   <li>{@link dev.anneal.watcher.core.stream.StreamsConfigs} and
 *       {@link dev.anneal.watcher.core.stream.TopicSetup}: the Streams configuration and the
 *       topics the daemon needs.</li>
 * </ul>
 */
package dev.anneal.watcher.core.stream;
