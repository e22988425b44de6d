package dev.coxswain.server.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Crash recovery of the real server: tasks are accepted, the JVM is SIGKILLed right after the
 * 201s (no shutdown hook, no flush), and a new process on the same data directory / database
 * must have every accepted task, finish the quick ones, and retry the attempts that were running
 * once their lease (4 s here) expires (on PostgreSQL at once: the new process has the same worker
 * id and fails what its predecessor left running).
 */
class CrashRecoveryTest extends ProcessTestBase {
    private static final int LONG = 3;
    private static final int QUICK = 40;
    private static final int SOON = 4;
    private static final int LATER = 3;
    /** SIGKILL as the JVM's exit status: 128 + 9. */
    private static final int KILLED_BY_SIGKILL = 137;

    @Test
    void sqliteLosesNoAcceptedTaskAndRetriesTheOrphanedAttempts() throws Exception {
        crashAndRecover();
    }

    @Test
    void postgresLosesNoAcceptedTaskAndRetriesTheOrphanedAttempts() throws Exception {
        TestDatabases.PgDatabase pg = TestDatabases.freshPostgres();
        closeAfter.add(pg);
        crashAndRecover("--db-url", pg.url());
    }

    private void crashAndRecover(String... storeArgs) throws Exception {
        boolean postgres = storeArgs.length > 0;
        Path data = tmp.resolve("data");
        Path work = Files.createDirectories(tmp.resolve("work"));
        List<String> extra = new ArrayList<>(List.of("--concurrency", "4"));
        extra.addAll(List.of(storeArgs));

        ServerProcess first = start("first", data, extra);

        // Long runners first, at the top priority, so each holds a slot when the server dies. The
        // first attempt leaves a marker and sleeps; the second sees the marker and succeeds.
        Map<String, Path> longRunners = new LinkedHashMap<>();
        for (int i = 0; i < LONG; i++) {
            Path marker = work.resolve("long-" + i + ".marker");
            Path pids = work.resolve("long-" + i + ".pids");
            String cmd = "if [ -f '" + marker + "' ]; then echo second-attempt; else touch '" + marker
                    + "'; echo $$ >> '" + pids + "'; exec sleep 60; fi";
            String id = first.createTask(task("long-" + i, cmd).put("priority", 10).put("max_retries", 2)
                    .put("timeout_seconds", 300));
            longRunners.put(id, pids);
        }
        first.await("the long runners' first attempts to sleep", Duration.ofSeconds(60),
                () -> longRunners.values().stream().allMatch(p -> ServerProcess.recordedSleeps(p).size() == 1));
        for (String id : longRunners.keySet()) assertThat(first.task(id).get("status").asText()).isEqualTo("running");

        Map<String, String> quick = new LinkedHashMap<>(); // id -> expected result
        for (int i = 0; i < QUICK; i++) {
            quick.put(first.createTask(task("quick-" + i, "echo quick-" + i).put("priority", 1 + i % 9)), "quick-" + i);
        }
        Instant soonAt = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
        Map<String, String> soon = new LinkedHashMap<>();
        for (int i = 0; i < SOON; i++) {
            soon.put(first.createTask(task("soon-" + i, "echo soon-" + i).put("scheduled_at", rfc3339(soonAt))), "soon-" + i);
        }
        Instant laterAt = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
        List<String> later = new ArrayList<>();
        for (int i = 0; i < LATER; i++) {
            later.add(first.createTask(task("later-" + i, "echo later-" + i).put("scheduled_at", rfc3339(laterAt))));
        }

        // Right after the last 201: SIGKILL.
        int exit = first.sigkill();
        assertThat(exit).as("exit status of the killed server (128 + SIGKILL)").isEqualTo(KILLED_BY_SIGKILL);

        // Nothing shut down gracefully, yet the long runners' sleeps (own sessions) died with
        // the JVM: only the store's state carries over, not a live process.
        for (Path pids : longRunners.values()) {
            org.awaitility.Awaitility.await("the orphaned sleep of " + pids.getFileName() + " to die with its node")
                    .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> ServerProcess.recordedSleeps(pids), List::isEmpty);
        }

        ServerProcess second = start("second", data, extra);

        List<String> all = new ArrayList<>();
        all.addAll(longRunners.keySet());
        all.addAll(quick.keySet());
        all.addAll(soon.keySet());
        all.addAll(later);
        assertThat(all).hasSize(LONG + QUICK + SOON + LATER).doesNotHaveDuplicates();
        ServerProcess.Reply list = second.get("/api/tasks?limit=100");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body().get("meta").get("total").asLong()).as("tasks after the crash").isEqualTo(all.size());
        for (String id : all) second.task(id); // each accepted id still answers 200

        int finishing = LONG + QUICK + SOON;
        second.await(finishing + " tasks completed", Duration.ofSeconds(90),
                () -> second.get("/api/tasks?status=completed&limit=1").body().get("meta").get("total").asInt() >= finishing,
                () -> "not completed: " + unfinished(second));

        for (var e : quick.entrySet()) {
            JsonNode t = second.task(e.getKey());
            assertThat(t.get("status").asText()).as("%s", t).isEqualTo("completed");
            assertThat(t.get("result").asText()).as("%s", t).isEqualTo(e.getValue());
        }
        for (var e : soon.entrySet()) {
            JsonNode t = second.task(e.getKey());
            assertThat(t.get("status").asText()).as("%s", t).isEqualTo("completed");
            assertThat(t.get("result").asText()).as("%s", t).isEqualTo(e.getValue());
            assertThat(t.get("scheduled_at").asText()).isEqualTo(rfc3339(soonAt));
        }
        for (String id : later) {
            JsonNode t = second.task(id);
            assertThat(t.get("status").asText()).as("%s", t).isEqualTo("pending");
            assertThat(t.get("scheduled_at").asText()).isEqualTo(rfc3339(laterAt));
            assertThat(t.get("retry_count").asInt()).isZero();
        }
        for (String id : longRunners.keySet()) {
            JsonNode t = second.task(id);
            assertThat(t.get("status").asText()).as("%s", t).isEqualTo("completed");
            assertThat(t.get("retry_count").asInt()).as("%s", t).isEqualTo(1);
            assertThat(t.get("result").asText()).as("%s", t).isEqualTo("second-attempt");
            assertThat(second.logMessages(id)).as("logs of %s", id)
                    // SQLite: the lease expired. PostgreSQL: the new process (same worker id) failed
                    // its predecessor's attempts at start, without waiting for the lease.
                    .anyMatch(m -> m.contains(postgres ? "restarted while the attempt ran" : "stopped renewing its lease"));
        }
    }

    private ServerProcess start(String name, Path data, List<String> extra) throws Exception {
        return serve(name, data, ServerProcess.env(), extra.toArray(String[]::new));
    }

    /** id, status and retry_count of every task that is not completed (for failure messages). */
    private static List<String> unfinished(ServerProcess server) {
        List<String> out = new ArrayList<>();
        server.get("/api/tasks?limit=100").data().forEach(t -> {
            if (!t.get("status").asText().equals("completed")) {
                out.add(t.get("id").asText() + " " + t.get("name").asText() + " " + t.get("status").asText()
                        + " retry_count=" + t.get("retry_count").asInt());
            }
        });
        return out;
    }

    private static ObjectNode task(String name, String command) {
        return Json.object().put("name", name).put("command", command).put("max_retries", 3);
    }

    private static String rfc3339(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t);
    }
}
