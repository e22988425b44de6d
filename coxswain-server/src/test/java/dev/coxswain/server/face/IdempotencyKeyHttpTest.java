package dev.coxswain.server.face;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code Idempotency-Key} on the create routes of every face, over real HTTP: a retry with the
 * same key and body gets the first answer again (same status and id) and creates nothing more;
 * the same key with another body is refused in the face's format; keys are per principal.
 */
class IdempotencyKeyHttpTest {
    @TempDir
    Path tmp;
    private FaceClient api;
    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        if (api != null) api.close();
        for (AutoCloseable c : closeAfter) c.close();
    }

    private void sqlite() {
        api = FaceClient.start(tmp.resolve("data"), null, Clock.systemUTC());
    }

    @Test
    void nativeTaskCreateIsAnsweredAgainNotDoneTwice() {
        sqlite();
        String body = "{\"name\":\"once\",\"command\":\"echo hi\"}";
        FaceClient.Resp first = api.post("/api/tasks", body, "Idempotency-Key", "k-task-1");
        FaceClient.Resp again = api.post("/api/tasks", body, "Idempotency-Key", "k-task-1");
        assertThat(first.status()).as(first.text()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.text()).isEqualTo(first.text());
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(first.header("Idempotent-Replayed")).isNull();
        assertThat(api.get("/api/tasks?limit=100").json().path("meta").path("total").asInt()).isEqualTo(1);

        FaceClient.Resp other = api.post("/api/tasks", "{\"name\":\"other\",\"command\":\"echo hi\"}",
                "Idempotency-Key", "k-task-1");
        assertThat(other.status()).isEqualTo(422);
        assertThat(other.json().path("error").path("code").asText()).isEqualTo("idempotency_key_reused");
        assertThat(api.get("/api/tasks?limit=100").json().path("meta").path("total").asInt()).isEqualTo(1);

        FaceClient.Resp bad = api.post("/api/tasks", body, "Idempotency-Key", "x".repeat(256));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("error").path("code").asText()).isEqualTo("bad_request");
    }

    @Test
    void keysArePerPrincipal() {
        sqlite();
        FaceClient.Resp k = api.post("/api/keys", "{\"name\":\"writer\",\"scopes\":[\"tasks:write\",\"jobs:write\",\"read\"]}",
                "Idempotency-Key", "k-key");
        assertThat(k.status()).as(k.text()).isEqualTo(201);
        String secret = k.json().path("data").path("secret").asText();
        assertThat(secret).startsWith("cox_");
        FaceClient.Resp replay = api.post("/api/keys", "{\"name\":\"writer\",\"scopes\":[\"tasks:write\",\"jobs:write\",\"read\"]}",
                "Idempotency-Key", "k-key");
        assertThat(replay.status()).isEqualTo(201);
        assertThat(replay.json().path("data").path("id")).isEqualTo(k.json().path("data").path("id"));
        assertThat(replay.json().path("data").path("secret").isNull()).as("a key's secret is shown once, never stored").isTrue();

        String body = "{\"name\":\"mine\",\"command\":\"echo hi\"}";
        FaceClient.Resp admin = api.post("/api/tasks", body, "Idempotency-Key", "shared");
        FaceClient.Resp writer = api.post("/api/tasks", body, "Idempotency-Key", "shared", "Authorization", "ApiKey " + secret);
        assertThat(admin.status()).isEqualTo(201);
        assertThat(writer.status()).isEqualTo(201);
        assertThat(writer.header("Idempotent-Replayed")).isNull();
        assertThat(writer.json().path("data").path("id")).isNotEqualTo(admin.json().path("data").path("id"));
    }

    @Test
    void everyNativeCreateRouteReplays() {
        sqlite();
        long conn = api.connection("c0");
        String sched = "{\"name\":\"s1\",\"cron\":\"0 2 * * *\",\"task_type\":\"shell\",\"payload\":{\"command\":\"echo hi\"}}";
        replays("/api/schedules", sched, "k-s");
        String sid = api.get("/api/schedules").json().path("data").get(0).path("id").asText();
        replays("/api/schedules/" + sid + "/run", null, "k-run");
        assertThat(api.get("/api/schedules/" + sid + "/runs").json().path("meta").path("total").asInt()).isEqualTo(1);
        FaceClient.Resp hook = api.post("/api/webhooks", "{\"url\":\"http://127.0.0.1:9/h\",\"events\":[\"task.completed\"]}",
                "Idempotency-Key", "k-wh");
        assertThat(hook.status()).as(hook.text()).isEqualTo(201);
        FaceClient.Resp hookAgain = api.post("/api/webhooks", "{\"url\":\"http://127.0.0.1:9/h\",\"events\":[\"task.completed\"]}",
                "Idempotency-Key", "k-wh");
        assertThat(hookAgain.json().path("data").path("id")).isEqualTo(hook.json().path("data").path("id"));
        assertThat(hookAgain.json().path("data").path("secret").isNull()).isTrue();
        replays("/api/connections", "{\"name\":\"c1\",\"host\":\"127.0.0.1\",\"database\":\"d\",\"user\":\"postgres\","
                + "\"sslmode\":\"disable\"}", "k-c");
        assertThat(conn).isPositive();
    }

    @Test
    void chadburnJobAndRunNowReplay() {
        sqlite();
        JsonNode job = replays("/api/v1/jobs", "{\"name\":\"j\",\"schedule\":\"0 0 * * *\",\"command\":\"echo hi\"}", "k-job");
        String id = job.path("data").path("id").asText();
        JsonNode run = replays("/api/v1/jobs/" + id + "/run", null, "k-jrun");
        assertThat(run.path("data").path("execution_id").asText()).startsWith("exec-");
        assertThat(api.get("/api/v1/jobs/" + id + "/executions").json().path("data").size()).isEqualTo(1);
        FaceClient.Resp other = api.post("/api/v1/jobs", "{\"name\":\"j2\",\"schedule\":\"0 0 * * *\",\"command\":\"echo\"}",
                "Idempotency-Key", "k-job");
        assertThat(other.status()).isEqualTo(422);
        assertThat(other.json().path("error").path("code").asText()).isEqualTo("idempotency_key_reused");
    }

    @Test
    void schedulerTaskAndRunAndQueueReplay() {
        sqlite();
        long conn = api.connection("target");
        JsonNode task = replays("/scheduler/tasks", "{\"name\":\"t\",\"task_type\":\"config_check\",\"connection_id\":"
                + conn + ",\"cron_schedule\":\"0 2 * * *\"}", "k-st");
        long id = task.path("id").asLong();
        JsonNode run = replays("/scheduler/tasks/" + id + "/run", null, "k-srun");
        JsonNode queued = replays("/scheduler/tasks/" + id + "/queue", null, "k-sq");
        assertThat(run.path("execution_id").asLong()).isNotEqualTo(queued.path("execution_id").asLong());
        assertThat(api.get("/scheduler/executions?task_id=" + id).json().size()).isEqualTo(2);
        FaceClient.Resp other = api.post("/scheduler/tasks/" + id + "/queue", null, "Idempotency-Key", "k-srun");
        assertThat(other.status()).isEqualTo(422);
        assertThat(other.json().path("detail").isTextual()).isTrue();
    }

    @Test
    void concurrentDuplicatesOnPostgresCreateOneTask() throws Exception {
        TestDatabases.PgDatabase pg = TestDatabases.freshPostgres();
        closeAfter.add(pg);
        api = FaceClient.start(tmp.resolve("data"), pg.url(), Clock.systemUTC());
        concurrentDuplicatesCreateOneTask();
    }

    /** On SQLite duplicates meet in one group commit: the loser's op rolls back to its savepoint. */
    @Test
    void concurrentDuplicatesOnSqliteCreateOneTask() throws Exception {
        sqlite();
        concurrentDuplicatesCreateOneTask();
    }

    private void concurrentDuplicatesCreateOneTask() throws Exception {
        String body = "{\"name\":\"race\",\"command\":\"echo hi\"}";
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 5; round++) {
                String key = "race-" + round;
                List<Callable<FaceClient.Resp>> calls = new ArrayList<>();
                for (int i = 0; i < 8; i++) calls.add(() -> api.post("/api/tasks", body, "Idempotency-Key", key));
                Set<String> ids = new HashSet<>();
                for (Future<FaceClient.Resp> f : pool.invokeAll(calls)) {
                    FaceClient.Resp r = f.get();
                    assertThat(r.status()).as(r.text()).isEqualTo(201);
                    ids.add(r.json().path("data").path("id").asText());
                }
                assertThat(ids).hasSize(1);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(api.get("/api/tasks?limit=100").json().path("meta").path("total").asInt()).isEqualTo(5);
    }

    /** Posts twice with one key; both answers are the same, the second marked as a replay. */
    private JsonNode replays(String path, String body, String key) {
        FaceClient.Resp first = api.post(path, body, "Idempotency-Key", key);
        FaceClient.Resp again = api.post(path, body, "Idempotency-Key", key);
        assertThat(first.status()).as(path + " " + first.text()).isBetween(200, 201);
        assertThat(again.status()).isEqualTo(first.status());
        assertThat(again.text()).as(path).isEqualTo(first.text());
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        return first.json();
    }
}
