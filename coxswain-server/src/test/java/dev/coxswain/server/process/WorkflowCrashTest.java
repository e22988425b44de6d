package dev.coxswain.server.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.testing.TestDatabases;
import dev.coxswain.server.testing.SecretLedger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Workflows survive what kills processes: a worker process SIGKILLed while it runs a step (the
 * step runs again on the other worker and the job finishes), and the server SIGKILLed mid-job
 * and started again on the same data directory or database (every job finishes, and no step ran
 * twice). The workers record each step they run ({@link StepRecords}); those records, not the
 * server's own view, decide whether a step ran twice.
 */
class WorkflowCrashTest extends ProcessTestBase {
    private static final String WORKER_TOKEN = WorkflowEndToEndTest.WORKER_TOKEN;
    private static final int KILLED_BY_SIGKILL = 137;

    /** first (double) → second (hold: waits for the gate file) → third (double) → finished. */
    private static String blueprint(String name, Path gate) {
        return """
                {"name": "%s", "api_endpoint": "/jobs/%s", "states": {
                  %s,
                  %s,
                  %s,
                  "finished": {"type": "end"}}}""".formatted(name, name,
                WorkflowEndToEndTest.startStep("first", "{{ initial_data.n }}", "second"),
                WorkflowEndToEndTest.step("second", "hold", "{{ state_history.n }}", "third", ", \"gate\": \"" + gate + "\"")
                        .replace("\"retries\": 0", "\"retries\": 2"),
                WorkflowEndToEndTest.step("third", "{{ state_history.n }}", "finished"));
    }

    // ---- a worker killed mid-step ---------------------------------------------------------------

    @Test
    void sqliteAWorkerKilledMidStepHasTheStepRetriedOnTheOtherWorker() throws Exception {
        workerKilledMidStep();
    }

    @Test
    void postgresAWorkerKilledMidStepHasTheStepRetriedOnTheOtherWorker() throws Exception {
        TestDatabases.PgDatabase pg = TestDatabases.freshPostgres();
        closeAfter.add(pg);
        workerKilledMidStep("--db-url", pg.url());
    }

    private void workerKilledMidStep(String... storeArgs) throws Exception {
        SecretLedger.secret(WORKER_TOKEN);
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path gate = work.resolve("gate");
        List<String> extra = new ArrayList<>(List.of("--no-local-worker"));
        extra.addAll(List.of(storeArgs));
        // A short TTL: the server gives up on a silent worker after 3 s.
        ServerProcess server = serve("server", tmp.resolve("data"), ServerProcess.env("COXSWAIN_WORKER_TOKEN", WORKER_TOKEN,
                "COXSWAIN_REMOTE_WORKER_TTL_SECONDS", "3"), extra.toArray(String[]::new));
        OrchestratorClient c = new OrchestratorClient(server, ServerProcess.ADMIN_KEY);
        Path doomedRecords = work.resolve("wf-doomed.records");
        ServerProcess doomed = ServerProcess.launchMain(tmp.resolve("logs"), "worker-doomed", WorkflowWorkerMain.class.getName(),
                List.of("http://127.0.0.1:" + server.port, "wf-doomed", doomedRecords.toString(), "1", "double,hold"),
                Map.of(WorkflowWorkerMain.TOKEN_ENV, WORKER_TOKEN), null);
        started.add(doomed);
        awaitOnline(doomed, server, "wf-doomed");
        c.register(blueprint("e2e_lost", gate));

        // Only the doomed worker runs yet: it takes the first step, then the second, which waits for the gate.
        String id = c.start("/jobs/e2e_lost", WorkflowEndToEndTest.input("n", 1));
        server.await("the doomed worker running the second step", Duration.ofSeconds(30),
                () -> !StepRecords.matching(StepRecords.read(List.of(doomedRecords)), r -> r.is("start", id, "second")).isEmpty());
        try (InJvmWorker survivor = InJvmWorker.start(server.port, WORKER_TOKEN, "wf-survivor", work, 2, "double", "hold")) {
            assertThat(doomed.sigkill()).as("exit status of the SIGKILLed worker").isEqualTo(KILLED_BY_SIGKILL);
            Files.createFile(gate); // the retry may run through at once
            long killedAt = System.nanoTime();
            JsonNode done = c.awaitStatus(id, "finished", Duration.ofSeconds(45), Duration.ofMillis(100)).job();
            System.out.printf("WorkflowCrashTest: job finished %.1f s after its worker was killed%n", (System.nanoTime() - killedAt) / 1e9);

            JsonNode result = done.get("result");
            assertThat(result.get("n").asLong()).as("%s", done).isEqualTo(8);
            assertThat(result.get("first_by").asText()).isEqualTo("wf-doomed");
            assertThat(result.get("second_by").asText()).isEqualTo(survivor.id);
            assertThat(result.get("third_by").asText()).isEqualTo(survivor.id);

            List<StepRecords.Run> runs = StepRecords.read(List.of(doomedRecords, survivor.records));
            String about = "records " + runs;
            assertThat(StepRecords.matching(runs, r -> r.job().equals(id) && r.state().equals("first")))
                    .as(about).extracting(StepRecords.Run::event, StepRecords.Run::worker)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("start", "wf-doomed"),
                            org.assertj.core.groups.Tuple.tuple("done", "wf-doomed"));
            // The second step: started on the doomed worker (never finished there), then once more on the survivor.
            assertThat(StepRecords.matching(runs, r -> r.job().equals(id) && r.state().equals("second")))
                    .as(about).extracting(StepRecords.Run::event, StepRecords.Run::worker, StepRecords.Run::attempt)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("start", "wf-doomed", 1),
                            org.assertj.core.groups.Tuple.tuple("start", survivor.id, 2),
                            org.assertj.core.groups.Tuple.tuple("done", survivor.id, 2));
            assertThat(StepRecords.matching(runs, r -> r.job().equals(id) && r.state().equals("third")))
                    .as(about).extracting(StepRecords.Run::event, StepRecords.Run::worker)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("start", survivor.id),
                            org.assertj.core.groups.Tuple.tuple("done", survivor.id));

            // The server's view: the step's task was retried once, because its worker went silent
            // (seen by whichever comes first: the worker's TTL, or its attempt's lease).
            JsonNode second = stepTask(server, id, "second");
            assertThat(second.get("retry_count").asInt()).as("%s", second).isEqualTo(1);
            assertThat(second.get("worker_id").asText()).isEqualTo(survivor.id);
            assertThat(server.logMessages(second.get("id").asText()))
                    .anyMatch(m -> m.matches("^Attempt 1 failed: worker wf-doomed (went offline|stopped renewing its lease) .*"));
        }
    }

    // ---- the server killed mid-job --------------------------------------------------------------

    @Test
    void sqliteTheServerKilledMidJobResumesEveryJobAndRunsNoStepTwice() throws Exception {
        serverKilledMidJob();
    }

    @Test
    void postgresTheServerKilledMidJobResumesEveryJobAndRunsNoStepTwice() throws Exception {
        TestDatabases.PgDatabase pg = TestDatabases.freshPostgres();
        closeAfter.add(pg);
        serverKilledMidJob("--db-url", pg.url());
    }

    private void serverKilledMidJob(String... storeArgs) throws Exception {
        final int jobs = 4;
        SecretLedger.secret(WORKER_TOKEN);
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path gate = work.resolve("gate");
        Path data = tmp.resolve("data");
        List<String> extra = new ArrayList<>(List.of("--no-local-worker"));
        extra.addAll(List.of(storeArgs));
        var env = ServerProcess.env("COXSWAIN_WORKER_TOKEN", WORKER_TOKEN);
        ServerProcess first = serve("first", data, env, extra.toArray(String[]::new));
        int port = first.port;
        OrchestratorClient c = new OrchestratorClient(first, ServerProcess.ADMIN_KEY);
        c.register(blueprint("e2e_crash", gate));
        // Any worker doubles; only the holder holds, two at a time: of the four jobs' second steps,
        // two run (waiting for the gate) and two wait in the queue when the server dies.
        try (InJvmWorker any = InJvmWorker.start(port, WORKER_TOKEN, "wf-any", work, 2, "double");
             InJvmWorker holder = InJvmWorker.start(port, WORKER_TOKEN, "wf-holder", work, 2, "double", "hold")) {
            List<Path> files = List.of(any.records, holder.records);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < jobs; i++) ids.add(c.start("/jobs/e2e_crash", WorkflowEndToEndTest.input("n", i + 1)));
            first.await("every first step done, two second steps running and two queued", Duration.ofSeconds(30), () -> {
                List<StepRecords.Run> runs = StepRecords.read(files);
                return ids.stream().allMatch(id -> !StepRecords.matching(runs, r -> r.is("done", id, "first")).isEmpty())
                        && StepRecords.matching(runs, r -> r.event().equals("start") && r.state().equals("second")).size() == 2
                        && first.countWithStatus("queued") == 2 && first.countWithStatus("running") == 2;
            });

            assertThat(first.sigkill()).as("exit status of the SIGKILLed server").isEqualTo(KILLED_BY_SIGKILL);
            long killedAt = System.nanoTime();
            ServerProcess second = serveOn(port, "second", data, env, extra.toArray(String[]::new));
            long restarted = System.nanoTime();
            Files.createFile(gate);
            OrchestratorClient again = new OrchestratorClient(second, ServerProcess.ADMIN_KEY);
            for (int i = 0; i < jobs; i++) {
                JsonNode done = again.awaitStatus(ids.get(i), "finished", Duration.ofSeconds(45), Duration.ofMillis(100)).job();
                assertThat(done.get("result").get("n").asLong()).as("%s", done).isEqualTo(8L * (i + 1));
            }
            System.out.printf("WorkflowCrashTest: server restarted %.1f s after the kill; all jobs finished %.1f s after it%n",
                    (restarted - killedAt) / 1e9, (System.nanoTime() - killedAt) / 1e9);

            // No worker was lost, so every step of every job ran exactly once, in the workers' own records.
            List<StepRecords.Run> runs = StepRecords.read(files);
            for (String id : ids) {
                for (String state : List.of("first", "second", "third")) {
                    assertThat(StepRecords.matching(runs, r -> r.job().equals(id) && r.state().equals(state)))
                            .as("runs of %s of job %s, records %s", state, id, runs)
                            .extracting(StepRecords.Run::event).containsExactly("start", "done");
                }
                for (JsonNode t : jobTasks(second, id)) {
                    assertThat(t.get("retry_count").asInt()).as("%s", t).isZero();
                    assertThat(t.get("status").asText()).as("%s", t).isEqualTo("completed");
                }
                assertThat(jobTasks(second, id)).as("tasks of job %s", id).hasSize(3);
            }
        }
    }

    // ---- the server's tasks of a job ------------------------------------------------------------

    /** The native tasks of a job (each step is one, tagged {@code job:<uuid>}). */
    static List<JsonNode> jobTasks(ServerProcess server, String jobId) {
        ServerProcess.Reply r = server.get("/api/tasks?limit=100&tag=job:" + jobId);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        r.data().forEach(out::add);
        return out;
    }

    static JsonNode stepTask(ServerProcess server, String jobId, String state) {
        return jobTasks(server, jobId).stream().filter(t -> t.get("name").asText().endsWith(":" + state)).findFirst()
                .orElseThrow(() -> new AssertionError("no task of state " + state + " in job " + jobId));
    }
}
