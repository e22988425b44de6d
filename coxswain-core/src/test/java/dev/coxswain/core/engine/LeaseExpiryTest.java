package dev.coxswain.core.engine;

import dev.coxswain.core.exec.Completion;
import static dev.coxswain.core.engine.EngineHarness.script;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.coxswain.core.domain.LogLevel;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.domain.WorkerStatus;
import dev.coxswain.core.exec.ExecutionResult;
import dev.coxswain.core.store.EventStore;
import dev.coxswain.core.store.LogStore;
import dev.coxswain.core.store.TaskStore;
import dev.coxswain.core.store.WorkerStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A worker that dies mid-attempt stops renewing its lease. Simulated here by claiming tasks
 * straight through the store as {@value #DEAD} (a worker with no process behind it); once the
 * clock passes the lease, the reaper counts the attempt as failed and retries or fails the task.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class LeaseExpiryTest extends EngineTestBase {
    private static final String DEAD = "worker-dead";
    private static final Duration DEAD_LEASE = Duration.ofSeconds(30);

    /** Registers the dead worker and claims one queued task of {@code type} for it; returns it. */
    private Task claimAsDeadWorker(String type) {
        TaskStore tasks = new TaskStore(h.db.dialect());
        Instant now = h.now();
        List<Task> got = h.db.write(tx -> {
            new WorkerStore().heartbeat(tx, new WorkerStore.Heartbeat(DEAD, "gone-host", "remote", 1, "test",
                    List.of(), null, DEAD_LEASE.multipliedBy(100)), now); // offline only long after its lease
            return tasks.claim(tx, DEAD, List.of(type), 1, now, now.plus(DEAD_LEASE));
        });
        assertThat(got).hasSize(1);
        return got.getFirst();
    }

    @Test
    void expiredLeaseCountsAsFailedAttemptAndTheTaskIsRetriedByALiveWorker() {
        h.build(c -> c); // not started yet: the dead worker claims first
        Task t = h.create(script("orphan").maxRetries(2));
        Task claimed = claimAsDeadWorker("script");
        assertThat(claimed.id()).isEqualTo(t.id());
        h.engine.start();

        // The lease still holds: the reaper leaves it alone, and the live worker does not take it.
        h.holds(t.id(), "running on the dead worker while its lease holds",
                x -> x.status() == TaskStatus.RUNNING && DEAD.equals(x.workerId()));
        h.advance(DEAD_LEASE.minusMillis(1));
        h.holds(t.id(), "running until the lease has passed", x -> x.status() == TaskStatus.RUNNING);

        h.advance(Duration.ofMillis(2)); // now past lease_until
        Task reaped = h.awaitStatus(t.id(), TaskStatus.PENDING);
        assertThat(reaped.retryCount()).isEqualTo(1);
        assertThat(reaped.workerId()).isNull();
        assertThat(reaped.leaseUntil()).isNull();
        assertThat(reaped.error()).contains(DEAD).contains("lease");
        assertThat(Duration.between(h.now(), reaped.runAt())).isBetween(Duration.ofMillis(1800), Duration.ofMillis(2200));
        assertThat(h.logs(t.id())).anySatisfy(l -> {
            assertThat(l.level()).isEqualTo(LogLevel.WARN);
            assertThat(l.message()).startsWith("Attempt 1 failed: worker " + DEAD).contains("retry 1 of 2");
        });
        assertThat(h.script.starts(t.id())).isZero();

        h.advance(Duration.between(h.now(), reaped.runAt()));
        Task done = h.awaitStatus(t.id(), TaskStatus.COMPLETED);
        assertThat(done.workerId()).isEqualTo(EngineHarness.WORKER_ID);
        assertThat(done.attempt()).isEqualTo(2);
        assertThat(done.retryCount()).isEqualTo(1);
        assertThat(h.script.starts(t.id())).isEqualTo(1);
    }

    @Test
    void eachLostLeaseUsesARetryAndTheLastOneFailsTheTask() {
        h.start(); // the engine has no executor for "remote": only the dead worker ever claims it
        Task t = h.create(new EngineHarness.Spec("remote", "remote-job").maxRetries(1));
        Task dependent = h.create(script("after").dependsOn(t.id()));

        claimAsDeadWorker("remote");
        h.advance(DEAD_LEASE.plusMillis(1));
        Task reaped = h.awaitTask(t.id(), "reaped to a retry", x -> x.status() == TaskStatus.PENDING && x.retryCount() == 1);
        h.advance(Duration.between(h.now(), reaped.runAt()));
        h.awaitStatus(t.id(), TaskStatus.QUEUED);

        Task second = claimAsDeadWorker("remote");
        assertThat(second.attempt()).isEqualTo(2);
        h.advance(DEAD_LEASE.plusMillis(1));
        Task failed = h.awaitStatus(t.id(), TaskStatus.FAILED);
        assertThat(failed.retryCount()).isEqualTo(1);
        assertThat(failed.attempt()).isEqualTo(2);
        assertThat(failed.error()).contains(DEAD).contains("lease");
        assertThat(failed.completedAt()).isEqualTo(h.now());
        Task df = h.awaitStatus(dependent.id(), TaskStatus.FAILED);
        assertThat(df.error()).contains("task-" + t.id());
    }

    @Test
    void lateCompletionFromTheDeadWorkerIsIgnoredAfterItsLeaseWasReaped() {
        h.start();
        Task t = h.create(new EngineHarness.Spec("remote", "remote-job").maxRetries(1));
        Task claimed = claimAsDeadWorker("remote");
        h.advance(DEAD_LEASE.plusMillis(1));
        h.awaitTask(t.id(), "reaped", x -> x.status() == TaskStatus.PENDING && x.retryCount() == 1);

        // The "dead" worker comes back and reports success for the attempt it lost.
        var transitions = new TaskTransitions(new TaskStore(h.db.dialect()), new LogStore(), new EventStore(),
                new WorkerStore(), new Backoff(new SplittableRandom(1)));
        var late = new Completion(t.id(), claimed.attempt(), DEAD, Completion.Outcome.RESULT, ExecutionResult.ok(0, "late"),
                claimed.startedAt(), h.now());
        h.db.write(tx -> {
            transitions.finishAll(tx, List.of(late), List.of());
            return null;
        });
        Task after = h.task(t.id());
        assertThat(after.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(after.result()).isNull();
        assertThat(after.retryCount()).isEqualTo(1);
    }

    @Test
    void liveWorkersLeaseIsRenewedByItsHeartbeatSoTimePassingDoesNotReapIt() throws Exception {
        h.start(c -> c.withLease(Duration.ofSeconds(10), Duration.ofMillis(100)));
        Task t = h.create(EngineHarness.block("long"));
        h.block.awaitStarted(t.id());
        // Move the clock well past the original lease, in steps shorter than the lease, letting the
        // heartbeat renew in between.
        for (int i = 0; i < 6; i++) {
            Instant before = h.task(t.id()).leaseUntil();
            h.advance(Duration.ofSeconds(5));
            h.awaitTask(t.id(), "lease renewed", x -> x.leaseUntil().isAfter(before));
        }
        assertThat(h.task(t.id()).status()).isEqualTo(TaskStatus.RUNNING);
        assertThat(h.task(t.id()).retryCount()).isZero();
        h.block.release(t.id(), true);
        assertThat(h.awaitStatus(t.id(), TaskStatus.COMPLETED).attempt()).isEqualTo(1);
    }

    /**
     * The local worker's lease is lost while its attempt still runs (a stall longer than the
     * lease; here another node's reaper is played directly), and the same worker claims the retry
     * before the stale attempt ends. The stale attempt ending must not make the worker forget the
     * new one: its lease must still be renewed and its output still logged.
     */
    @Test
    void staleLocalAttemptEndingDoesNotOrphanTheRetryTheSameWorkerClaimed() throws Exception {
        h.start(c -> c.withLease(Duration.ofSeconds(10), Duration.ofMillis(100)));
        Task t = h.create(new EngineHarness.Spec("stubborn", "stubborn").maxRetries(1).backoff(Backoff.fixed(0)));
        h.stubborn.awaitStarted(t.id(), 1);

        var transitions = new TaskTransitions(new TaskStore(h.db.dialect()), new LogStore(), new EventStore(),
                new WorkerStore(), new Backoff(new SplittableRandom(1)));
        h.db.write(tx -> {
            transitions.leaseExpired(tx, new TaskStore(h.db.dialect()).findForUpdate(tx, t.id()), h.now());
            return null;
        });
        h.stubborn.awaitStarted(t.id(), 2); // re-claimed by this worker at once (no backoff)
        assertThat(h.task(t.id()).attempt()).isEqualTo(2);

        h.stubborn.release(t.id(), 1, true); // the stale attempt ends; its result is ignored
        await("stale attempt's output flushed").atMost(EngineHarness.WAIT)
                .until(() -> h.logs(t.id()).stream().anyMatch(l -> l.message().equals("attempt 1 released")));
        assertThat(h.task(t.id()).status()).isEqualTo(TaskStatus.RUNNING);

        // The live attempt's lease keeps being renewed as clock time passes well beyond it.
        for (int i = 0; i < 4; i++) {
            Instant before = h.task(t.id()).leaseUntil();
            h.advance(Duration.ofSeconds(5));
            h.awaitTask(t.id(), "lease of attempt 2 renewed", x -> x.leaseUntil() != null && x.leaseUntil().isAfter(before));
        }
        h.stubborn.release(t.id(), 2, true);
        Task done = h.awaitStatus(t.id(), TaskStatus.COMPLETED);
        assertThat(done.attempt()).isEqualTo(2);
        assertThat(done.retryCount()).isEqualTo(1);
        assertThat(h.logs(t.id())).extracting(l -> l.message()).contains("attempt 2 released");
    }

    @Test
    void silentWorkerIsMarkedOfflineOnceAfterItsTtl() {
        h.start(); // TTL 15 s
        claimAsDeadWorkerRowOnly();
        assertThat(h.engine.workers().get(DEAD).status()).isNotEqualTo(WorkerStatus.OFFLINE);

        h.advance(Duration.ofSeconds(14));
        await("no worker.offline event before the TTL").during(EngineHarness.QUIET).atMost(EngineHarness.WAIT)
                .until(() -> offlineEvents(DEAD) == 0);

        h.advance(Duration.ofSeconds(2));
        await("worker.offline event").atMost(EngineHarness.WAIT)
                .until(() -> offlineEvents(DEAD) == 1);
        assertThat(h.engine.workers().get(DEAD).status()).isEqualTo(WorkerStatus.OFFLINE);
        // The local worker keeps heartbeating on the same clock, so it is not offline.
        await("local worker online").atMost(EngineHarness.WAIT)
                .until(() -> h.engine.workers().get(EngineHarness.WORKER_ID).status() != WorkerStatus.OFFLINE);

        h.advance(Duration.ofSeconds(30));
        await().during(EngineHarness.QUIET).atMost(EngineHarness.WAIT)
                .until(() -> offlineEvents(DEAD) == 1);
    }

    private void claimAsDeadWorkerRowOnly() {
        Instant now = h.now();
        h.db.write(tx -> new WorkerStore().heartbeat(tx, new WorkerStore.Heartbeat(DEAD, "gone-host", "remote", 1,
                "test", List.of(), null), now));
    }

    private long offlineEvents(String workerId) {
        return h.db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT COUNT(*) FROM events WHERE type = 'worker.offline' AND worker_id = ?")) {
                ps.setString(1, workerId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    @Test
    void anAttemptStillRunningHereAfterItsLeaseWasReapedIsStoppedAsSupersededNotAsCancelled() throws Exception {
        h.start(); // heartbeat every 100 ms
        Task t = h.create(EngineHarness.block("reaped"));
        h.block.awaitStarted(t.id());
        // What the reaper of another node does when this worker's lease looks expired: the attempt
        // counts as failed and the task waits for its retry (far in the future here).
        // Through the store, which keeps the rollups of what it writes.
        java.util.Map<String, Object> sets = new java.util.LinkedHashMap<>();
        sets.put("status", TaskStatus.PENDING);
        sets.put("worker_id", null);
        sets.put("lease_until", null);
        sets.put("run_at", h.now().plusSeconds(3_600));
        sets.put("retry_count", 1);
        h.db.write(tx -> new dev.coxswain.core.store.TaskStore(h.db.dialect()).update(tx, t.id(), sets, TaskStatus.RUNNING));
        await("the heartbeat stops the stale attempt").atMost(EngineHarness.WAIT)
                .until(() -> h.block.run(t.id()).stoppedFor != null);
        assertThat(h.block.run(t.id()).stoppedFor).isEqualTo(dev.coxswain.core.exec.StopReason.SUPERSEDED);
        // Its end is dropped by the attempt guard: the task is untouched and nothing says "cancel".
        h.holds(t.id(), "still pending, retry untouched", x -> x.status() == TaskStatus.PENDING && x.retryCount() == 1);
        assertThat(h.logs(t.id())).extracting(l -> l.message()).noneMatch(m -> m.contains("cancel"));
    }
}
