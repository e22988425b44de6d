package dev.coxswain.bench;

import dev.coxswain.worker.TaskContext;
import dev.coxswain.worker.TaskHandler;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The remote workers' {@code noop} skill: returns at once, so what is measured is the protocol,
 * the server and the store. It counts the handler runs and, while {@linkplain #track(boolean)
 * tracking}, records when each task's handler started ({@link System#nanoTime()}; the workers run
 * in the benchmark's JVM, so the clock is the same one the creator read).
 */
final class NoopSkill implements TaskHandler {
    static final String NAME = "noop";

    private final AtomicLong runs = new AtomicLong();
    private final Map<Long, CompletableFuture<Long>> starts = new ConcurrentHashMap<>();
    private volatile boolean tracking;

    @Override
    public Object handle(TaskContext ctx) {
        if (tracking) {
            long now = System.nanoTime();
            starts.computeIfAbsent(taskNumber(ctx.coxswainTask()), k -> new CompletableFuture<>()).complete(now);
        }
        runs.incrementAndGet();
        return null;
    }

    /** Handler runs so far (every attempt, on every worker). */
    long runs() {
        return runs.get();
    }

    void track(boolean on) {
        tracking = on;
        if (!on) starts.clear();
    }

    /** When the handler of task {@code id} started; waits for it up to {@code timeout}. */
    long awaitStart(long id, Duration timeout) throws InterruptedException, TimeoutException {
        try {
            return starts.computeIfAbsent(id, k -> new CompletableFuture<>()).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            starts.remove(id);
        }
    }

    /** {@code task-<n>} → n. */
    private static long taskNumber(String coxswainTask) {
        return Long.parseLong(coxswainTask.substring(coxswainTask.indexOf('-') + 1));
    }
}
