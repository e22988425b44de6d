package dev.coxswain.server.scale;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.engine.StoreKind;
import dev.coxswain.core.testing.TestDatabases;
import dev.coxswain.server.ConfigLoader;
import dev.coxswain.server.CoxswainServer;
import dev.coxswain.server.testing.SecretLedger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 12's scale check: 10,000 device tasks over 200 devices on 4 device workers complete, and
 * no device ever ran two scripts at once, on SQLite and on PostgreSQL.
 *
 * <p>A whole server runs in this JVM (no local worker, signed worker messages, worker rate limits
 * off) with four {@code DeviceAgent}s of 50 devices each talking to it over HTTP. The tasks are
 * created as a device-API client creates them: one {@code POST /api/v1/task} with the 200 serials,
 * the {@code follow} script and 50 target users (one task per device and target, all due at
 * once). Each agent's script records every run (serial, task, attempt, start and end on
 * {@link System#nanoTime()}) in that agent's own list; the verdict comes from those records, not
 * from the server's view: every task ran exactly once, on the agent that owns its device, a
 * device's runs never intersect and follow the order the tasks were created in. The server must
 * then say the same (stats, native counts, no retries, remarks). Nothing is asserted about speed.
 */
class DeviceScaleTest {
    static final int WORKERS = 4;
    static final int DEVICES_PER_WORKER = 50;
    static final int TASKS_PER_DEVICE = 50;
    static final int TASKS = WORKERS * DEVICES_PER_WORKER * TASKS_PER_DEVICE;
    /** A script takes this long: long enough that two runs of one device at once would intersect. */
    static final Duration SCRIPT_TIME = Duration.ofMillis(1);
    static final String ADMIN_KEY = "cox_scale_test_admin_key_0123456789abcd";
    static final String WORKER_TOKEN = "scale-test-worker-token-0123456789";
    /** The run fails when no task finished for this long (a stall, not slowness). */
    static final Duration STALL = Duration.ofSeconds(60);

    @ParameterizedTest(name = "{0}")
    @EnumSource(StoreKind.class)
    void tenThousandDeviceTasksRunOneAtATimePerDevice(StoreKind store, @TempDir Path dir) throws Exception {
        SecretLedger.install();
        SecretLedger.secret(ADMIN_KEY);
        SecretLedger.secret(WORKER_TOKEN);
        TestDatabases.PgDatabase pg = store == StoreKind.POSTGRES ? TestDatabases.freshPostgres() : null;
        try {
            CoxswainServer server = CoxswainServer.start(ConfigLoader.load(null, Map.of(), flags(dir, pg)), Clock.systemUTC());
            String base = "http://127.0.0.1:" + server.port();
            ScaleClient client = new ScaleClient(base, ADMIN_KEY);
            long t0 = System.nanoTime();
            try (DeviceWorkers workers = DeviceWorkers.start(base, WORKER_TOKEN, WORKERS, DEVICES_PER_WORKER, SCRIPT_TIME)) {
                long t1 = System.nanoTime();
                List<Long> ids = new DeviceTaskCreator(client).follow(workers.allSerials(), targets());
                assertThat(ids).hasSize(TASKS).doesNotHaveDuplicates();
                long t2 = System.nanoTime();
                awaitFinished(client, TASKS);
                long t3 = System.nanoTime();
                System.out.printf(Locale.ROOT, "[%s] workers up %.1f s, %d tasks created in %.1f s, all finished %.1f s later%n",
                        store, secs(t1 - t0), ids.size(), secs(t2 - t1), secs(t3 - t2));
                workers.close(); // every result is posted before the records are read
                check(store, client, workers, ids);
            } finally {
                server.stop(Duration.ofSeconds(5));
            }
        } finally {
            if (pg != null) pg.close();
        }
    }

    private static Map<String, String> flags(Path dir, TestDatabases.PgDatabase pg) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("port", "0");
        f.put("bind", "127.0.0.1");
        f.put("data-dir", dir.resolve("data").toString());
        if (pg != null) f.put("db-url", pg.url());
        f.put("concurrency", "0"); // no local worker: every task is a remote worker's
        f.put("worker-id", "scale-node");
        f.put("admin-key", ADMIN_KEY);
        f.put("worker-token", WORKER_TOKEN);
        f.put("worker-signatures", "true");
        f.put("worker-rate-limit-poll", "0");
        f.put("worker-rate-limit-heartbeat", "0");
        f.put("worker-rate-limit-other", "0");
        f.put("shutdown-grace-seconds", "5");
        return f;
    }

    /** The target users of the {@code follow} script: one task per device and target. */
    private static List<String> targets() {
        List<String> t = new ArrayList<>();
        for (int i = 0; i < TASKS_PER_DEVICE; i++) t.add("scale_user_" + i);
        return t;
    }

    /**
     * Waits until the device API's stats count {@code n} completed tasks; fails at once on a
     * failed one, or when nothing finished for {@link #STALL}.
     */
    private static void awaitFinished(ScaleClient client, int n) throws InterruptedException {
        long last = -1;
        long lastMove = System.nanoTime();
        while (true) {
            JsonNode stats = stats(client);
            long completed = stats.get("completed").asLong();
            if (completed >= n) return;
            assertThat(stats.get("failed").asLong()).as("failed device tasks: %s", stats).isZero();
            if (completed != last) {
                last = completed;
                lastMove = System.nanoTime();
            } else if (System.nanoTime() - lastMove > STALL.toNanos()) {
                throw new AssertionError("stuck for " + STALL.toSeconds() + " s: " + stats);
            }
            Thread.sleep(100);
        }
    }

    private static JsonNode stats(ScaleClient client) {
        JsonNode body = client.get("/api/v1/task/stats").expect(200);
        assertThat(body.get("code").asInt()).as("%s", body).isZero();
        return body.get("data");
    }

    private static long count(ScaleClient client, String status) {
        return client.get("/api/tasks?status=" + status + "&limit=1").expect(200).get("meta").get("total").asLong();
    }

    /** The verdict, from the workers' own records and then the server's. */
    private static void check(StoreKind store, ScaleClient client, DeviceWorkers workers, List<Long> ids) {
        List<ScriptRun> all = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            List<ScriptRun> mine = workers.records().get(w).snapshot();
            Set<String> owned = new HashSet<>(workers.serials(w));
            assertThat(mine).as("worker %d ran only scripts of its own devices", w)
                    .allSatisfy(r -> assertThat(owned).contains(r.serial()));
            all.addAll(mine);
        }

        // Every task ran exactly once: one run per task, and the server never needed a second
        // attempt (the agent refuses a task for a busy device, so a double dispatch by the server
        // would show up as a failed or retried task rather than as an overlap).
        Map<Long, List<ScriptRun>> byTask = new HashMap<>();
        for (ScriptRun r : all) byTask.computeIfAbsent(r.taskId(), k -> new ArrayList<>()).add(r);
        assertThat(byTask.keySet()).as("tasks the workers ran").containsExactlyInAnyOrderElementsOf(ids);
        List<String> repeated = new ArrayList<>();
        byTask.forEach((task, runs) -> {
            if (runs.size() != 1) repeated.add(task + ": " + runs);
        });
        assertThat(repeated).as("tasks that ran more than once").isEmpty();

        // One script at a time per device, over every device.
        DeviceTimeline timeline = DeviceTimeline.of(all);
        assertThat(timeline.devices()).isEqualTo(WORKERS * DEVICES_PER_WORKER);
        assertThat(timeline.overlaps()).as("runs of one device at the same instant").isEmpty();
        // ... and in the order the tasks were created (each device's queue is first come, first served).
        assertThat(timeline.outOfOrder()).as("runs that came after a run of a newer task of their device").isEmpty();

        // The server agrees: every task completed, each on its first attempt, with the remark its
        // script returned for its own target.
        JsonNode stats = stats(client);
        assertThat(stats.get("total").asLong()).as("%s", stats).isEqualTo(TASKS);
        assertThat(stats.get("completed").asLong()).as("%s", stats).isEqualTo(TASKS);
        assertThat(count(client, "completed")).as("native view").isEqualTo(TASKS);
        assertThat(retriedTasks(client)).as("tasks the server retried").isEmpty();
        for (long id : List.of(ids.get(0), ids.get(TASKS / 2), ids.get(TASKS - 1))) {
            JsonNode t = client.get("/api/v1/task/" + id).expect(200).get("data");
            assertThat(t.get("status").asInt()).isEqualTo(2);
            assertThat(t.get("remark").asText()).isEqualTo("followed " + t.get("script_config").get("target_user").asText());
            assertThat(byTask.get(id).getFirst().serial()).isEqualTo(t.get("serial").asText());
        }
        long[] gaps = timeline.gapsNanos();
        System.out.printf(Locale.ROOT, "[%s] %d script runs for %d tasks, 0 overlaps; gap end→next start"
                        + " p50 %.2f ms, p99 %.2f ms%n", store, all.size(), byTask.size(),
                gaps[gaps.length / 2] / 1e6, gaps[(int) Math.min(gaps.length - 1, gaps.length * 0.99)] / 1e6);
    }

    /** Reads every task back (100 a page); returns the ids of those with a retry count. */
    private static List<String> retriedTasks(ScaleClient client) {
        List<String> retried = new ArrayList<>();
        for (int page = 1; ; page++) {
            JsonNode body = client.get("/api/tasks?limit=100&sort=id&order=asc&page=" + page).expect(200);
            for (JsonNode t : body.get("data")) {
                if (t.get("retry_count").asInt() != 0) retried.add(t.get("id").asText() + " " + t.get("retry_count"));
            }
            if (page >= body.get("meta").get("pages").asInt()) return retried;
        }
    }

    private static double secs(long nanos) {
        return nanos / 1e9;
    }
}
