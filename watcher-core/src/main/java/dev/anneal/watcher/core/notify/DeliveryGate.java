package dev.anneal.watcher.core.notify;

import java.time.Instant;

/**
 * Which alert transitions one receiver is sent, and when, before any attempt is made:
 *
 * <ul>
 *   <li>a drill's alert ({@code "synthetic": true}) is skipped unless the receiver opted in with
 *       {@code include_synthetic: true}, so drills never page by default (the daemon also keeps them
 *       off the alerts topic, in its quarantine topic, unless that is turned off);</li>
 *   <li>a firing alert under a silence ({@code watcher silence}: its {@code silenced} object, until
 *       its {@code until}) is held back: not sent while the silence lasts, and sent when it ends if
 *       the alert is still firing by then (the worker keeps it until then, see {@link FiringAlerts});</li>
 *   <li>everything else is delivered, resolutions included: a resolution pages nobody and closes
 *       what was opened before a silence began.</li>
 * </ul>
 */
final class DeliveryGate {

    /** What to do with one transition. */
    enum Verdict {
        /** Send it now. */
        DELIVER,
        /** Never send it: a drill, to a receiver that did not opt in. */
        SKIP_SYNTHETIC,
        /** Not now: a silence holds it back. */
        HOLD_SILENCED
    }

    private final boolean includeSynthetic;

    DeliveryGate(boolean includeSynthetic) {
        this.includeSynthetic = includeSynthetic;
    }

    /** The verdict for {@code alert} at {@code now}. */
    Verdict verdict(AlertMessage alert, Instant now) {
        if (alert.synthetic() && !includeSynthetic) {
            return Verdict.SKIP_SYNTHETIC;
        }
        return silencedAt(alert, now) ? Verdict.HOLD_SILENCED : Verdict.DELIVER;
    }

    /** Whether {@code alert} is a firing transition a silence holds back at {@code now}. */
    static boolean silencedAt(AlertMessage alert, Instant now) {
        return alert.firing() && alert.silenced().filter(s -> s.holdsAt(now)).isPresent();
    }
}
