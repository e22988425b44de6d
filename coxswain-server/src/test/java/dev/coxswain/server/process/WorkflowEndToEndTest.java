package dev.coxswain.server.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.testing.TestDatabases;
import dev.coxswain.server.testing.SecretLedger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Workflows end to end on the real server: a separate server process ({@code serve
 * --no-local-worker}, on SQLite and on a fresh PostgreSQL database), two {@code CoxswainWorker}s
 * speaking the worker protocol over HTTP, and the orchestrator's client face: blueprints
 * registered through the native API, jobs started with {@code POST /api/v1/<endpoint>}, read with
 * {@code GET /api/v1/jobs/{id}}, decided through {@code POST /_public/webhooks/approval/{id}}.
 *
 * <p>One server and one pair of workers per store serve every test of this class (a server start
 * costs seconds); each test registers blueprints of its own. The workers record every step they
 * run ({@link StepRecords}), and each test checks from those records that every step ran exactly
 * once.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(WorkflowEndToEndTest.Store.class)
class WorkflowEndToEndTest {
    enum Store { SQLITE, POSTGRES }

    static final String WORKER_TOKEN = "proc-test-workflow-worker-token-0123";
    /** Timeouts must fire within this of their deadline (the bound). */
    static final Duration DEADLINE_SLACK = Duration.ofSeconds(1);
    static final Duration POLL = Duration.ofMillis(50);

    private static final Map<Store, Stack> STACKS = new EnumMap<>(Store.class);

    @Parameter
    Store store;

    @RegisterExtension
    final AfterTestExecutionCallback dumpOnFailure = ctx -> {
        Stack s = STACKS.get(store);
        if (ctx.getExecutionException().isPresent() && s != null) System.out.println(s.server.output());
    };

    /** The server, workers and client of one store, started by the first test that needs them. */
    static final class Stack implements AutoCloseable {
        final Path dir;
        final ServerProcess server;
        final InJvmWorker a;
        final InJvmWorker b;
        final OrchestratorClient client;
        final TestDatabases.PgDatabase pg;

        Stack(Path dir, ServerProcess server, InJvmWorker a, InJvmWorker b, TestDatabases.PgDatabase pg) {
            this.dir = dir;
            this.server = server;
            this.a = a;
            this.b = b;
            this.pg = pg;
            this.client = new OrchestratorClient(server, ServerProcess.ADMIN_KEY);
        }

        static Stack open(Store store) throws Exception {
            SecretLedger.secret(WORKER_TOKEN);
            TestDatabases.PgDatabase pg = store == Store.POSTGRES ? TestDatabases.freshPostgres() : null;
            Path dir = Files.createTempDirectory("coxswain-workflow-e2e-");
            List<String> extra = new ArrayList<>(List.of("--no-local-worker"));
            if (pg != null) extra.addAll(List.of("--db-url", pg.url()));
            ServerProcess server = ServerProcess.serve(dir.resolve("logs"), "server-" + store.name().toLowerCase(),
                    dir.resolve("data"), ServerProcess.env("COXSWAIN_WORKER_TOKEN", WORKER_TOKEN),
                    extra.toArray(String[]::new));
            InJvmWorker a = null;
            try {
                server.awaitReady();
                a = InJvmWorker.start(server.port, WORKER_TOKEN, "wf-a", dir, 4, "double", "size");
                InJvmWorker b = InJvmWorker.start(server.port, WORKER_TOKEN, "wf-b", dir, 4, "double", "size");
                return new Stack(dir, server, a, b, pg);
            } catch (Exception | AssertionError e) {
                if (a != null) a.close();
                server.close();
                if (pg != null) pg.close();
                throw e;
            }
        }

        /** Everything the two workers recorded so far. */
        List<StepRecords.Run> runs() {
            return StepRecords.read(List.of(a.records, b.records));
        }

        /** A path in this stack's directory that no test creates: a gate that never opens. */
        String neverOpens(String name) {
            return dir.resolve("never-" + name).toString();
        }

        @Override
        public void close() throws Exception {
            a.close();
            b.close();
            server.close();
            SecretLedger.output(server.name + " output", server.output());
            if (pg != null) pg.close();
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private Stack stack() throws Exception {
        synchronized (STACKS) {
            Stack s = STACKS.get(store);
            if (s == null) {
                s = Stack.open(store);
                STACKS.put(store, s);
            }
            return s;
        }
    }

    @AfterAll
    static void closeStacks() throws Exception {
        synchronized (STACKS) {
            for (Stack s : STACKS.values()) s.close();
            STACKS.clear();
        }
    }

    // ---- blueprints -----------------------------------------------------------------------------

    /** A dispatch state of skill {@code skill} that passes the job id, its own name and n to the worker. */
    static String step(String name, String skill, String n, String next, String extra) {
        return """
                "%s": {"type": "dispatch", "skill": "%s", "retries": 0,
                       "params": {"job": "{{ job_id }}", "state": "%s", "n": "%s"%s},
                       "transitions": {"success": "%s"}}""".formatted(name, skill, name, n, extra, next);
    }

    static String step(String name, String n, String next) {
        return step(name, "double", n, next, "");
    }

    static String startStep(String name, String n, String next) {
        return step(name, n, next).replaceFirst("\\{\"type\"", "{\"start\": true, \"type\"");
    }

    // ---- the tests ------------------------------------------------------------------------------

    @Test
    void aThreeStateBlueprintRunsOnTheWorkersToFinishedWithItsResult() throws Exception {
        Stack s = stack();
        OrchestratorClient c = s.client;
        c.register("""
                {"name": "e2e_three", "api_endpoint": "/jobs/e2e_three",
                 "input_schema": {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}},
                 "states": {
                   %s,
                   %s,
                   %s,
                   "finished": {"type": "end"}}}""".formatted(
                startStep("first", "{{ initial_data.n }}", "second"),
                step("second", "{{ state_history.n }}", "third"),
                step("third", "{{ state_history.n }}", "finished")));

        // Input the schema refuses: the original's 400 and message, and no job.
        ServerProcess.Reply bad = c.post("/api/v1/jobs/e2e_three", input("n", "three"));
        assertThat(bad.status()).as(bad.raw()).isEqualTo(400);
        assertThat(bad.body().get("error").asText()).startsWith("Input validation failed for blueprint 'e2e_three': ");

        String id = c.start("/jobs/e2e_three", input("n", 3));
        JsonNode done = c.awaitStatus(id, "finished").job();
        assertThat(done.get("id").asText()).isEqualTo(id);
        assertThat(done.get("blueprint_name").asText()).isEqualTo("e2e_three");
        JsonNode result = done.get("result");
        assertThat(result.get("n").asLong()).as("3 doubled three times, %s", done).isEqualTo(24);
        for (String state : List.of("first", "second", "third")) {
            assertThat(result.get(state + "_by").asText()).as(state).isIn(s.a.id, s.b.id);
        }
        assertRanOnce(s, id, "first", "second", "third");

        ServerProcess.Reply missing = c.get("/api/v1/jobs/00000000-0000-4000-8000-000000000000");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body().get("error").asText()).isEqualTo("Job not found");
    }

    /**
     * Three fan-outs at once, so branches of one job end in concurrent transactions (PostgreSQL
     * commits on two writers): a job whose last branch's end went unnoticed once waited forever.
     */
    @Test
    void parallelFanOutsOfTenTasksAreAggregatedInBranchOrder() throws Exception {
        Stack s = stack();
        OrchestratorClient c = s.client;
        c.register("""
                {"name": "e2e_fan", "api_endpoint": "/jobs/e2e_fan", "states": {
                  "split": {"start": true, "type": "parallel", "for_each": "{{ initial_data.urls }}",
                            "task": {"skill": "size", "retries": 0,
                                     "params": {"job": "{{ job_id }}", "state": "split", "url": "{{ item }}", "i": "{{ index }}"}},
                            "aggregate_into": "check"},
                  "check": {"type": "go_to", "branches": [{"when": {"path": "aggregation.failed", "gt": 0}, "to": "partial"}],
                            "default": "finished"},
                  "partial": {"type": "end", "outcome": "failed"},
                  "finished": {"type": "end", "result": {"sizes": "{{ steps.split }}", "succeeded": "{{ aggregation.succeeded }}",
                                                          "total": "{{ aggregation.total }}"}}}}""");
        ArrayNode urls = Json.MAPPER.createArrayNode();
        for (int i = 0; i < 10; i++) urls.add("https://example.com/" + "x".repeat(i) + "/img-" + i);
        ObjectNode body = Json.object();
        body.putObject("initial_data").set("urls", urls);
        List<String> branches = new ArrayList<>();
        for (int i = 0; i < 10; i++) branches.add("split[" + i + "]");

        List<String> ids = new ArrayList<>();
        for (int k = 0; k < 3; k++) ids.add(c.start("/jobs/e2e_fan", body));
        for (String id : ids) {
            JsonNode done = c.awaitStatus(id, "finished").job();
            JsonNode result = done.get("result");
            assertThat(result.get("total").asInt()).as("%s", done).isEqualTo(10);
            assertThat(result.get("succeeded").asInt()).isEqualTo(10);
            JsonNode sizes = result.get("sizes");
            assertThat(sizes).hasSize(10);
            for (int i = 0; i < 10; i++) {
                assertThat(sizes.get(i).get("i").asInt()).as("branch %d in branch order", i).isEqualTo(i);
                assertThat(sizes.get(i).get("size").asInt()).isEqualTo(urls.get(i).asText().length());
                assertThat(sizes.get(i).get("by").asText()).isIn(s.a.id, s.b.id);
            }
            assertThat(done.get("aggregation_results")).as("one result per branch task").hasSize(10);
            assertRanOnce(s, id, branches.toArray(String[]::new));
        }
    }

    @Test
    void anApprovalWaitsForAHumanAndResumesOnTheApprovalWebhook() throws Exception {
        Stack s = stack();
        OrchestratorClient c = s.client;
        c.register("""
                {"name": "e2e_approve", "api_endpoint": "/jobs/e2e_approve", "states": {
                  %s,
                  "review": {"type": "approval", "message": "publish {{ state_history.n }}?",
                             "transitions": {"approved": "publish", "rejected": "rejected"}},
                  %s,
                  "rejected": {"type": "end", "outcome": "failed"},
                  "finished": {"type": "end"}}}""".formatted(
                startStep("prepare", "{{ initial_data.n }}", "review"),
                step("publish", "{{ state_history.n }}", "finished")));

        String id = c.start("/jobs/e2e_approve", input("n", 5));
        c.awaitStatus(id, "waiting_for_human");
        // It stays there: nothing but a decision moves it.
        Thread.sleep(500);
        assertThat(c.job(id).get("status").asText()).isEqualTo("waiting_for_human");
        assertRanOnce(s, id, "prepare");

        ServerProcess.Reply anonymous = s.server.exchange("POST", "/_public/webhooks/approval/" + id, Map.of(),
                Json.write(Json.object().put("decision", "approved")));
        assertThat(anonymous.status()).as(anonymous.raw()).isEqualTo(401);
        ServerProcess.Reply unknownDecision = c.decide(id, "maybe");
        assertThat(unknownDecision.status()).as(unknownDecision.raw()).isEqualTo(400);
        assertThat(c.job(id).get("status").asText()).isEqualTo("waiting_for_human");

        ServerProcess.Reply ok = c.decide(id, "approved");
        assertThat(ok.status()).as(ok.raw()).isEqualTo(200);
        assertThat(ok.body().get("status").asText()).isEqualTo("approval_received");
        assertThat(ok.body().get("job_id").asText()).isEqualTo(id);

        JsonNode done = c.awaitStatus(id, "finished").job();
        assertThat(done.get("result").get("n").asLong()).as("%s", done).isEqualTo(20);
        assertRanOnce(s, id, "prepare", "publish");
        ServerProcess.Reply again = c.decide(id, "approved");
        assertThat(again.status()).as("a decision for a job that no longer waits: %s", again.raw()).isEqualTo(409);
    }

    @Test
    void aSubBlueprintRunsAsAChildJobAndItsResultFeedsTheParent() throws Exception {
        Stack s = stack();
        OrchestratorClient c = s.client;
        c.register("""
                {"name": "e2e_child", "states": {
                  %s,
                  "finished": {"type": "end"}}}""".formatted(startStep("inner", "{{ initial_data.n }}", "finished")));
        c.register("""
                {"name": "e2e_parent", "api_endpoint": "/jobs/e2e_parent", "states": {
                  %s,
                  "child": {"type": "sub_blueprint", "blueprint": "e2e_child", "initial_data": {"n": "{{ state_history.n }}"},
                            "transitions": {"success": "after", "failure": "failed"}},
                  %s,
                  "failed": {"type": "end", "outcome": "failed"},
                  "finished": {"type": "end"}}}""".formatted(
                startStep("before", "{{ initial_data.n }}", "child"),
                step("after", "{{ state_history.n }}", "finished")));

        String id = c.start("/jobs/e2e_parent", input("n", 1));
        JsonNode done = c.awaitStatus(id, "finished").job();
        assertThat(done.get("result").get("n").asLong()).as("1 doubled before, in the child and after: %s", done)
                .isEqualTo(8);
        assertThat(done.get("result").get("inner_by").asText()).as("the child's result merged into the parent's")
                .isIn(s.a.id, s.b.id);
        List<JsonNode> history = c.history(id);
        String child = history.stream().filter(e -> e.path("event_type").asText().equals("sub_job_started")).findFirst()
                .orElseThrow(() -> new AssertionError("no sub_job_started in " + history))
                .path("context_snapshot").path("child_job_id").asText();
        JsonNode childJob = c.job(child);
        assertThat(childJob.get("status").asText()).isEqualTo("finished");
        assertThat(childJob.get("blueprint_name").asText()).isEqualTo("e2e_child");
        assertRanOnce(s, id, "before", "after");
        assertRanOnce(s, child, "inner");
    }

    @Test
    void aDispatchTimeoutFailsTheJobWithinASecondOfItsDeadline() throws Exception {
        Stack s = stack();
        OrchestratorClient c = s.client;
        // No worker offers this skill: the step waits in the queue until its dispatch deadline.
        c.register("""
                {"name": "e2e_unserved", "api_endpoint": "/jobs/e2e_unserved", "states": {
                  %s,
                  "finished": {"type": "end"}}}""".formatted(
                step("wait", "nobody_offers_this", "1", "finished", "").replaceFirst("\\{\"type\"", "{\"start\": true, \"type\"")));
        ObjectNode body = input("n", 1);
        body.put("dispatch_timeout", 2);
        String id = c.start("/jobs/e2e_unserved", body);
        Instant dispatched = dispatchTimes(c, id).getFirst();
        Instant deadline = dispatched.plusSeconds(2);
        assertThat(Math.round(c.job(id).get("dispatch_deadline").asDouble() * 1000))
                .as("the deadline the server shows: its dispatch + 2 s").isEqualTo(deadline.toEpochMilli());

        OrchestratorClient.Seen failed = c.awaitStatus(id, "failed", Duration.ofSeconds(10), POLL);
        assertThat(failed.job().path("error_message").asText())
                .as("%s", failed.job()).contains("dispatch timeout");
        assertOnTime("the dispatch timeout", deadline, failed.at());
    }

    @Test
    void aResultTimeoutRedispatchesTheStepWithinASecondOfEachDeadlineThenQuarantines() throws Exception {
        Stack s = stack();
        OrchestratorClient c = s.client;
        // The worker takes the step and never answers (it waits for a file nobody creates).
        c.register("""
                {"name": "e2e_stuck", "api_endpoint": "/jobs/e2e_stuck", "states": {
                  %s,
                  "finished": {"type": "end"}}}""".formatted(
                step("stuck", "double", "1", "finished", ", \"gate\": \"" + s.neverOpens("stuck") + "\"")
                        .replaceFirst("\\{\"type\"", "{\"start\": true, \"type\"")));
        ObjectNode body = input("n", 1);
        body.put("result_timeout", 1);
        String id = c.start("/jobs/e2e_stuck", body);

        // The original re-dispatches a step whose result is late up to 3 times, then quarantines.
        OrchestratorClient.Seen quarantined = c.awaitStatus(id, "quarantined", Duration.ofSeconds(20), POLL);
        List<Instant> dispatches = dispatchTimes(c, id);
        assertThat(dispatches).as("dispatches of the stuck step").hasSize(4);
        for (int i = 1; i < dispatches.size(); i++) {
            assertOnTime("result timeout " + i + " (a new dispatch)", dispatches.get(i - 1).plusSeconds(1), dispatches.get(i));
        }
        assertOnTime("the last result timeout (quarantine)", dispatches.getLast().plusSeconds(1), quarantined.at());
        assertThat(quarantined.job().path("error_message").asText())
                .as("%s", quarantined.job()).contains("timed out");
        List<StepRecords.Run> mine = StepRecords.matching(s.runs(), r -> r.job().equals(id));
        assertThat(mine).as("no attempt of the stuck step finished").noneMatch(r -> r.event().equals("done"));
        assertThat(mine.stream().filter(r -> r.event().equals("start")).count()).as("%s", mine).isBetween(1L, 4L);
    }

    // ---- helpers --------------------------------------------------------------------------------

    static ObjectNode input(String key, Object value) {
        ObjectNode body = Json.object();
        ObjectNode data = body.putObject("initial_data");
        if (value instanceof Integer i) data.put(key, i);
        else data.put(key, String.valueOf(value));
        return body;
    }

    /** The server's times of the job's {@code task_dispatched} events, oldest first. */
    static List<Instant> dispatchTimes(OrchestratorClient c, String id) {
        List<Instant> out = new ArrayList<>();
        for (JsonNode e : c.history(id)) {
            if (e.path("event_type").asText().equals("task_dispatched")) out.add(OffsetDateTime.parse(e.path("timestamp").asText()).toInstant());
        }
        return out;
    }

    /** {@code seen} (when the change was observed, or the server's time of it) is at most 1 s after {@code deadline}, and not before it. */
    static void assertOnTime(String what, Instant deadline, Instant seen) {
        Duration late = Duration.between(deadline, seen);
        System.out.printf("%s: %d ms after its deadline%n", what, late.toMillis());
        assertThat(late).as("%s fired %d ms after its deadline", what, late.toMillis())
                .isGreaterThanOrEqualTo(Duration.ofMillis(-5)) // timestamps in ms, deadline rounding
                .isLessThanOrEqualTo(DEADLINE_SLACK);
    }

    /** Each of {@code states} of job {@code id} started and finished exactly once, on one worker. */
    static void assertRanOnce(Stack s, String id, String... states) {
        List<StepRecords.Run> runs = s.runs();
        for (String state : states) {
            List<StepRecords.Run> starts = StepRecords.matching(runs, r -> r.is("start", id, state));
            List<StepRecords.Run> dones = StepRecords.matching(runs, r -> r.is("done", id, state));
            assertThat(starts).as("runs of %s of job %s", state, id).hasSize(1);
            assertThat(dones).as("successful runs of %s of job %s", state, id).hasSize(1);
            assertThat(dones.getFirst().worker()).isEqualTo(starts.getFirst().worker());
        }
    }
}
