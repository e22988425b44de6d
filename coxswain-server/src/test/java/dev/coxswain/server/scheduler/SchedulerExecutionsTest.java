package dev.coxswain.server.scheduler;

import static dev.coxswain.server.scheduler.SchedulerServer.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs, executions and monitoring over real HTTP: a real custom_sql run against local PostgreSQL
 * end to end, the original's retry policy, /run vs /queue, delete cancelling unfinished runs.
 */
class SchedulerExecutionsTest {
    @TempDir
    static Path dir;
    static SchedulerServer srv;
    static TestDatabases.PgDatabase target;
    static long pg;
    static long nowhere;
    static final AtomicInteger SEQ = new AtomicInteger();
    static final String NAIVE = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{6})?";

    @BeforeAll
    static void start() {
        target = TestDatabases.freshPostgres();
        srv = new SchedulerServer(dir);
        pg = srv.connection("pg", target.name());
        // A database that does not exist: every attempt fails, so the run waits in its retry backoff.
        nowhere = srv.connection("nowhere", "no_such_database_for_scheduler_tests");
    }

    @AfterAll
    static void stop() {
        if (srv != null) srv.close();
        if (target != null) target.close();
    }

    static JsonNode createTask(String prefix, String type, long connection, String params, boolean active) {
        return ok(srv.post(prefix + "/tasks", "{\"name\":\"t-" + SEQ.incrementAndGet() + "\",\"task_type\":\"" + type
                + "\",\"connection_id\":" + connection + ",\"cron_schedule\":\"0 2 * * *\",\"task_params\":" + params
                + ",\"is_active\":" + active + "}"), 201);
    }

    static JsonNode awaitExecution(String prefix, long id, String status) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            last[0] = ok(srv.get(prefix + "/executions/" + id), 200);
            return last[0].path("status").asText().equals(status);
        });
        return last[0];
    }

    @ParameterizedTest
    @ValueSource(strings = {"/scheduler", "/api/v1/scheduler"})
    void customSqlRunsEndToEnd(String prefix) {
        JsonNode task = createTask(prefix, "custom_sql", pg, "{\"custom_sql\":\"SELECT 1 AS one\",\"query_timeout\":30}", true);
        long taskId = task.path("id").asLong();
        JsonNode run = ok(srv.post(prefix + "/tasks/" + taskId + "/run", null), 200);
        assertThat(run.path("message").asText()).isEqualTo("Задача добавлена в очередь выполнения");
        assertThat(run.path("task_id").asLong()).isEqualTo(taskId);
        long execId = run.path("execution_id").asLong();

        JsonNode e = awaitExecution(prefix, execId, "completed");
        assertThat(e.fieldNames()).toIterable().containsExactly("id", "task_type", "connection_id", "scheduled_task_id",
                "status", "started_at", "completed_at", "result", "error_message", "parameters");
        assertThat(e.path("id").asLong()).isEqualTo(execId);
        assertThat(e.path("task_type").asText()).isEqualTo("custom_sql");
        assertThat(e.path("connection_id").asLong()).isEqualTo(pg);
        assertThat(e.path("scheduled_task_id").asLong()).isEqualTo(taskId);
        assertThat(e.path("started_at").asText()).matches(NAIVE);
        assertThat(e.path("completed_at").asText()).matches(NAIVE);
        assertThat(LocalDateTime.parse(e.path("completed_at").asText()))
                .isAfterOrEqualTo(LocalDateTime.parse(e.path("started_at").asText()));
        assertThat(e.path("error_message").isNull()).isTrue();
        assertThat(e.path("parameters").toString()).isEqualTo("{\"custom_sql\":\"SELECT 1 AS one\",\"query_timeout\":30}");
        assertThat(e.path("result").isObject()).as("%s", e).isTrue();
        assertThat(e.path("result").toString()).contains("\"one\"").contains("1");

        // A manual run does not set last_run_at.
        assertThat(ok(srv.get(prefix + "/tasks/" + taskId), 200).path("last_run_at").isNull()).isTrue();

        JsonNode mine = ok(srv.get(prefix + "/executions?task_id=" + taskId), 200);
        assertThat(mine.size()).isEqualTo(1);
        assertThat(mine.get(0)).isEqualTo(e);
        JsonNode all = ok(srv.get(prefix + "/executions"), 200);
        assertThat(all.toString()).contains("\"id\":" + execId + ",");

        JsonNode stats = ok(srv.get(prefix + "/stats"), 200);
        assertThat(stats.fieldNames()).toIterable().containsExactly("tasks", "executions_24h", "timestamp");
        assertThat(stats.path("tasks").fieldNames()).toIterable().containsExactly("total_tasks", "active_tasks", "inactive_tasks");
        assertThat(stats.path("executions_24h").fieldNames()).toIterable()
                .containsExactly("total_executions", "completed", "failed", "running");
        assertThat(stats.path("executions_24h").path("completed").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(stats.path("tasks").path("total_tasks").asLong()).isEqualTo(
                stats.path("tasks").path("active_tasks").asLong() + stats.path("tasks").path("inactive_tasks").asLong());
        assertThat(stats.path("timestamp").asText()).matches(NAIVE);
    }

    @Test
    void failedAttemptsRetryInsideOneExecutionAsTheOriginal() {
        JsonNode task = createTask("/scheduler", "custom_sql", nowhere, "{\"custom_sql\":\"SELECT 1\"}", true);
        long execId = ok(srv.post("/scheduler/tasks/" + task.path("id").asLong() + "/run", null), 200).path("execution_id").asLong();
        // Waiting 60 s for the first retry: the original keeps such a run "running".
        JsonNode e = awaitExecution("/scheduler", execId, "running");
        assertThat(e.path("completed_at").isNull()).isTrue();
        var t = srv.server.engine().tasks().get(execId);
        assertThat(t.maxRetries()).isEqualTo(3);
        assertThat(t.retryCount()).isEqualTo(1);
        assertThat(t.backoff()).isEqualTo("linear:60");
        // The first retry is due 60 s after the failed attempt.
        assertThat(Duration.between(t.updatedAt(), t.runAt()).toSeconds()).isBetween(55L, 61L);
        assertThat(ok(srv.get("/scheduler/stats"), 200).path("executions_24h").path("running").asLong()).isGreaterThanOrEqualTo(1);
    }

    /** A refusal is final: the run fails at once instead of waiting 60, 120 and 180 s to be refused again. */
    @ParameterizedTest
    @ValueSource(strings = {"DROP TABLE x", "SELECT 1; SELECT 2", "SELECT lo_from_bytea(0, 'x')"})
    void aRefusedStatementFailsAtOnceWithoutRetries(String sql) {
        JsonNode task = createTask("/scheduler", "custom_sql", pg, "{\"custom_sql\":\"" + sql + "\"}", true);
        long execId = ok(srv.post("/scheduler/tasks/" + task.path("id").asLong() + "/run", null), 200).path("execution_id").asLong();
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            last[0] = ok(srv.get("/scheduler/executions/" + execId), 200);
            return !last[0].path("error_message").isNull() || last[0].path("status").asText().equals("completed");
        });
        JsonNode e = last[0];
        assertThat(e.path("status").asText()).as("%s", e).isEqualTo("failed");
        assertThat(e.path("error_message").asText()).startsWith("refused: custom_sql refused: ");
        assertThat(e.path("completed_at").asText()).matches(NAIVE);
        var t = srv.server.engine().tasks().get(execId);
        assertThat(t.retryCount()).isZero();
        assertThat(t.attempt()).isEqualTo(1);
    }

    /** The seed's counts: a client reads warnings and errors as numbers; the sentences are beside them. */
    @Test
    void configCheckResultCountsWarningsAndErrors() {
        JsonNode task = createTask("/scheduler", "config_check", pg, "{\"language\":\"en\"}", true);
        long execId = ok(srv.post("/scheduler/tasks/" + task.path("id").asLong() + "/run", null), 200).path("execution_id").asLong();
        JsonNode r = awaitExecution("/scheduler", execId, "completed").path("result");
        assertThat(r.path("checks_performed").isIntegralNumber()).as("%s", r).isTrue();
        assertThat(r.path("warnings").isIntegralNumber()).as("%s", r).isTrue();
        assertThat(r.path("errors").isIntegralNumber()).as("%s", r).isTrue();
        assertThat(r.path("recommendations").isArray()).isTrue();
        assertThat(r.path("warning_details").size()).isEqualTo(r.path("warnings").asInt());
        assertThat(r.path("error_details").size()).isEqualTo(r.path("errors").asInt());
        assertThat(r.path("warnings").asInt()).isEqualTo(r.path("summary").path("warning").asInt());
        assertThat(r.path("errors").asInt()).isEqualTo(r.path("summary").path("error").asInt());
    }

    @Test
    void runRefusesAnInactiveTaskQueueDoesNot() {
        JsonNode task = createTask("/scheduler", "custom_sql", nowhere, "{\"custom_sql\":\"SELECT 1\"}", false);
        long id = task.path("id").asLong();
        assertThat(ok(srv.post("/scheduler/tasks/" + id + "/run", null), 400).toString())
                .isEqualTo("{\"detail\":\"Задача неактивна\"}");
        JsonNode q = ok(srv.post("/api/v1/scheduler/tasks/" + id + "/queue", null), 200);
        assertThat(q.path("message").asText()).isEqualTo("Задача " + id + " добавлена в очередь");
        assertThat(q.path("task_id").asLong()).isEqualTo(id);
        assertThat(q.path("execution_id").isIntegralNumber()).isTrue();
        JsonNode e = ok(srv.get("/scheduler/executions/" + q.path("execution_id").asLong()), 200);
        assertThat(e.path("scheduled_task_id").asLong()).isEqualTo(id);
        assertThat(e.path("status").asText()).isIn("pending", "running");
    }

    @Test
    void deleteCancelsUnfinishedExecutionsAndKeepsTheRows() {
        JsonNode task = createTask("/scheduler", "custom_sql", nowhere, "{\"custom_sql\":\"SELECT 1\"}", true);
        long id = task.path("id").asLong();
        long execId = ok(srv.post("/scheduler/tasks/" + id + "/run", null), 200).path("execution_id").asLong();
        awaitExecution("/scheduler", execId, "running");
        assertThat(srv.delete("/scheduler/tasks/" + id).status()).isEqualTo(204);
        JsonNode e = ok(srv.get("/scheduler/executions/" + execId), 200);
        assertThat(e.path("status").asText()).isEqualTo("cancelled");
        assertThat(e.path("completed_at").asText()).matches(NAIVE);
        // The task is gone, so filtering by it finds nothing (the original sets scheduled_task_id NULL).
        assertThat(ok(srv.get("/scheduler/executions?task_id=" + id), 200).size()).isZero();
    }

    @Test
    void executionErrorsAndLimits() {
        assertThat(ok(srv.get("/scheduler/executions/999999"), 404).toString())
                .isEqualTo("{\"detail\":\"Выполнение задачи не найдено\"}");
        assertThat(ok(srv.get("/api/v1/scheduler/executions/abc"), 422).path("detail").get(0).path("loc").toString())
                .isEqualTo("[\"path\",\"execution_id\"]");
        assertThat(ok(srv.post("/scheduler/tasks/999999/run", null), 404).toString()).isEqualTo("{\"detail\":\"Задача не найдена\"}");
        assertThat(ok(srv.post("/scheduler/tasks/999999/queue", null), 404).toString()).isEqualTo("{\"detail\":\"Задача не найдена\"}");
        assertThat(ok(srv.get("/scheduler/executions?task_id=abc"), 422).path("detail").get(0).path("loc").toString())
                .isEqualTo("[\"query\",\"task_id\"]");
        assertThat(ok(srv.get("/scheduler/executions?limit=-1"), 422).path("detail").get(0).path("type").asText())
                .isEqualTo("greater_than_equal");
        assertThat(ok(srv.get("/scheduler/executions?task_id=987654"), 200).size()).isZero();

        JsonNode task = createTask("/scheduler", "custom_sql", nowhere, "{}", false);
        List<Long> made = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            made.add(ok(srv.post("/scheduler/tasks/" + task.path("id").asLong() + "/queue", null), 200).path("execution_id").asLong());
        }
        JsonNode two = ok(srv.get("/scheduler/executions?task_id=" + task.path("id").asLong() + "&limit=2"), 200);
        assertThat(two.size()).isEqualTo(2);
        assertThat(two.get(0).path("id").asLong()).isEqualTo(made.get(2));
        assertThat(two.get(1).path("id").asLong()).isEqualTo(made.get(1));
        assertThat(ok(srv.get("/scheduler/executions?limit=1"), 200).size()).isEqualTo(1);
        assertThat(ok(srv.get("/scheduler/executions?limit=0"), 200).size()).isZero();

        // A task of another face is not an execution here.
        JsonNode nativeTask = ok(srv.post("/api/tasks", "{\"name\":\"plain\",\"command\":\"true\",\"scheduled_at\":\"2999-01-01T00:00:00Z\"}"), 201);
        String nid = nativeTask.path("data").path("id").asText().replaceAll("\\D", "");
        assertThat(ok(srv.get("/scheduler/executions/" + nid), 404).path("detail").asText()).isEqualTo("Выполнение задачи не найдено");
    }

    @Test
    void cronFiredRunsSetLastRunAtAndPausingStopsThem() {
        // croniter's six fields put the seconds last: this fires every second.
        JsonNode task = ok(srv.post("/scheduler/tasks", "{\"name\":\"every-second\",\"task_type\":\"custom_sql\","
                + "\"connection_id\":" + pg + ",\"cron_schedule\":\"* * * * * *\",\"task_params\":{\"custom_sql\":\"SELECT 2 AS two\"}}"), 201);
        long id = task.path("id").asLong();
        await().atMost(Duration.ofSeconds(20)).until(() -> !ok(srv.get("/scheduler/tasks/" + id), 200).path("last_run_at").isNull());
        JsonNode paused = ok(srv.put("/scheduler/tasks/" + id, "{\"is_active\":false}"), 200);
        assertThat(paused.path("is_active").asBoolean()).isFalse();
        assertThat(paused.path("last_run_at").asText()).matches(NAIVE);
        JsonNode runs = ok(srv.get("/scheduler/executions?task_id=" + id), 200);
        assertThat(runs.size()).isGreaterThanOrEqualTo(1);
        long first = runs.get(runs.size() - 1).path("id").asLong();
        JsonNode done = awaitExecution("/scheduler", first, "completed");
        assertThat(done.path("result").toString()).contains("\"two\"");
        int count = runs.size();
        try {
            Thread.sleep(1500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertThat(ok(srv.get("/scheduler/executions?task_id=" + id), 200).size()).isLessThanOrEqualTo(count + 1);
    }

    @Test
    void queueStatusCountsWaitingRuns() {
        JsonNode q = ok(srv.get("/scheduler/queue/status"), 200);
        assertThat(q.fieldNames()).toIterable().containsExactly("queue_length", "timestamp");
        assertThat(q.path("queue_length").isIntegralNumber()).isTrue();
        assertThat(q.path("queue_length").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(q.path("timestamp").asText()).matches(NAIVE);
        assertThat(ok(srv.get("/api/v1/scheduler/queue/status"), 200).has("queue_length")).isTrue();
    }
}
