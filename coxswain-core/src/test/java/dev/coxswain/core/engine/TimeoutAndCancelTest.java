package dev.coxswain.core.engine;

import dev.coxswain.core.node.Engine;
import static dev.coxswain.core.engine.EngineHarness.block;
import static dev.coxswain.core.engine.EngineHarness.script;
import static dev.coxswain.core.engine.EngineHarness.shell;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.coxswain.core.domain.LogLevel;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.exec.StopReason;
import dev.coxswain.core.service.ConflictException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Timeouts and cancels of running shell tasks kill the whole process tree the task started. */
@ParameterizedClass
@EnumSource(StoreKind.class)
class TimeoutAndCancelTest extends EngineTestBase {
    /** Generous bound for "the tree is gone": the kill itself takes a fraction of a second. */
    private static final Duration KILLED_WITHIN = Duration.ofSeconds(3);

    private final Processes processes = new Processes();

    @AfterEach
    void killLeftovers() {
        processes.close();
    }

    /**
     * A shell that starts a background sleeper and a background subshell with a sleeper of its own
     * (a grandchild), reports every pid, and waits: {@code $$ child subshell} to {@code pids},
     * the grandchild to {@code inner}. Files are written then renamed, so a reader never sees half.
     */
    private String sleepers(Path pids, Path inner) {
        return "sleep 30 & a=$!; "
                + "( sleep 30 & echo $! > '" + inner + ".tmp' && mv '" + inner + ".tmp' '" + inner + "'; wait ) & b=$!; "
                + "echo \"$$ $a $b\" > '" + pids + ".tmp' && mv '" + pids + ".tmp' '" + pids + "'; wait";
    }

    private List<ProcessHandle> tree(Path pids, Path inner) throws Exception {
        List<ProcessHandle> all = new ArrayList<>(processes.read(pids));
        all.addAll(processes.read(inner));
        assertThat(all).hasSize(4);
        return all;
    }

    @Test
    void timeoutKillsTheProcessTreeAndFailsTheTaskSayingItTimedOut() throws Exception {
        h.start();
        Path pids = tmp.resolve("pids");
        Path inner = tmp.resolve("inner");
        Task t = h.create(shell("sleepers", sleepers(pids, inner)).timeout(1));
        List<ProcessHandle> tree = tree(pids, inner);

        // The deadline is on the engine's clock: real time passing (beyond the watcher's 1 s pass)
        // does not end the attempt, and neither does clock time short of the timeout.
        h.advance(Duration.ofMillis(900));
        await("still running before its deadline").during(Duration.ofMillis(1500)).atMost(EngineHarness.WAIT)
                .until(() -> h.task(t.id()).status() == TaskStatus.RUNNING && Processes.stillRunning(tree).size() == 4);

        h.advance(Duration.ofMillis(100)); // exactly the deadline
        Task failed = h.awaitStatus(t.id(), TaskStatus.FAILED);
        assertThat(failed.error()).contains("timed out").contains("1 s");
        assertThat(failed.retryCount()).isZero();
        await("the whole tree is gone").atMost(KILLED_WITHIN).pollInterval(Duration.ofMillis(10))
                .until(() -> Processes.stillRunning(tree), List::isEmpty);
        assertThat(h.logs(t.id())).anySatisfy(l -> {
            assertThat(l.level()).isEqualTo(LogLevel.ERROR);
            assertThat(l.message()).startsWith("Task failed: Task timed out after 1 s");
        });
    }

    @Test
    void timedOutAttemptIsRetriedWhenRetriesRemain() throws Exception {
        h.start();
        Task t = h.create(block("slow").timeout(5).maxRetries(1));
        h.block.awaitStarted(t.id(), 1);
        h.advance(Duration.ofSeconds(4));
        await("running before its deadline").during(Duration.ofMillis(1200)).atMost(EngineHarness.WAIT)
                .until(() -> h.task(t.id()).status() == TaskStatus.RUNNING);

        h.advance(Duration.ofSeconds(1));
        Task retrying = h.awaitStatus(t.id(), TaskStatus.PENDING);
        assertThat(h.block.run(t.id(), 1).stoppedFor).isEqualTo(StopReason.TIMED_OUT);
        assertThat(retrying.retryCount()).isEqualTo(1);
        assertThat(retrying.error()).startsWith("Task timed out after 5 s");

        h.advance(Duration.between(h.now(), retrying.runAt()));
        h.block.awaitStarted(t.id(), 2);
        h.block.release(t.id(), 2, true);
        Task done = h.awaitStatus(t.id(), TaskStatus.COMPLETED);
        assertThat(done.retryCount()).isEqualTo(1);
        assertThat(done.attempt()).isEqualTo(2);
    }

    @Test
    void cancellingARunningShellTaskKillsItsTreeAndLeavesItCancelled() throws Exception {
        // A heartbeat far slower than the bound: the kill must come from the cancel itself, not
        // from the heartbeat noticing later that the task no longer runs here.
        h.start(c -> c.withConcurrency(1).withLease(Duration.ofSeconds(60), Duration.ofSeconds(30)));
        Path pids = tmp.resolve("pids");
        Path inner = tmp.resolve("inner");
        Task t = h.create(shell("sleepers", sleepers(pids, inner)));
        List<ProcessHandle> tree = tree(pids, inner);
        Task next = h.create(script("next")); // waits for the only slot

        Task cancelled = h.engine.tasks().cancel(t.id());
        assertThat(cancelled.status()).isEqualTo(TaskStatus.CANCELLED);
        await("the whole tree is gone").atMost(KILLED_WITHIN).pollInterval(Duration.ofMillis(10))
                .until(() -> Processes.stillRunning(tree), List::isEmpty);

        // The killed attempt's ending must not overwrite the cancel, and its slot is free again.
        h.awaitStatus(next.id(), TaskStatus.COMPLETED);
        Task after = h.task(t.id());
        assertThat(after.status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(after.completedAt()).isNotNull();
        assertThat(after.retryCount()).isZero();
        assertThat(h.logs(t.id())).extracting(l -> l.message())
                .contains("Task cancelled while running on " + EngineHarness.WORKER_ID, "Process tree killed after cancel");
        assertThatThrownBy(() -> h.engine.tasks().cancel(t.id())).isInstanceOf(ConflictException.class)
                .hasMessageContaining("cancelled");
    }

    @Test
    void cancelIssuedOnAnotherNodeStopsTheAttemptAtThisNodesNextHeartbeat() throws Exception {
        h.start(); // heartbeat every 100 ms
        Path pids = tmp.resolve("pids");
        Path inner = tmp.resolve("inner");
        Task t = h.create(shell("sleepers", sleepers(pids, inner)));
        List<ProcessHandle> tree = tree(pids, inner);

        // Another node on the same store (built, never started) takes the cancel request.
        Engine other = h.engine(h.config("worker-other"), new SplittableRandom(3), List.of());
        assertThat(other.tasks().cancel(t.id()).status()).isEqualTo(TaskStatus.CANCELLED);

        await("the whole tree is gone").atMost(KILLED_WITHIN.plusSeconds(2)).pollInterval(Duration.ofMillis(10))
                .until(() -> Processes.stillRunning(tree), List::isEmpty);
        await("the stopped attempt's end is written").atMost(EngineHarness.WAIT)
                .until(() -> h.logs(t.id()).stream().anyMatch(l -> l.message().equals("Process tree killed after cancel")));
        assertThat(h.task(t.id()).status()).isEqualTo(TaskStatus.CANCELLED);
    }

    @Test
    void cancelledQueuedTaskNeverRuns() throws Exception {
        h.start(c -> c.withConcurrency(1));
        Task busy = h.create(block("busy"));
        h.block.awaitStarted(busy.id());
        Task queued = h.create(script("queued"));
        assertThat(queued.status()).isEqualTo(TaskStatus.QUEUED);

        assertThat(h.engine.tasks().cancel(queued.id()).status()).isEqualTo(TaskStatus.CANCELLED);
        h.block.release(busy.id(), true);
        h.awaitStatus(busy.id(), TaskStatus.COMPLETED);
        h.holds(queued.id(), "cancelled", x -> x.status() == TaskStatus.CANCELLED);
        assertThat(h.script.starts(queued.id())).isZero();
    }
}
