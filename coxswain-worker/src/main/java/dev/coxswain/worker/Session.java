package dev.coxswain.worker;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the worker and the server currently agree on: whether the server knows this worker (the
 * poller waits while it does not) and whether it has acknowledged the skills hash (otherwise the
 * next heartbeat carries the full skill list). Also the doorbell of the heartbeat loop: a lost
 * session or a task starting or ending wakes it early, and a change of the devices wakes it at
 * once (an urgent ring, not held back by the cooldown: the server must stop routing tasks to a
 * device that has gone).
 */
final class Session {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean registered;
    private boolean everRegistered;
    private boolean skillsAcknowledged;
    private boolean rung;
    private boolean urgent;

    void registered() {
        lock.lock();
        try {
            registered = true;
            everRegistered = true;
            // The registration carried the skills; the SDK counts them as synced from here.
            skillsAcknowledged = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The server no longer knows the worker: re-register before anything else. */
    void lost() {
        lock.lock();
        try {
            registered = false;
            skillsAcknowledged = false;
            rung = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean isRegistered() {
        lock.lock();
        try {
            return registered;
        } finally {
            lock.unlock();
        }
    }

    boolean wasEverRegistered() {
        lock.lock();
        try {
            return everRegistered;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until registered; false when the timeout passed first. */
    boolean awaitRegistered(Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (!registered) {
                if (left <= 0) return false;
                left = changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    void skillsAcknowledged(boolean acknowledged) {
        lock.lock();
        try {
            skillsAcknowledged = acknowledged;
        } finally {
            lock.unlock();
        }
    }

    boolean skillsAcknowledged() {
        lock.lock();
        try {
            return skillsAcknowledged;
        } finally {
            lock.unlock();
        }
    }

    /** Asks the heartbeat loop for an early heartbeat. */
    void ring() {
        lock.lock();
        try {
            rung = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Asks for a heartbeat now, even within the cooldown after the last one. */
    void ringNow() {
        lock.lock();
        try {
            rung = true;
            urgent = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether an urgent ring came since the last call (consuming it). */
    boolean takeUrgent() {
        lock.lock();
        try {
            boolean was = urgent;
            urgent = false;
            return was;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until rung or {@code timeout} passes, consuming the ring.
     *
     * @return true when rung
     */
    boolean awaitRing(Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (!rung && left > 0) left = changed.awaitNanos(left);
            boolean wasRung = rung;
            rung = false;
            return wasRung;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiter (used when the worker stops). */
    void wakeAll() {
        lock.lock();
        try {
            rung = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
