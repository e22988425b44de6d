package dev.coxswain.core.engine;

import dev.coxswain.core.exec.Completion;
import dev.coxswain.core.runtime.EngineObserver;
import dev.coxswain.core.runtime.Signal;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.exec.ExecutionContext;
import dev.coxswain.core.exec.ExecutionControl;
import dev.coxswain.core.exec.ExecutionResult;
import dev.coxswain.core.exec.ProcessLedger;
import dev.coxswain.core.exec.StopReason;
import dev.coxswain.core.exec.TaskExecutor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The worker built into every node: runs claimed tasks of the types it has executors for, each
 * attempt on its own virtual thread, at most {@code capacity} at a time.
 */
public final class LocalWorker {
    private static final Logger LOG = Logger.getLogger(LocalWorker.class.getName());

    private final String id;
    private final int capacity;
    private final Map<String, TaskExecutor> executors;
    private final Clock clock;
    private final TaskLogBuffer logs;
    private final Completer completer;
    private final Signal slotFreed;
    private final Signal timeoutWatch;
    private final Map<Long, Execution> running = new ConcurrentHashMap<>();
    /**
     * Stops that arrived for an attempt not (yet) running here: a cancel can commit between the
     * dispatcher's claim commit and {@link #start}, and must still kill the attempt at once rather
     * than at the next heartbeat. Keyed by task id and attempt, so a later attempt of the same task
     * is never hit; entries for attempts that run elsewhere expire after {@link #EARLY_STOP_TTL}.
     * Guarded by {@code this}, together with the registration in {@link #start}.
     */
    private final Map<Long, EarlyStop> earlyStops = new HashMap<>();
    static final Duration EARLY_STOP_TTL = Duration.ofMinutes(1);
    private final EngineObserver observer;
    private final ProcessLedger.PerAttempt processes;

    /** @param processes where each attempt records the process group it runs (if any) before it runs */
    public LocalWorker(String id, int capacity, Collection<TaskExecutor> executors, Clock clock, TaskLogBuffer logs,
                       Completer completer, Signal slotFreed, Signal timeoutWatch, EngineObserver observer,
                       ProcessLedger.PerAttempt processes) {
        this.processes = processes;
        this.observer = EngineObserver.guarded(observer);
        this.id = id;
        this.capacity = capacity;
        Map<String, TaskExecutor> byType = new HashMap<>();
        for (TaskExecutor e : executors) byType.put(e.type(), e);
        this.executors = Map.copyOf(byType);
        this.clock = clock;
        this.logs = logs;
        this.completer = completer;
        this.slotFreed = slotFreed;
        this.timeoutWatch = timeoutWatch;
    }

    public String id() {
        return id;
    }

    public int capacity() {
        return capacity;
    }

    public Set<String> types() {
        return executors.keySet();
    }

    public int freeSlots() {
        return Math.max(0, capacity - running.size());
    }

    public Collection<Execution> running() {
        return running.values();
    }

    private record EarlyStop(int attempt, StopReason why, Instant at) {
    }

    /** Runs a task this worker has just claimed (the claim is committed). */
    public void start(Task t) {
        Instant now = clock.instant();
        Execution ex = new Execution(t, new ExecutionControl(), now, now.plusSeconds(t.timeoutSeconds()));
        synchronized (this) {
            Execution previous = running.put(t.id(), ex);
            // Still running an attempt whose lease was lost and which the store has retried: the
            // old one's result would be ignored, and it would run on with nothing tracking it.
            if (previous != null) previous.control().stop(StopReason.SUPERSEDED);
            EarlyStop early = earlyStops.remove(t.id());
            // The executor sees the stop before it spawns anything and reports the attempt stopped.
            if (early != null && early.attempt() == t.attempt()) ex.control().stop(early.why());
        }
        logs.open(t.id(), t.attempt(), t.logCount());
        timeoutWatch.raise();
        Instant due = t.runAt() == null ? t.createdAt() : t.runAt();
        observer.attemptStarted(t, due == null || due.isAfter(now) ? Duration.ZERO : Duration.between(due, now));
        Thread.ofVirtual().name("task-" + t.id()).start(() -> run(ex));
    }

    private void run(Execution ex) {
        Task t = ex.task();
        ExecutionResult result;
        try {
            TaskExecutor exec = executors.get(t.type());
            if (exec == null) {
                result = ExecutionResult.failed(null, null, "no executor for task type " + t.type());
            } else {
                Map<String, String> env = t.checkpointData() == null ? Map.of()
                        : Map.of("CHECKPOINT_DATA", t.checkpointData().toString());
                result = exec.execute(new ExecutionContext(t.id(), t.attempt(), t.payload(), env,
                        (level, msg) -> logs.add(t.id(), level, msg), ex.control(), processes.of(t.id(), t.attempt())));
            }
        } catch (InterruptedException e) {
            ex.control().stop(StopReason.SHUTDOWN);
            result = ExecutionResult.failed(null, null, "interrupted");
        } catch (Throwable e) {
            // Errors too (an AssertionError, a StackOverflowError in an executor): the attempt
            // must end as failed, or its slot stays taken and the heartbeat renews its lease forever.
            LOG.log(Level.WARNING, "executor for task-" + t.id() + " threw", e);
            result = ExecutionResult.failed(null, null, "executor error: " + e);
        }
        if (result == null) result = ExecutionResult.failed(null, null, "executor returned no result");
        Instant end = clock.instant();
        StopReason stop = ex.control().stopReason();
        Completion c;
        if (stop == StopReason.CANCELLED) {
            c = new Completion(t.id(), t.attempt(), id, Completion.Outcome.CANCELLED, result, ex.startedAt(), end);
        } else if (stop == StopReason.SHUTDOWN) {
            c = new Completion(t.id(), t.attempt(), id, Completion.Outcome.RELEASED, result, ex.startedAt(), end);
        } else if (stop == StopReason.SUPERSEDED) {
            // The store moved on to a newer attempt; the completion guard drops this one.
            c = new Completion(t.id(), t.attempt(), id, Completion.Outcome.RESULT,
                    ExecutionResult.failed(result.exitCode(), result.result(), "attempt superseded after its lease was lost"),
                    ex.startedAt(), end);
        } else if (stop == StopReason.TIMED_OUT) {
            ExecutionResult timedOut = ExecutionResult.failed(result.exitCode(), result.result(),
                    "Task timed out after " + t.timeoutSeconds() + " s; its process tree was killed");
            c = new Completion(t.id(), t.attempt(), id, Completion.Outcome.RESULT, timedOut, ex.startedAt(), end);
        } else {
            c = new Completion(t.id(), t.attempt(), id, Completion.Outcome.RESULT, result, ex.startedAt(), end);
        }
        // Hand the completion over before the attempt stops counting as running: a shutdown that
        // sees this worker idle must find the completion already queued for its last flush.
        completer.submit(c);
        // Only this attempt's entry: if the lease was lost and this worker has already claimed
        // the retry, the map holds the new attempt, which must stay tracked (lease renewal,
        // timeout, shutdown, capacity).
        running.remove(t.id(), ex);
        slotFreed.raise();
        observer.attemptFinished(t, outcome(c, stop), Duration.between(ex.startedAt(), end));
    }

    private static EngineObserver.AttemptOutcome outcome(Completion c, StopReason stop) {
        return switch (c.outcome()) {
            case CANCELLED -> EngineObserver.AttemptOutcome.CANCELLED;
            case RELEASED -> EngineObserver.AttemptOutcome.RELEASED;
            case RESULT -> stop == StopReason.TIMED_OUT ? EngineObserver.AttemptOutcome.TIMED_OUT
                    : c.result().success() ? EngineObserver.AttemptOutcome.COMPLETED : EngineObserver.AttemptOutcome.FAILED;
        };
    }

    /**
     * Stops attempt {@code attempt} of a task if it runs here; if it has been claimed but not started
     * yet, it is stopped as it starts. @return whether it was running here
     */
    public boolean stop(long taskId, int attempt, StopReason why) {
        Execution ex;
        synchronized (this) {
            ex = running.get(taskId);
            if (ex == null || ex.task().attempt() != attempt) {
                Instant now = clock.instant();
                earlyStops.values().removeIf(e -> e.at().plus(EARLY_STOP_TTL).isBefore(now));
                earlyStops.put(taskId, new EarlyStop(attempt, why, now));
                return false;
            }
        }
        ex.control().stop(why);
        return true;
    }

    public void stopAll(StopReason why) {
        for (Execution ex : running.values()) ex.control().stop(why);
    }

    /** Waits until nothing runs here or {@code max} passes. @return whether it is idle */
    public boolean awaitIdle(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!running.isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
        return running.isEmpty();
    }
}
