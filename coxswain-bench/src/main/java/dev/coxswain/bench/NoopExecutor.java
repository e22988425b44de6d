package dev.coxswain.bench;

import dev.coxswain.core.exec.ExecutionContext;
import dev.coxswain.core.exec.ExecutionResult;
import dev.coxswain.core.exec.TaskExecutor;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Task type {@code noop}, known only to the benchmark: succeeds at once, so what is measured is
 * the engine and the store, not the work. While {@linkplain #track(boolean) tracking} it records
 * when each attempt started ({@link System#nanoTime()}), for the dispatch-latency figure.
 */
public final class NoopExecutor implements TaskExecutor {
    public static final String TYPE = "noop";

    private final AtomicLong executed = new AtomicLong();
    private final Map<Long, CompletableFuture<Long>> starts = new ConcurrentHashMap<>();
    private volatile boolean tracking;

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public ExecutionResult execute(ExecutionContext ctx) {
        if (tracking) {
            long now = System.nanoTime();
            starts.computeIfAbsent(ctx.taskId(), k -> new CompletableFuture<>()).complete(now);
        }
        executed.incrementAndGet();
        return ExecutionResult.ok(null, null);
    }

    /** Turns start-time recording on or off; turning it off forgets what was recorded. */
    public void track(boolean on) {
        tracking = on;
        if (!on) starts.clear();
    }

    /** Attempts run so far (all tasks, tracked or not). */
    public long executed() {
        return executed.get();
    }

    /**
     * Waits for the attempt of {@code taskId} to start (tracking must be on).
     *
     * @return its start time in {@link System#nanoTime()} units
     * @throws TimeoutException when it has not started within {@code max}
     */
    public long awaitStart(long taskId, Duration max) throws InterruptedException, TimeoutException {
        CompletableFuture<Long> f = starts.computeIfAbsent(taskId, k -> new CompletableFuture<>());
        try {
            return f.get(max.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            starts.remove(taskId);
        }
    }
}
