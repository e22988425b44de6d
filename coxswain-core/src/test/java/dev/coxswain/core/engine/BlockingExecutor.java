package dev.coxswain.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.domain.LogLevel;
import dev.coxswain.core.exec.ExecutionContext;
import dev.coxswain.core.exec.ExecutionResult;
import dev.coxswain.core.exec.StopReason;
import dev.coxswain.core.exec.TaskExecutor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A test executor whose attempts run until the test releases them (as success or failure) or the
 * engine stops them (cancel, timeout, shutdown). Each attempt of a task is its own run; the
 * methods without an attempt number mean the first attempt.
 */
final class BlockingExecutor implements TaskExecutor {
    /** An attempt nobody releases ends on its own after this, so no test leaves a thread behind. */
    private static final long GIVE_UP_SECONDS = 60;

    static final class Run {
        final CountDownLatch started = new CountDownLatch(1);
        /** true = succeed, false = fail, null = stopped by the engine. */
        final CompletableFuture<Boolean> outcome = new CompletableFuture<>();
        volatile StopReason stoppedFor;
    }

    private record Key(long taskId, int attempt) {
    }

    private final String type;
    private final boolean ignoreStops;
    private final ConcurrentMap<Key, Run> runs = new ConcurrentHashMap<>();

    BlockingExecutor(String type) {
        this(type, false);
    }

    /** @param ignoreStops true: attempts run on until released even when the engine stops them (a stubborn job) */
    BlockingExecutor(String type, boolean ignoreStops) {
        this.type = type;
        this.ignoreStops = ignoreStops;
    }

    @Override
    public String type() {
        return type;
    }

    Run run(long taskId) {
        return run(taskId, 1);
    }

    Run run(long taskId, int attempt) {
        return runs.computeIfAbsent(new Key(taskId, attempt), k -> new Run());
    }

    boolean started(long taskId) {
        Run r = runs.get(new Key(taskId, 1));
        return r != null && r.started.getCount() == 0;
    }

    void awaitStarted(long taskId) throws InterruptedException {
        awaitStarted(taskId, 1);
    }

    void awaitStarted(long taskId, int attempt) throws InterruptedException {
        assertThat(run(taskId, attempt).started.await(EngineHarness.WAIT.toSeconds(), TimeUnit.SECONDS))
                .as("task-%d attempt %d started on the blocking executor", taskId, attempt).isTrue();
    }

    void release(long taskId, boolean success) {
        release(taskId, 1, success);
    }

    void release(long taskId, int attempt, boolean success) {
        run(taskId, attempt).outcome.complete(success);
    }

    @Override
    public ExecutionResult execute(ExecutionContext ctx) throws InterruptedException {
        Run r = run(ctx.taskId(), ctx.attempt());
        ctx.control().onStop(() -> {
            r.stoppedFor = ctx.control().stopReason();
            if (!ignoreStops) r.outcome.complete(null);
        });
        r.started.countDown();
        Boolean ok;
        try {
            ok = r.outcome.get(GIVE_UP_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return ExecutionResult.failed(null, null, "blocking executor was never released");
        }
        if (ok == null) return ExecutionResult.failed(null, null, "stopped: " + ctx.control().stopReason());
        // Output written as the attempt ends: shows whose log buffer is still open at that point.
        ctx.log().line(LogLevel.INFO, "attempt " + ctx.attempt() + " released");
        return ok ? ExecutionResult.ok(0, "released") : ExecutionResult.failed(1, null, "released as a failure");
    }
}
