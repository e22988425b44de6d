package dev.coxswain.core.runtime;

import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Loops one {@link Duty} on its own thread, sleeping on its {@link Signal} between passes. */
public final class DutyRunner {
    private static final Logger LOG = Logger.getLogger(DutyRunner.class.getName());
    private static final Duration ERROR_PAUSE = Duration.ofSeconds(1);

    private final Duty duty;
    private final Signal signal;
    private final Duration maxSleep;
    private volatile boolean running;
    private Thread thread;

    public DutyRunner(Duty duty, Signal signal, Duration maxSleep) {
        this.duty = duty;
        this.signal = signal;
        this.maxSleep = maxSleep;
    }

    public synchronized void start() {
        if (thread != null) return;
        running = true;
        thread = Thread.ofVirtual().name("duty-" + duty.name()).start(this::loop);
    }

    private void loop() {
        while (running) {
            Duration sleep;
            try {
                sleep = duty.runOnce();
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (!running) return;
                LOG.log(Level.WARNING, "duty " + duty.name() + " failed; retrying in " + ERROR_PAUSE.toMillis() + " ms", e);
                sleep = ERROR_PAUSE;
            }
            if (sleep.compareTo(maxSleep) > 0) sleep = maxSleep;
            try {
                if (!sleep.isZero() && !sleep.isNegative()) signal.await(sleep);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Stops after the current pass and waits for it to end. */
    public void stop() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
            thread = null;
        }
        if (t == null) return;
        signal.raise();
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
