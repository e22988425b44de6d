package dev.coxswain.server.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.testing.TestDatabases;
import dev.coxswain.server.testing.SecretLedger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two coordinator nodes ({@code serve --no-local-worker}) on one fresh PostgreSQL database, and
 * one real {@code coxswain worker} connected to each. Work created through either node is one
 * queue: each worker takes tasks created through the other node, every task runs exactly once;
 * and a cancel issued on node B for a task running on the worker connected to node A stops its
 * process within about two seconds (the cluster bus to A, then A's push over the worker's
 * WebSocket; the worker's heartbeat answer is the fallback).
 *
 * <p>What is asserted. Both nodes list the same 300 tasks, all {@code completed} with result
 * {@code t<i>} and {@code retry_count} 0; each task's file holds exactly one line, {@code ok <w>}
 * with {@code w} its {@code worker_id}; its log has one start and one completion line, its output
 * line once before the completion; the workers' {@code tasks_completed} add up to 300; at least
 * one task created through B ran on A's worker, and one created through A on B's. The cancel:
 * answered {@code cancelled} by B; the attempt's shell and its {@code sleep} gone (not running,
 * zombies count as gone) within 2.5 s of the request; both nodes still say {@code cancelled}
 * 1.5 s later (the worker's late result was ignored); the command wrote {@code started} and never
 * {@code finished}; the other seven sleepers still run.
 */
class RemoteWorkersClusterTest extends ProcessTestBase {
    private static final String WORKER_TOKEN = "proc-test-cluster-worker-token-0123";
    /** The nodes must share it (it seals secrets in the shared database). */
    private static final String SECRET_KEY = "cHJvYy10ZXN0LWNsdXN0ZXItc2VjcmV0LWtleS0zMmI=";
    private static final int TASKS = 300;
    private static final String WA = "wa";
    private static final String WB = "wb";
    /** How fast a cancel issued on B must stop the process on A's worker ("about two seconds"). */
    private static final Duration CANCEL_REACHES_WITHIN = Duration.ofMillis(2500);

    @Test
    void twoNodesOnOnePostgresShareOneQueueAndACancelOnBStopsATaskOnAsWorker() throws Exception {
        long t0 = System.nanoTime();
        TestDatabases.PgDatabase pg = TestDatabases.freshPostgres();
        closeAfter.add(pg);
        SecretLedger.secret(WORKER_TOKEN);
        SecretLedger.secret(SECRET_KEY);
        Path work = Files.createDirectories(tmp.resolve("work"));
        Map<String, String> env = ServerProcess.env("COXSWAIN_WORKER_TOKEN", WORKER_TOKEN,
                "COXSWAIN_REMOTE_WORKER_TTL_SECONDS", "5", "COXSWAIN_SECRET_KEY", SECRET_KEY);
        ServerProcess a = serve("node-a", tmp.resolve("data-a"), env, "--no-local-worker", "--db-url", pg.url());
        ServerProcess b = serve("node-b", tmp.resolve("data-b"), env, "--no-local-worker", "--db-url", pg.url());
        ServerProcess workerA = launchWorker("worker-a", a, WORKER_TOKEN, WA, 4);
        ServerProcess workerB = launchWorker("worker-b", b, WORKER_TOKEN, WB, 4);
        awaitOnline(workerA, a, WA);
        awaitOnline(workerB, b, WB);
        long tReady = System.nanoTime();

        // ---- one queue: 300 tasks, the even ones created through A, the odd ones through B (both at once) ----
        String[] idOf = new String[TASKS];
        ExecutorService creators = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> f = new ArrayList<>();
            for (int parity = 0; parity < 2; parity++) {
                int first = parity;
                ServerProcess via = parity == 0 ? a : b;
                f.add(creators.submit(() -> {
                    for (int i = first; i < TASKS; i += 2) {
                        String runs = "'" + work.resolve("t" + i + ".runs") + "'";
                        idOf[i] = via.createTask(Json.object().put("name", "t" + i).put("max_retries", 3)
                                .put("command", "echo \"ok $PROC_WORKER\" >> " + runs + "; echo t" + i));
                    }
                    return null;
                }));
            }
            for (Future<?> x : f) x.get(120, TimeUnit.SECONDS);
        } finally {
            creators.shutdownNow();
        }
        List<String> ids = List.of(idOf);
        Map<String, ServerProcess> createdVia = new HashMap<>();
        for (int i = 0; i < TASKS; i++) createdVia.put(idOf[i], i % 2 == 0 ? a : b);
        long tCreated = System.nanoTime();
        a.await(TASKS + " tasks completed", Duration.ofSeconds(120), () -> a.countWithStatus("completed") == TASKS,
                () -> "completed " + a.countWithStatus("completed") + ", running " + a.countWithStatus("running")
                        + ", queued " + a.countWithStatus("queued") + ", pending " + a.countWithStatus("pending"));
        long tDone = System.nanoTime();

        Map<String, JsonNode> viaA = byId(a.allTasks());
        Map<String, JsonNode> viaB = byId(b.allTasks());
        assertThat(viaA.keySet()).as("tasks node A knows").containsExactlyInAnyOrderElementsOf(ids);
        assertThat(viaB.keySet()).as("tasks node B knows").containsExactlyInAnyOrderElementsOf(ids);
        Map<String, List<String>> logs = b.logMessagesOf(ids);
        int bOnWa = 0, aOnWb = 0;
        for (int i = 0; i < TASKS; i++) {
            String id = ids.get(i);
            JsonNode t = viaA.get(id);
            List<String> log = logs.get(id);
            List<String> runs = Files.readAllLines(work.resolve("t" + i + ".runs"));
            String about = "t" + i + " created via " + createdVia.get(id).name + " " + t + "\nlogs " + log + "\nruns " + runs;
            assertThat(t.get("status").asText()).as(about).isEqualTo("completed");
            assertThat(viaB.get(id).get("status").asText()).as("as B sees it, %s", about).isEqualTo("completed");
            assertThat(t.get("retry_count").asInt()).as(about).isZero();
            assertThat(t.get("result").asText().strip()).as(about).isEqualTo("t" + i);
            String ranOn = t.get("worker_id").asText();
            assertThat(ranOn).as(about).isIn(WA, WB);
            // Exactly one run, by the worker the server credits.
            assertThat(runs).as("runs of the command, %s", about).containsExactly("ok " + ranOn);
            assertThat(log.stream().filter(m -> m.startsWith("Task started execution")).count()).as(about).isEqualTo(1);
            int completedAt = log.indexOf(log.stream().filter(m -> m.startsWith("Task completed successfully"))
                    .findFirst().orElseThrow(() -> new AssertionError("no completion line, " + about)));
            assertThat(log.stream().filter(m -> m.startsWith("Task completed successfully")).count()).as(about).isEqualTo(1);
            assertThat(log.subList(0, completedAt)).as("the output line logged before the completion, %s", about)
                    .containsOnlyOnce("t" + i);
            if (createdVia.get(id) == b && ranOn.equals(WA)) bOnWa++;
            if (createdVia.get(id) == a && ranOn.equals(WB)) aOnWb++;
        }
        assertThat(bOnWa).as("tasks created through B that ran on A's worker").isPositive();
        assertThat(aOnWb).as("tasks created through A that ran on B's worker").isPositive();
        long completedByWorkers = a.get("/api/workers/" + WA).data().get("tasks_completed").asLong()
                + a.get("/api/workers/" + WB).data().get("tasks_completed").asLong();
        assertThat(completedByWorkers).as("successes the server counted, over both workers").isEqualTo(TASKS);

        // ---- a cancel on B for a task on A's worker ----
        // Eight sleepers fill both workers' four slots, so four of them surely run on A's worker.
        Map<String, Integer> sleepers = new LinkedHashMap<>();
        for (int i = 0; i < 8; i++) {
            String cmd = "sleep 60 & echo $! >> '" + work.resolve("s" + i + ".pids") + "'; echo $$ > '" + work.resolve("s" + i + ".sh")
                    + "'; echo started >> '" + work.resolve("s" + i + ".runs") + "'; wait $!; echo finished >> '"
                    + work.resolve("s" + i + ".runs") + "'";
            sleepers.put(a.createTask(Json.object().put("name", "sleeper-" + i).put("command", cmd).put("max_retries", 0)), i);
        }
        a.await("eight sleepers running", Duration.ofSeconds(60), () -> sleepers.entrySet().stream().allMatch(e ->
                ServerProcess.recordedSleeps(work.resolve("s" + e.getValue() + ".pids")).size() == 1
                        && Files.exists(work.resolve("s" + e.getValue() + ".sh"))
                        && a.task(e.getKey()).get("status").asText().equals("running")));
        String victim = sleepers.keySet().stream().filter(id -> a.task(id).get("worker_id").asText().equals(WA)).findFirst()
                .orElseThrow(() -> new AssertionError("no sleeper runs on " + WA));
        int v = sleepers.get(victim);
        ProcessHandle sleep = ServerProcess.recordedSleeps(work.resolve("s" + v + ".pids")).get(0);
        Optional<ProcessHandle> shell = ProcessHandle.of(Long.parseLong(Files.readString(work.resolve("s" + v + ".sh")).trim()));
        assertThat(shell).as("the sleeper's shell").isPresent();
        assertThat(ServerProcess.running(shell.get())).isTrue();

        long tCancel = System.nanoTime();
        ServerProcess.Reply cancelled = b.post("/api/tasks/" + victim + "/cancel", Json.object());
        assertThat(cancelled.status()).as("cancel on B -> %s", cancelled.raw()).isEqualTo(200);
        assertThat(cancelled.data().get("status").asText()).isEqualTo("cancelled");
        b.await("the cancelled task's processes to be gone", Duration.ofSeconds(10),
                () -> !ServerProcess.running(sleep) && !ServerProcess.running(shell.get()));
        Duration reached = Duration.ofNanos(System.nanoTime() - tCancel);
        assertThat(reached).as("from the cancel on B until the process on %s's worker was gone", WA)
                .isLessThanOrEqualTo(CANCEL_REACHES_WITHIN);

        Thread.sleep(1_500); // time for a result the worker might still post to be applied (it must be ignored)
        for (ServerProcess node : List.of(a, b)) {
            JsonNode t = node.task(victim);
            assertThat(t.get("status").asText()).as("%s sees %s", node.name, t).isEqualTo("cancelled");
            assertThat(t.get("worker_id").asText()).isEqualTo(WA);
        }
        assertThat(Files.readAllLines(work.resolve("s" + v + ".runs"))).as("the cancelled command did not finish")
                .containsExactly("started");
        assertThat(a.logMessages(victim)).anyMatch(m -> m.startsWith("Task cancelled while running on " + WA));
        for (var e : sleepers.entrySet()) {
            if (e.getKey().equals(victim)) continue;
            assertThat(a.task(e.getKey()).get("status").asText()).as("the other sleepers run on").isEqualTo("running");
        }

        System.out.printf("RemoteWorkersClusterTest: ready %.1f s, %d tasks created %.1f s, all completed %.1f s;"
                        + " created via B ran on %s: %d, created via A ran on %s: %d; cancel on B reached %s's process in %d ms;"
                        + " total %.1f s%n",
                secs(tReady - t0), TASKS, secs(tCreated - t0), secs(tDone - t0), WA, bOnWa, WB, aOnWb, WA,
                reached.toMillis(), secs(System.nanoTime() - t0));
    }

    private static Map<String, JsonNode> byId(List<JsonNode> tasks) {
        Map<String, JsonNode> out = new HashMap<>();
        for (JsonNode t : tasks) out.put(t.get("id").asText(), t);
        return out;
    }


    private static double secs(long nanos) {
        return nanos / 1e9;
    }
}
