package dev.coxswain.core.engine;

import dev.coxswain.core.node.Engine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.exec.StopReason;
import dev.coxswain.core.exec.TaskExecutor;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes on one PostgreSQL database hear each other through LISTEN/NOTIFY. Every node here polls
 * and heartbeats only once a minute, so each step below can only happen within its bound because
 * the other node told this one: a task created on one node starts on the other, a cancel on one
 * node stops the attempt running on the other, and a node shutting down hands its released
 * attempt to the other.
 */
class ClusterWakeupsTest {
    /** Far below the one-minute poll and heartbeat, far above any real delivery time. */
    private static final Duration BOUND = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private PostgresNodes cluster;

    @BeforeEach
    void database() {
        cluster = new PostgresNodes(dir);
    }

    @AfterEach
    void close() throws Exception {
        cluster.close();
    }

    /** One node, started. */
    private Engine node(String workerId, TaskExecutor... executors) {
        Engine e = cluster.node(workerId, Duration.ofMinutes(5), executors);
        e.start();
        return e;
    }

    /** The runner's executor: only the runner node can run "block" tasks. */
    private final BlockingExecutor block = new BlockingExecutor("block");

    /** Starts an API node (which cannot run "block" tasks) and a runner node that can; returns the API node. */
    private Engine apiAndRunner() {
        Engine api = node("worker-api", new ScriptedExecutor("script"));
        node("worker-runner", block);
        return api;
    }

    @Test
    void aTaskCreatedOnOneNodeStartsAtOnceOnTheNodeThatCanRunIt() throws Exception {
        Engine api = apiAndRunner();
        Task t = api.tasks().create(EngineHarness.block("over there").build());
        assertThat(block.run(t.id()).started.await(BOUND.toSeconds(), TimeUnit.SECONDS))
                .as("started on the other node well before its one-minute poll").isTrue();
        block.release(t.id(), true);
        await().atMost(BOUND).until(() -> api.tasks().get(t.id()).status() == TaskStatus.COMPLETED);
    }

    @Test
    void aCancelOnOneNodeStopsTheAttemptRunningOnTheOther() throws Exception {
        Engine api = apiAndRunner();
        Task t = api.tasks().create(EngineHarness.block("cancel me").build());
        block.awaitStarted(t.id());
        api.tasks().cancel(t.id());
        await("the attempt on the other node stopped").atMost(BOUND)
                .until(() -> block.run(t.id()).stoppedFor == StopReason.CANCELLED);
        assertThat(api.tasks().get(t.id()).status()).isEqualTo(TaskStatus.CANCELLED);
    }

    @Test
    void aNodeShuttingDownHandsItsReleasedAttemptToAnotherNode() throws Exception {
        BlockingExecutor first = new BlockingExecutor("block");
        Engine leaving = node("worker-leaving", first);
        Task t = leaving.tasks().create(EngineHarness.block("hand over").build());
        first.awaitStarted(t.id());
        BlockingExecutor second = new BlockingExecutor("block");
        node("worker-staying", second);
        leaving.shutdown(Duration.ZERO);
        assertThat(first.run(t.id()).stoppedFor).isEqualTo(StopReason.SHUTDOWN);
        assertThat(second.run(t.id(), 2).started.await(BOUND.toSeconds(), TimeUnit.SECONDS))
                .as("the released attempt started on the staying node").isTrue();
        second.release(t.id(), 2, true);
    }

    @Test
    void aNodeWhoseListeningConnectionDiesReconnectsAndCatchesUp() throws Exception {
        Engine api = apiAndRunner();
        Task warm = api.tasks().create(EngineHarness.block("before").build());
        block.awaitStarted(warm.id());
        int killed;
        try (Connection c = DriverManager.getConnection(cluster.url());
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                     + "WHERE datname = current_database() AND application_name = 'coxswain-bus'")) {
            rs.next();
            killed = rs.getInt(1);
        }
        // The runner's listener is connected (the first task reached it); the other node's may still be connecting.
        assertThat(killed).as("listening connections ended").isBetween(1, 2);
        // Created while the runner may still be reconnecting: the reconnect itself makes it look.
        Task t = api.tasks().create(EngineHarness.block("after").build());
        assertThat(block.run(t.id()).started.await(BOUND.toSeconds(), TimeUnit.SECONDS))
                .as("started after the listener came back").isTrue();
        block.release(warm.id(), true);
        block.release(t.id(), true);
    }
}
