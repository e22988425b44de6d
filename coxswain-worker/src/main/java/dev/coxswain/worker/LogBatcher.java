package dev.coxswain.worker;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Collects one task's log lines and sends them as {@code log} events, at most one per interval:
 * a chatty handler costs the server a request per 200 ms, not one per line. A pump on its own
 * virtual thread (started by the first line) does the sending, so logging never blocks the
 * handler; {@link #close()} sends what is left and waits, so the lines reach the server before
 * the task's result does.
 */
final class LogBatcher {
    /** Lines held at most; beyond, lines are counted and reported as dropped. */
    static final int MAX_PENDING = 10_000;
    /** Lines in one event at most, to keep a body small. */
    static final int MAX_PER_EVENT = 1_000;

    private record Line(LogLevel level, String message) {
    }

    private final Consumer<ArrayNode> sender;
    private final Duration interval;
    private final String name;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Deque<Line> pending = new ArrayDeque<>();
    private long dropped;
    private boolean closed;
    private Thread pump;

    /**
     * @param sender sends one {@code lines} array as a log event
     * @param name   names the pump thread
     */
    LogBatcher(Consumer<ArrayNode> sender, Duration interval, String name) {
        this.sender = sender;
        this.interval = interval;
        this.name = name;
    }

    void add(LogLevel level, String message) {
        lock.lock();
        try {
            if (closed) return;
            if (pending.size() >= MAX_PENDING) {
                dropped++;
                return;
            }
            pending.add(new Line(level, message == null ? "" : message));
            if (pump == null) pump = Thread.ofVirtual().name(name).start(this::pumpLoop);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Sends the remaining lines and stops the pump; lines added later are discarded. */
    void close() {
        Thread running;
        lock.lock();
        try {
            closed = true;
            running = pump;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (running == null) return;
        boolean interrupted = false;
        while (true) {
            try {
                running.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    private void pumpLoop() {
        while (true) {
            ArrayNode batch;
            lock.lock();
            try {
                while (pending.isEmpty() && dropped == 0 && !closed) changed.awaitUninterruptibly();
                if (pending.isEmpty() && dropped == 0) return;
                batch = drain();
            } finally {
                lock.unlock();
            }
            sender.accept(batch);
            waitInterval();
        }
    }

    /** Waits out the interval, cut short by close() so the last lines leave at once. */
    private void waitInterval() {
        long left = interval.toNanos();
        lock.lock();
        try {
            while (!closed && left > 0) {
                try {
                    left = changed.awaitNanos(left);
                } catch (InterruptedException e) {
                    return;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private ArrayNode drain() {
        ArrayNode lines = JsonNodeFactory.instance.arrayNode();
        if (dropped > 0) {
            lines.addObject().put("level", LogLevel.WARN.wireName())
                    .put("message", dropped + " log lines dropped: the task logged faster than they could be sent");
            dropped = 0;
        }
        while (!pending.isEmpty() && lines.size() < MAX_PER_EVENT) {
            Line line = pending.poll();
            lines.addObject().put("level", line.level().wireName()).put("message", line.message());
        }
        return lines;
    }
}
