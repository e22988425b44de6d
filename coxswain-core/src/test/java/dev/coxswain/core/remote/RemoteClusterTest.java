package dev.coxswain.core.remote;

import static dev.coxswain.core.remote.RemoteHarness.registration;
import static dev.coxswain.core.remote.RemoteHarness.skill;
import static dev.coxswain.core.remote.RemoteHarness.success;
import static dev.coxswain.core.remote.RemoteHarness.taskIdOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.exec.ShellExecutor;
import dev.coxswain.core.node.Engine;
import dev.coxswain.core.node.EngineConfig;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.testing.MutableClock;
import dev.coxswain.core.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remote workers on a cluster of nodes sharing one PostgreSQL database. Every node's slow poll is
 * a minute, so what happens within seconds on one node was told by another (the cluster bus): a
 * poll held on one node is answered when another queues work, and a cancel made on one node
 * reaches the worker's socket on another.
 */
class RemoteClusterTest {
    private static final Duration SLOW = Duration.ofMinutes(1);
    private static final Duration BOUND = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private TestDatabases.PgDatabase pg;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final MutableClock clock = new MutableClock(RemoteHarness.T0);

    @BeforeEach
    void database() {
        pg = TestDatabases.freshPostgres();
    }

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
        if (pg != null) pg.close();
    }

    private Engine node(String workerId) {
        Database db = pg.open();
        open.add(db);
        EngineConfig cfg = new EngineConfig(workerId, "test-host", "test", List.of("local"), 2, 16,
                Duration.ofSeconds(60), SLOW, Duration.ofMinutes(5), SLOW, EngineConfig.DEFAULT_MAX_LOG_LINES,
                Duration.ofMillis(50), dir);
        Engine e = new Engine(db, cfg, List.of(new ShellExecutor()), clock, ZoneOffset.UTC, new SplittableRandom(7));
        open.add(() -> e.shutdown(Duration.ZERO));
        e.start();
        return e;
    }

    @Test
    void aPollHeldOnOneNodeIsAnsweredWhenAnotherNodeQueuesWork() {
        Engine a = node("worker-a");
        Engine b = node("worker-b");
        a.remote().register("w1", registration("w1", "extract", "load"));

        RemoteHarness.PendingPoll held = new RemoteHarness.PendingPoll(a.remote(), "w1", RemoteHarness.POLL).awaitHeld();
        Task first = b.tasks().create(skill("extract", "first").build());
        ObjectNode p1 = held.get().orElseThrow();
        assertThat(taskIdOf(p1)).isEqualTo(first.id());

        // Its result arrives at node b; the dependent it releases goes to the poll held on node a.
        Task second = b.tasks().create(skill("load", "second").dependsOn(first.id()).build());
        RemoteHarness.PendingPoll next = new RemoteHarness.PendingPoll(a.remote(), "w1", RemoteHarness.POLL).awaitHeld();
        assertThat(b.remote().result("w1", success(p1, Json.read("{}"))).accepted()).isTrue();
        assertThat(taskIdOf(next.get().orElseThrow())).isEqualTo(second.id());
    }

    @Test
    void aCancelOnOneNodeReachesTheWorkersSocketOnAnother() {
        Engine a = node("worker-a");
        Engine b = node("worker-b");
        a.remote().register("w1", registration("w1", "echo"));
        RemoteTimeoutsTest.FakeChannel socket = new RemoteTimeoutsTest.FakeChannel();
        a.remoteChannels().opened("w1", socket);

        Task t = b.tasks().create(skill("echo", "t").build());
        ObjectNode p = RemoteHarness.poll(a.remote(), "w1");
        assertThat(taskIdOf(p)).isEqualTo(t.id());
        b.tasks().cancel(t.id());
        await("the cancel pushed by node a").atMost(BOUND).until(() -> socket.got(Json.object()
                .put("command", "cancel_task").put("task_id", "task-" + t.id() + ".1").put("job_id", "task-" + t.id())));
        assertThat(a.tasks().get(t.id()).status()).isEqualTo(TaskStatus.CANCELLED);
    }
}
