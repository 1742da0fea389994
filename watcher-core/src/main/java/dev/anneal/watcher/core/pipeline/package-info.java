/**
 * The watcher's data flow, once for every way of running it:
 * {@link dev.anneal.watcher.core.pipeline.RecordPipeline} (read its class comment first) runs
 * validate, advance time, evaluate, alert state, decide and route for each decoded message, over a
 * {@link dev.anneal.watcher.core.pipeline.RunStore} and into a
 * {@link dev.anneal.watcher.core.pipeline.PipelineSink}. Replay ({@code core.replay.Replay}) and
 * the daemon ({@code core.stream.WatcherProcessor}) are adapters around it.
 */
package dev.anneal.watcher.core.pipeline;
