package dev.coxswain.core.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.coxswain.core.Json;
import dev.coxswain.core.domain.NewTask;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.engine.Backoff;
import dev.coxswain.core.engine.StoreKind;
import dev.coxswain.core.exec.ShellExecutor;
import dev.coxswain.core.node.Engine;
import dev.coxswain.core.node.EngineConfig;
import dev.coxswain.core.runtime.EngineObserver;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.testing.MutableClock;
import dev.coxswain.core.testing.TestDatabases;
import dev.coxswain.core.webhook.WebhookSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Attempts rebuilt from the events real attempts write, and dependency neighbours, on both stores. */
@ParameterizedClass
@EnumSource(StoreKind.class)
class TaskHistoryTest {
    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @Parameter
    StoreKind store;
    @TempDir
    Path tmp;

    final MutableClock clock = new MutableClock(T0);
    Database db;
    TestDatabases.PgDatabase pg;
    Engine engine;
    TaskHistory history;

    @BeforeEach
    void open() {
        if (store == StoreKind.SQLITE) {
            db = TestDatabases.sqlite(tmp.resolve("db"));
        } else {
            pg = TestDatabases.freshPostgres();
            db = pg.open();
        }
        EngineConfig cfg = new EngineConfig("worker-hist", "test-host", "test", List.of("local"), 2, 16,
                Duration.ofSeconds(60), Duration.ofMillis(100), Duration.ofSeconds(15), Duration.ofMillis(50),
                EngineConfig.DEFAULT_MAX_LOG_LINES, Duration.ofMillis(50), tmp);
        engine = new Engine(db, cfg, List.of(new ShellExecutor()), clock, ZoneOffset.UTC, new SplittableRandom(1),
                EngineObserver.NONE, WebhookSettings.defaults());
        engine.start();
        history = new TaskHistory(db);
    }

    @AfterEach
    void close() {
        try {
            if (engine != null) engine.shutdown(Duration.ZERO);
        } finally {
            try {
                if (db != null) db.close();
            } finally {
                if (pg != null) pg.close();
            }
        }
    }

    private Task create(String name, String command, int maxRetries, List<Long> deps) {
        return engine.tasks().create(new NewTask("shell", name, null, Json.object().put("command", command), 5, maxRetries,
                Backoff.EXPONENTIAL, null, 60, List.of(), deps, false, "api", null));
    }

    private Task waitFor(long id, String what, Predicate<Task> p) {
        return await("task-" + id + " " + what).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> engine.tasks().get(id), p);
    }

    @Test
    void aFailedAttemptThatWasRetriedAndTheFinalFailureAreTwoAttempts() {
        Task t = create("flaky", "echo no >&2; exit 3", 1, List.of());
        waitFor(t.id(), "to wait for its retry", x -> x.status() == TaskStatus.PENDING && x.retryCount() == 1);
        clock.advance(Duration.ofMinutes(5)); // past the backoff
        waitFor(t.id(), "to fail for good", x -> x.status() == TaskStatus.FAILED);

        List<TaskHistory.Attempt> a = history.attempts(t.id(), t.createdAt());
        assertThat(a).hasSize(2);
        assertThat(a.get(0).number()).isEqualTo(1);
        assertThat(a.get(0).workerId()).isEqualTo("worker-hist");
        assertThat(a.get(0).outcome()).isEqualTo("retrying");
        assertThat(a.get(0).error()).isNotBlank();
        assertThat(a.get(0).startedAt()).isEqualTo(T0);
        assertThat(a.get(0).endedAt()).isEqualTo(T0);
        assertThat(a.get(1).number()).isEqualTo(2);
        assertThat(a.get(1).outcome()).isEqualTo("failed");
        assertThat(a.get(1).startedAt()).isAfter(T0);

        // A manual retry starts nothing by itself; its run is the third attempt.
        engine.tasks().retry(t.id());
        waitFor(t.id(), "to fail again", x -> x.status() == TaskStatus.FAILED && x.retryCount() == 2);
        assertThat(history.attempts(t.id(), t.createdAt())).extracting(TaskHistory.Attempt::outcome)
                .containsExactly("retrying", "failed", "failed");
    }

    @Test
    void aCompletedTaskHasOneAttemptAndAWaitingOneNone() {
        Task ok = create("fine", "echo hi", 0, List.of());
        waitFor(ok.id(), "to complete", x -> x.status() == TaskStatus.COMPLETED);
        assertThat(history.attempts(ok.id(), ok.createdAt())).singleElement()
                .satisfies(a -> {
                    assertThat(a.outcome()).isEqualTo("completed");
                    assertThat(a.error()).isNull();
                });
        Task later = engine.tasks().create(new NewTask("shell", "later", null, Json.object().put("command", "true"), 5, 0,
                Backoff.EXPONENTIAL, T0.plus(Duration.ofDays(1)), 60, List.of(), List.of(), false, "api", null));
        assertThat(history.attempts(later.id(), later.createdAt())).isEmpty();
    }

    @Test
    void aCancelledRunningAttemptEndsCancelled() {
        Task t = create("sleeper", "sleep 30", 0, List.of());
        waitFor(t.id(), "to run", x -> x.status() == TaskStatus.RUNNING);
        assertThat(history.attempts(t.id(), t.createdAt())).singleElement()
                .extracting(TaskHistory.Attempt::outcome).isEqualTo("running");
        engine.tasks().cancel(t.id());
        assertThat(history.attempts(t.id(), t.createdAt())).singleElement()
                .extracting(TaskHistory.Attempt::outcome).isEqualTo("cancelled");
    }

    @Test
    void neighboursAreBothDirectionsWithNamesAndStates() {
        Task later = engine.tasks().create(new NewTask("shell", "root", null, Json.object().put("command", "true"), 5, 0,
                Backoff.EXPONENTIAL, T0.plus(Duration.ofDays(1)), 60, List.of(), List.of(), false, "api", null));
        Task mid = create("mid", "true", 0, List.of(later.id()));
        Task leaf1 = create("leaf <1>", "true", 0, List.of(mid.id()));
        Task leaf2 = create("leaf 2", "true", 0, List.of(mid.id(), later.id()));

        TaskHistory.Neighbours n = history.neighbours(mid.id());
        assertThat(n.dependsOn()).containsExactly(new TaskHistory.Neighbour(later.id(), "root", TaskStatus.PENDING));
        assertThat(n.dependents()).extracting(TaskHistory.Neighbour::id).containsExactly(leaf1.id(), leaf2.id());
        assertThat(n.dependents().get(0).name()).isEqualTo("leaf <1>");
        assertThat(n.more()).isFalse();
        // leaf 2 also waits for root, which mid waits for: the drawing needs that arrow too.
        assertThat(n.among()).containsExactly(new TaskHistory.Link(leaf2.id(), later.id()));
        assertThat(history.neighbours(leaf1.id()).dependents()).isEmpty();
        assertThat(history.neighbours(later.id()).dependents()).extracting(TaskHistory.Neighbour::id)
                .containsExactly(mid.id(), leaf2.id());
    }
}
