package dev.coxswain.core.engine;

import dev.coxswain.core.exec.Completion;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.LogStore.Line;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes attempt endings and buffered output lines. One thread, one transaction at a time: while a
 * commit is in flight the next batch grows, so under load hundreds of completions share a commit,
 * and with no load a completion is written at once. Being the only writer of output lines also
 * keeps each task's lines in order.
 */
public final class Completer {
    private static final Logger LOG = Logger.getLogger(Completer.class.getName());
    private static final int MAX_BATCH = 512;
    /** Endings that may wait for the store; an attempt thread beyond it waits for room. */
    static final int QUEUE_CAPACITY = 8 * MAX_BATCH;

    private final Database db;
    private final TaskTransitions transitions;
    private final TaskLogBuffer logs;
    private final Duration flushInterval;
    private final Runnable afterWrite;
    private final BlockingQueue<Completion> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
    private volatile boolean running;
    private Thread thread;

    /** @param afterWrite called after each committed batch (frees dispatch capacity, wakes the promoter) */
    public Completer(Database db, TaskTransitions transitions, TaskLogBuffer logs, Duration flushInterval, Runnable afterWrite) {
        this.db = db;
        this.transitions = transitions;
        this.logs = logs;
        this.flushInterval = flushInterval;
        this.afterWrite = afterWrite;
    }

    /** Queues an ending; waits while the queue is full (the store is slow or unreachable). */
    public void submit(Completion c) {
        if (queue.offer(c)) return;
        // An ending must not be dropped because its thread was interrupted (a stopped attempt):
        // wait on, and keep the interrupt for the caller.
        boolean interrupted = false;
        while (true) {
            try {
                queue.put(c);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    public synchronized void start() {
        if (thread != null) return;
        running = true;
        thread = Thread.ofPlatform().daemon().name("completer").start(this::loop);
    }

    private void loop() {
        List<Completion> batch = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                if (batch.isEmpty()) {
                    Completion first = queue.poll(flushInterval.toMillis(), TimeUnit.MILLISECONDS);
                    if (first != null) batch.add(first);
                    queue.drainTo(batch, MAX_BATCH - batch.size());
                }
                flush(batch);
                batch.clear();
            } catch (InterruptedException e) {
                if (!running) break;
            } catch (RuntimeException e) {
                // The store is unreachable: keep the batch (completions are idempotent) and retry.
                LOG.log(Level.WARNING, "writing completions failed; retrying in 1 s: " + e.getMessage());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    if (!running) break;
                }
            }
        }
    }

    /** Writes the given completions together with every buffered output line, in one transaction. */
    void flush(List<Completion> batch) {
        List<Line> lines = logs.drainAll();
        for (Completion c : batch) lines.addAll(logs.close(c.taskId(), c.attempt()));
        if (batch.isEmpty() && lines.isEmpty()) return;
        List<Completion> copy = List.copyOf(batch);
        db.write(tx -> {
            transitions.finishAll(tx, copy, lines);
            return null;
        });
        if (!copy.isEmpty()) afterWrite.run();
    }

    /** Writes what is queued, then stops. */
    public void stop() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
            thread = null;
        }
        if (t == null) return;
        t.interrupt();
        try {
            t.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Anything that arrived during the last pass.
        List<Completion> rest = new ArrayList<>();
        queue.drainTo(rest);
        flush(rest);
    }
}
