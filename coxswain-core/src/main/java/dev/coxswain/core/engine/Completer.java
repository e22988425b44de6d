package dev.coxswain.core.engine;

import dev.coxswain.core.exec.Completion;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.LogStore.Line;
import dev.coxswain.core.store.ProcessStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
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

    private final Writer writer;
    private final TaskLogBuffer logs;
    private final Duration flushInterval;
    private final Runnable afterWrite;
    private final BlockingQueue<Completion> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
    /**
     * Lines taken from the buffer by a write that then failed. The buffer gives each line out
     * once (and forgets a finished attempt's lines), so they wait here for the retry; only the
     * completer thread touches this (and {@link #stop} after that thread has ended).
     */
    private final List<Line> unwritten = new ArrayList<>();
    /** Process groups attempts started, to record with the next write (see {@link #recordProcess}). */
    private final Queue<ProcessStore.Entry> started = new ConcurrentLinkedQueue<>();
    /** Like {@link #unwritten}, for process records. */
    private final List<ProcessStore.Entry> unrecorded = new ArrayList<>();
    private volatile boolean running;
    private Thread thread;

    /**
     * Writes one batch in one transaction: the process groups attempts started, then the attempt
     * endings with output lines. Throws if it did not commit.
     */
    @FunctionalInterface
    public interface Writer {
        void write(List<Completion> batch, List<Line> lines, List<ProcessStore.Entry> startedProcesses);
    }

    /**
     * The real writer: records the started process groups, then {@link TaskTransitions#finishAll},
     * in one {@link Database#write}, which also forgets the groups of the attempts that ended
     * (their executors killed them). A group whose attempt ends in the same batch is not written
     * at all.
     */
    public static Writer writer(Database db, TaskTransitions transitions, ProcessStore processes) {
        // The attempts with a recorded group: most endings (every non-shell attempt) have none, and
        // their batches need no DELETE. Only the completer thread calls the writer, so a plain set,
        // changed only after a commit (the transaction itself may be applied more than once).
        Set<ProcessStore.AttemptKey> recorded = new HashSet<>();
        return (batch, lines, startedProcesses) -> {
            Set<ProcessStore.AttemptKey> endedNow = new HashSet<>();
            for (Completion c : batch) endedNow.add(new ProcessStore.AttemptKey(c.taskId(), c.attempt()));
            List<ProcessStore.Entry> toRecord = startedProcesses.stream()
                    .filter(e -> !endedNow.contains(new ProcessStore.AttemptKey(e.taskId(), e.attempt()))).toList();
            List<ProcessStore.AttemptKey> gone = endedNow.stream().filter(recorded::contains).toList();
            db.write(tx -> {
                for (ProcessStore.Entry e : toRecord) processes.insert(tx, e);
                transitions.finishAll(tx, batch, lines);
                processes.deleteAll(tx, gone);
                return null;
            });
            for (ProcessStore.Entry e : toRecord) recorded.add(new ProcessStore.AttemptKey(e.taskId(), e.attempt()));
            gone.forEach(recorded::remove);
        };
    }

    /** @param afterWrite called after each committed batch (frees dispatch capacity, wakes the promoter) */
    public Completer(Writer writer, TaskLogBuffer logs, Duration flushInterval, Runnable afterWrite) {
        this.writer = writer;
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

    /**
     * Records a process group an attempt started with the next write (at most one flush interval
     * away), without making the attempt wait for a commit. It is always written before (or, if
     * the attempt ended meanwhile, instead of) its attempt's completion, which is submitted later.
     * The group's watcher covers the moment in between (see {@code ShellExecutor}).
     */
    public void recordProcess(ProcessStore.Entry e) {
        started.add(e);
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
        // Older lines first: a task's lines stay in order across a failed write.
        unwritten.addAll(logs.drainAll());
        for (Completion c : batch) unwritten.addAll(logs.close(c.taskId(), c.attempt()));
        // Taken after the batch: the record of every attempt in it was queued before its completion.
        for (ProcessStore.Entry e; (e = started.poll()) != null; ) unrecorded.add(e);
        if (batch.isEmpty() && unwritten.isEmpty() && unrecorded.isEmpty()) return;
        List<Completion> copy = List.copyOf(batch);
        writer.write(copy, List.copyOf(unwritten), List.copyOf(unrecorded));
        unwritten.clear();
        unrecorded.clear();
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
