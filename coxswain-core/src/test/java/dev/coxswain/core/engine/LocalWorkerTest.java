package dev.coxswain.core.engine;

import dev.coxswain.core.runtime.EngineObserver;
import dev.coxswain.core.runtime.Signal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.exec.ExecutionContext;
import dev.coxswain.core.exec.ExecutionResult;
import dev.coxswain.core.exec.ProcessLedger;
import dev.coxswain.core.exec.StopReason;
import dev.coxswain.core.exec.TaskExecutor;
import dev.coxswain.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Stops that race the worker: a cancel can commit between the dispatcher's claim and the
 * worker's start, and a retry can start while a lease-lost attempt still runs. Either way the
 * attempt concerned must be stopped now, not run on until the next heartbeat notices.
 */
class LocalWorkerTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final Probe probe = new Probe();
    private final Outcomes outcomes = new Outcomes();

    /** Reports, per attempt, whether the stop had already arrived when the executor was entered. */
    private static final class Probe implements TaskExecutor {
        final CompletableFuture<StopReason> seen = new CompletableFuture<>();

        @Override
        public String type() {
            return "probe";
        }

        @Override
        public ExecutionResult execute(ExecutionContext ctx) {
            seen.complete(ctx.control().stopReason());
            return ExecutionResult.ok(0, "ran");
        }
    }

    private final class Outcomes implements EngineObserver {
        final CompletableFuture<AttemptOutcome> finished = new CompletableFuture<>();

        @Override
        public void attemptFinished(Task t, AttemptOutcome outcome, Duration took) {
            finished.complete(outcome);
        }
    }

    private LocalWorker worker(TaskExecutor executor) {
        TaskLogBuffer logs = new TaskLogBuffer(clock, 100);
        // Not started: completions just queue, which is all these tests need.
        Completer completer = new Completer((batch, lines, started) -> { }, logs, Duration.ofMillis(10), () -> { });
        return new LocalWorker("w", 2, List.of(executor), clock, logs, completer, new Signal(), new Signal(), outcomes,
                ProcessLedger.PerAttempt.NONE);
    }

    private static Task claimed(long id, int attempt) {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        return new Task(id, "probe", "n", null, null, TaskStatus.RUNNING, 5, t, null, t, t, t, null, 0, 3, "exponential",
                attempt, 60, List.of(), List.of(), "w", t.plusSeconds(30), null, null, null, false, null, 0, null, null);
    }

    @Test
    void aStopBeforeTheStartStopsThatAttemptAsItStarts() throws Exception {
        LocalWorker w = worker(probe);
        assertThat(w.stop(7, 1, StopReason.CANCELLED)).isFalse();
        w.start(claimed(7, 1));
        assertThat(probe.seen.get(5, TimeUnit.SECONDS)).isEqualTo(StopReason.CANCELLED);
        assertThat(outcomes.finished.get(5, TimeUnit.SECONDS)).isEqualTo(EngineObserver.AttemptOutcome.CANCELLED);
    }

    @Test
    void anEarlyStopNeverHitsAnotherAttempt() throws Exception {
        LocalWorker w = worker(probe);
        w.stop(7, 1, StopReason.CANCELLED);
        w.start(claimed(7, 2));
        assertThat(probe.seen.get(5, TimeUnit.SECONDS)).isNull();
        assertThat(outcomes.finished.get(5, TimeUnit.SECONDS)).isEqualTo(EngineObserver.AttemptOutcome.COMPLETED);
    }

    @Test
    void anEarlyStopForAnAttemptThatRunsElsewhereExpires() throws Exception {
        LocalWorker w = worker(probe);
        w.stop(7, 1, StopReason.CANCELLED);
        clock.advance(LocalWorker.EARLY_STOP_TTL.plusSeconds(1));
        w.stop(8, 1, StopReason.CANCELLED); // any later stop sweeps expired entries
        w.start(claimed(7, 1));
        assertThat(probe.seen.get(5, TimeUnit.SECONDS)).isNull();
    }

    /** Runs until stopped; reports each attempt's stop reason. */
    private static final class Stubborn implements TaskExecutor {
        final Map<Integer, CompletableFuture<StopReason>> stopped = new ConcurrentHashMap<>();
        final Map<Integer, CountDownLatch> started = new ConcurrentHashMap<>();

        @Override
        public String type() {
            return "probe";
        }

        @Override
        public ExecutionResult execute(ExecutionContext ctx) throws InterruptedException {
            CompletableFuture<StopReason> stop = stopped.computeIfAbsent(ctx.attempt(), a -> new CompletableFuture<>());
            ctx.control().onStop(() -> stop.complete(ctx.control().stopReason()));
            started.computeIfAbsent(ctx.attempt(), a -> new CountDownLatch(1)).countDown();
            try {
                stop.get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                return ExecutionResult.failed(null, null, "never stopped");
            }
            return ExecutionResult.failed(null, null, "stopped");
        }

        void awaitStarted(int attempt) throws InterruptedException {
            assertThat(started.computeIfAbsent(attempt, a -> new CountDownLatch(1))
                    .await(5, TimeUnit.SECONDS)).as("attempt %d started", attempt).isTrue();
        }
    }

    @Test
    void aNewerAttemptOfTheSameTaskStopsTheOldOneInsteadOfLeavingItUntracked() throws Exception {
        Stubborn exec = new Stubborn();
        LocalWorker w = worker(exec);
        w.start(claimed(7, 1));
        exec.awaitStarted(1);
        // The lease of attempt 1 was lost, the store retried the task, and this worker claimed attempt 2.
        w.start(claimed(7, 2));
        assertThat(exec.stopped.get(1).get(5, TimeUnit.SECONDS)).isEqualTo(StopReason.SUPERSEDED);
        exec.awaitStarted(2);
        assertThat(w.running()).extracting(ex -> ex.task().attempt()).containsExactly(2);
        assertThat(w.stop(7, 2, StopReason.CANCELLED)).as("the new attempt is the tracked one").isTrue();
        assertThat(exec.stopped.get(2).get(5, TimeUnit.SECONDS)).isEqualTo(StopReason.CANCELLED);
    }

    /** Throws an Error (not a RuntimeException) from inside the attempt. */
    private static final class Crashing implements TaskExecutor {
        @Override
        public String type() {
            return "probe";
        }

        @Override
        public ExecutionResult execute(ExecutionContext ctx) {
            throw new AssertionError("executor bug");
        }
    }

    @Test
    void anExecutorThatThrowsAnErrorFailsItsAttemptAndFreesItsSlot() throws Exception {
        LocalWorker w = worker(new Crashing());
        w.start(claimed(7, 1));
        assertThat(outcomes.finished.get(5, TimeUnit.SECONDS)).isEqualTo(EngineObserver.AttemptOutcome.FAILED);
        assertThat(w.awaitIdle(Duration.ofSeconds(5))).as("the slot is free again").isTrue();
        assertThat(w.freeSlots()).isEqualTo(2);
    }
}
