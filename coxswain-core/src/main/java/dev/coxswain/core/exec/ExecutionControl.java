package dev.coxswain.core.exec;

/**
 * The outside's handle on one running attempt. The executor registers how to kill what it
 * started; whoever decides the attempt must stop (cancel, timeout watcher, shutdown) calls
 * {@link #stop}. Either order works: a stop that arrives before the killer is registered runs the
 * killer as soon as it is registered.
 */
public final class ExecutionControl {
    private StopReason reason;
    private Runnable killer;

    public synchronized void onStop(Runnable killer) {
        this.killer = killer;
        if (reason != null) killer.run();
    }

    /** First reason wins; later calls are ignored. */
    public void stop(StopReason why) {
        Runnable k;
        synchronized (this) {
            if (reason != null) return;
            reason = why;
            k = killer;
        }
        if (k != null) k.run();
    }

    public synchronized StopReason stopReason() {
        return reason;
    }

    public boolean stopped() {
        return stopReason() != null;
    }
}
