package dev.coxswain.server.nativeapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.domain.Worker;
import dev.coxswain.core.store.WorkerStore;
import dev.coxswain.server.nativeapi.ApiServer.Resp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.coxswain.server.nativeapi.ApiServer.WORKER_ID;
import static dev.coxswain.server.nativeapi.ApiServer.task;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed's worker endpoints. Besides the node's own local worker, the store holds a second
 * worker that last reported an hour ago (it counts as offline), so the status filter and paging
 * have something to tell apart.
 */
class NativeWorkersTest {
    static final String GHOST = "worker-ghost";

    @TempDir
    static Path dir;
    @TempDir
    static Path gates;
    static ApiServer api;

    @BeforeAll
    static void start() {
        api = ApiServer.start(dir);
        var hb = new WorkerStore.Heartbeat(GHOST, "ghost-host", "remote", 2, "0.9.0", List.of("gpu", "batch"),
                new Worker.Resources(0.5, 0.25, 0.125));
        Instant longAgo = Instant.now().minus(Duration.ofHours(1));
        api.server.engine().database().write(tx -> new WorkerStore().heartbeat(tx, hb, longAgo));
    }

    @AfterAll
    static void stop() {
        if (api != null) api.close();
    }

    @Test
    void listShowsEveryWorkerWithTheSeedFields() {
        Resp r = api.get("/api/workers");
        JsonNode data = Shapes.ok(r, 200);
        assertThat(data.isArray()).isTrue();
        data.forEach(w -> Shapes.worker(w, false));
        assertThat(Shapes.ids(data)).containsExactlyInAnyOrder(WORKER_ID, GHOST);
        Shapes.pageMeta(r, 1, 20, 2);

        JsonNode ghost = find(data, GHOST);
        assertThat(ghost.get("status").asText()).isEqualTo("offline");
        assertThat(ghost.get("hostname").asText()).isEqualTo("ghost-host");
        assertThat(ghost.get("version").asText()).isEqualTo("0.9.0");
        assertThat(Shapes.strings(ghost.get("tags"), "tags")).containsExactly("gpu", "batch");
        assertThat(ghost.get("current_tasks").asInt()).isZero();
        JsonNode local = find(data, WORKER_ID);
        assertThat(local.get("status").asText()).isIn("idle", "active");
    }

    @Test
    void listFiltersByStatus() {
        Resp offline = api.get("/api/workers?status=offline");
        assertThat(Shapes.ids(Shapes.ok(offline, 200))).containsExactly(GHOST);
        Shapes.pageMeta(offline, 1, 20, 1);
        Shapes.ok(api.get("/api/workers?status=idle"), 200)
                .forEach(w -> assertThat(w.get("status").asText()).isEqualTo("idle"));
        Shapes.ok(api.get("/api/workers?status=active"), 200)
                .forEach(w -> assertThat(w.get("status").asText()).isEqualTo("active"));
        Resp idle = api.get("/api/workers?status=idle");
        Resp active = api.get("/api/workers?status=active");
        // The local worker is exactly one of idle or active.
        assertThat(idle.meta().get("total").asLong() + active.meta().get("total").asLong()).isEqualTo(1);
    }

    @Test
    void listPages() {
        Resp p1 = api.get("/api/workers?limit=1");
        assertThat(Shapes.ok(p1, 200)).hasSize(1);
        Shapes.pageMeta(p1, 1, 1, 2);
        Resp p2 = api.get("/api/workers?limit=1&page=2");
        assertThat(Shapes.ok(p2, 200)).hasSize(1);
        Shapes.pageMeta(p2, 2, 1, 2);
        assertThat(Shapes.ids(p1.data())).doesNotContainAnyElementsOf(Shapes.ids(p2.data()));
        Resp p3 = api.get("/api/workers?limit=1&page=3");
        assertThat(Shapes.ok(p3, 200)).isEmpty();
        Resp capped = api.get("/api/workers?limit=1000");
        Shapes.ok(capped, 200);
        Shapes.pageMeta(capped, 1, 100, 2);
    }

    @Test
    void listBadParametersAre400() {
        Shapes.badParam(api.get("/api/workers?status=busy"), "status");
        Shapes.badParam(api.get("/api/workers?limit=abc"), "limit");
        Shapes.badParam(api.get("/api/workers?limit=0"), "limit");
        Shapes.badParam(api.get("/api/workers?page=0"), "page");
    }

    @Test
    void getWorkerHasTheDetailFields() {
        JsonNode w = Shapes.ok(api.get("/api/workers/" + WORKER_ID), 200);
        Shapes.worker(w, true);
        assertThat(w.get("id").asText()).isEqualTo(WORKER_ID);
        assertThat(w.get("version").asText()).isNotBlank();
        JsonNode res = w.get("resources");
        for (String f : List.of("cpu_usage", "memory_usage", "disk_usage")) {
            assertThat(res.get(f).isNumber()).as(f).isTrue();
            assertThat(res.get(f).asDouble()).as(f).isBetween(0.0, 1.0);
        }

        JsonNode ghost = Shapes.ok(api.get("/api/workers/" + GHOST), 200);
        Shapes.worker(ghost, true);
        assertThat(ghost.get("status").asText()).isEqualTo("offline");
        assertThat(ghost.get("resources").get("cpu_usage").asDouble()).isEqualTo(0.5);
        assertThat(ghost.get("resources").get("memory_usage").asDouble()).isEqualTo(0.25);
        assertThat(ghost.get("resources").get("disk_usage").asDouble()).isEqualTo(0.125);
        assertThat(ghost.get("current_task_ids")).isEmpty();
    }

    @Test
    void getUnknownWorkerIs404() {
        Shapes.error(api.get("/api/workers/worker-nobody"), 404, "not_found");
        Shapes.error(api.get("/api/workers/worker-nobody/tasks"), 404, "not_found");
    }

    @Test
    void aRunningTaskMakesTheWorkerActiveAndShowsInItsTasks() throws IOException {
        Path gate = gates.resolve("active-gate");
        String id = api.create(task("holds-the-worker", "while [ ! -f '" + gate + "' ]; do sleep 0.05; done; echo out"))
                .get("id").asText();
        try {
            api.awaitStatus(id, "running");
            JsonNode w = Shapes.ok(api.get("/api/workers/" + WORKER_ID), 200);
            Shapes.worker(w, true);
            assertThat(w.get("status").asText()).isEqualTo("active");
            assertThat(Shapes.strings(w.get("current_task_ids"), "current_task_ids")).contains(id);
            assertThat(w.get("current_tasks").asInt()).isGreaterThanOrEqualTo(1);

            Resp active = api.get("/api/workers?status=active");
            assertThat(Shapes.ids(Shapes.ok(active, 200))).containsExactly(WORKER_ID);
            assertThat(find(active.data(), WORKER_ID).get("current_tasks").asInt()).isGreaterThanOrEqualTo(1);

            Resp running = api.get("/api/workers/" + WORKER_ID + "/tasks?status=running");
            JsonNode item = find(Shapes.ok(running, 200), id);
            assertWorkerTaskItem(item);
            assertThat(item.get("status").asText()).isEqualTo("running");
            assertThat(item.get("name").asText()).isEqualTo("holds-the-worker");
            Shapes.time(item.get("started_at"), "started_at");
        } finally {
            Files.writeString(gate, "go");
        }
        api.awaitStatus(id, "completed");
        ApiServer.eventually(() -> Shapes.ok(api.get("/api/workers/" + WORKER_ID), 200),
                w -> !Shapes.strings(w.get("current_task_ids"), "ids").contains(id));
    }

    @Test
    void workerTasksListsWhatTheWorkerRanWithFilterAndPaging() {
        JsonNode before = Shapes.ok(api.get("/api/workers/" + WORKER_ID), 200);
        ObjectNode hi = task("wt-completed", "echo hi");
        hi.put("priority", 8);
        String ok = api.create(hi).get("id").asText();
        ObjectNode bad = task("wt-failed", "exit 4");
        bad.put("max_retries", 0);
        String failed = api.create(bad).get("id").asText();
        api.awaitStatus(ok, "completed");
        api.awaitStatus(failed, "failed");
        String parked = api.createParked("wt-never-ran").get("id").asText();

        Resp all = api.get("/api/workers/" + WORKER_ID + "/tasks?limit=100");
        JsonNode data = Shapes.ok(all, 200);
        data.forEach(NativeWorkersTest::assertWorkerTaskItem);
        assertThat(Shapes.ids(data)).contains(ok, failed).doesNotContain(parked);
        long total = all.meta().get("total").asLong();
        Shapes.pageMeta(all, 1, 100, total);
        JsonNode okItem = find(data, ok);
        assertThat(okItem.get("status").asText()).isEqualTo("completed");
        assertThat(okItem.get("priority").asInt()).isEqualTo(8);
        assertThat(okItem.get("name").asText()).isEqualTo("wt-completed");

        Resp completed = api.get("/api/workers/" + WORKER_ID + "/tasks?status=completed&limit=100");
        Shapes.ok(completed, 200).forEach(t -> assertThat(t.get("status").asText()).isEqualTo("completed"));
        assertThat(Shapes.ids(completed.data())).contains(ok).doesNotContain(failed);
        Resp failedOnly = api.get("/api/workers/" + WORKER_ID + "/tasks?status=failed&limit=100");
        assertThat(Shapes.ids(Shapes.ok(failedOnly, 200))).contains(failed).doesNotContain(ok);

        Resp page = api.get("/api/workers/" + WORKER_ID + "/tasks?limit=1");
        assertThat(Shapes.ok(page, 200)).hasSize(1);
        Shapes.pageMeta(page, 1, 1, total);
        Resp dflt = api.get("/api/workers/" + WORKER_ID + "/tasks");
        Shapes.ok(dflt, 200);
        Shapes.pageMeta(dflt, 1, 20, total);

        // The ghost ran nothing.
        Resp ghost = api.get("/api/workers/" + GHOST + "/tasks");
        assertThat(Shapes.ok(ghost, 200)).isEmpty();
        Shapes.pageMeta(ghost, 1, 20, 0);

        // The worker's counters took both outcomes.
        JsonNode after = ApiServer.eventually(() -> Shapes.ok(api.get("/api/workers/" + WORKER_ID), 200),
                w -> w.get("tasks_completed").asLong() > before.get("tasks_completed").asLong()
                        && w.get("tasks_failed").asLong() > before.get("tasks_failed").asLong());
        assertThat(after.get("tasks_completed").asLong()).isGreaterThanOrEqualTo(before.get("tasks_completed").asLong() + 1);
        assertThat(after.get("tasks_failed").asLong()).isGreaterThanOrEqualTo(before.get("tasks_failed").asLong() + 1);
    }

    @Test
    void workerTasksBadParametersAre400() {
        String path = "/api/workers/" + WORKER_ID + "/tasks";
        Shapes.badParam(api.get(path + "?status=bogus"), "status");
        Shapes.badParam(api.get(path + "?limit=abc"), "limit");
        Shapes.badParam(api.get(path + "?limit=0"), "limit");
        Shapes.badParam(api.get(path + "?page=0"), "page");
    }

    private static void assertWorkerTaskItem(JsonNode t) {
        Shapes.string(t, "id");
        assertThat(t.get("id").asText()).matches("task-\\d+");
        Shapes.string(t, "name");
        Shapes.string(t, "status");
        assertThat(t.get("status").asText()).isIn(Shapes.TASK_STATUSES);
        Shapes.timeOrNull(t.get("started_at"), "started_at");
        Shapes.integer(t, "priority");
    }

    private static JsonNode find(JsonNode array, String id) {
        for (JsonNode n : array) if (n.get("id").asText().equals(id)) return n;
        throw new AssertionError("no " + id + " in " + array);
    }
}
