package dev.coxswain.server.nativeapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.server.nativeapi.ApiServer.Resp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.coxswain.server.nativeapi.ApiServer.JSON;
import static dev.coxswain.server.nativeapi.ApiServer.task;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed's task actions: cancel, retry, checkpoint and logs, on tasks that really run. A
 * "gated" task runs until the test creates its gate file, so the test decides when it ends.
 */
class NativeTaskActionsTest {
    @TempDir
    static Path dir;
    @TempDir
    static Path gates;
    static ApiServer api;
    static int gateCount;

    @BeforeAll
    static void start() {
        api = ApiServer.start(dir);
    }

    @AfterAll
    static void stop() {
        if (api != null) api.close();
    }

    /** A gate file and the shell condition that waits for it. */
    record Gate(Path file) {
        String await() {
            return "while [ ! -f '" + file + "' ]; do sleep 0.05; done";
        }

        void open() throws IOException {
            Files.writeString(file, "go");
        }
    }

    static Gate gate() {
        return new Gate(gates.resolve("gate-" + (++gateCount)));
    }

    /** Whether the local worker still holds a process for the task. */
    static boolean runsLocally(String id) {
        long n = Long.parseLong(id.substring("task-".length()));
        return api.server.engine().localWorker().running().stream().anyMatch(ex -> ex.task().id() == n);
    }

    // ---- cancel -------------------------------------------------------------------------------

    @Test
    void cancelAPendingTask() {
        JsonNode t = api.createParked("cancel-pending");
        String id = t.get("id").asText();
        Resp r = api.post("/api/tasks/" + id + "/cancel");
        JsonNode d = Shapes.ok(r, 200);
        assertThat(d.get("id").asText()).isEqualTo(id);
        assertThat(d.get("status").asText()).isEqualTo("cancelled");
        Shapes.time(d.get("updated_at"), "updated_at");
        JsonNode after = api.getTask(id);
        assertThat(after.get("status").asText()).isEqualTo("cancelled");
        assertThat(after.get("updated_at")).isEqualTo(d.get("updated_at"));
        // Cancelling it again is a conflict: it is already final.
        Shapes.error(api.post("/api/tasks/" + id + "/cancel"), 409, "conflict");
    }

    @Test
    void cancelARunningTaskStopsItsProcess() {
        Gate g = gate();
        String id = api.create(task("cancel-running", "echo started; " + g.await() + "; echo not-cancelled"))
                .get("id").asText();
        api.awaitStatus(id, "running");
        JsonNode d = Shapes.ok(api.post("/api/tasks/" + id + "/cancel"), 200);
        assertThat(d.get("status").asText()).isEqualTo("cancelled");
        ApiServer.eventually(() -> runsLocally(id), running -> !running);
        JsonNode after = api.getTask(id);
        assertThat(after.get("status").asText()).isEqualTo("cancelled");
        Shapes.timeOrNull(after.get("completed_at"), "completed_at");
        assertThat(after.get("result").isNull() || !after.get("result").asText().contains("not-cancelled")).isTrue();
    }

    @Test
    void cancelAFinishedTaskIs409AndUnknownIs404() {
        String id = api.create(task("cancel-done", "echo done")).get("id").asText();
        api.awaitStatus(id, "completed");
        Shapes.error(api.post("/api/tasks/" + id + "/cancel"), 409, "conflict");
        assertThat(api.getTask(id).get("status").asText()).isEqualTo("completed");
        Shapes.error(api.post("/api/tasks/task-987654321/cancel"), 404, "not_found");
        Shapes.error(api.post("/api/tasks/nonsense/cancel"), 404, "not_found");
    }

    @Test
    void deleteOfARunningTaskCancelsItFirst() {
        Gate g = gate();
        String id = api.create(task("delete-running", g.await())).get("id").asText();
        api.awaitStatus(id, "running");
        Shapes.ok(api.delete("/api/tasks/" + id), 200);
        Shapes.error(api.get("/api/tasks/" + id), 404, "not_found");
        ApiServer.eventually(() -> runsLocally(id), running -> !running);
    }

    // ---- retry --------------------------------------------------------------------------------

    @Test
    void retryAFailedTaskRunsItAgain() {
        Path flag = gates.resolve("retry-flag");
        ObjectNode b = task("retry-me", "if [ -f '" + flag + "' ]; then echo second-time; else touch '" + flag
                + "'; echo first-time; exit 1; fi");
        b.put("max_retries", 0);
        String id = api.create(b).get("id").asText();
        JsonNode failed = api.awaitStatus(id, "failed");
        assertThat(failed.get("retry_count").asInt()).isZero();
        assertThat(failed.get("exit_code").asInt()).isEqualTo(1);

        Resp r = api.post("/api/tasks/" + id + "/retry");
        JsonNode d = Shapes.ok(r, 200);
        assertThat(d.get("id").asText()).isEqualTo(id);
        assertThat(d.get("status").asText()).isEqualTo("pending");
        Shapes.integer(d, "retry_count");
        assertThat(d.get("retry_count").asInt()).isEqualTo(1);
        Shapes.time(d.get("updated_at"), "updated_at");

        JsonNode done = api.awaitStatus(id, "completed");
        assertThat(done.get("result").asText()).isEqualTo("second-time");
        assertThat(done.get("retry_count").asInt()).isEqualTo(1);
        assertThat(done.get("error").isNull()).isTrue();
        assertThat(done.get("exit_code").asInt()).isZero();
    }

    @Test
    void retryCountsUpOnEachRetry() {
        ObjectNode b = task("retry-twice", "exit 2");
        b.put("max_retries", 0);
        String id = api.create(b).get("id").asText();
        api.awaitStatus(id, "failed");
        assertThat(Shapes.ok(api.post("/api/tasks/" + id + "/retry"), 200).get("retry_count").asInt()).isEqualTo(1);
        api.awaitStatus(id, "failed");
        assertThat(Shapes.ok(api.post("/api/tasks/" + id + "/retry"), 200).get("retry_count").asInt()).isEqualTo(2);
        assertThat(api.awaitStatus(id, "failed").get("retry_count").asInt()).isEqualTo(2);
    }

    @Test
    void retryOfATaskThatHasNotFailedIs409() {
        String pending = api.createParked("retry-pending").get("id").asText();
        Shapes.error(api.post("/api/tasks/" + pending + "/retry"), 409, "conflict");

        String completed = api.create(task("retry-completed", "echo ok")).get("id").asText();
        api.awaitStatus(completed, "completed");
        Shapes.error(api.post("/api/tasks/" + completed + "/retry"), 409, "conflict");

        String cancelled = api.createParked("retry-cancelled").get("id").asText();
        Shapes.ok(api.post("/api/tasks/" + cancelled + "/cancel"), 200);
        Shapes.error(api.post("/api/tasks/" + cancelled + "/retry"), 409, "conflict");

        assertThat(api.getTask(completed).get("retry_count").asInt()).isZero();
        Shapes.error(api.post("/api/tasks/task-987654321/retry"), 404, "not_found");
    }

    // ---- checkpoint ---------------------------------------------------------------------------

    @Test
    void checkpointARunningTaskMergesItsData() throws IOException {
        Gate g = gate();
        ObjectNode b = task("checkpointed", g.await() + "; echo finished");
        b.put("checkpoint_enabled", true);
        String id = api.create(b).get("id").asText();
        try {
            api.awaitStatus(id, "running");
            String seedExample = """
                    {"checkpoint_data": {"current_step": 3, "processed_items": 150, "last_processed_id": "item-789",
                     "custom_data": {"key1": "value1", "key2": "value2"}}}""";
            JsonNode d = Shapes.ok(api.post("/api/tasks/" + id + "/checkpoint", seedExample), 200);
            assertThat(d.get("id").asText()).isEqualTo(id);
            assertThat(d.get("checkpoint_data")).isEqualTo(JSON.readTree(seedExample).get("checkpoint_data"));
            Shapes.time(d.get("updated_at"), "updated_at");

            JsonNode d2 = Shapes.ok(api.post("/api/tasks/" + id + "/checkpoint",
                    "{\"checkpoint_data\": {\"current_step\": 4}}"), 200);
            assertThat(d2.get("checkpoint_data").get("current_step").asInt()).isEqualTo(4);
            assertThat(d2.get("checkpoint_data").get("processed_items").asInt()).isEqualTo(150);
            assertThat(d2.get("checkpoint_data").get("custom_data").get("key2").asText()).isEqualTo("value2");

            JsonNode t = api.getTask(id);
            assertThat(t.get("checkpoint_data")).isEqualTo(d2.get("checkpoint_data"));

            // A running task cannot be updated.
            Shapes.error(api.put("/api/tasks/" + id, "{\"priority\": 9}"), 409, "conflict");
            assertThat(api.getTask(id).get("priority").asInt()).isEqualTo(5);
        } finally {
            g.open();
        }
        JsonNode done = api.awaitStatus(id, "completed");
        assertThat(done.get("checkpoint_data").get("current_step").asInt()).isEqualTo(4);
        // Once finished, checkpoints are refused.
        Shapes.error(api.post("/api/tasks/" + id + "/checkpoint", "{\"checkpoint_data\": {\"x\": 1}}"), 409, "conflict");
    }

    @Test
    void aRetriedAttemptGetsTheCheckpointInItsEnvironment() throws IOException {
        Gate g = gate();
        ObjectNode b = task("resumes", "echo \"cp=$CHECKPOINT_DATA\"; " + g.await() + "; exit 1");
        b.put("checkpoint_enabled", true);
        b.put("max_retries", 0);
        String id = api.create(b).get("id").asText();
        try {
            api.awaitStatus(id, "running");
            Shapes.ok(api.post("/api/tasks/" + id + "/checkpoint", "{\"checkpoint_data\": {\"step\": 3}}"), 200);
        } finally {
            g.open();
        }
        JsonNode first = api.awaitStatus(id, "failed");
        assertThat(first.get("result").asText()).isEqualTo("cp=");
        Shapes.ok(api.post("/api/tasks/" + id + "/retry"), 200);
        JsonNode second = api.awaitStatus(id, "failed");
        assertThat(second.get("retry_count").asInt()).isEqualTo(1);
        assertThat(JSON.readTree(second.get("result").asText().substring(3))).isEqualTo(JSON.readTree("{\"step\":3}"));
    }

    @Test
    void checkpointOfATaskThatIsNotRunningIs409() {
        ObjectNode b = task("cp-pending", "echo");
        b.put("checkpoint_enabled", true);
        b.put("scheduled_at", "2999-01-01T00:00:00Z");
        String id = api.create(b).get("id").asText();
        Shapes.error(api.post("/api/tasks/" + id + "/checkpoint", "{\"checkpoint_data\": {\"a\": 1}}"), 409, "conflict");
        assertThat(api.getTask(id).get("checkpoint_data").isNull()).isTrue();
    }

    @Test
    void checkpointBodyErrors() {
        String id = api.createParked("cp-errors").get("id").asText();
        String path = "/api/tasks/" + id + "/checkpoint";
        Shapes.validation(api.post(path, "{}"), "checkpoint_data");
        Shapes.validation(api.post(path, "{\"checkpoint_data\": null}"), "checkpoint_data");
        Shapes.validation(api.post(path, "{\"checkpoint_data\": \"step 3\"}"), "checkpoint_data");
        Shapes.validation(api.post(path, "{\"checkpoint_data\": [1, 2]}"), "checkpoint_data");
        Shapes.error(api.post(path, "{\"checkpoint_data\": "), 400, "bad_request");
        Shapes.error(api.post(path, "[]"), 400, "bad_request");
        Shapes.error(api.call("POST", path).send(), 400, "bad_request");
        Shapes.error(api.post("/api/tasks/task-987654321/checkpoint", "{\"checkpoint_data\": {\"a\": 1}}"), 404, "not_found");
        Shapes.error(api.post("/api/tasks/nonsense/checkpoint", "{\"checkpoint_data\": {\"a\": 1}}"), 404, "not_found");
    }

    // ---- logs ---------------------------------------------------------------------------------

    @Test
    void logsHoldStdoutAsInfoAndStderrAsErrorWithPaging() {
        String id = api.create(task("logged", "echo out1; echo out2; echo err1 >&2")).get("id").asText();
        api.awaitStatus(id, "completed");
        String path = "/api/tasks/" + id + "/logs";
        Resp all = ApiServer.eventually(() -> api.get(path),
                r -> r.status() == 200 && messages(r.data()).contains("err1") && messages(r.data()).contains("out2"));
        JsonNode data = Shapes.ok(all, 200);
        data.forEach(Shapes::log);
        int total = data.size();
        assertLogMeta(all, 100, 0, total);
        List<String> msgs = messages(data);
        assertThat(msgs.indexOf("out1")).isLessThan(msgs.indexOf("out2"));
        assertThat(levelOf(data, "out1")).isEqualTo("info");
        assertThat(levelOf(data, "out2")).isEqualTo("info");
        assertThat(levelOf(data, "err1")).isEqualTo("error");
        // Timestamps are in order.
        for (int i = 1; i < total; i++) {
            assertThat(Instant.parse(data.get(i).get("timestamp").asText()))
                    .isAfterOrEqualTo(Instant.parse(data.get(i - 1).get("timestamp").asText()));
        }

        Resp errors = api.get(path + "?level=error");
        JsonNode errData = Shapes.ok(errors, 200);
        assertThat(messages(errData)).contains("err1").doesNotContain("out1", "out2");
        errData.forEach(l -> assertThat(l.get("level").asText()).isEqualTo("error"));
        assertLogMeta(errors, 100, 0, errData.size());

        Resp infos = api.get(path + "?level=info");
        Shapes.ok(infos, 200).forEach(l -> assertThat(l.get("level").asText()).isEqualTo("info"));
        assertThat(messages(infos.data())).contains("out1", "out2").doesNotContain("err1");

        Resp debug = api.get(path + "?level=debug");
        Shapes.ok(debug, 200).forEach(l -> assertThat(l.get("level").asText()).isEqualTo("debug"));

        Resp firstTwo = api.get(path + "?limit=2");
        assertThat(Shapes.ok(firstTwo, 200)).hasSize(2);
        assertLogMeta(firstTwo, 2, 0, total);
        assertThat(firstTwo.data().get(0)).isEqualTo(data.get(0));

        Resp window = api.get(path + "?limit=2&offset=1");
        assertThat(Shapes.ok(window, 200)).containsExactly(data.get(1), data.get(2));
        assertLogMeta(window, 2, 1, total);

        Resp tail = api.get(path + "?offset=" + (total - 1));
        assertThat(Shapes.ok(tail, 200)).containsExactly(data.get(total - 1));
        Resp past = api.get(path + "?offset=" + total);
        assertThat(Shapes.ok(past, 200)).isEmpty();
        assertLogMeta(past, 100, total, total);

        Resp big = api.get(path + "?limit=5000");
        assertThat(Shapes.ok(big, 200)).hasSize(total);
        assertLogMeta(big, 1000, 0, total);
    }

    @Test
    void logsBadParametersAre400AndUnknownTaskIs404() {
        String id = api.createParked("logs-errors").get("id").asText();
        String path = "/api/tasks/" + id + "/logs";
        Shapes.ok(api.get(path), 200);
        Shapes.badParam(api.get(path + "?limit=abc"), "limit");
        Shapes.badParam(api.get(path + "?limit=0"), "limit");
        Shapes.badParam(api.get(path + "?offset=-1"), "offset");
        Shapes.badParam(api.get(path + "?offset=abc"), "offset");
        Shapes.badParam(api.get(path + "?level=verbose"), "level");
        Shapes.error(api.get("/api/tasks/task-987654321/logs"), 404, "not_found");
        Shapes.error(api.get("/api/tasks/nonsense/logs"), 404, "not_found");
    }

    private static void assertLogMeta(Resp r, int limit, int offset, int total) {
        JsonNode m = r.meta();
        assertThat(m).as("meta in %s", r).isNotNull();
        Shapes.integer(m, "limit");
        Shapes.integer(m, "offset");
        Shapes.integer(m, "total");
        assertThat(m.get("limit").asInt()).as("meta.limit in %s", r).isEqualTo(limit);
        assertThat(m.get("offset").asInt()).as("meta.offset in %s", r).isEqualTo(offset);
        assertThat(m.get("total").asInt()).as("meta.total in %s", r).isEqualTo(total);
    }

    private static List<String> messages(JsonNode logs) {
        List<String> out = new ArrayList<>();
        logs.forEach(l -> out.add(l.get("message").asText()));
        return out;
    }

    private static String levelOf(JsonNode logs, String message) {
        for (JsonNode l : logs) if (l.get("message").asText().equals(message)) return l.get("level").asText();
        throw new AssertionError("no log line " + message + " in " + logs);
    }
}
