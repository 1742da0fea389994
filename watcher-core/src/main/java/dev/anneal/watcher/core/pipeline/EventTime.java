package dev.anneal.watcher.core.pipeline;

/**
 * How a record's event time moves the clock that absence rules measure silence by. It is the one
 * way replay and the daemon run the pipeline differently, and the reason absence alerts are the
 * one place the two can differ in timing.
 */
public enum EventTime {

    /**
     * One stream, one clock (replay): a timestamped record's event time is the time of every run,
     * so it fires the absence rules of all runs that fell due before it, in deadline order.
     */
    SHARED,

    /**
     * A clock per run (the daemon): records reach a task from many producers over many partitions,
     * with no common event time, so a record advances only its own run. The other runs move with
     * {@link RecordPipeline#advanceTo}, which the daemon calls on its wall clock.
     */
    PER_RUN
}
