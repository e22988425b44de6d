package dev.coxswain.server.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import dev.coxswain.server.orchestrator.OrchestratorServer.Resp;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Conformance of the orchestrator's client API over real HTTP, against real blueprints and a
 * remote worker speaking the protocol as the SDK does: every route, status code and error body of
 * the research file (§3, §4, §10, §13, §14), the routing shared with Chadburn, and the client
 * separation (a client sees its own jobs, an admin every job).
 */
class OrchestratorJobsTest {
    static final String THREE = """
            {"name": "three", "api_endpoint": "/jobs/three",
             "input_schema": {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}},
             "states": {
               "first": {"start": true, "type": "dispatch", "skill": "double", "retries": 0,
                         "params": {"n": "{{ initial_data.n }}"}, "transitions": {"success": "second", "failure": "failed"}},
               "second": {"type": "dispatch", "skill": "double", "retries": 0,
                          "params": {"n": "{{ state_history.n }}"}, "transitions": {"success": "third", "failure": "failed"}},
               "third": {"type": "dispatch", "skill": "double", "retries": 0,
                         "params": {"n": "{{ state_history.n }}"}, "transitions": {"success": "finished", "failure": "failed"}},
               "finished": {"type": "end"},
               "failed": {"type": "end", "outcome": "failed"}}}""";
    static final String REVIEW = """
            {"name": "review", "api_endpoint": "/jobs/review",
             "states": {
               "ask": {"start": true, "type": "approval", "message": "Publish {{ initial_data.title }}?",
                       "transitions": {"approved": "finished", "rejected": "rejected"}},
               "finished": {"type": "end"},
               "rejected": {"type": "end", "outcome": "failed", "result": {"decision": "{{ decision }}"}}}}""";
    /** Waits for a skill no worker offers: a job that stays running until it is cancelled. */
    static final String IDLE = """
            {"name": "idle", "api_endpoint": "/idle/start",
             "states": {
               "wait": {"start": true, "type": "dispatch", "skill": "nobody_offers_this", "params": {},
                        "transitions": {"success": "finished"}},
               "finished": {"type": "end"}}}""";
    static final String V2 = """
            {"name": "versioned", "api_endpoint": "/flows/versioned", "api_version": "v2",
             "states": {
               "wait": {"start": true, "type": "dispatch", "skill": "nobody_offers_this", "params": {},
                        "transitions": {"success": "finished"}},
               "finished": {"type": "end"}}}""";
    /** One step that a worker of its own fails: nothing else waits on its skill. */
    static final String FRAGILE = """
            {"name": "fragile", "api_endpoint": "/jobs/fragile",
             "states": {
               "try": {"start": true, "type": "dispatch", "skill": "fragile", "retries": 0, "params": {},
                       "transitions": {"success": "finished"}},
               "finished": {"type": "end"}}}""";
    static final String WORKER = "orchestrator-jobs-worker";
    static final String FRAGILE_WORKER = "orchestrator-fragile-worker";

    @TempDir
    static Path dir;
    static OrchestratorServer srv;
    static String alice, bob, reader, admin;

    @BeforeAll
    static void start() {
        prepare(OrchestratorServer.start(dir, false));
    }

    /** Keys, blueprints and the worker every test uses, on {@code server}. */
    static void prepare(OrchestratorServer server) {
        srv = server;
        alice = srv.key("alice", "tasks:write");
        bob = srv.key("bob", "tasks:write");
        reader = srv.key("reader", "tasks:read");
        admin = OrchestratorServer.ADMIN_KEY;
        srv.blueprint(THREE);
        srv.blueprint(REVIEW);
        srv.blueprint(IDLE);
        srv.blueprint(V2);
        srv.blueprint(FRAGILE);
        srv.register(WORKER, "double");
        srv.register(FRAGILE_WORKER, "fragile");
    }

    @AfterAll
    static void stop() {
        srv.close();
    }

    // ---- helpers ----------------------------------------------------------------------------------

    static String create(String token, String path, String body) {
        Resp r = srv.asClient(token, "POST", path, body);
        assertThat(r.status()).as("%s", r).isEqualTo(202);
        assertThat(r.contentType()).isEqualTo("application/json");
        assertThat(Json.MAPPER.createObjectNode().put("status", "accepted").put("job_id", r.json().path("job_id").asText()))
                .isEqualTo(r.json());
        String id = r.json().path("job_id").asText();
        assertThat(UUID.fromString(id).toString()).isEqualTo(id);
        return id;
    }

    static JsonNode job(String token, String id) {
        Resp r = srv.asClient(token, "GET", "/api/v1/jobs/" + id, null);
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        return r.json();
    }

    static JsonNode awaitJob(String token, String id, Predicate<JsonNode> p) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            last[0] = job(token, id);
            return p.test(last[0]);
        });
        return last[0];
    }

    static JsonNode awaitStatus(String token, String id, String status) {
        return awaitJob(token, id, j -> j.path("status").asText().equals(status));
    }

    static void assertError(Resp r, int status, String message) {
        assertThat(r.status()).as("%s", r).isEqualTo(status);
        assertThat(r.contentType()).as("%s", r).isEqualTo("application/json");
        assertThat(r.json()).as("%s", r).isEqualTo(Json.object().put("error", message));
    }

    static void assertText(Resp r, int status, String text) {
        assertThat(r.status()).as("%s", r).isEqualTo(status);
        assertThat(r.contentType()).as("%s", r).isEqualTo("text/plain; charset=utf-8");
        assertThat(r.body()).isEqualTo(text);
    }

    static List<String> names(JsonNode object) {
        List<String> out = new ArrayList<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    // ---- the tests --------------------------------------------------------------------------------

    @Test
    void aThreeStateBlueprintRunsToFinishedAndShowsItsStateHistoryAndList() {
        String id = create(alice, "/api/v1/jobs/three", "{\"initial_data\": {\"n\": 3}, \"webhook_url\": null, "
                + "\"dispatch_timeout\": 60, \"result_timeout\": 300, \"metadata\": {\"ticket\": \"T-1\"}, \"security\": {}}");
        for (int step = 0; step < 3; step++) {
            JsonNode task = srv.complete(WORKER, "double", null, null);
            // answered below with the doubled number; complete() sent {} already for step payload checks
            assertThat(task.path("type").asText()).isEqualTo("double");
            if (step == 0) assertThat(task.path("params").path("n").asInt()).isEqualTo(3);
        }
        JsonNode done = awaitStatus(alice, id, "finished");
        assertThat(done.path("id").asText()).isEqualTo(id);
        assertThat(done.path("blueprint_name").asText()).isEqualTo("three");
        assertThat(done.path("current_state").asText()).isEqualTo("finished");
        assertThat(done.path("initial_data")).isEqualTo(Json.read("{\"n\": 3}"));
        assertThat(done.path("dispatch_timeout").asInt()).isEqualTo(60);
        assertThat(done.path("result_timeout").asInt()).isEqualTo(300);
        assertThat(done.path("metadata").path("ticket").asText()).isEqualTo("T-1");
        assertThat(done.path("transition_count").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(done.has("result")).isTrue();
        assertThat(done.path("timestamp").isNumber()).isTrue();
        assertThat(done.path("timestamp").asDouble()).isCloseTo(System.currentTimeMillis() / 1000.0,
                org.assertj.core.data.Offset.offset(120.0));
        assertThat(done.has("owner")).isFalse();

        // ?fields= narrows; id is always there.
        Resp narrow = srv.asClient(alice, "GET", "/api/v1/jobs/" + id + "?fields=status,result,nonsense", null);
        assertThat(names(narrow.json())).containsExactly("id", "status", "result");

        // History: every event, ISO-8601 timestamps, never the owner's token.
        Resp history = srv.asClient(alice, "GET", "/api/v1/jobs/" + id + "/history", null);
        assertThat(history.status()).as("%s", history).isEqualTo(200);
        assertThat(history.json().isArray()).isTrue();
        List<String> types = history.json().findValuesAsText("event_type");
        assertThat(types).contains("job_created", "task_dispatched", "task_finished");
        for (JsonNode e : history.json()) {
            assertThat(e.path("job_id").asText()).isEqualTo(id);
            assertThat(OffsetDateTime.parse(e.path("timestamp").asText())).isNotNull();
            assertThat(e.has("client_token")).isFalse();
        }
        assertThat(history.body()).doesNotContain(alice);

        // The client's list, newest first, in the original's row shape (job_id) and the state's.
        String later = create(alice, "/api/v1/idle/start", "{}");
        Resp list = srv.asClient(alice, "GET", "/api/v1/jobs?limit=100&offset=0", null);
        assertThat(list.status()).as("%s", list).isEqualTo(200);
        List<String> ids = list.json().findValuesAsText("job_id");
        assertThat(ids).contains(id, later);
        assertThat(ids.indexOf(later)).isLessThan(ids.indexOf(id));
        Resp one = srv.asClient(alice, "GET", "/api/v1/jobs?limit=1", null);
        assertThat(one.json()).hasSize(1);
        assertThat(one.json().get(0).path("job_id").asText()).isEqualTo(ids.get(0));
        assertThat(one.json().get(0).path("id").asText()).isEqualTo(ids.get(0));
        Resp skip = srv.asClient(alice, "GET", "/api/v1/jobs?limit=1&offset=1", null);
        assertThat(skip.json().get(0).path("job_id").asText()).isEqualTo(ids.get(1));
        srv.asClient(alice, "POST", "/api/v1/jobs/" + later + "/cancel", null);
    }

    @Test
    void stepsCarryTheirDataThroughTheWorker() {
        String id = create(alice, "/api/v1/jobs/three", "{\"initial_data\": {\"n\": 5}}");
        for (int step = 0; step < 3; step++) {
            JsonNode task = null;
            for (int i = 0; i < 5 && task == null; i++) task = srv.poll(WORKER, "double");
            assertThat(task).isNotNull();
            long n = task.path("params").path("n").asLong();
            var result = Json.object().put("job_id", task.path("job_id").asText()).put("task_id", task.path("task_id").asText())
                    .put("origin_worker_id", WORKER);
            result.putObject("data").put("n", n * 2);
            assertThat(srv.asWorker(WORKER, "POST", "/_worker/tasks/result", result).status()).isEqualTo(200);
        }
        JsonNode done = awaitStatus(alice, id, "finished");
        assertThat(done.path("state_history").path("n").asInt()).isEqualTo(40);
    }

    @Test
    void createRefusesWhatTheOriginalRefuses() {
        assertError(srv.asClient(alice, "POST", "/api/v1/jobs/three", "{not json"), 400, "Invalid JSON body");
        assertError(srv.asClient(alice, "POST", "/api/v1/jobs/three", "[1, 2]"), 400, "Invalid JSON body");
        assertError(srv.asClient(alice, "POST", "/api/v1/jobs/three", ""), 400, "Invalid JSON body");
        Resp schema = srv.asClient(alice, "POST", "/api/v1/jobs/three", "{\"initial_data\": {\"n\": \"three\"}}");
        assertThat(schema.status()).as("%s", schema).isEqualTo(400);
        assertThat(schema.json().path("error").asText()).startsWith("Input validation failed for blueprint 'three': ");
        Resp missing = srv.asClient(alice, "POST", "/api/v1/jobs/three", "{}");
        assertThat(missing.json().path("error").asText()).startsWith("Input validation failed for blueprint 'three': ");
        assertError(srv.asClient(alice, "POST", "/api/v1/jobs/three", "{\"initial_data\": {\"n\": 1}, \"dispatch_timeout\": \"10\"}"),
                400, "dispatch_timeout must be a positive integer (seconds)");
        assertError(srv.asClient(alice, "POST", "/api/v1/jobs/three", "{\"initial_data\": {\"n\": 1}, \"result_timeout\": 1.5}"),
                400, "result_timeout must be a positive integer (seconds)");
        assertError(srv.asClient(alice, "POST", "/api/v1/jobs/three", "{\"initial_data\": {\"n\": 1}, \"dispatch_timeout\": 0}"),
                400, "dispatch_timeout must be a positive integer (seconds)");
        assertError(srv.asClient(alice, "POST", "/api/v1/jobs/three", "{\"initial_data\": [1]}"), 400, "initial_data must be an object");
        assertError(srv.asClient(alice, "POST", "/api/v1/jobs/three", "{\"initial_data\": {\"n\": 1}, \"webhook_url\": 7}"),
                400, "webhook_url must be a string");
        assertError(srv.asClient(alice, "POST", "/api/v1/jobs/three", "{\"initial_data\": {\"n\": 1}, \"metadata\": \"m\"}"),
                400, "metadata must be an object");
        // Nothing was started by any of them.
        assertThat(srv.server.engine().workflows().list(null, null, 0, 1000).items())
                .noneMatch(j -> j.initialData().path("n").isTextual());

        assertError(srv.send("POST", "/api/v1/jobs/three", "{\"initial_data\": {\"n\": 1}}"), 401, "Missing X-Client-Token header");
        assertError(srv.asClient("cox_wrong_0123456789abcdef", "POST", "/api/v1/jobs/three", "{}"), 401, "Unauthorized: Invalid token");
        assertError(srv.asClient(reader, "POST", "/api/v1/jobs/three", "{\"initial_data\": {\"n\": 1}}"), 403,
                "Forbidden: this credential needs the 'tasks:write' scope");
        // A path no blueprint serves is not the orchestrator's: the 404 of the face whose space it is in.
        for (String path : List.of("/api/v1/jobs/nobody_serves_this", "/api/v1/deep/er/path", "/api/v1/jobs//run", "/api/v9/jobs/three")) {
            Resp r = srv.asClient(alice, "POST", path, "{}");
            assertThat(r.status()).as("%s", r).isEqualTo(404);
            assertThat(r.json().path("error").path("code").asText()).as("%s", r).isEqualTo("not_found");
        }
        Resp big = srv.asClient(alice, "POST", "/api/v1/jobs/three", "{\"initial_data\": {\"s\": \"" + "x".repeat(1 << 20) + "\"}}");
        assertThat(big.status()).isEqualTo(413);
        assertThat(big.json().has("error")).isTrue();
    }

    @Test
    void aKeysMonthlyJobQuotaIsTheOriginals429() {
        var body = Json.object().put("name", "quota-client").put("tier", "unlimited").put("monthly_job_quota", 1);
        body.putArray("scopes").add("tasks:write");
        Resp key = srv.admin("POST", "/api/keys", body.toString());
        assertThat(key.status()).as("%s", key).isEqualTo(201);
        String limited = key.json().path("data").path("secret").asText();
        String first = create(limited, "/api/v1/idle/start", "{}");
        assertError(srv.asClient(limited, "POST", "/api/v1/idle/start", "{}"), 429, "Quota exceeded or not configured");
        // Reads are not charged (the original charged every request); the one job is there.
        assertThat(job(limited, first).path("id").asText()).isEqualTo(first);
        assertThat(srv.asClient(limited, "GET", "/api/v1/jobs", null).json()).hasSize(1);
        // A key without a quota is not limited.
        for (int i = 0; i < 3; i++) srv.asClient(alice, "POST", "/api/v1/jobs/" + create(alice, "/api/v1/idle/start", "{}") + "/cancel", null);
        srv.asClient(limited, "POST", "/api/v1/jobs/" + first + "/cancel", null);
    }

    @Test
    void anApprovalWaitsThenResumesOnTheWebhook() {
        String id = create(alice, "/api/v1/jobs/review", "{\"initial_data\": {\"title\": \"Q3\"}}");
        awaitStatus(alice, id, "waiting_for_human");
        String hook = "/_public/webhooks/approval/" + id;

        assertText(srv.send("POST", hook, "{\"decision\": \"approved\"}"), 401, "Client authentication required");
        assertText(srv.asClient("cox_wrong_0123456789abcdef", "POST", hook, "{\"decision\": \"approved\"}"), 401,
                "Unauthorized: Invalid client token");
        assertText(srv.asClient(bob, "POST", hook, "{\"decision\": \"approved\"}"), 403, OrchestratorError.NOT_OWNER);
        assertError(srv.asClient(reader, "POST", hook, "{\"decision\": \"approved\"}"), 403,
                "Forbidden: this credential needs the 'tasks:write' scope");
        assertError(srv.asClient(alice, "POST", hook, "{nope"), 400, "Invalid JSON body");
        assertError(srv.asClient(alice, "POST", hook, "{}"), 400, "decision is required in body");
        assertError(srv.asClient(alice, "POST", hook, "{\"decision\": \"\"}"), 400, "decision is required in body");
        assertError(srv.asClient(alice, "POST", hook, "{\"decision\": \"maybe\"}"), 400, "Invalid decision 'maybe' for this job");
        assertError(srv.asClient(alice, "POST", "/_public/webhooks/approval/" + UUID.randomUUID(), "{\"decision\": \"approved\"}"),
                404, "Job not found");
        assertThat(job(alice, id).path("status").asText()).isEqualTo("waiting_for_human");

        Resp ok = srv.asClient(alice, "POST", hook, "{\"decision\": \"approved\", \"metadata\": {\"by\": \"alice\"}}");
        assertThat(ok.status()).as("%s", ok).isEqualTo(200);
        assertThat(ok.json()).isEqualTo(Json.object().put("status", "approval_received").put("job_id", id));
        JsonNode done = awaitStatus(alice, id, "finished");
        assertThat(done.path("metadata").path("by").asText()).isEqualTo("alice");
        assertError(srv.asClient(alice, "POST", hook, "{\"decision\": \"approved\"}"), 409, "Job is not in a state that can be approved");

        // A rejection follows its own transition; an admin may decide any client's job.
        String other = create(alice, "/api/v1/jobs/review", "{\"initial_data\": {\"title\": \"Q4\"}}");
        awaitStatus(alice, other, "waiting_for_human");
        assertThat(srv.send("POST", "/_public/webhooks/approval/" + other, "{\"decision\": \"rejected\"}", "Authorization",
                "ApiKey " + admin).status()).isEqualTo(200);
        JsonNode rejected = awaitStatus(alice, other, "failed");
        assertThat(rejected.path("current_state").asText()).isEqualTo("rejected");
        assertThat(rejected.path("result").path("decision").asText()).isEqualTo("rejected");
    }

    @Test
    void cancelEndsAJobAndATerminalJobIsNotFound() {
        String id = create(alice, "/api/v1/idle/start", "{}");
        awaitStatus(alice, id, "waiting_for_worker");
        assertText(srv.asClient(bob, "POST", "/api/v1/jobs/" + id + "/cancel", null), 403, OrchestratorError.NOT_OWNER);
        assertError(srv.asClient(reader, "POST", "/api/v1/jobs/" + id + "/cancel", null), 403,
                "Forbidden: this credential needs the 'tasks:write' scope");
        Resp r = srv.asClient(alice, "POST", "/api/v1/jobs/" + id + "/cancel", null);
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.json()).isEqualTo(Json.object().put("status", "cancellation_request_accepted"));
        JsonNode cancelled = job(alice, id);
        assertThat(cancelled.path("status").asText()).isEqualTo("cancelled");
        assertError(srv.asClient(alice, "POST", "/api/v1/jobs/" + id + "/cancel", null), 404, "Job not found or already terminal.");
        assertError(srv.asClient(alice, "POST", "/api/v1/jobs/" + UUID.randomUUID() + "/cancel", null), 404, "Job not found");
        assertThat(srv.asClient(alice, "GET", "/api/v1/jobs/" + id + "/history", null).json().findValuesAsText("event_type"))
                .contains("job_created");
    }

    @Test
    void anotherClientsJobIsTheOriginals403AndAnAdminSeesEveryJob() {
        String id = create(alice, "/api/v1/idle/start", "{}");
        for (String path : List.of("/api/v1/jobs/" + id, "/api/v1/jobs/" + id + "/history", "/api/v1/jobs/" + id + "?fields=status")) {
            assertText(srv.asClient(bob, "GET", path, null), 403, "Access denied: You do not own this job");
        }
        assertThat(srv.asClient(bob, "GET", "/api/v1/jobs", null).json().findValuesAsText("job_id")).doesNotContain(id);
        // An admin key, as X-Client-Token or in Authorization, sees it and lists it.
        assertThat(job(admin, id).path("id").asText()).isEqualTo(id);
        assertThat(srv.admin("GET", "/api/v1/jobs/" + id, null).json().path("id").asText()).isEqualTo(id);
        assertThat(srv.asClient(admin, "GET", "/api/v1/jobs?limit=1000", null).json().findValuesAsText("job_id")).contains(id);
        // A reader may read its own jobs only: none.
        assertText(srv.asClient(reader, "GET", "/api/v1/jobs/" + id, null), 403, OrchestratorError.NOT_OWNER);
        assertThat(srv.asClient(reader, "GET", "/api/v1/jobs", null).json()).isEmpty();
        srv.asClient(alice, "POST", "/api/v1/jobs/" + id + "/cancel", null);
    }

    @Test
    void anUnknownJobIsNotFound() {
        String nobody = UUID.randomUUID().toString();
        assertError(srv.asClient(alice, "GET", "/api/v1/jobs/" + nobody, null), 404, "Job not found");
        assertError(srv.asClient(alice, "GET", "/api/v1/jobs/" + nobody + "/history", null), 404, "Job not found");
        assertError(srv.asClient(alice, "GET", "/api/v1/jobs/" + nobody.toUpperCase(), null), 404, "Job not found");
        assertError(srv.send("GET", "/api/v1/jobs/" + nobody, null), 401, "Missing X-Client-Token header");
    }

    @Test
    void quarantinedListsOnlyTheCallersJobs() {
        String id = create(alice, "/api/v1/jobs/fragile", "{}");
        JsonNode task = null;
        for (int i = 0; i < 5 && task == null; i++) task = srv.poll(FRAGILE_WORKER, "fragile");
        assertThat(task).isNotNull();
        var failure = Json.object().put("job_id", task.path("job_id").asText()).put("task_id", task.path("task_id").asText())
                .put("origin_worker_id", FRAGILE_WORKER).put("status", "failure");
        failure.putObject("data");
        failure.putObject("error").put("code", "PERMANENT_ERROR").put("message", "corrupt input");
        Resp answered = srv.asWorker(FRAGILE_WORKER, "POST", "/_worker/tasks/result", failure);
        assertThat(answered.json().path("status").asText()).as("%s", answered).isEqualTo("accepted");
        JsonNode q = awaitStatus(alice, id, "quarantined");
        assertThat(q.path("error_message").asText()).contains("PERMANENT_ERROR");

        Resp mine = srv.asClient(alice, "GET", "/_public/jobs/quarantined", null);
        assertThat(mine.status()).as("%s", mine).isEqualTo(200);
        assertThat(mine.json().findValuesAsText("id")).contains(id);
        assertThat(mine.json().findValuesAsText("status")).containsOnly("quarantined");
        assertThat(srv.asClient(bob, "GET", "/_public/jobs/quarantined", null).json().findValuesAsText("id")).doesNotContain(id);
        assertThat(srv.asClient(admin, "GET", "/_public/jobs/quarantined", null).json().findValuesAsText("id")).contains(id);
        assertError(srv.send("GET", "/_public/jobs/quarantined", null), 401, "Missing X-Client-Token header");
    }

    @Test
    void aBlueprintsGraphIsDot() {
        Resp r = srv.asClient(reader, "GET", "/api/v1/blueprints/three/graph", null);
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo("text/vnd.graphviz; charset=utf-8");
        assertThat(r.body()).startsWith("// State Machine for three").contains("digraph {").contains("\"first\" -> \"second\"");
        assertError(srv.asClient(reader, "GET", "/api/v1/blueprints/nothing/graph", null), 404, "Blueprint not found");
    }

    @Test
    void aBadPageIsRefused() {
        for (String q : List.of("limit=abc", "offset=-1", "limit=-5", "limit=1001", "offset=1.5")) {
            assertError(srv.asClient(alice, "GET", "/api/v1/jobs?" + q, null), 400, "Invalid limit/offset parameter");
        }
    }

    @Test
    void theDashboardCountsTheCallersJobsAndTheLiveWorkers() {
        String b1 = create(bob, "/api/v1/idle/start", "{}");
        String b2 = create(bob, "/api/v1/idle/start", "{}");
        awaitStatus(bob, b2, "waiting_for_worker");
        srv.asClient(bob, "POST", "/api/v1/jobs/" + b1 + "/cancel", null);
        Resp r = srv.asClient(bob, "GET", "/api/v1/dashboard", null);
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.json().path("workers").path("total").asLong()).isGreaterThanOrEqualTo(2); // the local worker and ours
        JsonNode jobs = r.json().path("jobs");
        assertThat(jobs.path("queued").isIntegralNumber()).isTrue();
        assertThat(jobs.path("cancelled").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(jobs.path("waiting_for_worker").asLong()).isGreaterThanOrEqualTo(1);
        long bobs = 0;
        for (var it = jobs.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getKey().equals("queued")) bobs += e.getValue().asLong();
        }
        assertThat(bobs).isEqualTo(srv.server.engine().workflows().list(null, null, 0, 1000).items().stream()
                .filter(j -> j.owner().equals(ownerOf(bob))).count());
        JsonNode all = srv.asClient(admin, "GET", "/api/v1/dashboard", null).json().path("jobs");
        long total = 0;
        for (var it = all.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getKey().equals("queued")) total += e.getValue().asLong();
        }
        assertThat(total).isEqualTo(srv.server.engine().workflows().list(null, null, 0, 1).total());
        srv.asClient(bob, "POST", "/api/v1/jobs/" + b2 + "/cancel", null);
    }

    /** The principal id a key authenticates as. */
    static String ownerOf(String key) {
        return srv.server.engine().apiKeys().authenticate(key).orElseThrow().id();
    }

    @Test
    void sharedPathsUnderApiV1AreToldApartAsDocumented() {
        Resp made = srv.send("POST", "/api/v1/jobs", "{\"name\": \"nightly\", \"schedule\": \"@hourly\", \"command\": \"true\"}",
                "X-API-Key", admin);
        assertThat(made.status()).as("%s", made).isEqualTo(201);
        String cron = made.json().path("data").path("id").asText();
        String flow = create(alice, "/api/v1/idle/start", "{}");

        // A job-<n> id is Chadburn's, whatever the credential header; a UUID is the orchestrator's.
        Resp chadburnJob = srv.asClient(admin, "GET", "/api/v1/jobs/" + cron, null);
        assertThat(chadburnJob.json().path("data").path("id").asText()).isEqualTo(cron);
        Resp orchestratorJob = srv.send("GET", "/api/v1/jobs/" + flow, null, "X-API-Key", admin);
        assertThat(orchestratorJob.json().path("id").asText()).isEqualTo(flow);
        assertThat(orchestratorJob.json().has("data")).isFalse();
        // The list: X-Client-Token is an orchestrator client; anything else is Chadburn's.
        Resp chadburnList = srv.send("GET", "/api/v1/jobs", null, "X-API-Key", admin);
        assertThat(chadburnList.json().path("data").isArray()).isTrue();
        assertThat(chadburnList.json().path("data").findValuesAsText("id")).contains(cron);
        Resp orchestratorList = srv.asClient(admin, "GET", "/api/v1/jobs", null);
        assertThat(orchestratorList.json().isArray()).isTrue();
        assertThat(orchestratorList.json().findValuesAsText("job_id")).contains(flow).doesNotContain(cron);
        // Chadburn's own routes and 404s are untouched.
        assertThat(srv.send("POST", "/api/v1/jobs/" + cron + "/pause", null, "X-API-Key", admin).status()).isEqualTo(200);
        Resp missing = srv.send("GET", "/api/v1/jobs/job-999999", null, "X-API-Key", admin);
        assertThat(missing.json().path("error").path("code").asText()).isEqualTo("not_found");
        srv.asClient(alice, "POST", "/api/v1/jobs/" + flow + "/cancel", null);
    }

    @Test
    void anotherApiVersionABlueprintDeclaresServesTheCommonRoutes() {
        String id = create(alice, "/api/v2/flows/versioned", "{}");
        Resp got = srv.asClient(alice, "GET", "/api/v2/jobs/" + id, null);
        assertThat(got.status()).as("%s", got).isEqualTo(200);
        assertThat(got.json().path("blueprint_name").asText()).isEqualTo("versioned");
        // Under v2 nothing is shared with Chadburn: any credential header lists the client's jobs.
        Resp list = srv.send("GET", "/api/v2/jobs", null, "Authorization", "ApiKey " + alice);
        assertThat(list.json().findValuesAsText("job_id")).contains(id);
        assertThat(srv.asClient(alice, "GET", "/api/v2/workers", null).status()).isEqualTo(200);
        assertThat(srv.asClient(alice, "GET", "/api/v2/dashboard", null).status()).isEqualTo(200);
        assertThat(srv.asClient(alice, "GET", "/api/v2/blueprints/versioned/graph", null).status()).isEqualTo(200);
        assertThat(srv.asClient(alice, "GET", "/api/v2/jobs/" + id + "/history", null).status()).isEqualTo(200);
        assertThat(srv.asClient(alice, "POST", "/api/v2/jobs/" + id + "/cancel", null).status()).isEqualTo(200);
        // A v1 blueprint's endpoint is not under v2, and no blueprint declares v3.
        Resp notUnderV2 = srv.asClient(alice, "POST", "/api/v2/jobs/three", "{}");
        assertThat(notUnderV2.status()).isEqualTo(404);
        assertThat(notUnderV2.json().path("error").path("code").asText()).isEqualTo("not_found");
        assertText(srv.send("GET", "/api/v3/jobs/" + id, null), 404, "404: Not Found");
        assertText(srv.send("GET", "/api/v3/dashboard", null), 404, "404: Not Found");
    }
}
