package dev.coxswain.server.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.server.testing.SecretLedger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A pure coordinator ({@code serve --no-local-worker}) and two real {@code coxswain worker}
 * processes run 1,000 shell tasks — chains, fan-ins, tasks that fail their first attempt — and
 * one worker is SIGKILLed while it runs some of them. The server must notice the silent worker
 * within its TTL (3 s here), retry what it was running on the other worker, and end with every
 * task completed exactly once, dependencies respected.
 *
 * <p>Each run of a command appends to the task's own file: {@code start <worker>} first,
 * {@code early <k>} if dependency {@code k}'s done-file is missing, {@code fail <worker>} for a
 * deliberately failed first attempt, and {@code ok <worker>} right before it succeeds (then it
 * writes its done-file and prints {@code t<i>}). The worker's name comes from
 * {@code PROC_WORKER} in the worker process's environment, which its commands inherit.
 *
 * <p>What is asserted. The server: all 1,000 tasks exist and are {@code completed} with result
 * {@code t<i>}; each task's log has exactly one "Task completed successfully" line, with its
 * output line {@code t<i>} before it, and one "Attempt n failed" line per retry; the two workers'
 * {@code tasks_completed} add up to 1,000; the killed worker is offline; no attempt was lost
 * with the surviving worker. A task is <em>lost</em> when its log says an attempt failed because
 * the killed worker went silent (at most one such attempt per task; at least one task overall).
 * Each task's file: no {@code early} line; exactly one {@code ok} line by the worker the server
 * credits ({@code worker_id}). A task that was not lost: exactly one {@code ok} line in all,
 * {@code retry_count} 1 if it fails first, else 0, one {@code start} line per attempt, one
 * {@code fail} line if it fails first. A lost task: credited to the surviving worker, at most two
 * {@code ok} lines, of which at most one by the killed worker (its attempt may have run to its
 * {@code ok} line and died before the result was posted), and {@code retry_count} or
 * {@code retry_count + 1} {@code start} lines (the lost attempt may have been claimed but never
 * started). Dependencies: no run of a dependent started before its dependencies' done-files
 * existed, and each dependent's {@code started_at} is not before its dependencies'
 * {@code completed_at} (the API's whole seconds).
 */
class RemoteShellWorkersTest extends ProcessTestBase {
    private static final String WORKER_TOKEN = "proc-test-shared-worker-token-0123";
    private static final int TASKS = 1_000;
    private static final int BLOCK = 20;
    /** Completions before worker 1 is killed: about half, so both halves of the run count. */
    private static final int KILL_AFTER = 450;
    private static final String KILLED = "w1";
    private static final String SURVIVOR = "w2";
    /** The line the server logs when it retries an attempt the killed worker took with it. */
    private static final Pattern LOST_WITH_KILLED = Pattern.compile("^Attempt \\d+ failed: worker " + KILLED + " ");
    private static final Pattern LOST_WITH_SURVIVOR = Pattern.compile("^Attempt \\d+ failed: worker " + SURVIVOR + " ");
    private static final Pattern ATTEMPT_FAILED = Pattern.compile("^Attempt \\d+ failed: ");

    @Test
    void killingOneOfTwoRemoteWorkersMidRunLosesNothingAndRunsEachTaskToOneSuccess() throws Exception {
        long t0 = System.nanoTime();
        SecretLedger.secret(WORKER_TOKEN);
        Path work = Files.createDirectories(tmp.resolve("work"));
        ServerProcess server = serve("server", tmp.resolve("data"), ServerProcess.env(
                "COXSWAIN_WORKER_TOKEN", WORKER_TOKEN, "COXSWAIN_REMOTE_WORKER_TTL_SECONDS", "3"), "--no-local-worker");
        ServerProcess w1 = launchWorker("worker-1", server, WORKER_TOKEN, KILLED, 4);
        ServerProcess w2 = launchWorker("worker-2", server, WORKER_TOKEN, SURVIVOR, 4);
        awaitOnline(w1, server, KILLED);
        awaitOnline(w2, server, SURVIVOR);
        long tReady = System.nanoTime();

        Layout layout = new Layout(work);
        String[] ids = new String[TASKS];
        ExecutorService creator = Executors.newSingleThreadExecutor();
        Future<?> creating = creator.submit(() -> {
            for (int i = 0; i < TASKS; i++) {
                ObjectNode body = Json.object().put("name", "t" + i).put("command", layout.command(i)).put("max_retries", 3);
                var deps = body.putArray("dependencies");
                for (int d : layout.deps(i)) deps.add(ids[d]);
                ids[i] = server.createTask(body);
            }
            return null;
        });

        // SIGKILL worker 1 mid-run: once a good part is done, while it runs a slow task (its
        // sleep started, its ok line not written), so attempts surely die with it.
        List<Integer> runningOnKilled = new ArrayList<>();
        server.await("worker 1 running a slow task after " + KILL_AFTER + " completions", Duration.ofSeconds(120), () -> {
            if (creating.isDone()) rethrow(creating);
            if (server.countWithStatus("completed") < KILL_AFTER) return false;
            runningOnKilled.clear();
            for (int i : layout.slow()) {
                Runs r = layout.runs(i);
                if (r.startsBy.contains(KILLED) && r.okBy.isEmpty()) runningOnKilled.add(i);
            }
            return !runningOnKilled.isEmpty();
        });
        int completedAtKill = server.countWithStatus("completed");
        assertThat(w1.sigkill()).as("exit status of the SIGKILLed worker").isEqualTo(137);
        long tKill = System.nanoTime();

        creating.get(60, TimeUnit.SECONDS);
        creator.shutdown();
        long tCreated = System.nanoTime();
        server.await(TASKS + " tasks completed", Duration.ofSeconds(120),
                () -> server.countWithStatus("completed") == TASKS,
                () -> "completed " + server.countWithStatus("completed") + ", running " + server.countWithStatus("running")
                        + ", queued " + server.countWithStatus("queued") + ", pending " + server.countWithStatus("pending")
                        + ", failed " + server.countWithStatus("failed"));
        long tDone = System.nanoTime();

        // ---- the server's view ----
        List<JsonNode> all = server.allTasks();
        assertThat(all).as("tasks the server knows").hasSize(TASKS);
        Map<String, JsonNode> byId = new HashMap<>();
        for (JsonNode t : all) byId.put(t.get("id").asText(), t);
        assertThat(byId.keySet()).containsExactlyInAnyOrder(ids);
        JsonNode killed = server.get("/api/workers/" + KILLED).data();
        JsonNode survivor = server.get("/api/workers/" + SURVIVOR).data();
        assertThat(killed.get("status").asText()).as("the killed worker, after its TTL").isEqualTo("offline");
        assertThat(killed.get("tasks_completed").asLong() + survivor.get("tasks_completed").asLong())
                .as("successes the server counted, over both workers").isEqualTo(TASKS);
        Map<String, List<String>> logs = server.logMessagesOf(List.of(ids));

        // ---- each task, the server's view against what its command wrote ----
        Set<Integer> lost = new LinkedHashSet<>();
        for (int i = 0; i < TASKS; i++) {
            JsonNode t = byId.get(ids[i]);
            List<String> log = logs.get(ids[i]);
            Runs r = layout.runs(i);
            String about = "t" + i + " " + t + "\nlogs " + log + "\nruns " + r;
            int retries = t.get("retry_count").asInt();
            String ranOn = t.get("worker_id").asText();
            long lostHere = lostHere(log);

            assertThat(t.get("status").asText()).as(about).isEqualTo("completed");
            assertThat(t.get("result").asText().strip()).as(about).isEqualTo("t" + i);
            assertThat(log.stream().filter(m -> m.startsWith("Task completed successfully")).count())
                    .as("completions the server recorded, %s", about).isEqualTo(1);
            assertThat(log.stream().filter(m -> ATTEMPT_FAILED.matcher(m).find()).count())
                    .as("every retry comes from a failed or lost attempt, %s", about).isEqualTo(retries);
            // The output line reached the task's log before the result did: the worker's log
            // events are acknowledged before it posts the result.
            int completedAt = log.indexOf(log.stream().filter(m -> m.startsWith("Task completed successfully")).findFirst()
                    .orElseThrow(() -> new AssertionError("no completion line, " + about)));
            assertThat(log.subList(0, completedAt)).as("the output line logged before the completion, %s", about)
                    .contains("t" + i);
            assertThat(log.stream().filter(("t" + i)::equals).count()).as("output lines, %s", about)
                    .isBetween(1L, lostHere == 0 ? 1L : 2L);
            assertThat(log).as("the surviving worker lost nothing, %s", about)
                    .noneMatch(m -> LOST_WITH_SURVIVOR.matcher(m).find());
            assertThat(r.early).as("runs that started before a dependency's success, %s", about).isEmpty();
            assertThat(r.okBy.stream().filter(ranOn::equals).count())
                    .as("successful runs by the worker the server credits, %s", about).isEqualTo(1);
            assertThat(lostHere).as(about).isLessThanOrEqualTo(1);
            if (lostHere == 0) {
                // Untouched by the kill: exactly the runs the task's own script implies.
                assertThat(r.okBy).as("successful runs, %s", about).containsExactly(ranOn);
                assertThat(retries).as(about).isEqualTo(layout.failsFirst(i) ? 1 : 0);
                assertThat(r.startsBy).as("runs started, %s", about).hasSize(retries + 1);
                assertThat(r.failBy).as("deliberate failures, %s", about).hasSize(layout.failsFirst(i) ? 1 : 0);
            } else {
                // One attempt died with worker 1: the retry ran on worker 2 and is the one the server
                // took. The dead attempt may have got as far as its own ok line (its result never
                // arrived), or not have started at all (claimed, never delivered).
                lost.add(i);
                assertThat(ranOn).as(about).isEqualTo(SURVIVOR);
                assertThat(r.okBy).as("successful runs, %s", about).hasSizeLessThanOrEqualTo(2)
                        .allMatch(w -> w.equals(SURVIVOR) || w.equals(KILLED));
                assertThat(r.okBy.stream().filter(KILLED::equals).count()).as(about).isLessThanOrEqualTo(1);
                assertThat(r.startsBy.size()).as("runs started, %s", about).isBetween(retries, retries + 1);
            }
        }
        assertThat(lost).as("tasks whose attempt died with the killed worker").isNotEmpty();

        // ---- dependencies, in the server's timestamps (whole seconds) ----
        for (int i = 0; i < TASKS; i++) {
            Instant started = Instant.parse(byId.get(ids[i]).get("started_at").asText());
            for (int d : layout.deps(i)) {
                Instant depDone = Instant.parse(byId.get(ids[d]).get("completed_at").asText());
                assertThat(started).as("t%d started after its dependency t%d completed", i, d).isAfterOrEqualTo(depDone);
            }
        }

        System.out.printf("RemoteShellWorkersTest: ready %.1f s, kill after %d completions at %.1f s (slow tasks running on %s: %s),"
                        + " all created %.1f s, all completed %.1f s, %d task(s) lost an attempt with %s, total %.1f s%n",
                secs(tReady - t0), completedAtKill, secs(tKill - t0), KILLED, runningOnKilled, secs(tCreated - t0),
                secs(tDone - t0), lost.size(), KILLED, secs(System.nanoTime() - t0));
    }

    /** Attempts of the task the server failed because the killed worker went silent. */
    private static long lostHere(List<String> log) {
        return log.stream().filter(m -> LOST_WITH_KILLED.matcher(m).find()).count();
    }


    private static void rethrow(Future<?> done) {
        try {
            done.get();
        } catch (Exception e) {
            throw new AssertionError("creating the tasks failed", e);
        }
    }

    private static double secs(long nanos) {
        return nanos / 1e9;
    }

    /** What the runs of one task's command wrote. */
    record Runs(List<String> startsBy, List<String> okBy, List<String> failBy, List<String> early) {
    }

    /**
     * The tasks, in blocks of 20: a chain (0→1→2→3→4), a fan-in (5…9 → 10), a join of both
     * (4, 10 → 11) and eight independent tasks; 2, 7, 13 and 16 fail their first attempt; 19 sleeps
     * a second (a window to kill worker 1 in while it surely runs something).
     */
    static final class Layout {
        private final Path work;

        Layout(Path work) {
            this.work = work;
        }

        List<Integer> deps(int i) {
            int base = i - i % BLOCK;
            return switch (i % BLOCK) {
                case 1, 2, 3, 4 -> List.of(i - 1);
                case 10 -> List.of(base + 5, base + 6, base + 7, base + 8, base + 9);
                case 11 -> List.of(base + 4, base + 10);
                default -> List.of();
            };
        }

        boolean failsFirst(int i) {
            int k = i % BLOCK;
            return k == 2 || k == 7 || k == 13 || k == 16;
        }

        boolean isSlow(int i) {
            return i % BLOCK == 19;
        }

        List<Integer> slow() {
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < TASKS; i++) if (isSlow(i)) out.add(i);
            return out;
        }

        /** Shell built-ins only (but the slow tasks' sleep): one sh per run, no other process. */
        String command(int i) {
            String runs = q(work.resolve("t" + i + ".runs"));
            StringBuilder c = new StringBuilder("echo \"start $PROC_WORKER\" >> " + runs + ";");
            for (int d : deps(i)) c.append(" [ -f ").append(q(done(d))).append(" ] || echo 'early ").append(d).append("' >> ").append(runs).append(";");
            if (isSlow(i)) c.append(" sleep 1;");
            if (failsFirst(i)) {
                String marker = q(work.resolve("t" + i + ".marker"));
                c.append(" if [ ! -f ").append(marker).append(" ]; then echo \"fail $PROC_WORKER\" >> ").append(runs)
                        .append("; : > ").append(marker).append("; exit 1; fi;");
            }
            c.append(" echo \"ok $PROC_WORKER\" >> ").append(runs).append("; : > ").append(q(done(i))).append("; echo t").append(i);
            return c.toString();
        }

        Runs runs(int i) {
            Path p = work.resolve("t" + i + ".runs");
            Runs r = new Runs(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            if (!Files.exists(p)) return r;
            try {
                for (String line : Files.readAllLines(p)) {
                    String[] w = line.split(" ", 2);
                    String arg = w.length > 1 ? w[1] : "";
                    switch (w[0]) {
                        case "start" -> r.startsBy.add(arg);
                        case "ok" -> r.okBy.add(arg);
                        case "fail" -> r.failBy.add(arg);
                        case "early" -> r.early.add(arg);
                        default -> { } // a line cut short by the SIGKILL: not a run's record
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return r;
        }

        private Path done(int i) {
            return work.resolve("t" + i + ".done");
        }

        private static String q(Path p) {
            return "'" + p + "'";
        }
    }
}
