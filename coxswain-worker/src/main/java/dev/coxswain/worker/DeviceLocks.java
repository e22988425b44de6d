package dev.coxswain.worker;

import dev.coxswain.worker.protocol.Protocol;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One task per device at a time, on the worker's side. The server already runs one task per
 * device; this is the second guard, so a script never drives a device twice at once whatever the
 * server or the network does.
 *
 * <p>A task that finds its device taken fails at once with a clear error — except when the
 * holder has been stopped and is still unwinding: the server counts a stopped task as ended at
 * once and may send the device's next task right away, so that one waits (up to the handover
 * wait) for the holder to let go instead of failing for nothing.
 */
final class DeviceLocks {
    private final Map<String, Lease> held = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final Duration handoverWait;

    /** @param handoverWait how long a task waits for a stopped holder of its device to finish */
    DeviceLocks(Duration handoverWait) {
        this.handoverWait = handoverWait;
    }

    /** One task's hold on one device; released exactly once, by the task's own thread. */
    final class Lease {
        private final String serial;
        private final TaskContext task;
        private final CountDownLatch released = new CountDownLatch(1);

        private Lease(String serial, TaskContext task) {
            this.serial = serial;
            this.task = task;
        }

        void release() {
            held.remove(serial, this);
            released.countDown();
        }
    }

    /**
     * Takes the device for the calling thread's task.
     *
     * @throws TaskFailure          ({@code TRANSIENT_ERROR}, retried under the task's policy) when
     *                              another task holds the device
     * @throws InterruptedException when the task is stopped while it waits
     */
    Lease acquire(String serial, TaskContext task) throws InterruptedException {
        Lease mine = new Lease(serial, task);
        long deadline = System.nanoTime() + handoverWait.toNanos();
        while (true) {
            Lease holder = held.putIfAbsent(serial, mine);
            if (holder == null) return mine;
            long left = deadline - System.nanoTime();
            if (!holder.task.isCancelled() || left <= 0) throw busy(serial, holder);
            waiting.incrementAndGet();
            try {
                holder.released.await(left, TimeUnit.NANOSECONDS);
            } finally {
                waiting.decrementAndGet();
            }
        }
    }

    /** How many tasks wait now for a stopped task to let go of their device. */
    int waiting() {
        return waiting.get();
    }

    /** Serial → wire task id of each device busy now. */
    Map<String, String> busy() {
        Map<String, String> out = new LinkedHashMap<>();
        held.forEach((serial, lease) -> out.put(serial, lease.task.taskId()));
        return out;
    }

    private static TaskFailure busy(String serial, Lease holder) {
        return new TaskFailure(Protocol.ERROR_TRANSIENT, "Device " + serial + " is busy with task " + holder.task.taskId()
                + "; a device runs one task at a time");
    }
}
