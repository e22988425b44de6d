package dev.coxswain.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.exec.TaskExecutor;
import dev.coxswain.core.node.Engine;
import dev.coxswain.core.store.PostgresDialect;
import dev.coxswain.core.store.TaskStore;
import dev.coxswain.core.store.WorkerStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On PostgreSQL a node's death is seen at once: each node holds a session lock that ends with it.
 * Leases here last a minute and heartbeats and polls come once a minute, so an attempt re-runs
 * within the bound below only because the other node saw the lock end.
 */
class ClusterFailoverTest {
    private static final Duration BOUND = Duration.ofSeconds(5);

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

    /** One node, built but not started. */
    private Engine node(String workerId, TaskExecutor... executors) {
        Engine e = cluster.node(workerId, PostgresNodes.SLOW, executors);
        return e;
    }

    /**
     * Another node, reduced to what the store sees of it: one session holding its node lock, its
     * worker row, and one claimed attempt with a one-minute lease. Closing the session is its death.
     */
    private Connection fakeNodeRunning(Engine via, String workerId, long taskId) throws Exception {
        Connection session = cluster.closeLater(DriverManager.getConnection(cluster.url()));
        assertThat(new PostgresDialect().tryNodeLock(session, workerId)).isTrue();
        Instant now = Instant.now();
        TaskStore tasks = new TaskStore(via.database().dialect());
        List<Task> got = via.database().write(tx -> {
            new WorkerStore().heartbeat(tx, new WorkerStore.Heartbeat(workerId, "host-a", "local", 1, "test",
                    List.of(), null), now);
            via.database().dialect().recordNodeLock(tx.connection(), workerId, true);
            return tasks.claim(tx, workerId, List.of("block"), 1, now, now.plus(PostgresNodes.SLOW));
        });
        assertThat(got).extracting(Task::id).containsExactly(taskId);
        return session;
    }

    @Test
    void anAttemptOfANodeWhoseSessionEndedRunsAgainElsewhereLongBeforeItsLease() throws Exception {
        BlockingExecutor block = new BlockingExecutor("block");
        Engine survivor = node("worker-b", block);
        Task t = survivor.tasks().create(EngineHarness.block("orphan").maxRetries(2).backoff("fixed:0").build());
        Connection nodeA = fakeNodeRunning(survivor, "worker-a", t.id());
        survivor.start();

        await("running on worker-a while its session lives").during(Duration.ofMillis(1500)).atMost(BOUND)
                .until(() -> survivor.tasks().get(t.id()).workerId().equals("worker-a"));
        Instant died = Instant.now();
        nodeA.close();

        assertThat(block.run(t.id(), 2).started.await(BOUND.toSeconds(), TimeUnit.SECONDS))
                .as("attempt 2 started on worker-b, with worker-a's lease a minute away").isTrue();
        Task now = survivor.tasks().get(t.id());
        assertThat(now.workerId()).isEqualTo("worker-b");
        assertThat(now.retryCount()).isEqualTo(1);
        assertThat(Duration.between(died, Instant.now())).isLessThan(PostgresNodes.SLOW);
        block.release(t.id(), 2, true);
        await().atMost(BOUND).until(() -> survivor.tasks().get(t.id()).status() == TaskStatus.COMPLETED);
    }

    @Test
    void aRestartedNodeFailsTheAttemptsItsEarlierProcessLeftRunning() throws Exception {
        BlockingExecutor block = new BlockingExecutor("block");
        Engine restarted = node("worker-a", block);
        Task t = restarted.tasks().create(EngineHarness.block("left over").maxRetries(2).backoff("fixed:0").build());
        fakeNodeRunning(restarted, "worker-a", t.id()).close(); // the earlier process of worker-a, now gone
        restarted.start();
        assertThat(block.run(t.id(), 2).started.await(BOUND.toSeconds(), TimeUnit.SECONDS))
                .as("the earlier process's attempt failed at start-up and ran again").isTrue();
        assertThat(restarted.tasks().get(t.id()).error()).contains("restarted");
        block.release(t.id(), 2, true);
    }

    @Test
    void aLiveNodeWhoseBusConnectionDropsTakesItsLockAgainAndKeepsItsAttempt() throws Exception {
        BlockingExecutor first = new BlockingExecutor("block");
        Engine a = node("worker-a", first);
        a.start();
        Task t = a.tasks().create(EngineHarness.block("stays").maxRetries(2).backoff("fixed:0").build());
        first.awaitStarted(t.id());
        BlockingExecutor second = new BlockingExecutor("block");
        node("worker-b", second).start();
        await().atMost(BOUND).until(() -> nodeLocksHeld() == 2);

        try (Connection c = DriverManager.getConnection(cluster.url()); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                     + "WHERE datname = current_database() AND application_name = 'coxswain-bus'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(2);
        }
        await("both locks held again").atMost(BOUND).until(() -> nodeLocksHeld() == 2);
        await("the attempt stays on worker-a").during(Duration.ofSeconds(2)).atMost(BOUND).until(() -> {
            Task now = a.tasks().get(t.id());
            return now.status() == TaskStatus.RUNNING && now.attempt() == 1 && now.workerId().equals("worker-a");
        });
        assertThat(second.run(t.id(), 2).started.getCount()).isEqualTo(1);
        first.release(t.id(), true);
        await().atMost(BOUND).until(() -> a.tasks().get(t.id()).status() == TaskStatus.COMPLETED);
    }

    private int nodeLocksHeld() throws Exception {
        try (Connection c = DriverManager.getConnection(cluster.url()); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                     + " AND classid = x'436f7800'::int::oid AND objsubid = 2"
                     // pg_locks spans the whole server: other databases' nodes (another test run) hold theirs too
                     + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
