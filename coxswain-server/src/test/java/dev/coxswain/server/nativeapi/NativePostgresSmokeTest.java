package dev.coxswain.server.nativeapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.testing.TestDatabases;
import dev.coxswain.server.nativeapi.ApiServer.Resp;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.coxswain.server.nativeapi.ApiServer.task;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same HTTP face on the PostgreSQL store: a task is created, runs, completes and is listed,
 * so both stores are proven behind the native API. Skipped loudly (failed under CI=true) when no
 * PostgreSQL answers.
 */
class NativePostgresSmokeTest {
    @TempDir
    static Path dir;
    static TestDatabases.PgDatabase pg;
    static ApiServer api;

    @BeforeAll
    static void start() {
        pg = TestDatabases.freshPostgres();
        api = ApiServer.start(ApiServer.config(dir, pg.url(), 2, 1 << 20), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        try {
            if (api != null) api.close();
        } finally {
            if (pg != null) pg.close();
        }
    }

    @Test
    void createCompleteAndListOnPostgres() {
        ObjectNode b = task("pg-task", "echo hi from postgres; echo warn >&2");
        b.putArray("tags").add("pg");
        b.put("priority", 7);
        JsonNode created = Shapes.ok(api.post("/api/tasks", b), 201);
        Shapes.task(created);
        String id = created.get("id").asText();

        JsonNode done = api.awaitStatus(id, "completed");
        Shapes.task(done);
        assertThat(done.get("result").asText()).isEqualTo("hi from postgres");
        assertThat(done.get("exit_code").asInt()).isZero();
        assertThat(done.get("worker_id").asText()).isEqualTo(ApiServer.WORKER_ID);

        Resp list = api.get("/api/tasks?tag=pg&status=completed");
        assertThat(Shapes.ids(Shapes.ok(list, 200))).containsExactly(id);
        Shapes.pageMeta(list, 1, 20, 1);
        list.data().forEach(Shapes::task);

        Resp logs = api.get("/api/tasks/" + id + "/logs?level=error");
        JsonNode lines = Shapes.ok(logs, 200);
        lines.forEach(Shapes::log);
        assertThat(lines).anySatisfy(l -> assertThat(l.get("message").asText()).isEqualTo("warn"));

        Resp workerTasks = api.get("/api/workers/" + ApiServer.WORKER_ID + "/tasks");
        assertThat(Shapes.ids(Shapes.ok(workerTasks, 200))).contains(id);

        JsonNode status = Shapes.ok(api.get("/api/system/status"), 200);
        assertThat(status.get("components").get("database").get("status").asText()).isEqualTo("healthy");
        assertThat(status.get("task_stats").get("completed_today").asLong()).isGreaterThanOrEqualTo(1);

        JsonNode metrics = Shapes.ok(api.get("/api/system/metrics?period=day"), 200);
        assertThat(metrics.get("task_completion_rate")).hasSize(30);
    }

    @Test
    void errorsAreTheSameOnPostgres() {
        Shapes.validation(api.post("/api/tasks", "{\"priority\": 11}"), "name", "command", "priority");
        Shapes.error(api.get("/api/tasks/task-987654321"), 404, "not_found");
        String parked = api.createParked("pg-parked").get("id").asText();
        ObjectNode dep = task("pg-dependent", "echo");
        dep.put("scheduled_at", "2999-01-01T00:00:00Z");
        dep.putArray("dependencies").add(parked);
        String dependent = api.create(dep).get("id").asText();
        Shapes.error(api.delete("/api/tasks/" + parked), 409, "conflict");
        Shapes.error(api.post("/api/tasks/" + parked + "/retry"), 409, "conflict");
        Shapes.ok(api.delete("/api/tasks/" + dependent), 200);
        Shapes.ok(api.delete("/api/tasks/" + parked), 200);
    }

    @Test
    void textThePostgresStoreCannotHoldIsRefusedAsAClientError() {
        // PostgreSQL text cannot hold NUL (SQLite can): the API refuses it on every store, as a
        // 422 naming the fields or a 400 naming the parameter, and never answers 500.
        Resp r = api.post("/api/tasks", "{\"name\": \"nul\\u0000name\", \"command\": \"echo\","
                + " \"description\": \"\\u0000\", \"tags\": [\"t\\u0000\"]}");
        Shapes.validation(r, "name", "description", "tags");
        String id = api.createParked("pg-nul").get("id").asText();
        Shapes.validation(api.put("/api/tasks/" + id, "{\"name\": \"a\\u0000\"}"), "name");
        Shapes.badParam(api.get("/api/tasks?tag=a%00b"), "tag");
        Shapes.badParam(api.get("/api/workers/" + ApiServer.WORKER_ID + "/tasks?tag=a%00b"), "tag");
        Shapes.error(api.get("/api/workers/worker%00x"), 404, "not_found");
        Shapes.error(api.get("/api/workers/worker%00x/tasks"), 404, "not_found");
    }

    @Test
    void aNulByteInTheOutputOfATaskDoesNotStopItFromFinishing() {
        String id = api.create(task("pg-nul-output", "printf 'a\\000b\\n'; printf 'c\\000d\\n' >&2")).get("id").asText();
        JsonNode done = api.awaitStatus(id, "completed");
        assertThat(done.get("exit_code").asInt()).isZero();
        assertThat(done.get("result").asText()).isEqualTo("a\uFFFDb");
        JsonNode errors = Shapes.ok(api.get("/api/tasks/" + id + "/logs?level=error"), 200);
        errors.forEach(Shapes::log);
        assertThat(errors).anySatisfy(l -> assertThat(l.get("message").asText()).isEqualTo("c\uFFFDd"));
        // The store goes on completing other tasks.
        api.awaitStatus(api.create(task("pg-after-nul", "echo fine")).get("id").asText(), "completed");
    }

    @Test
    void checkpointOfARunningTaskOnPostgres() throws java.io.IOException {
        Path gate = dir.resolve("pg-gate");
        ObjectNode b = task("pg-checkpoint", "while [ ! -f '" + gate + "' ]; do sleep 0.05; done");
        b.put("checkpoint_enabled", true);
        String id = api.create(b).get("id").asText();
        try {
            api.awaitStatus(id, "running");
            // NUL inside checkpoint JSON is escaped in the stored JSON text, so it round-trips.
            JsonNode d = Shapes.ok(api.post("/api/tasks/" + id + "/checkpoint",
                    "{\"checkpoint_data\": {\"step\": 2, \"note\": \"a\\u0000b\"}}"), 200);
            assertThat(d.get("checkpoint_data").get("step").asInt()).isEqualTo(2);
            assertThat(d.get("checkpoint_data").get("note").asText()).isEqualTo("a\u0000b");
            Shapes.error(api.put("/api/tasks/" + id, "{\"priority\": 9}"), 409, "conflict");
        } finally {
            java.nio.file.Files.writeString(gate, "go");
        }
        JsonNode done = api.awaitStatus(id, "completed");
        assertThat(done.get("checkpoint_data").get("note").asText()).isEqualTo("a\u0000b");
    }

    @Test
    void aLoneSurrogateIsNotAServerError() {
        Resp r = api.post("/api/tasks", "{\"name\": \"half \\ud800 pair\", \"command\": \"echo\","
                + " \"scheduled_at\": \"2999-01-01T00:00:00Z\"}");
        assertThat(r.status()).as("%s", r).isIn(201, 422);
    }
}
