package dev.coxswain.core.runtime;

import dev.coxswain.core.domain.Task;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps an observer's failure its own. A metrics registry that throws (a duration it cannot hold,
 * a meter registered with other tags) must not stop an attempt whose claim has committed from
 * running, or keep its slot taken.
 */
final class GuardedObserver implements EngineObserver {
    private static final Logger LOG = Logger.getLogger(GuardedObserver.class.getName());

    private final EngineObserver inner;

    GuardedObserver(EngineObserver inner) {
        this.inner = inner;
    }

    @Override
    public void attemptStarted(Task t, Duration latency) {
        try {
            inner.attemptStarted(t, latency);
        } catch (Throwable e) {
            failed("attemptStarted", e);
        }
    }

    @Override
    public void attemptFinished(Task t, AttemptOutcome outcome, Duration took) {
        try {
            inner.attemptFinished(t, outcome, took);
        } catch (Throwable e) {
            failed("attemptFinished", e);
        }
    }

    @Override
    public void webhookAttempt(String event, String outcome) {
        try {
            inner.webhookAttempt(event, outcome);
        } catch (Throwable e) {
            failed("webhookAttempt", e);
        }
    }

    @Override
    public void slotFired(Duration lateness) {
        try {
            inner.slotFired(lateness);
        } catch (Throwable e) {
            failed("slotFired", e);
        }
    }

    private static void failed(String what, Throwable e) {
        LOG.log(Level.WARNING, "engine observer " + what + " failed; ignored", e);
    }
}
