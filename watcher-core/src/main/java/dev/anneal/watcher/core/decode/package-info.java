/**
 * Decoding of townlet telemetry into {@link dev.anneal.watcher.rules.model.TelemetryRecord}s.
 *
 * <p>This is the "decode/validate" step of the watcher's pipeline (consume → decode → evaluate →
 * alert → recommend). Everything upstream hands it bytes (a file, stdin, a Kafka message);
 * everything downstream sees only normalised records and explicit rejections. The entry point is
 * {@link dev.anneal.watcher.core.decode.TelemetryDecoder}; its class comment states the framing,
 * envelope, kind-detection and event-time rules. Bad input is never an exception here: it becomes
 * a {@link dev.anneal.watcher.core.decode.Rejection} with a position and a reason a person can act
 * on, so one corrupt line cannot stop a replay or the daemon.
 */
package dev.anneal.watcher.core.decode;
