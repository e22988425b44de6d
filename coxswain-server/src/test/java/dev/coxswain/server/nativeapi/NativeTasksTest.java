package dev.coxswain.server.nativeapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.server.nativeapi.ApiServer.Resp;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.coxswain.server.nativeapi.ApiServer.JSON;
import static dev.coxswain.server.nativeapi.ApiServer.task;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed's task endpoints: {@code GET/POST /tasks}, {@code GET/PUT/DELETE /tasks/{id}}. Every
 * test works on its own tasks (own names and tags), so one server serves the whole class.
 */
class NativeTasksTest {
    @TempDir
    static Path dir;
    static ApiServer api;

    @BeforeAll
    static void start() {
        api = ApiServer.start(dir);
    }

    @AfterAll
    static void stop() {
        if (api != null) api.close();
    }

    // ---- create -------------------------------------------------------------------------------

    @Test
    void createWithOnlyRequiredFieldsAppliesTheSeedDefaults() {
        Resp r = api.post("/api/tasks", task("minimal", "echo hi"));
        JsonNode t = Shapes.ok(r, 201);
        Shapes.task(t);
        assertThat(t.get("name").asText()).isEqualTo("minimal");
        assertThat(t.get("command").asText()).isEqualTo("echo hi");
        assertThat(t.get("description").isNull()).isTrue();
        assertThat(t.get("priority").asInt()).isEqualTo(5);
        assertThat(t.get("max_retries").asInt()).isEqualTo(3);
        assertThat(t.get("timeout_seconds").asInt()).isEqualTo(3600);
        assertThat(t.get("retry_count").asInt()).isZero();
        assertThat(t.get("tags")).isEmpty();
        assertThat(t.get("dependencies")).isEmpty();
        assertThat(t.get("checkpoint_enabled").asBoolean()).isFalse();
        assertThat(t.get("checkpoint_data").isNull()).isTrue();
        assertThat(t.get("scheduled_at").isNull()).isTrue();
        // Not yet started: nothing of a run is filled in at creation.
        assertThat(t.get("status").asText()).isIn("pending", "queued", "running");
        assertThat(t.get("result").isNull()).isTrue();
        assertThat(t.get("error").isNull()).isTrue();
        assertThat(t.get("completed_at").isNull()).isTrue();
    }

    @Test
    void createWithEveryFieldEchoesThemAll() {
        JsonNode dep = api.createParked("full-dep");
        ObjectNode b = task("Example Task", "echo 'Hello World'");
        b.put("description", "This is an example task");
        b.put("priority", 7);
        b.put("max_retries", 4);
        b.put("scheduled_at", "2999-06-15T12:00:00Z");
        b.put("timeout_seconds", 120);
        b.putArray("tags").add("example").add("demo");
        b.putArray("dependencies").add(dep.get("id").asText());
        b.put("checkpoint_enabled", true);
        Resp r = api.post("/api/tasks", b);
        JsonNode t = Shapes.ok(r, 201);
        Shapes.task(t);
        assertThat(t.get("name").asText()).isEqualTo("Example Task");
        assertThat(t.get("description").asText()).isEqualTo("This is an example task");
        assertThat(t.get("command").asText()).isEqualTo("echo 'Hello World'");
        assertThat(t.get("status").asText()).isEqualTo("pending");
        assertThat(t.get("priority").asInt()).isEqualTo(7);
        assertThat(t.get("max_retries").asInt()).isEqualTo(4);
        assertThat(t.get("scheduled_at").asText()).isEqualTo("2999-06-15T12:00:00Z");
        assertThat(t.get("timeout_seconds").asInt()).isEqualTo(120);
        assertThat(Shapes.strings(t.get("tags"), "tags")).containsExactly("example", "demo");
        assertThat(Shapes.strings(t.get("dependencies"), "deps")).containsExactly(dep.get("id").asText());
        assertThat(t.get("checkpoint_enabled").asBoolean()).isTrue();
        assertThat(t.get("started_at").isNull()).isTrue();
        assertThat(t.get("worker_id").isNull()).isTrue();

        // GET returns the same task with the same fields.
        JsonNode got = Shapes.ok(api.get("/api/tasks/" + t.get("id").asText()), 200);
        Shapes.task(got);
        for (String f : List.of("id", "name", "description", "command", "status", "priority", "max_retries",
                "scheduled_at", "timeout_seconds", "tags", "dependencies", "created_at", "checkpoint_enabled")) {
            assertThat(got.get(f)).as(f).isEqualTo(t.get(f));
        }
    }

    @Test
    void scheduledAtWithAnOffsetIsStoredAsUtc() {
        ObjectNode b = task("offset", "echo x");
        b.put("scheduled_at", "2999-06-15T14:00:00+02:00");
        JsonNode t = api.create(b);
        assertThat(t.get("scheduled_at").asText()).isEqualTo("2999-06-15T12:00:00Z");
    }

    @Test
    void aShellTaskRunsToCompletionWithResultExitCodeAndTimes() {
        JsonNode t = api.create(task("runs", "echo hi"));
        String id = t.get("id").asText();
        JsonNode done = api.awaitStatus(id, "completed");
        Shapes.task(done);
        assertThat(done.get("result").asText()).isEqualTo("hi");
        assertThat(done.get("exit_code").asInt()).isZero();
        assertThat(done.get("error").isNull()).isTrue();
        assertThat(done.get("worker_id").asText()).isEqualTo(ApiServer.WORKER_ID);
        Shapes.time(done.get("started_at"), "started_at");
        Shapes.time(done.get("completed_at"), "completed_at");
        assertThat(Instant.parse(done.get("completed_at").asText()))
                .isAfterOrEqualTo(Instant.parse(done.get("started_at").asText()));
        assertThat(done.get("retry_count").asInt()).isZero();
    }

    @Test
    void aFailingCommandEndsFailedWithItsExitCodeAndAnError() {
        ObjectNode b = task("fails", "echo partial; exit 3");
        b.put("max_retries", 0);
        String id = api.create(b).get("id").asText();
        JsonNode failed = api.awaitStatus(id, "failed");
        Shapes.task(failed);
        assertThat(failed.get("exit_code").asInt()).isEqualTo(3);
        assertThat(failed.get("error").asText()).isNotBlank();
        assertThat(failed.get("result").asText()).isEqualTo("partial");
        Shapes.time(failed.get("completed_at"), "completed_at");
    }

    @Test
    void aDependentTaskRunsAfterItsDependency() {
        String a = api.create(task("dep-a", "echo first")).get("id").asText();
        ObjectNode b = task("dep-b", "echo second");
        b.putArray("dependencies").add(a);
        String bId = api.create(b).get("id").asText();
        JsonNode doneB = api.awaitStatus(bId, "completed");
        JsonNode doneA = api.awaitStatus(a, "completed");
        assertThat(Shapes.strings(doneB.get("dependencies"), "deps")).containsExactly(a);
        assertThat(Instant.parse(doneB.get("started_at").asText()))
                .isAfterOrEqualTo(Instant.parse(doneA.get("completed_at").asText()));
    }

    @Test
    void createWithoutRequiredFieldsIs422NamingEachField() {
        Shapes.validation(api.post("/api/tasks", "{}"), "name", "command");
        Shapes.validation(api.post("/api/tasks", "{\"name\":\"no command\"}"), "command");
        Shapes.validation(api.post("/api/tasks", "{\"command\":\"echo\"}"), "name");
        Shapes.validation(api.post("/api/tasks", "{\"name\":null,\"command\":null}"), "name", "command");
        Shapes.validation(api.post("/api/tasks", "{\"name\":\"  \",\"command\":\"\"}"), "name", "command");
    }

    @Test
    void createWithWrongTypesIs422NamingEachField() {
        String body = """
                {"name": 5, "command": ["echo"], "description": 1, "priority": "5", "max_retries": 1.5,
                 "scheduled_at": 20230615, "timeout_seconds": "3600", "tags": "example",
                 "dependencies": "task-1", "checkpoint_enabled": "yes"}""";
        Shapes.validation(api.post("/api/tasks", body), "name", "command", "description", "priority", "max_retries",
                "scheduled_at", "timeout_seconds", "tags", "dependencies", "checkpoint_enabled");
        Shapes.validation(api.post("/api/tasks", "{\"name\":\"t\",\"command\":\"c\",\"tags\":[1,2]}"), "tags");
        Shapes.validation(api.post("/api/tasks", "{\"name\":\"t\",\"command\":\"c\",\"scheduled_at\":\"tomorrow\"}"),
                "scheduled_at");
        Shapes.validation(api.post("/api/tasks", "{\"name\":\"t\",\"command\":\"c\",\"priority\":99999999999}"),
                "priority");
    }

    @Test
    void priorityOutsideOneToTenIs422() {
        for (int p : new int[]{0, 11, -1}) {
            ObjectNode b = task("prio", "echo");
            b.put("priority", p);
            Shapes.validation(api.post("/api/tasks", b), "priority");
        }
        for (int p : new int[]{1, 10}) {
            ObjectNode b = task("prio-ok", "echo");
            b.put("priority", p);
            b.put("scheduled_at", "2999-01-01T00:00:00Z");
            assertThat(api.create(b).get("priority").asInt()).isEqualTo(p);
        }
    }

    @Test
    void outOfRangeNumbersAre422() {
        ObjectNode b = task("ranges", "echo");
        b.put("max_retries", -1);
        b.put("timeout_seconds", 0);
        Shapes.validation(api.post("/api/tasks", b), "max_retries", "timeout_seconds");
    }

    @Test
    void aScheduledAtBeyondAnyCalendarIs422NotAServerError() {
        for (String when : List.of("+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z", "+10000-01-01T00:00:00Z")) {
            ObjectNode b = task("far", "echo");
            b.put("scheduled_at", when);
            Shapes.validation(api.post("/api/tasks", b), "scheduled_at");
            String id = api.createParked("far-update").get("id").asText();
            Shapes.validation(api.put("/api/tasks/" + id, "{\"scheduled_at\": \"" + when + "\"}"), "scheduled_at");
        }
        ObjectNode last = task("last-second", "echo");
        last.put("scheduled_at", "9999-12-31T23:59:59Z");
        assertThat(api.create(last).get("scheduled_at").asText()).isEqualTo("9999-12-31T23:59:59Z");
    }

    @Test
    void aScheduledAtCenturiesAgoIs422OnCreateAndUpdate() {
        // Was 201: the claim then overflowed the dispatch-latency timer (326 years in nanoseconds),
        // and the task stayed running for good with its slot taken.
        ObjectNode b = task("ancient", "echo a");
        b.put("scheduled_at", "1700-01-01T00:00:00Z");
        JsonNode d = Shapes.validation(api.post("/api/tasks", b), "scheduled_at");
        assertThat(d.get("scheduled_at").asText()).contains("1970-01-01T00:00:00Z");
        String id = api.createParked("ancient-update").get("id").asText();
        Shapes.validation(api.put("/api/tasks/" + id, "{\"scheduled_at\": \"1969-12-31T23:59:59Z\"}"), "scheduled_at");
        assertThat(api.getTask(id).get("status").asText()).isEqualTo("pending");

        ObjectNode first = task("epoch", "echo epoch");
        first.put("scheduled_at", "1970-01-01T00:00:00Z");
        String ok = api.create(first).get("id").asText();
        api.awaitStatus(ok, "completed");
    }

    @Test
    void textWithNulIsRefused() {
        // PostgreSQL text cannot hold U+0000, so neither store takes it: the same answer on both.
        Resp r = api.post("/api/tasks", "{\"name\": \"a\\u0000b\", \"command\": \"echo \\u0000\","
                + " \"description\": \"\\u0000\", \"tags\": [\"t\\u0000\"]}");
        Shapes.validation(r, "name", "command", "description", "tags");
        String id = api.createParked("nul-update").get("id").asText();
        Shapes.validation(api.put("/api/tasks/" + id, "{\"description\": \"x\\u0000\"}"), "description");
        Shapes.badParam(api.get("/api/tasks?tag=a%00b"), "tag");
        assertThat(api.getTask(id).get("description").isNull()).isTrue();
    }

    @Test
    void unknownDependencyIs422() {
        ObjectNode b = task("bad-dep", "echo");
        b.putArray("dependencies").add("task-987654321");
        Shapes.validation(api.post("/api/tasks", b), "dependencies");
        ObjectNode c = task("bad-dep-2", "echo");
        c.putArray("dependencies").add("not-a-task");
        Shapes.validation(api.post("/api/tasks", c), "dependencies");
        // A dependency that was cancelled can never complete.
        String cancelled = api.createParked("cancelled-dep").get("id").asText();
        Shapes.ok(api.post("/api/tasks/" + cancelled + "/cancel"), 200);
        ObjectNode d = task("on-cancelled", "echo");
        d.putArray("dependencies").add(cancelled);
        Shapes.validation(api.post("/api/tasks", d), "dependencies");
    }

    @Test
    void aTaskWhoseDependencyFailsFailsNamingIt() {
        ObjectNode a = task("will-fail", "exit 1");
        a.put("max_retries", 0);
        a.put("scheduled_at", "2999-01-01T00:00:00Z");
        String aId = api.create(a).get("id").asText();
        ObjectNode b = task("after-failure", "echo never");
        b.putArray("dependencies").add(aId);
        String bId = api.create(b).get("id").asText();
        assertThat(api.getTask(bId).get("status").asText()).isEqualTo("pending");
        // Clearing scheduled_at makes the dependency due now.
        JsonNode due = Shapes.ok(api.put("/api/tasks/" + aId, "{\"scheduled_at\": null}"), 200);
        assertThat(due.get("scheduled_at").isNull()).isTrue();
        api.awaitStatus(aId, "failed");
        JsonNode failed = api.awaitStatus(bId, "failed");
        assertThat(failed.get("error").asText()).contains(aId);
        assertThat(failed.get("started_at").isNull()).isTrue();
    }

    @Test
    void malformedJsonIs400() {
        Shapes.error(api.post("/api/tasks", "{\"name\": \"x\", "), 400, "bad_request");
        Shapes.error(api.post("/api/tasks", "not json at all"), 400, "bad_request");
        Shapes.error(api.post("/api/tasks", "{\"name\": 'single'}"), 400, "bad_request");
        Shapes.error(api.call("POST", "/api/tasks").send(), 400, "bad_request");
        Shapes.error(api.post("/api/tasks", "   "), 400, "bad_request");
        // One JSON value, and nothing after it.
        long before = api.get("/api/tasks").meta().get("total").asLong();
        Shapes.error(api.post("/api/tasks", "{\"name\":\"x\",\"command\":\"echo\"} trailing"), 400, "bad_request");
        Shapes.error(api.post("/api/tasks", "{\"name\":\"x\",\"command\":\"echo\"}{\"name\":\"y\"}"), 400, "bad_request");
        assertThat(api.get("/api/tasks").meta().get("total").asLong()).isEqualTo(before);
    }

    @Test
    void aBodyThatIsNotAnObjectIs400() {
        Shapes.error(api.post("/api/tasks", "[{\"name\":\"x\",\"command\":\"y\"}]"), 400, "bad_request");
        Shapes.error(api.post("/api/tasks", "\"text\""), 400, "bad_request");
    }

    // ---- get ----------------------------------------------------------------------------------

    @Test
    void getUnknownTaskIs404() {
        Shapes.error(api.get("/api/tasks/task-987654321"), 404, "not_found");
        Shapes.error(api.get("/api/tasks/task-abc"), 404, "not_found");
        Shapes.error(api.get("/api/tasks/nonsense"), 404, "not_found");
        Shapes.error(api.get("/api/tasks/task-0"), 404, "not_found");
        Shapes.error(api.get("/api/tasks/task-99999999999999999999999"), 404, "not_found");
    }

    // ---- update -------------------------------------------------------------------------------

    @Test
    void updateChangesOnlyTheGivenFields() {
        JsonNode dep1 = api.createParked("upd-dep1");
        JsonNode dep2 = api.createParked("upd-dep2");
        ObjectNode b = task("Before", "echo 'Hello World'");
        b.put("description", "old");
        b.put("scheduled_at", "2999-06-15T12:00:00Z");
        b.putArray("tags").add("old");
        JsonNode t = api.create(b);
        String id = t.get("id").asText();

        ObjectNode patch = JSON.createObjectNode();
        patch.put("name", "Updated Task Name");
        patch.put("priority", 8);
        patch.put("max_retries", 5);
        patch.put("scheduled_at", "2999-06-16T12:00:00Z");
        patch.put("timeout_seconds", 7200);
        patch.putArray("tags").add("updated").add("example");
        patch.putArray("dependencies").add(dep1.get("id").asText()).add(dep2.get("id").asText());
        JsonNode u = Shapes.ok(api.put("/api/tasks/" + id, patch), 200);
        Shapes.task(u);
        assertThat(u.get("id").asText()).isEqualTo(id);
        assertThat(u.get("name").asText()).isEqualTo("Updated Task Name");
        assertThat(u.get("description").asText()).isEqualTo("old");
        assertThat(u.get("command").asText()).isEqualTo("echo 'Hello World'");
        assertThat(u.get("priority").asInt()).isEqualTo(8);
        assertThat(u.get("max_retries").asInt()).isEqualTo(5);
        assertThat(u.get("scheduled_at").asText()).isEqualTo("2999-06-16T12:00:00Z");
        assertThat(u.get("timeout_seconds").asInt()).isEqualTo(7200);
        assertThat(Shapes.strings(u.get("tags"), "tags")).containsExactly("updated", "example");
        assertThat(Shapes.strings(u.get("dependencies"), "deps"))
                .containsExactly(dep1.get("id").asText(), dep2.get("id").asText());
        assertThat(u.get("status").asText()).isEqualTo("pending");
        assertThat(u.get("created_at")).isEqualTo(t.get("created_at"));
        assertThat(Instant.parse(u.get("updated_at").asText())).isAfterOrEqualTo(Instant.parse(t.get("updated_at").asText()));

        // A second update of one field leaves the rest as they are.
        JsonNode u2 = Shapes.ok(api.put("/api/tasks/" + id, "{\"description\":\"Updated task description\"}"), 200);
        assertThat(u2.get("description").asText()).isEqualTo("Updated task description");
        assertThat(u2.get("name").asText()).isEqualTo("Updated Task Name");
        assertThat(u2.get("priority").asInt()).isEqualTo(8);
        assertThat(api.getTask(id).get("description").asText()).isEqualTo("Updated task description");
    }

    @Test
    void updateValidationErrorsAre422() {
        String id = api.createParked("upd-invalid").get("id").asText();
        Shapes.validation(api.put("/api/tasks/" + id, "{\"priority\":0}"), "priority");
        Shapes.validation(api.put("/api/tasks/" + id, "{\"priority\":11}"), "priority");
        Shapes.validation(api.put("/api/tasks/" + id, "{\"priority\":\"high\",\"tags\":\"x\"}"), "priority", "tags");
        Shapes.validation(api.put("/api/tasks/" + id, "{\"name\":\"\"}"), "name");
        Shapes.validation(api.put("/api/tasks/" + id, "{\"dependencies\":[\"task-987654321\"]}"), "dependencies");
        Shapes.validation(api.put("/api/tasks/" + id, "{\"dependencies\":[\"" + id + "\"]}"), "dependencies");
        Shapes.validation(api.put("/api/tasks/" + id, "{\"command\":\"rm -rf /\"}"), "command");
        Shapes.error(api.put("/api/tasks/" + id, "{}"), 422, "validation_error");
        // Nothing was changed by the refused updates.
        JsonNode t = api.getTask(id);
        assertThat(t.get("priority").asInt()).isEqualTo(5);
        assertThat(t.get("command").asText()).isEqualTo("echo parked");
    }

    @Test
    void updateThatWouldMakeACycleIs422() {
        String a = api.createParked("cycle-a").get("id").asText();
        ObjectNode b = task("cycle-b", "echo");
        b.put("scheduled_at", "2999-01-01T00:00:00Z");
        b.putArray("dependencies").add(a);
        String bId = api.create(b).get("id").asText();
        Shapes.validation(api.put("/api/tasks/" + a, "{\"dependencies\":[\"" + bId + "\"]}"), "dependencies");
    }

    @Test
    void updateMalformedJsonIs400AndUnknownIdIs404() {
        String id = api.createParked("upd-malformed").get("id").asText();
        Shapes.error(api.put("/api/tasks/" + id, "{\"name\":"), 400, "bad_request");
        Shapes.error(api.put("/api/tasks/" + id, "[]"), 400, "bad_request");
        Shapes.error(api.put("/api/tasks/task-987654321", "{\"name\":\"x\"}"), 404, "not_found");
        Shapes.error(api.put("/api/tasks/nonsense", "{\"name\":\"x\"}"), 404, "not_found");
    }

    @Test
    void updateOfAFinishedTaskIs409() {
        String id = api.create(task("finished", "echo done")).get("id").asText();
        api.awaitStatus(id, "completed");
        Shapes.error(api.put("/api/tasks/" + id, "{\"priority\":9}"), 409, "conflict");
        assertThat(api.getTask(id).get("priority").asInt()).isEqualTo(5);
    }

    // ---- delete -------------------------------------------------------------------------------

    @Test
    void deleteReturnsSuccessAndTheTaskIsGone() {
        String id = api.createParked("to-delete").get("id").asText();
        JsonNode d = Shapes.ok(api.delete("/api/tasks/" + id), 200);
        assertThat(d.path("success").isBoolean()).isTrue();
        assertThat(d.get("success").asBoolean()).isTrue();
        assertThat(d.path("message").isTextual()).isTrue();
        assertThat(d.get("message").asText()).isEqualTo("Task deleted successfully");
        Shapes.error(api.get("/api/tasks/" + id), 404, "not_found");
        Shapes.error(api.delete("/api/tasks/" + id), 404, "not_found");
    }

    @Test
    void deleteOfAFinishedTaskWorks() {
        String id = api.create(task("finished-delete", "echo bye")).get("id").asText();
        api.awaitStatus(id, "completed");
        Shapes.ok(api.delete("/api/tasks/" + id), 200);
        Shapes.error(api.get("/api/tasks/" + id), 404, "not_found");
    }

    @Test
    void deleteOfATaskOthersDependOnIs409() {
        String a = api.createParked("depended-on").get("id").asText();
        ObjectNode b = task("dependent", "echo");
        b.put("scheduled_at", "2999-01-01T00:00:00Z");
        b.putArray("dependencies").add(a);
        String bId = api.create(b).get("id").asText();
        Shapes.error(api.delete("/api/tasks/" + a), 409, "conflict");
        api.getTask(a); // still there
        Shapes.ok(api.delete("/api/tasks/" + bId), 200);
        Shapes.ok(api.delete("/api/tasks/" + a), 200);
    }

    @Test
    void deleteUnknownIs404() {
        Shapes.error(api.delete("/api/tasks/task-987654321"), 404, "not_found");
        Shapes.error(api.delete("/api/tasks/bogus"), 404, "not_found");
    }

    // ---- list ---------------------------------------------------------------------------------

    @Test
    void listHasTheEnvelopeTaskShapeAndDefaultPaging() {
        api.createParked("list-shape", "list-shape");
        Resp r = api.get("/api/tasks");
        JsonNode data = Shapes.ok(r, 200);
        assertThat(data.isArray()).isTrue();
        assertThat(data).isNotEmpty();
        data.forEach(Shapes::task);
        long total = r.meta().get("total").asLong();
        assertThat(total).isGreaterThanOrEqualTo(data.size());
        Shapes.pageMeta(r, 1, 20, total);
        assertThat(data.size()).isEqualTo((int) Math.min(20, total));
    }

    @Test
    void listFiltersByTagAndStatus() {
        String tag = "filter-" + System.nanoTime();
        String p1 = api.createParked("f1", tag).get("id").asText();
        String p2 = api.createParked("f2", tag, "other").get("id").asText();
        api.createParked("f3", "unrelated-" + tag);
        ObjectNode run = task("f4", "echo done");
        run.putArray("tags").add(tag);
        String done = api.create(run).get("id").asText();
        api.awaitStatus(done, "completed");

        Resp byTag = api.get("/api/tasks?tag=" + tag);
        Shapes.ok(byTag, 200);
        assertThat(Shapes.ids(byTag.data())).containsExactlyInAnyOrder(p1, p2, done);
        Shapes.pageMeta(byTag, 1, 20, 3);
        byTag.data().forEach(t -> assertThat(Shapes.strings(t.get("tags"), "tags")).contains(tag));

        Resp pending = api.get("/api/tasks?tag=" + tag + "&status=pending");
        Shapes.ok(pending, 200);
        assertThat(Shapes.ids(pending.data())).containsExactlyInAnyOrder(p1, p2);
        Shapes.pageMeta(pending, 1, 20, 2);

        Resp completed = api.get("/api/tasks?tag=" + tag + "&status=completed");
        assertThat(Shapes.ids(Shapes.ok(completed, 200))).containsExactly(done);
        Shapes.pageMeta(completed, 1, 20, 1);

        Resp none = api.get("/api/tasks?tag=" + tag + "&status=failed");
        assertThat(Shapes.ok(none, 200)).isEmpty();
        Shapes.pageMeta(none, 1, 20, 0);

        // Without a tag, the status filter alone holds.
        Resp allCompleted = api.get("/api/tasks?status=completed&limit=100");
        Shapes.ok(allCompleted, 200).forEach(t -> assertThat(t.get("status").asText()).isEqualTo("completed"));
        assertThat(Shapes.ids(allCompleted.data())).contains(done);

        Resp unknownTag = api.get("/api/tasks?tag=no-such-tag-" + tag);
        assertThat(Shapes.ok(unknownTag, 200)).isEmpty();
        Shapes.pageMeta(unknownTag, 1, 20, 0);
    }

    @Test
    void listPagesWithoutOverlapAndReportsTotals() {
        String tag = "paging-" + System.nanoTime();
        Set<String> created = new HashSet<>();
        for (int i = 0; i < 5; i++) created.add(api.createParked("page-" + i, tag).get("id").asText());

        List<String> seen = new ArrayList<>();
        for (int page = 1; page <= 3; page++) {
            Resp r = api.get("/api/tasks?tag=" + tag + "&limit=2&page=" + page);
            Shapes.ok(r, 200);
            Shapes.pageMeta(r, page, 2, 5);
            assertThat(r.meta().get("pages").asInt()).isEqualTo(3);
            assertThat(r.data().size()).isEqualTo(page < 3 ? 2 : 1);
            seen.addAll(Shapes.ids(r.data()));
        }
        assertThat(seen).doesNotHaveDuplicates();
        assertThat(new HashSet<>(seen)).isEqualTo(created);

        Resp beyond = api.get("/api/tasks?tag=" + tag + "&limit=2&page=4");
        assertThat(Shapes.ok(beyond, 200)).isEmpty();
        Shapes.pageMeta(beyond, 4, 2, 5);
    }

    @Test
    void listLimitIsCappedAtOneHundred() {
        String tag = "many-" + System.nanoTime();
        for (int i = 0; i < 101; i++) api.createParked("many-" + i, tag);
        Resp r = api.get("/api/tasks?tag=" + tag + "&limit=500");
        JsonNode data = Shapes.ok(r, 200);
        assertThat(data.size()).isEqualTo(100);
        Shapes.pageMeta(r, 1, 100, 101);
        assertThat(r.meta().get("pages").asInt()).isEqualTo(2);

        Resp second = api.get("/api/tasks?tag=" + tag + "&limit=100&page=2");
        assertThat(Shapes.ok(second, 200).size()).isEqualTo(1);

        Resp dflt = api.get("/api/tasks?tag=" + tag);
        assertThat(Shapes.ok(dflt, 200).size()).isEqualTo(20);
        Shapes.pageMeta(dflt, 1, 20, 101);
        assertThat(dflt.meta().get("pages").asInt()).isEqualTo(6);
    }

    @Test
    void listSortsByTheRequestedFieldAndOrder() {
        String tag = "sort-" + System.nanoTime();
        int[] prios = {3, 9, 1, 7};
        String[] names = {"charlie", "alpha", "delta", "bravo"};
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < prios.length; i++) {
            ObjectNode b = task(names[i], "echo");
            b.put("priority", prios[i]);
            b.put("scheduled_at", "2999-01-0" + (i + 1) + "T00:00:00Z");
            b.putArray("tags").add(tag);
            ids.add(api.create(b).get("id").asText());
        }
        assertThat(priorities(api.get("/api/tasks?tag=" + tag + "&sort=priority&order=desc"))).containsExactly(9, 7, 3, 1);
        assertThat(priorities(api.get("/api/tasks?tag=" + tag + "&sort=priority&order=asc"))).containsExactly(1, 3, 7, 9);
        // order defaults to desc
        assertThat(priorities(api.get("/api/tasks?tag=" + tag + "&sort=priority"))).containsExactly(9, 7, 3, 1);
        assertThat(Shapes.ok(api.get("/api/tasks?tag=" + tag + "&sort=name&order=asc"), 200))
                .extracting(n -> n.get("name").asText()).containsExactly("alpha", "bravo", "charlie", "delta");
        assertThat(Shapes.ids(Shapes.ok(api.get("/api/tasks?tag=" + tag + "&sort=scheduled_at&order=asc"), 200)))
                .containsExactlyElementsOf(ids);
        // The default is created_at, newest first; same-second ties are broken by id, so the
        // newest task (highest id) comes first.
        assertThat(Shapes.ids(Shapes.ok(api.get("/api/tasks?tag=" + tag), 200)))
                .containsExactlyElementsOf(ids.reversed());
        assertThat(Shapes.ids(Shapes.ok(api.get("/api/tasks?tag=" + tag + "&sort=created_at&order=asc"), 200)))
                .containsExactlyElementsOf(ids);
        assertThat(Shapes.ids(Shapes.ok(api.get("/api/tasks?tag=" + tag + "&order=ASC"), 200)))
                .containsExactlyElementsOf(ids);
        for (String field : List.of("updated_at", "started_at", "completed_at", "status", "id")) {
            Resp r = api.get("/api/tasks?tag=" + tag + "&sort=" + field);
            assertThat(Shapes.ok(r, 200).size()).as(field).isEqualTo(4);
        }
    }

    private static List<Integer> priorities(Resp r) {
        List<Integer> out = new ArrayList<>();
        Shapes.ok(r, 200).forEach(n -> out.add(n.get("priority").asInt()));
        return out;
    }

    @Test
    void listBadQueryParametersAre400NamingTheParameter() {
        Shapes.badParam(api.get("/api/tasks?limit=abc"), "limit");
        Shapes.badParam(api.get("/api/tasks?limit=0"), "limit");
        Shapes.badParam(api.get("/api/tasks?limit=-5"), "limit");
        Shapes.badParam(api.get("/api/tasks?limit=1.5"), "limit");
        Shapes.badParam(api.get("/api/tasks?page=0"), "page");
        Shapes.badParam(api.get("/api/tasks?page=abc"), "page");
        Shapes.badParam(api.get("/api/tasks?page=99999999999"), "page");
        Shapes.badParam(api.get("/api/tasks?page=2147483647&limit=100"), "page");
        Shapes.badParam(api.get("/api/tasks?sort=bogus"), "sort");
        Shapes.badParam(api.get("/api/tasks?sort=command"), "sort");
        Shapes.badParam(api.get("/api/tasks?order=sideways"), "order");
        Shapes.badParam(api.get("/api/tasks?status=bogus"), "status");
        Shapes.badParam(api.get("/api/tasks?status=done"), "status");
    }
}
