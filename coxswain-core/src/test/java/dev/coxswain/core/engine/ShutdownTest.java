package dev.coxswain.core.engine;

import dev.coxswain.core.node.Engine;
import static dev.coxswain.core.engine.EngineHarness.block;
import static dev.coxswain.core.engine.EngineHarness.shell;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.coxswain.core.domain.LogLevel;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.exec.StopReason;
import dev.coxswain.core.store.EventStore;
import dev.coxswain.core.store.LogStore;
import dev.coxswain.core.store.TaskStore;
import dev.coxswain.core.store.WorkerStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Graceful shutdown: no new claims, running attempts get the grace period, whatever still runs
 * after it is stopped and put back in the queue without using up a retry.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class ShutdownTest extends EngineTestBase {
    private final Processes processes = new Processes();

    @AfterEach
    void killLeftovers() {
        processes.close();
    }

    @Test
    void attemptStillRunningWhenTheGraceEndsIsReleasedToTheQueueAndRunsAfterRestart() throws Exception {
        Engine first = h.start();
        Path pid = tmp.resolve("pid");
        Task t = h.create(shell("long", "sleep 30 & echo $! > '" + pid + ".tmp' && mv '" + pid + ".tmp' '" + pid + "'; wait")
                .maxRetries(0));
        List<ProcessHandle> tree = processes.read(pid);

        first.shutdown(Duration.ofMillis(200));

        Task released = h.task(t.id());
        assertThat(released.status()).isEqualTo(TaskStatus.QUEUED);
        assertThat(released.retryCount()).as("a release is not a retry").isZero();
        assertThat(released.workerId()).isNull();
        assertThat(released.leaseUntil()).isNull();
        assertThat(released.error()).isNull();
        assertThat(Processes.stillRunning(tree)).as("the attempt's processes were killed").isEmpty();
        assertThat(h.logs(t.id())).anySatisfy(l -> {
            assertThat(l.level()).isEqualTo(LogLevel.WARN);
            assertThat(l.message()).contains("server shutdown").contains("queued again");
        });
        h.holds(t.id(), "queued: the stopped engine claims nothing", x -> x.status() == TaskStatus.QUEUED);

        // The next engine on the same store runs it, although max_retries is 0.
        ScriptedExecutor shellStandIn = new ScriptedExecutor("shell");
        Engine second = h.engine(h.config(), new SplittableRandom(7), List.of(shellStandIn));
        h.engine = second;
        second.start();
        Task done = h.awaitStatus(t.id(), TaskStatus.COMPLETED);
        assertThat(done.attempt()).isEqualTo(2);
        assertThat(done.retryCount()).isZero();
        assertThat(shellStandIn.starts(t.id())).isEqualTo(1);
    }

    /**
     * This node lost the lease of an attempt it still runs, and another worker has since claimed
     * the task's retry. Shutting this node down releases the stale attempt; that release must not
     * put the task back in the queue under the worker that now runs it.
     */
    @Test
    void releaseOfAStaleAttemptDoesNotTakeTheTaskFromTheWorkerNowRunningIt() throws Exception {
        // One slot, so this node cannot re-claim the retry itself; heartbeat and reaper passes
        // only at start, so nothing here notices the lost lease before the shutdown does.
        Engine e = h.start(c -> c.withConcurrency(1).withLease(Duration.ofSeconds(60), Duration.ofHours(1)));
        Task t = h.create(new EngineHarness.Spec("stubborn", "stubborn").maxRetries(1).backoff(Backoff.fixed(0)));
        h.stubborn.awaitStarted(t.id(), 1);

        // Another node's reaper fails the attempt, and another worker claims the retry.
        TaskStore store = new TaskStore(h.db.dialect());
        var transitions = new TaskTransitions(store, new LogStore(), new EventStore(), new WorkerStore(),
                new Backoff(new SplittableRandom(1)));
        h.db.write(tx -> {
            transitions.leaseExpired(tx, store.findForUpdate(tx, t.id()), h.now());
            store.promoteDue(tx, h.now());
            return null;
        });
        List<Task> claimed = h.db.write(tx -> store.claim(tx, "worker-other", List.of("stubborn"), 1, h.now(),
                h.now().plusSeconds(60)));
        assertThat(claimed).extracting(Task::attempt).containsExactly(2);

        Thread stopper = Thread.ofPlatform().name("shutdown").start(() -> e.shutdown(Duration.ZERO));
        await("stale attempt told to stop for the shutdown").atMost(EngineHarness.WAIT)
                .until(() -> h.stubborn.run(t.id(), 1).stoppedFor == StopReason.SHUTDOWN);
        h.stubborn.release(t.id(), 1, true);
        stopper.join(EngineHarness.WAIT.toMillis());
        assertThat(stopper.isAlive()).isFalse();

        Task after = h.task(t.id());
        assertThat(after.status()).isEqualTo(TaskStatus.RUNNING);
        assertThat(after.workerId()).isEqualTo("worker-other");
        assertThat(after.attempt()).isEqualTo(2);
        assertThat(after.leaseUntil()).isNotNull();
    }

    @Test
    void zeroGraceReleasesAtOnce() throws Exception {
        Engine e = h.start();
        Task t = h.create(block("long"));
        h.block.awaitStarted(t.id());
        e.shutdown(Duration.ZERO);
        assertThat(h.block.run(t.id()).stoppedFor).isEqualTo(StopReason.SHUTDOWN);
        Task released = h.task(t.id());
        assertThat(released.status()).isEqualTo(TaskStatus.QUEUED);
        assertThat(released.retryCount()).isZero();
    }

    @Test
    void aShutDownEngineRefusesToStartAgain() {
        Engine e = h.start();
        e.shutdown(Duration.ZERO);
        org.assertj.core.api.Assertions.assertThatThrownBy(e::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("create a new Engine");
    }

    @Test
    void attemptFinishingWithinTheGraceCompletesAndNothingNewIsClaimed() throws Exception {
        Engine e = h.start(c -> c.withConcurrency(1));
        Task running = h.create(block("short"));
        h.block.awaitStarted(running.id());
        Task waiting = h.create(block("waiting")); // queued behind the only slot

        Thread stopper = Thread.ofPlatform().name("shutdown").start(() -> e.shutdown(Duration.ofSeconds(20)));
        // TIMED_WAITING inside shutdown means claiming was already paused (its first step).
        await("shutdown in progress").atMost(EngineHarness.WAIT).pollInterval(Duration.ofMillis(5))
                .until(() -> stopper.getState() == Thread.State.TIMED_WAITING);
        h.block.release(running.id(), true);
        stopper.join(EngineHarness.WAIT.toMillis());
        assertThat(stopper.isAlive()).as("shutdown returned once the attempt finished").isFalse();

        Task done = h.task(running.id());
        assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(h.block.run(running.id()).stoppedFor).isNull();
        Task still = h.task(waiting.id());
        assertThat(still.status()).isEqualTo(TaskStatus.QUEUED);
        assertThat(still.attempt()).as("never claimed").isZero();
        assertThat(h.block.started(waiting.id())).isFalse();
    }
}
