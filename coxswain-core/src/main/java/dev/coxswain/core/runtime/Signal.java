package dev.coxswain.core.runtime;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A wake-up flag: {@link #raise()} wakes one waiting loop now, or makes its next wait return at
 * once. Raises while the loop is busy coalesce into one wake-up — the loop re-reads the store
 * anyway, so it never needs to know how many there were.
 */
public final class Signal {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition raised = lock.newCondition();
    private boolean pending;

    public void raise() {
        lock.lock();
        try {
            pending = true;
            raised.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until raised or until {@code max} passes; clears the flag. @return whether it was raised */
    public boolean await(Duration max) throws InterruptedException {
        long nanos = Math.max(0, max.toNanos());
        lock.lock();
        try {
            while (!pending && nanos > 0) nanos = raised.awaitNanos(nanos);
            boolean was = pending;
            pending = false;
            return was;
        } finally {
            lock.unlock();
        }
    }
}
