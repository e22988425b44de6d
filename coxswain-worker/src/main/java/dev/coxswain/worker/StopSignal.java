package dev.coxswain.worker;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A one-way "stop now" flag that loops can wait on instead of sleeping past a shutdown. */
final class StopSignal {
    private final CountDownLatch stopped = new CountDownLatch(1);

    void stop() {
        stopped.countDown();
    }

    boolean isStopped() {
        return stopped.getCount() == 0;
    }

    /**
     * Waits {@code duration} unless stopped first.
     *
     * @return true when the whole duration passed, false when stopped (or interrupted)
     */
    boolean pause(Duration duration) {
        try {
            return !stopped.await(Math.max(0, duration.toNanos()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
