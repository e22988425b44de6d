package dev.coxswain.server.docs;

import static dev.coxswain.server.docs.DocsServer.ADMIN;
import static dev.coxswain.server.docs.DocsServer.WORKER_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.remote.WorkerTokens;
import dev.coxswain.core.testing.MutableClock;
import dev.coxswain.server.worker.WorkerProtocolConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Driven by {@code /openapi.json} as the running server serves it: for every operation and every
 * status it documents, a recipe (a request that produces that status) is sent to a real server
 * and the answer is checked against the document (status, media type, body through
 * {@link SchemaCheck}, the rate-limit and auth headers it sends). An operation or status with no
 * recipe fails the test by name, so a new route or a newly documented status needs one here.
 *
 * <p>The only statuses answered from the document alone are those no request can cause from the
 * outside of a healthy server ({@link #UNPRODUCIBLE}); for them every documented example must fit
 * the documented schema.
 */
class DocumentedResponsesTest {
    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "patch");
    private static final List<String> CHECKED_HEADERS = List.of("X-RateLimit-Limit", "X-RateLimit-Remaining",
            "X-RateLimit-Reset", "Retry-After", "WWW-Authenticate", "Idempotent-Replayed");
    /** Status → why no request can cause it; the documented examples are checked instead. */
    private static final Map<String, String> UNPRODUCIBLE = Map.of(
            "500", "an unexpected failure inside the server",
            "503", "the database unreachable");

    @TempDir
    static Path dir;
    @TempDir
    static Path tightDir;
    @TempDir
    static Path expiredDir;
    @TempDir
    static Path devDir;
    /** In dev mode: its {@code POST /_public/debug/flush_db} exists. */
    static DocsServer devServer;
    /** Generous rate limits, so no recipe is refused by accident. */
    static DocsServer srv;
    /** One request a minute per key and per address (and per worker and message type): every second request is a 429. */
    static DocsServer tight;
    static String tightKey;
    /** Its clock was moved two hours on after it issued {@link #expiredAccess}, a worker's STS access token. */
    static DocsServer expired;
    static String expiredAccess;
    static final String EXPIRED_WORKER = "docs-expired-worker";
    static final String CONFIGURED_WORKFLOW_SECRET = "docs-configured-workflow-secret-0123";
    static JsonNode doc;
    static SchemaCheck schemas;
    static final AtomicInteger unique = new AtomicInteger();

    /** A key that authenticates but holds no scope any face route accepts. */
    static String scopeless;
    static Map<String, String> ids = new HashMap<>();

    @BeforeAll
    static void start() {
        srv = new DocsServer(DocsServer.config(dir).withSecurity(DocsServer.limits(1_000_000))
                .withFiles(new dev.coxswain.server.files.FilesConfig(dev.coxswain.server.files.FilesConfig.Mode.LOCAL, null, null, 1 << 20, null))
                .withWebhooks(new dev.coxswain.core.webhook.WebhookSettings(true, false, Duration.ofSeconds(5), 1, Duration.ofSeconds(1))));
        tight = new DocsServer(DocsServer.config(tightDir).withSecurity(DocsServer.limits(1))
                .withWorkers(new WorkerProtocolConfig(Duration.ofSeconds(60), Duration.ofSeconds(30), true, Duration.ofSeconds(60), 1, 1, 1)));
        MutableClock later = new MutableClock(Instant.now());
        // Its workflow webhook secret is configured, so rotating it is a conflict.
        expired = new DocsServer(DocsServer.config(expiredDir).withSecurity(DocsServer.limits(1_000_000))
                .withWebhooks(dev.coxswain.core.webhook.WebhookSettings.defaults().withWorkflowSecret(CONFIGURED_WORKFLOW_SECRET)),
                later);
        expiredAccess = created(WorkerWire.send(expired, "POST", "/_worker/auth/token", null, EXPIRED_WORKER, WORKER_TOKEN))
                .path("access_token").asText();
        later.advance(WorkerTokens.ACCESS_TTL.plusHours(1));
        doc = srv.document();
        schemas = new SchemaCheck(doc);
        scopeless = created(srv.send("POST", "/api/keys", "{\"name\": \"scopeless\", \"scopes\": [\"workers\"]}", ADMIN)).path("secret").asText();
        tightKey = created(tight.send("POST", "/api/keys", "{\"name\": \"tight\", \"scopes\": [\"admin\"]}", ADMIN)).path("secret").asText();
        ids.put("task", pendingTask());
        ids.put("key", created(srv.send("POST", "/api/keys", "{\"name\": \"k\", \"scopes\": [\"tasks:read\"]}", ADMIN)).path("id").asText());
        ids.put("webhook", webhook());
        ids.put("schedule", schedule());
        ids.put("connection", connection());
        ids.put("job", job());
        ids.put("blueprint", blueprint());
        ids.put("wfjob", workflowJob());
        ids.put("stask", schedulerTask());
        ids.put("execution", srv.send("POST", "/scheduler/tasks/" + ids.get("stask") + "/run", null, ADMIN).json().path("execution_id").asText());
        ids.put("dtask", deviceTask());
        // Dev mode, and files off: its file routes answer 501.
        devServer = new DocsServer(DocsServer.config(devDir).withDevMode(true).withFiles(new dev.coxswain.server.files.FilesConfig(
                dev.coxswain.server.files.FilesConfig.Mode.OFF, null, null, dev.coxswain.server.files.FilesConfig.DEFAULT_MAX_BYTES, null)));
        for (DocsServer s : List.of(srv, tight, devServer)) {
            for (String bp : List.of(DOCS_FLOW, DOCS_APPROVAL, DOCS_V2)) s.server.engine().workflows().register(bp, "json", "docs");
        }
        ids.put("flow", flowJob());
        ids.put("v2flow", created(admin("POST", "/api/v2/flows/docs_v2", "{}")).path("job_id").asText());
    }

    /** A one-step blueprint whose step waits for a skill nobody offers: its jobs stay in flight. */
    static final String DOCS_FLOW = """
            {"name": "docs_orch_flow", "api_endpoint": "/jobs/docs_orch_flow",
             "input_schema": {"type": "object", "properties": {"n": {"type": "integer"}}},
             "states": {"go": {"start": true, "type": "dispatch", "skill": "docs_nobody_offers", "params": {"n": "{{ initial_data.n }}"},
                               "transitions": {"success": "finished"}},
                        "finished": {"type": "end"}}}""";
    static final String DOCS_APPROVAL = """
            {"name": "docs_orch_approval", "api_endpoint": "/jobs/docs_orch_approval",
             "states": {"ask": {"start": true, "type": "approval", "message": "ok?",
                                "transitions": {"approved": "finished", "rejected": "finished"}},
                        "finished": {"type": "end"}}}""";
    static final String DOCS_V2 = """
            {"name": "docs_v2", "api_endpoint": "/flows/docs_v2", "api_version": "v2",
             "states": {"go": {"start": true, "type": "dispatch", "skill": "docs_nobody_offers", "params": {},
                               "transitions": {"success": "finished"}},
                        "finished": {"type": "end"}}}""";

    @AfterAll
    static void stop() {
        if (srv != null) srv.close();
        if (tight != null) tight.close();
        if (expired != null) expired.close();
        if (devServer != null) devServer.close();
    }

    @Test
    void everyDocumentedResponseIsProducedAndFitsItsSchema() {
        Map<String, Supplier<DocsServer.Reply>> recipes = recipes();
        List<String> problems = new ArrayList<>();
        int sent = 0, fromExamples = 0;
        for (Iterator<String> ps = doc.path("paths").fieldNames(); ps.hasNext(); ) {
            String path = ps.next();
            for (Iterator<String> ms = doc.path("paths").path(path).fieldNames(); ms.hasNext(); ) {
                String method = ms.next();
                if (!HTTP_METHODS.contains(method)) continue;
                JsonNode op = doc.path("paths").path(path).path(method);
                for (Iterator<String> ss = op.path("responses").fieldNames(); ss.hasNext(); ) {
                    String status = ss.next();
                    String what = method.toUpperCase() + " " + path + " " + status;
                    if (UNPRODUCIBLE.containsKey(status)) {
                        problems.addAll(examplesFit(path, method, status));
                        fromExamples++;
                        continue;
                    }
                    Supplier<DocsServer.Reply> recipe = recipes.get(what);
                    if (recipe == null) recipe = generic(path, method, op, Integer.parseInt(status));
                    if (recipe == null) {
                        problems.add(what + ": no recipe (add one to DocumentedResponsesTest)");
                        continue;
                    }
                    sent++;
                    try {
                        problems.addAll(fits(recipe.get(), path, method, Integer.parseInt(status)));
                    } catch (RuntimeException | AssertionError e) {
                        problems.add(what + ": the recipe failed: " + e.getMessage());
                    }
                }
            }
        }
        System.out.printf("documented responses: %d produced and checked, %d from examples only%n", sent, fromExamples);
        assertThat(problems).as("answers vs /openapi.json").isEmpty();
    }

    /**
     * Every operation that documents the {@code Idempotency-Key} header: a replay (same key, same
     * request) gets the first status with {@code Idempotent-Replayed: true}, the key with another
     * request gets the documented 422, and a malformed key the documented 400.
     */
    @Test
    void everyIdempotentOperationAnswersAReplayAReusedAndAMalformedKeyAsDocumented() {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Iterator<String> ps = doc.path("paths").fieldNames(); ps.hasNext(); ) {
            String path = ps.next();
            for (Iterator<String> ms = doc.path("paths").path(path).fieldNames(); ms.hasNext(); ) {
                String method = ms.next();
                if (!HTTP_METHODS.contains(method) || !takesIdempotencyKey(doc.path("paths").path(path).path(method))) continue;
                String m = method.toUpperCase(), what = m + " " + path;
                String url = another(path), other = another(path);
                String body = path.contains("{") ? null : validBody(path);
                String otherBody = path.contains("{") ? null : validBody(path);
                String key = "replay-" + unique.incrementAndGet();
                DocsServer.Reply first = srv.send(m, url, body, ADMIN, "Idempotency-Key", key);
                DocsServer.Reply replay = srv.send(m, url, body, ADMIN, "Idempotency-Key", key);
                checked++;
                if (first.status() / 100 != 2) {
                    problems.add(what + ": the first request got " + first.status() + " " + abbreviate(first.text()));
                    continue;
                }
                if (replay.status() != first.status() || !replay.headers().firstValue("Idempotent-Replayed").equals(java.util.Optional.of("true"))) {
                    problems.add(what + ": the replay got " + replay.status() + " " + replay.headers().map() + " after " + first.status());
                }
                problems.addAll(fits(replay, path, method, first.status()));
                problems.addAll(fits(srv.send(m, other, otherBody, ADMIN, "Idempotency-Key", key), path, method, 422));
                problems.addAll(fits(badKey(m, url, body), path, method, 400));
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(10);
        assertThat(problems).as("Idempotency-Key answers vs /openapi.json").isEmpty();
    }

    /**
     * The worker face's answers in the variants one recipe per status does not reach (a full-sync
     * request, an empty heartbeat, cancel ids, ignored results and events, a hand-back), and the
     * native fields they feed: a task's {@code params}, {@code requirements}, {@code
     * waiting_for_worker}, {@code progress}, {@code error_code} and JSON {@code result}; a remote
     * worker in the list and in detail.
     */
    @Test
    void workerAnswersAndTheNativeFieldsTheyFeedFitInEveryVariant() {
        List<String> problems = new ArrayList<>();
        String heartbeat = "/_worker/workers/{worker_id}", result = "/_worker/tasks/result", events = "/_worker/events";

        // A worker that registered no skills is asked for them; an empty heartbeat only refreshes its TTL.
        String bare = registered();
        DocsServer.Reply sync = asWorker("PATCH", "/_worker/workers/" + bare, signed(WorkerWire.heartbeat(bare, List.of()), false, bare), bare);
        assertThat(sync.json().path("require_full_sync").asBoolean()).as(sync.text()).isTrue();
        problems.addAll(fits(sync, heartbeat, "patch", 200));
        DocsServer.Reply ttl = asWorker("PATCH", "/_worker/workers/" + bare, null, bare);
        assertThat(ttl.json().path("status").asText()).as(ttl.text()).isEqualTo("ttl_refreshed");
        problems.addAll(fits(ttl, heartbeat, "patch", 200));

        // A task of a skill nobody offers yet waits for a worker that meets its requirements.
        String skill = skill();
        DocsServer.Reply made = admin("POST", "/api/tasks", "{\"name\": \"resize\", \"type\": \"" + skill + "\", \"params\": {\"size\": 3}, "
                + "\"requirements\": {\"worker_type\": \"docs-worker\", \"resources\": {\"cpu_cores\": 2}, \"software\": {\"python\": null}, "
                + "\"device\": \"gpu-0\"}, \"max_retries\": 0}");
        problems.addAll(fits(made, "/api/tasks", "post", 201));
        String task = made.json().at("/data/id").asText();
        DocsServer.Reply waiting = admin("GET", "/api/tasks/" + task, null);
        assertThat(waiting.json().at("/data/waiting_for_worker").asBoolean()).as(waiting.text()).isTrue();
        problems.addAll(fits(waiting, "/api/tasks/{id}", "get", 200));
        problems.addAll(fits(admin("GET", "/api/tasks?status=queued", null), "/api/tasks", "get", 200));
        // A shell task with requirements runs on a remote worker that meets them, and shows them.
        DocsServer.Reply shell = admin("POST", "/api/tasks", "{\"name\": \"remote shell\", \"command\": \"true\", "
                + "\"requirements\": {\"worker_id\": \"nobody-here\"}}");
        assertThat(shell.json().at("/data/requirements/worker_id").asText()).as(shell.text()).isEqualTo("nobody-here");
        problems.addAll(fits(shell, "/api/tasks", "post", 201));

        // A worker that meets them takes it, reports progress, log lines and events of its own.
        String id = registered(skill);
        DocsServer.Reply polled = asWorker("GET", "/_worker/workers/" + id + "/tasks/next?timeout=20&available_skills=" + skill, null, id);
        problems.addAll(fits(polled, "/_worker/workers/{worker_id}/tasks/next", "get", 200));
        JsonNode payload = polled.json();
        assertThat(payload.path("job_id").asText()).isEqualTo(task);
        assertThat(payload.path("params").path("size").asInt()).isEqualTo(3);
        problems.addAll(fits(asWorker("POST", events, signed(WorkerWire.event(id, payload, "progress",
                Json.object().put("progress", 0.25).put("message", "a quarter")), true, id), id), events, "post", 200));
        ObjectNode log = Json.object();
        log.putArray("lines").addObject().put("level", "warn").put("message", "disk is slow");
        problems.addAll(fits(asWorker("POST", events, signed(WorkerWire.event(id, payload, "log", log), true, id), id), events, "post", 200));
        problems.addAll(fits(asWorker("POST", events, signed(WorkerWire.event(id, payload, "docs_thing", Json.object().put("k", "v")), true, id), id),
                events, "post", 200));
        DocsServer.Reply noCheckpoints = asWorker("POST", events, signed(WorkerWire.event(id, payload, "checkpoint",
                Json.object().set("data", Json.object().put("step", 2))), true, id), id);
        assertThat(noCheckpoints.json().path("reason").asText()).as(noCheckpoints.text()).isEqualTo("checkpoints_disabled");
        problems.addAll(fits(noCheckpoints, events, "post", 200));
        DocsServer.Reply running = admin("GET", "/api/tasks/" + task, null);
        assertThat(running.json().at("/data/progress/value").asDouble()).as(running.text()).isEqualTo(0.25);
        problems.addAll(fits(running, "/api/tasks/{id}", "get", 200));

        // Its heartbeat lists an attempt that is not its own: the answer names it to cancel.
        DocsServer.Reply cancel = asWorker("PATCH", "/_worker/workers/" + id, signed(WorkerWire.heartbeat(id,
                List.of(payload.path("task_id").asText(), "task-999999.1")), false, id), id);
        assertThat(cancel.json().path("cancel_task_ids").toString()).as(cancel.text()).isEqualTo("[\"task-999999.1\"]");
        problems.addAll(fits(cancel, heartbeat, "patch", 200));
        problems.addAll(fits(admin("GET", "/api/workers/" + id, null), "/api/workers/{id}", "get", 200));
        problems.addAll(fits(admin("GET", "/api/workers?limit=100", null), "/api/workers", "get", 200));

        // A permanent failure fails the task at once; the same result again, or an event after it, is ignored.
        ObjectNode failure = WorkerWire.result(id, payload, "failure", Json.object());
        failure.putObject("error").put("code", "PERMANENT_ERROR").put("message", "the image is corrupt");
        DocsServer.Reply failed = asWorker("POST", result, signed(failure.deepCopy(), false, id), id);
        assertThat(failed.json().path("transition").asText()).as(failed.text()).isEqualTo("failure_handled");
        problems.addAll(fits(failed, result, "post", 200));
        DocsServer.Reply again = asWorker("POST", result, signed(failure, false, id), id);
        assertThat(again.json().path("reason").asText()).as(again.text()).isEqualTo("job_already_terminated");
        problems.addAll(fits(again, result, "post", 200));
        problems.addAll(fits(asWorker("POST", events, signed(WorkerWire.event(id, payload, "progress", Json.object().put("progress", 1)), true, id), id),
                events, "post", 200));
        DocsServer.Reply gone = admin("GET", "/api/tasks/" + task, null);
        assertThat(gone.json().at("/data/error_code").asText()).as(gone.text()).isEqualTo("PERMANENT_ERROR");
        problems.addAll(fits(gone, "/api/tasks/{id}", "get", 200));

        // A success stores the worker's data as the task's JSON result; a hand-back queues the task again.
        JsonNode done = claimed(id, skill);
        problems.addAll(fits(asWorker("POST", result, signed(WorkerWire.result(id, done, null, Json.object().put("answer", 42)), false, id), id),
                result, "post", 200));
        DocsServer.Reply completed = admin("GET", "/api/tasks/" + done.path("job_id").asText(), null);
        assertThat(completed.json().at("/data/result/answer").asInt()).as(completed.text()).isEqualTo(42);
        problems.addAll(fits(completed, "/api/tasks/{id}", "get", 200));
        JsonNode handed = claimed(id, skill);
        DocsServer.Reply released = asWorker("POST", result, signed(WorkerWire.result(id, handed, "released", null), false, id), id);
        assertThat(released.json().path("transition").asText()).as(released.text()).isEqualTo("released");
        problems.addAll(fits(released, result, "post", 200));
        assertThat(problems).as("worker answers vs /openapi.json").isEmpty();
    }

    /**
     * The orchestrator's answers that one recipe per status does not reach: its side of the two
     * paths it shares with Chadburn (a UUID job, the list with {@code X-Client-Token}), another
     * client's job (the 403 text), a finished approval's job, and its refusals on the shared paths.
     */
    @Test
    void orchestratorAnswersOnTheSharedPathsAndInEveryVariantFit() {
        List<String> problems = new ArrayList<>();
        String job = "/api/v1/jobs/{id}", jobs = "/api/v1/jobs";
        String client = created(srv.send("POST", "/api/keys", "{\"name\": \"docs-client\", \"scopes\": [\"tasks:write\"], "
                + "\"tier\": \"unlimited\"}", ADMIN)).path("secret").asText();
        String other = created(srv.send("POST", "/api/keys", "{\"name\": \"docs-other\", \"scopes\": [\"tasks:write\"], "
                + "\"tier\": \"unlimited\"}", ADMIN)).path("secret").asText();
        String mine = created(srv.send("POST", "/api/v1/jobs/docs_orch_flow", "{\"initial_data\": {\"n\": 2}}", null, "X-Client-Token", client))
                .path("job_id").asText();

        problems.addAll(fits(srv.send("GET", "/api/v1/jobs/" + mine, null, null, "X-Client-Token", client), job, "get", 200));
        problems.addAll(fits(srv.send("GET", "/api/v1/jobs/" + mine + "?fields=status,initial_data", null, null, "X-Client-Token", client),
                job, "get", 200));
        problems.addAll(fits(srv.send("GET", "/api/v1/jobs/" + mine, null, null, "X-Client-Token", other), job, "get", 403));
        problems.addAll(fits(srv.send("GET", "/api/v1/jobs/00000000-0000-4000-8000-000000000000", null, null, "X-Client-Token", client),
                job, "get", 404));
        problems.addAll(fits(srv.send("GET", "/api/v1/jobs/" + mine, null, null), job, "get", 401));
        problems.addAll(fits(srv.send("GET", "/api/v1/jobs/" + mine, null, null, "X-Client-Token", "cox_wrong"), job, "get", 401));
        problems.addAll(fits(srv.send("GET", "/api/v1/jobs/" + mine, null, scopeless), job, "get", 403));
        problems.addAll(fits(srv.send("GET", jobs + "?limit=10", null, null, "X-Client-Token", client), jobs, "get", 200));
        problems.addAll(fits(srv.send("GET", jobs + "?offset=x", null, null, "X-Client-Token", client), jobs, "get", 400));
        problems.addAll(fits(srv.send("GET", jobs, null, null, "X-Client-Token", "cox_wrong"), jobs, "get", 401));
        problems.addAll(fits(srv.send("GET", jobs, null, null, "X-Client-Token", scopeless), jobs, "get", 403));
        tight.send("GET", jobs, null, null, "X-Client-Token", tightKey); // spends the minute's one request, if any is left
        problems.addAll(fits(tight.send("GET", jobs, null, null, "X-Client-Token", tightKey), jobs, "get", 429));

        // Another client's job on the other job routes; an ended approval's state and history.
        String history = "/api/{api_version}/jobs/{job_id}/history", cancel = "/api/{api_version}/jobs/{job_id}/cancel";
        problems.addAll(fits(srv.send("GET", "/api/v1/jobs/" + mine + "/history", null, null, "X-Client-Token", other), history, "get", 403));
        problems.addAll(fits(srv.send("POST", "/api/v1/jobs/" + mine + "/cancel", null, null, "X-Client-Token", other), cancel, "post", 403));
        problems.addAll(fits(srv.send("POST", "/_public/webhooks/approval/" + mine, "{\"decision\": \"approved\"}", null,
                "X-Client-Token", other), "/_public/webhooks/approval/{job_id}", "post", 403));
        problems.addAll(fits(srv.send("POST", "/_public/webhooks/approval/" + mine, "{\"decision\": \"approved\"}", null,
                "X-Client-Token", "cox_wrong"), "/_public/webhooks/approval/{job_id}", "post", 401));
        String approved = waitingApproval();
        admin("POST", "/_public/webhooks/approval/" + approved, "{\"decision\": \"approved\"}");
        await().atMost(Duration.ofSeconds(20)).until(() -> admin("GET", "/api/v1/jobs/" + approved, null).json().path("status").asText()
                .equals("finished"));
        problems.addAll(fits(admin("GET", "/api/v1/jobs/" + approved, null), job, "get", 200));
        problems.addAll(fits(admin("GET", "/api/v1/jobs/" + approved + "/history", null), history, "get", 200));
        problems.addAll(fits(admin("POST", "/api/v1/jobs/" + approved + "/cancel", null), cancel, "post", 404));
        problems.addAll(fits(admin("GET", "/api/v2/jobs/" + ids.get("v2flow"), null), "/api/{api_version}/jobs/{job_id}", "get", 200));
        // A key's monthly job quota used up.
        String quota = created(srv.send("POST", "/api/keys", "{\"name\": \"docs-quota\", \"scopes\": [\"tasks:write\"], "
                + "\"tier\": \"unlimited\", \"monthly_job_quota\": 0}", ADMIN)).path("secret").asText();
        problems.addAll(fits(srv.send("POST", "/api/v1/jobs/docs_orch_flow", "{}", null, "X-Client-Token", quota),
                "/api/{api_version}/{endpoint}", "post", 429));
        assertThat(problems).as("orchestrator answers vs /openapi.json").isEmpty();
    }

    private static boolean takesIdempotencyKey(JsonNode op) {
        for (JsonNode p : op.path("parameters")) {
            JsonNode param = schemas.resolve(p);
            if (param.path("in").asText().equals("header") && param.path("name").asText().equals("Idempotency-Key")) return true;
        }
        return false;
    }

    /** Checks status, media type, body and the rate-limit/auth headers of an answer against the document. */
    static List<String> fits(DocsServer.Reply r, String path, String method, int status) {
        String what = method.toUpperCase() + " " + path + " " + status;
        List<String> out = new ArrayList<>();
        if (r.status() != status) {
            out.add(what + ": the recipe got " + r.status() + " " + abbreviate(r.text()));
            return out;
        }
        JsonNode response = schemas.resolve(doc.path("paths").path(path).path(method).path("responses").path(Integer.toString(status)));
        JsonNode content = response.path("content");
        String type = r.contentType();
        if (content.isMissingNode() || content.isEmpty()) {
            if (r.body().length > 0) out.add(what + ": documents no body but got " + abbreviate(r.text()));
        } else if (type == null || !content.has(type)) {
            out.add(what + ": media type " + r.contentType() + " is not documented " + content.properties().stream().map(Map.Entry::getKey).toList());
        } else if (type.startsWith("application/json")) {
            JsonNode body;
            try {
                body = r.json();
            } catch (RuntimeException e) {
                out.add(what + ": body is not JSON: " + abbreviate(r.text()));
                return out;
            }
            for (String p : schemas.responseProblems(path, method, status, body)) out.add(what + ": " + p + " in " + abbreviate(r.text()));
        }
        for (String h : CHECKED_HEADERS) {
            if (r.headers().firstValue(h).isPresent() && !response.path("headers").has(h)) {
                out.add(what + ": sends " + h + " but does not document it");
            }
        }
        return out;
    }

    private static List<String> examplesFit(String path, String method, String status) {
        List<String> out = new ArrayList<>();
        JsonNode response = schemas.resolve(doc.path("paths").path(path).path(method).path("responses").path(status));
        JsonNode media = response.path("content").path("application/json");
        if (media.isMissingNode()) return out;
        List<JsonNode> examples = new ArrayList<>();
        if (media.has("example")) examples.add(media.get("example"));
        media.path("examples").forEach(e -> examples.add(schemas.resolve(e).path("value")));
        if (examples.isEmpty()) out.add(method.toUpperCase() + " " + path + " " + status + ": no example to check");
        for (JsonNode e : examples) {
            for (String p : schemas.responseProblems(path, method, Integer.parseInt(status), e)) {
                out.add(method.toUpperCase() + " " + path + " " + status + " example: " + p);
            }
        }
        return out;
    }

    // ---- recipes ----------------------------------------------------------------------------

    /**
     * The statuses every operation of a kind answers the same way: refusals of the guard, the
     * body limit, malformed JSON, an unknown id.
     */
    private static Supplier<DocsServer.Reply> generic(String path, String method, JsonNode op, int status) {
        String m = method.toUpperCase();
        String face = op.path("tags").path(0).asText();
        boolean open = op.has("security") && op.get("security").isEmpty();
        boolean hasBody = op.has("requestBody");
        String url = fill(path);
        String body = hasBody ? "{}" : null;
        return switch (status) {
            case 401 -> () -> srv.send(m, url, body, null);
            case 403 -> () -> srv.send(m, url, body, scopeless);
            case 406 -> face.equals("native") ? () -> srv.send(m, url, null, ADMIN, "Accept", "application/json; version=2.0") : null;
            case 429 -> () -> {
                String key = open ? null : tightKey;
                tight.send(m, url, body, key); // spends the one request of the minute
                return tight.send(m, url, body, key);
            };
            case 413 -> hasBody ? () -> srv.send(m, url, "{\"name\": \"" + "y".repeat((1 << 20) + 10) + "\"}", ADMIN) : null;
            case 400 -> hasBody && !face.equals("scheduler") ? () -> srv.send(m, url, "{not json", ADMIN) : null;
            case 404 -> path.contains("{") ? () -> srv.send(m, unknown(path), hasBody ? validBody(m, path) : null, ADMIN) : null;
            case 422 -> face.equals("scheduler") && path.contains("{")
                    ? () -> srv.send(m, path.replaceAll("\\{[^}]+}", "abc"), body, ADMIN) : null;
            default -> null;
        };
    }

    /** Recipes for one operation and status, keyed "METHOD /path STATUS"; the scheduler face's are listed once for both prefixes. */
    private static Map<String, Supplier<DocsServer.Reply>> recipes() {
        Map<String, Supplier<DocsServer.Reply>> r = new HashMap<>();
        // Open routes.
        for (String p : List.of("/health", "/health/live", "/health/ready", "/metrics", "/_public/metrics", "/openapi.json", "/docs")) {
            r.put("GET " + p + " 200", () -> srv.get(p));
        }
        r.put("GET /docs/assets/{file} 200", () -> srv.get(fill("/docs/assets/{file}")));
        r.put("GET /docs/assets/{file} 404", () -> srv.get("/docs/assets/missing.js"));

        // Orchestrator.
        r.put("GET /_public/status 200", () -> srv.get("/_public/status"));
        r.put("GET /api/{api_version}/workers 200", () -> admin("GET", "/api/v1/workers", null));
        r.put("GET /api/{api_version}/workers 404", () -> admin("GET", "/api/v7/workers", null));
        r.put("GET /api/{api_version}/dashboard 200", () -> admin("GET", "/api/v1/dashboard", null));
        r.put("GET /api/{api_version}/dashboard 404", () -> srv.get("/api/v7/dashboard"));
        r.put("GET /api/{api_version}/jobs/{job_id} 200", () -> admin("GET", fill("/api/{api_version}/jobs/{job_id}") + "?fields=status", null));
        r.put("GET /api/{api_version}/jobs 200", () -> admin("GET", "/api/v2/jobs?limit=5", null));
        r.put("GET /api/{api_version}/jobs 400", () -> admin("GET", "/api/v2/jobs?limit=abc", null));
        r.put("GET /api/{api_version}/jobs 404", () -> srv.get("/api/v7/jobs"));
        r.put("POST /api/{api_version}/jobs/{job_id}/cancel 200", () -> admin("POST", "/api/v1/jobs/" + flowJob() + "/cancel", null));
        r.put("GET /api/{api_version}/jobs/{job_id}/history 200", () -> admin("GET", fill("/api/{api_version}/jobs/{job_id}/history"), null));
        r.put("GET /api/{api_version}/blueprints/{name}/graph 200", () -> admin("GET", fill("/api/{api_version}/blueprints/{name}/graph"), null));
        r.put("POST /api/{api_version}/{endpoint} 202", () -> admin("POST", "/api/v1/jobs/docs_orch_flow", "{\"initial_data\": {\"n\": 1}}"));
        r.put("POST /api/{api_version}/{endpoint} 400", () -> admin("POST", "/api/v1/jobs/docs_orch_flow", "{\"initial_data\": {\"n\": \"one\"}}"));
        r.put("GET /_public/jobs/quarantined 200", () -> admin("GET", "/_public/jobs/quarantined", null));
        r.put("POST /_public/webhooks/approval/{job_id} 200", () -> admin("POST", "/_public/webhooks/approval/" + waitingApproval(),
                "{\"decision\": \"approved\"}"));
        r.put("POST /_public/webhooks/approval/{job_id} 400", () -> admin("POST", "/_public/webhooks/approval/" + waitingApproval(),
                "{\"decision\": \"perhaps\"}"));
        r.put("POST /_public/webhooks/approval/{job_id} 401", () -> srv.send("POST", "/_public/webhooks/approval/" + ids.get("flow"),
                "{\"decision\": \"approved\"}", null));
        r.put("POST /_public/webhooks/approval/{job_id} 409", () -> {
            String cancelled = flowJob();
            admin("POST", "/api/v1/jobs/" + cancelled + "/cancel", null);
            return admin("POST", "/_public/webhooks/approval/" + cancelled, "{\"decision\": \"approved\"}");
        });
        r.put("POST /_public/debug/flush_db 200", () -> devServer.send("POST", "/_public/debug/flush_db", null, null));
        r.put("POST /_public/debug/flush_db 404", () -> srv.send("POST", "/_public/debug/flush_db", null, null));
        String upload = "/api/{api_version}/jobs/{job_id}/files/upload", content = "/api/{api_version}/jobs/{job_id}/files/content/{filename}",
                download = "/api/{api_version}/jobs/{job_id}/files/download/{filename}";
        String tooLong = "f".repeat(300);
        r.put("GET " + upload + " 200", () -> admin("GET", fill(upload) + "?filename=in.txt&expires_in=600", null));
        r.put("GET " + upload + " 400", () -> admin("GET", fill(upload) + "?filename=in.txt&expires_in=0", null));
        r.put("GET " + upload + " 501", () -> devServer.send("GET", "/api/v1/jobs/" + devFlowJob() + "/files/upload?filename=a", null, ADMIN));
        r.put("PUT " + content + " 200", () -> admin("PUT", "/api/v1/jobs/" + ids.get("flow") + "/files/content/in.txt", "file bytes"));
        r.put("PUT " + content + " 400", () -> admin("PUT", "/api/v1/jobs/" + ids.get("flow") + "/files/content/" + tooLong, "file bytes"));
        r.put("PUT " + content + " 413", () -> admin("PUT", "/api/v1/jobs/" + ids.get("flow") + "/files/content/big.bin",
                "y".repeat((1 << 20) + 10)));
        r.put("PUT " + content + " 501", () -> devServer.send("PUT", "/api/v1/jobs/" + devFlowJob() + "/files/content/a", "x", ADMIN));
        r.put("GET " + download + " 302", () -> {
            admin("PUT", "/api/v1/jobs/" + ids.get("flow") + "/files/content/out.txt", "file bytes");
            return admin("GET", "/api/v1/jobs/" + ids.get("flow") + "/files/download/out.txt", null);
        });
        r.put("GET " + download + " 400", () -> admin("GET", "/api/v1/jobs/" + ids.get("flow") + "/files/download/" + tooLong, null));
        r.put("GET " + download + " 501", () -> devServer.send("GET", "/api/v1/jobs/" + devFlowJob() + "/files/download/a", null, ADMIN));

        // The local file store's signed links (the signature is the credential; 403 is the generic recipe).
        r.put("PUT /_files/{key} 200", () -> srv.send("PUT", signed(srv.server.files().presignPut("jobs/docs-job/up.bin", Duration.ofMinutes(5)).url()),
                "file bytes", null));
        r.put("PUT /_files/{key} 400", () -> shortBody(signed(srv.server.files().presignPut("jobs/docs-job/short.bin", Duration.ofMinutes(5)).url())));
        r.put("PUT /_files/{key} 413", () -> srv.send("PUT", signed(srv.server.files().presignPut("jobs/docs-job/big.bin", Duration.ofMinutes(5)).url()),
                "y".repeat((1 << 20) + 1), null));
        r.put("GET /_files/{key} 200", () -> {
            srv.send("PUT", signed(srv.server.files().presignPut("jobs/docs-job/down.bin", Duration.ofMinutes(5)).url()), "file bytes", null);
            return srv.get(signed(srv.server.files().presignGet("jobs/docs-job/down.bin", Duration.ofMinutes(5)).url()));
        });
        r.put("GET /_files/{key} 404", () -> srv.get(signed(srv.server.files().presignGet("jobs/docs-job/missing.bin", Duration.ofMinutes(5)).url())));

        // Native: tasks.
        r.put("GET /api/tasks 200", () -> admin("GET", "/api/tasks?sort=priority&order=asc&limit=5", null));
        r.put("GET /api/tasks 400", () -> admin("GET", "/api/tasks?limit=0", null));
        r.put("POST /api/tasks 201", () -> admin("POST", "/api/tasks", "{\"name\": \"c\", \"command\": \"true\", \"tags\": [\"a\"], "
                + "\"scheduled_at\": \"2099-01-01T00:00:00Z\", \"checkpoint_enabled\": true}"));
        r.put("POST /api/tasks 422", () -> admin("POST", "/api/tasks", "{\"name\": \"x\", \"command\": \"true\", \"priority\": 11}"));
        r.put("GET /api/tasks/{id} 200", () -> admin("GET", fill("/api/tasks/{id}"), null));
        r.put("PUT /api/tasks/{id} 200", () -> admin("PUT", "/api/tasks/" + pendingTask(), "{\"priority\": 2}"));
        r.put("PUT /api/tasks/{id} 409", () -> admin("PUT", "/api/tasks/" + cancelledTask(), "{\"priority\": 2}"));
        r.put("PUT /api/tasks/{id} 422", () -> admin("PUT", fill("/api/tasks/{id}"), "{\"priority\": 11}"));
        r.put("DELETE /api/tasks/{id} 200", () -> admin("DELETE", "/api/tasks/" + pendingTask(), null));
        r.put("DELETE /api/tasks/{id} 409", () -> {
            String parent = pendingTask();
            admin("POST", "/api/tasks", "{\"name\": \"child\", \"command\": \"true\", \"dependencies\": [\"" + parent + "\"]}");
            return admin("DELETE", "/api/tasks/" + parent, null);
        });
        r.put("POST /api/tasks/{id}/cancel 200", () -> admin("POST", "/api/tasks/" + pendingTask() + "/cancel", null));
        r.put("POST /api/tasks/{id}/cancel 409", () -> admin("POST", "/api/tasks/" + cancelledTask() + "/cancel", null));
        r.put("POST /api/tasks/{id}/retry 200", () -> admin("POST", "/api/tasks/" + failedTask() + "/retry", null));
        r.put("POST /api/tasks/{id}/retry 409", () -> admin("POST", "/api/tasks/" + pendingTask() + "/retry", null));
        r.put("GET /api/tasks/{id}/logs 200", () -> admin("GET", fill("/api/tasks/{id}/logs") + "?level=info", null));
        r.put("GET /api/tasks/{id}/logs 400", () -> admin("GET", fill("/api/tasks/{id}/logs") + "?level=loud", null));
        r.put("POST /api/tasks/{id}/checkpoint 200", () -> admin("POST", "/api/tasks/" + runningTask() + "/checkpoint",
                "{\"checkpoint_data\": {\"step\": 3}}"));
        r.put("POST /api/tasks/{id}/checkpoint 409", () -> admin("POST", "/api/tasks/" + pendingTask() + "/checkpoint",
                "{\"checkpoint_data\": {\"step\": 3}}"));
        r.put("POST /api/tasks/{id}/checkpoint 422", () -> admin("POST", fill("/api/tasks/{id}/checkpoint"), "{\"checkpoint_data\": 3}"));

        // Native: workers and system.
        r.put("GET /api/workers 200", () -> admin("GET", "/api/workers", null));
        r.put("GET /api/workers 400", () -> admin("GET", "/api/workers?status=asleep", null));
        r.put("GET /api/workers/{id} 200", () -> admin("GET", fill("/api/workers/{id}"), null));
        r.put("GET /api/workers/{id}/tasks 200", () -> admin("GET", fill("/api/workers/{id}/tasks"), null));
        r.put("GET /api/workers/{id}/tasks 400", () -> admin("GET", fill("/api/workers/{id}/tasks") + "?limit=0", null));
        r.put("GET /api/system/status 200", () -> admin("GET", "/api/system/status", null));
        r.put("GET /api/system/metrics 200", () -> admin("GET", "/api/system/metrics?period=week", null));
        r.put("GET /api/system/metrics 400", () -> admin("GET", "/api/system/metrics?metrics=bogus", null));
        r.put("GET /api/system/workflow-webhook-secret 200", () -> admin("GET", "/api/system/workflow-webhook-secret", null));
        r.put("POST /api/system/workflow-webhook-secret/rotate 200", () -> admin("POST", "/api/system/workflow-webhook-secret/rotate", null));
        r.put("POST /api/system/workflow-webhook-secret/rotate 409",
                () -> expired.send("POST", "/api/system/workflow-webhook-secret/rotate", null, ADMIN));

        // Native: keys.
        r.put("GET /api/keys 200", () -> admin("GET", "/api/keys", null));
        r.put("GET /api/keys 400", () -> admin("GET", "/api/keys?limit=0", null));
        r.put("POST /api/keys 201", () -> admin("POST", "/api/keys", "{\"name\": \"reader\", \"scopes\": [\"tasks:read\"], \"monthly_job_quota\": 100}"));
        r.put("POST /api/keys 422", () -> admin("POST", "/api/keys", "{\"name\": \"reader\", \"scopes\": [\"nope\"]}"));
        r.put("GET /api/keys/{id} 200", () -> admin("GET", fill("/api/keys/{id}"), null));
        r.put("PUT /api/keys/{id} 200", () -> admin("PUT", fill("/api/keys/{id}"), "{\"tier\": \"pro\"}"));
        r.put("PUT /api/keys/{id} 409", () -> admin("PUT", "/api/keys/" + revokedKey(), "{\"tier\": \"pro\"}"));
        r.put("PUT /api/keys/{id} 422", () -> admin("PUT", fill("/api/keys/{id}"), "{\"scopes\": [\"nope\"]}"));
        r.put("DELETE /api/keys/{id} 200", () -> admin("DELETE", "/api/keys/" + key(), null));
        r.put("DELETE /api/keys/{id} 409", () -> admin("DELETE", "/api/keys/" + revokedKey(), null));

        // Native: webhooks.
        r.put("GET /api/webhooks 200", () -> admin("GET", "/api/webhooks", null));
        r.put("GET /api/webhooks 400", () -> admin("GET", "/api/webhooks?limit=0", null));
        r.put("POST /api/webhooks 201", () -> admin("POST", "/api/webhooks", validBody("/api/webhooks")));
        r.put("POST /api/webhooks 422", () -> admin("POST", "/api/webhooks", "{\"url\": \"ftp://x\", \"events\": [\"task.completed\"]}"));
        r.put("GET /api/webhooks/{id} 200", () -> admin("GET", fill("/api/webhooks/{id}"), null));
        r.put("PUT /api/webhooks/{id} 200", () -> admin("PUT", fill("/api/webhooks/{id}"), "{\"description\": \"d\"}"));
        r.put("PUT /api/webhooks/{id} 422", () -> admin("PUT", fill("/api/webhooks/{id}"), "{\"events\": [\"nope\"]}"));
        r.put("DELETE /api/webhooks/{id} 200", () -> admin("DELETE", "/api/webhooks/" + webhook(), null));
        r.put("GET /api/webhooks/{id}/deliveries 200", () -> admin("GET", fill("/api/webhooks/{id}/deliveries"), null));
        r.put("GET /api/webhooks/{id}/deliveries 400", () -> admin("GET", fill("/api/webhooks/{id}/deliveries") + "?limit=0", null));

        // Native: schedules.
        r.put("GET /api/schedules 200", () -> admin("GET", "/api/schedules?limit=100", null));
        r.put("GET /api/schedules 400", () -> admin("GET", "/api/schedules?limit=0", null));
        r.put("POST /api/schedules 201", () -> admin("POST", "/api/schedules", validBody("/api/schedules")));
        r.put("POST /api/schedules 409", () -> admin("POST", "/api/schedules", "{\"name\": \"" + scheduleName(ids.get("schedule"))
                + "\", \"cron\": \"0 2 * * *\", \"payload\": {\"command\": \"true\"}}"));
        r.put("POST /api/schedules 422", () -> admin("POST", "/api/schedules", "{\"name\": \"bad\", \"cron\": \"61 * * * *\", "
                + "\"payload\": {\"command\": \"true\"}}"));
        r.put("POST /api/schedules/validate 200", () -> admin("POST", "/api/schedules/validate", "{\"cron\": \"0 2 * * *\"}"));
        r.put("POST /api/schedules/validate 422", () -> admin("POST", "/api/schedules/validate", "{\"cron\": 5}"));
        r.put("GET /api/schedules/{id} 200", () -> admin("GET", fill("/api/schedules/{id}"), null));
        r.put("PUT /api/schedules/{id} 200", () -> admin("PUT", fill("/api/schedules/{id}"), "{\"priority\": 3}"));
        r.put("PUT /api/schedules/{id} 409", () -> {
            String other = schedule();
            return admin("PUT", "/api/schedules/" + other, "{\"name\": \"" + scheduleName(ids.get("schedule")) + "\"}");
        });
        r.put("PUT /api/schedules/{id} 422", () -> admin("PUT", fill("/api/schedules/{id}"), "{\"cron\": \"61 * * * *\"}"));
        r.put("DELETE /api/schedules/{id} 200", () -> admin("DELETE", "/api/schedules/" + schedule(), null));
        r.put("POST /api/schedules/{id}/pause 200", () -> admin("POST", "/api/schedules/" + schedule() + "/pause", null));
        r.put("POST /api/schedules/{id}/pause 409", () -> admin("POST", "/api/schedules/" + completedSchedule() + "/pause", null));
        r.put("POST /api/schedules/{id}/resume 200", () -> admin("POST", "/api/schedules/" + schedule() + "/resume", null));
        r.put("POST /api/schedules/{id}/resume 409", () -> admin("POST", "/api/schedules/" + completedSchedule() + "/resume", null));
        r.put("POST /api/schedules/{id}/run 201", () -> admin("POST", "/api/schedules/" + schedule() + "/run", null));
        r.put("POST /api/schedules/{id}/run 400", () -> badKey("POST", "/api/schedules/" + schedule() + "/run", null));
        r.put("POST /api/schedules/{id}/run 422", () -> reusedKey("POST", "/api/schedules/" + schedule() + "/run", null,
                "/api/schedules/" + schedule() + "/run", null));
        r.put("GET /api/schedules/{id}/runs 200", () -> admin("GET", fill("/api/schedules/{id}/runs"), null));
        r.put("GET /api/schedules/{id}/runs 400", () -> admin("GET", fill("/api/schedules/{id}/runs") + "?limit=0", null));

        // Native: workflow blueprints and jobs.
        r.put("GET /api/blueprints 200", () -> admin("GET", "/api/blueprints", null));
        r.put("GET /api/blueprints 400", () -> admin("GET", "/api/blueprints?limit=0", null));
        r.put("POST /api/blueprints 201", () -> admin("POST", "/api/blueprints", blueprintBody("docs_bp_" + unique.incrementAndGet())));
        r.put("POST /api/blueprints 415", () -> srv.send("POST", "/api/blueprints", "name: x", ADMIN, "Content-Type", "text/plain"));
        r.put("POST /api/blueprints 422", () -> admin("POST", "/api/blueprints", "{\"name\": \"bad\", \"states\": {\"a\": {\"type\": \"approval\", "
                + "\"transitions\": {\"approved\": \"nowhere\"}}}}"));
        r.put("GET /api/blueprints/{name} 200", () -> admin("GET", fill("/api/blueprints/{name}") + "?version=1", null));
        r.put("GET /api/blueprints/{name} 400", () -> admin("GET", fill("/api/blueprints/{name}") + "?version=0", null));
        r.put("GET /api/blueprints/{name}/versions 200", () -> admin("GET", fill("/api/blueprints/{name}/versions"), null));
        r.put("GET /api/blueprints/{name}/versions 400", () -> admin("GET", fill("/api/blueprints/{name}/versions") + "?limit=0", null));
        r.put("GET /api/blueprints/{name}/graph 200", () -> admin("GET", fill("/api/blueprints/{name}/graph"), null));
        r.put("POST /api/blueprints/{name}/jobs 201", () -> admin("POST", fill("/api/blueprints/{name}/jobs"),
                "{\"initial_data\": {\"n\": 1}, \"metadata\": {\"by\": \"docs\"}, \"result_timeout\": 60}"));
        r.put("POST /api/blueprints/{name}/jobs 422", () -> admin("POST", fill("/api/blueprints/{name}/jobs"), "{\"dispatch_timeout\": 0}"));
        r.put("GET /api/jobs 200", () -> admin("GET", "/api/jobs?status=waiting_for_human&blueprint=" + ids.get("blueprint"), null));
        r.put("GET /api/jobs 400", () -> admin("GET", "/api/jobs?status=asleep", null));
        r.put("GET /api/jobs/{id} 200", () -> admin("GET", fill("/api/jobs/{id}"), null));
        r.put("GET /api/jobs/{id}/history 200", () -> admin("GET", fill("/api/jobs/{id}/history"), null));
        r.put("GET /api/jobs/{id}/history 400", () -> admin("GET", fill("/api/jobs/{id}/history") + "?limit=0", null));
        r.put("POST /api/jobs/{id}/cancel 200", () -> admin("POST", "/api/jobs/" + workflowJob() + "/cancel", null));
        r.put("POST /api/jobs/{id}/cancel 409", () -> admin("POST", "/api/jobs/" + cancelledWorkflowJob() + "/cancel", null));
        r.put("POST /api/jobs/{id}/decision 200", () -> admin("POST", "/api/jobs/" + workflowJob() + "/decision", "{\"decision\": \"approved\"}"));
        r.put("POST /api/jobs/{id}/decision 409", () -> admin("POST", "/api/jobs/" + cancelledWorkflowJob() + "/decision",
                "{\"decision\": \"approved\"}"));
        r.put("POST /api/jobs/{id}/decision 422", () -> admin("POST", fill("/api/jobs/{id}/decision"), "{\"decision\": 5}"));

        // Native: connections.
        r.put("GET /api/connections 200", () -> admin("GET", "/api/connections", null));
        r.put("GET /api/connections 400", () -> admin("GET", "/api/connections?limit=0", null));
        r.put("POST /api/connections 201", () -> admin("POST", "/api/connections", validBody("/api/connections")));
        r.put("POST /api/connections 409", () -> admin("POST", "/api/connections", connectionBody(connectionName())));
        r.put("POST /api/connections 422", () -> admin("POST", "/api/connections", "{\"name\": \"x\"}"));
        r.put("GET /api/connections/{id} 200", () -> admin("GET", fill("/api/connections/{id}"), null));
        r.put("PUT /api/connections/{id} 200", () -> admin("PUT", fill("/api/connections/{id}"), "{\"environment\": \"test\"}"));
        r.put("PUT /api/connections/{id} 409", () -> admin("PUT", "/api/connections/" + connection(), "{\"name\": \"" + connectionName() + "\"}"));
        r.put("PUT /api/connections/{id} 422", () -> admin("PUT", fill("/api/connections/{id}"), "{\"port\": 0}"));
        r.put("DELETE /api/connections/{id} 200", () -> admin("DELETE", "/api/connections/" + connection(), null));
        r.put("DELETE /api/connections/{id} 409", () -> admin("DELETE", fill("/api/connections/{id}"), null));
        r.put("POST /api/connections/{id}/test 200", () -> admin("POST", fill("/api/connections/{id}/test"), null));

        // Chadburn.
        r.put("GET /api/v1/jobs 200", () -> admin("GET", "/api/v1/jobs", null));
        r.put("GET /api/v1/jobs 400", () -> admin("GET", "/api/v1/jobs?limit=0", null));
        r.put("POST /api/v1/jobs 201", () -> admin("POST", "/api/v1/jobs", validBody("/api/v1/jobs")));
        r.put("POST /api/v1/jobs 409", () -> admin("POST", "/api/v1/jobs", "{\"name\": \"" + jobName() + "\", \"schedule\": \"@hourly\", "
                + "\"command\": \"true\"}"));
        r.put("GET /api/v1/jobs/{id} 200", () -> admin("GET", fill("/api/v1/jobs/{id}"), null));
        r.put("PUT /api/v1/jobs/{id} 200", () -> admin("PUT", fill("/api/v1/jobs/{id}"), "{\"timeout\": 60}"));
        r.put("PUT /api/v1/jobs/{id} 409", () -> admin("PUT", "/api/v1/jobs/" + job(), "{\"name\": \"" + jobName() + "\"}"));
        r.put("DELETE /api/v1/jobs/{id} 200", () -> admin("DELETE", "/api/v1/jobs/" + job(), null));
        r.put("POST /api/v1/jobs/{id}/run 200", () -> admin("POST", "/api/v1/jobs/" + job() + "/run", null));
        r.put("POST /api/v1/jobs/{id}/pause 200", () -> admin("POST", "/api/v1/jobs/" + job() + "/pause", null));
        r.put("POST /api/v1/jobs/{id}/pause 409", () -> admin("POST", "/api/v1/jobs/" + completedJob() + "/pause", null));
        r.put("POST /api/v1/jobs/{id}/resume 200", () -> admin("POST", "/api/v1/jobs/" + job() + "/resume", null));
        r.put("POST /api/v1/jobs/{id}/resume 409", () -> admin("POST", "/api/v1/jobs/" + completedJob() + "/resume", null));
        r.put("POST /api/v1/jobs 422", () -> reusedKey("POST", "/api/v1/jobs", validBody("/api/v1/jobs"), "/api/v1/jobs", validBody("/api/v1/jobs")));
        r.put("POST /api/v1/jobs/{id}/run 400", () -> badKey("POST", "/api/v1/jobs/" + job() + "/run", null));
        r.put("POST /api/v1/jobs/{id}/run 422", () -> reusedKey("POST", "/api/v1/jobs/" + job() + "/run", null,
                "/api/v1/jobs/" + job() + "/run", null));
        r.put("GET /api/v1/jobs/{id}/executions 200", () -> admin("GET", fill("/api/v1/jobs/{id}/executions"), null));
        r.put("GET /api/v1/jobs/{id}/executions 400", () -> admin("GET", fill("/api/v1/jobs/{id}/executions") + "?limit=0", null));

        workerRecipes(r);
        deviceRecipes(r);

        // The scheduler face, at both prefixes.
        for (String p : new String[] {"/scheduler", "/api/v1/scheduler"}) {
            r.put("GET " + p + "/tasks 200", () -> admin("GET", p + "/tasks", null));
            r.put("GET " + p + "/tasks 422", () -> admin("GET", p + "/tasks?is_active=perhaps", null));
            r.put("POST " + p + "/tasks 201", () -> admin("POST", p + "/tasks", validBody("/scheduler/tasks")));
            r.put("POST " + p + "/tasks 400", () -> admin("POST", p + "/tasks", schedulerTaskBody(schedulerTaskName())));
            r.put("POST " + p + "/tasks 422", () -> admin("POST", p + "/tasks", "{}"));
            r.put("GET " + p + "/tasks/{task_id} 200", () -> admin("GET", p + "/tasks/" + ids.get("stask"), null));
            r.put("PUT " + p + "/tasks/{task_id} 200", () -> admin("PUT", p + "/tasks/" + ids.get("stask"), "{\"description\": \"d\"}"));
            r.put("PUT " + p + "/tasks/{task_id} 400", () -> admin("PUT", p + "/tasks/" + ids.get("stask"), "{\"cron_schedule\": \"61 * * * *\"}"));
            r.put("PUT " + p + "/tasks/{task_id} 404", () -> admin("PUT", p + "/tasks/999999", "{\"description\": \"d\"}"));
            r.put("DELETE " + p + "/tasks/{task_id} 204", () -> admin("DELETE", p + "/tasks/" + schedulerTask(), null));
            r.put("POST " + p + "/tasks/{task_id}/run 200", () -> admin("POST", p + "/tasks/" + ids.get("stask") + "/run", null));
            r.put("POST " + p + "/tasks/{task_id}/run 400", () -> {
                String t = schedulerTask();
                admin("PUT", p + "/tasks/" + t, "{\"is_active\": false}");
                return admin("POST", p + "/tasks/" + t + "/run", null);
            });
            r.put("POST " + p + "/tasks/{task_id}/queue 400", () -> badKey("POST", p + "/tasks/" + ids.get("stask") + "/queue", null));
            r.put("POST " + p + "/tasks/{task_id}/queue 200", () -> admin("POST", p + "/tasks/" + ids.get("stask") + "/queue", null));
            r.put("GET " + p + "/executions 200", () -> admin("GET", p + "/executions?limit=10", null));
            r.put("GET " + p + "/executions 422", () -> admin("GET", p + "/executions?limit=many", null));
            r.put("GET " + p + "/executions/{execution_id} 200", () -> admin("GET", p + "/executions/" + ids.get("execution"), null));
            r.put("GET " + p + "/stats 200", () -> admin("GET", p + "/stats", null));
            r.put("GET " + p + "/queue/status 200", () -> admin("GET", p + "/queue/status", null));
        }
        return r;
    }

    /**
     * The device face ({@code /api/v1/task}, {@code /api/v1/license/check}) and the native device
     * routes. Its refusals of the guard, bodies and unknown ids are the generic recipes.
     */
    private static void deviceRecipes(Map<String, Supplier<DocsServer.Reply>> r) {
        String dt = "/api/v1/task", dtid = "/api/v1/task/{task_id}";
        r.put("POST " + dt + " 200", () -> admin("POST", dt, parkedDeviceTaskBody()));
        r.put("GET " + dt + " 200", () -> admin("GET", dt + "?status=0&serial=" + DOCS_SERIAL + "&source=api&page_size=5", null));
        r.put("GET " + dt + " 400", () -> admin("GET", dt + "?page_size=0", null));
        r.put("DELETE " + dt + "/batch 200", () -> admin("DELETE", dt + "/batch", "{\"task_ids\": [" + deviceTask() + ", 999999]}"));
        r.put("GET " + dt + "/stats 200", () -> admin("GET", dt + "/stats", null));
        r.put("POST " + dt + "/retry-all 200", () -> admin("POST", dt + "/retry-all", null));
        r.put("GET " + dtid + " 200", () -> admin("GET", fill(dtid), null));
        r.put("GET " + dtid + " 400", () -> admin("GET", dt + "/abc", null));
        r.put("DELETE " + dtid + " 200", () -> admin("DELETE", dt + "/" + deviceTask(), null));
        r.put("DELETE " + dtid + " 400", () -> admin("DELETE", dt + "/abc", null));
        r.put("POST " + dtid + "/stop 200", () -> admin("POST", dt + "/" + runningDeviceTask() + "/stop", null));
        r.put("POST " + dtid + "/stop 400", () -> admin("POST", dt + "/" + deviceTask() + "/stop", null));
        r.put("POST " + dtid + "/retry 200", () -> {
            String stopped = runningDeviceTask();
            admin("POST", dt + "/" + stopped + "/stop", null);
            return admin("POST", dt + "/" + stopped + "/retry", null);
        });
        r.put("POST " + dtid + "/retry 400", () -> admin("POST", dt + "/" + deviceTask() + "/retry", null));
        r.put("GET /api/v1/license/check 200", () -> admin("GET", "/api/v1/license/check", null));
        r.put("GET /api/devices 200", () -> admin("GET", "/api/devices?online=true&worker_id=" + DOCS_FARM, null));
        r.put("GET /api/devices 400", () -> admin("GET", "/api/devices?online=perhaps", null));
        r.put("GET /api/devices/{serial} 200", () -> admin("GET", "/api/devices/" + DOCS_SERIAL, null));
    }

    static final String DOCS_FARM = "docs-device-farm";
    static final String DOCS_SERIAL = "DOCS-SERIAL1";

    /**
     * (Re-)registers the docs device farm, which owns {@link #DOCS_SERIAL} (a phone with one
     * account), declared as the SDK does in {@code resources.devices}. Again before each use: the
     * test may outlast the worker's TTL.
     */
    private static void deviceFarm() {
        ObjectNode reg = WorkerWire.registration(DOCS_FARM, "post");
        ArrayNode devices = ((ObjectNode) reg.get("resources")).putArray("devices");
        devices.addObject().put("id", DOCS_SERIAL).put("type", "phone").put("model", "Pixel 7")
                .putObject("properties").putArray("accounts").add("docs-alice");
        DocsServer.Reply r = asWorker("POST", "/_worker/workers/register", signed(reg, false, DOCS_FARM), DOCS_FARM);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    /** Due in a day: never claimed while the test runs. */
    private static String parkedDeviceTaskBody() {
        return "{\"serials\": [\"" + DOCS_SERIAL + "\"], \"script_name\": \"post\", \"script_config\": {\"caption\": \"docs\"}, "
                + "\"min_interval\": 86400, \"max_interval\": 86400}";
    }

    /** A pending device task; its id. */
    private static String deviceTask() {
        deviceFarm();
        return created(admin("POST", "/api/v1/task", parkedDeviceTaskBody())).path("task_ids").path(0).asText();
    }

    /**
     * A device task the docs farm has taken (the only one due on its device); its id. The farm's
     * heartbeat first lets go of attempts an earlier recipe stopped: a device stays busy until its
     * worker does.
     */
    private static String runningDeviceTask() {
        deviceFarm();
        DocsServer.Reply beat = asWorker("PATCH", "/_worker/workers/" + DOCS_FARM, signed(WorkerWire.heartbeat(DOCS_FARM, List.of()), false,
                DOCS_FARM), DOCS_FARM);
        assertThat(beat.status()).as(beat.text()).isEqualTo(200);
        created(admin("POST", "/api/v1/task", "{\"serials\": [\"" + DOCS_SERIAL + "\"], \"script_name\": \"post\", "
                + "\"min_interval\": 0, \"max_interval\": 0}"));
        DocsServer.Reply polled = asWorker("GET", "/_worker/workers/" + DOCS_FARM + "/tasks/next?timeout=20&available_skills=post&hot_skills=",
                null, DOCS_FARM);
        assertThat(polled.status()).as(polled.text()).isEqualTo(200);
        return polled.json().path("job_id").asText().substring("task-".length());
    }

    /**
     * The worker face ({@code /_worker}): requests as the Avtomatika SDK sends them, signed with the
     * shared worker token. Its refusals differ from the other faces' (403 for every failed
     * authentication, 401 only for an expired access token), so every status has its own recipe.
     */
    private static void workerRecipes(Map<String, Supplier<DocsServer.Reply>> r) {
        String reg = "/_worker/workers/register", hb = "/_worker/workers/{worker_id}", poll = "/_worker/workers/{worker_id}/tasks/next",
                result = "/_worker/tasks/result", events = "/_worker/events", token = "/_worker/auth/token",
                refresh = "/_worker/auth/token/refresh", ws = "/_worker/ws/{worker_id}";
        String huge = "{\"worker_id\": \"" + "y".repeat((1 << 20) + 10) + "\"}";

        r.put("POST " + reg + " 200", () -> {
            String id = workerId();
            return asWorker("POST", reg, signed(WorkerWire.registration(id, skill()), false, id), id);
        });
        r.put("POST " + reg + " 400", () -> {
            String id = workerId();
            return asWorker("POST", reg, signed(WorkerWire.registration(id).put("supported_skills", "echo"), false, id), id);
        });
        r.put("POST " + reg + " 401", () -> withExpiredToken("POST", reg, "{}"));
        r.put("POST " + reg + " 403", () -> {
            String id = workerId();
            ObjectNode b = WorkerWire.registration(id);
            signed(b, false, id);
            b.put("worker_type", "changed-after-signing");
            return asWorker("POST", reg, Json.write(b), id);
        });
        r.put("POST " + reg + " 413", () -> asWorker("POST", reg, huge, workerId()));
        r.put("POST " + reg + " 429", () -> twiceOnTight("POST", reg, "{}"));

        r.put("PATCH " + hb + " 200", () -> {
            String id = registered(skill());
            return asWorker("PATCH", "/_worker/workers/" + id, signed(WorkerWire.heartbeat(id, List.of()), false, id), id);
        });
        r.put("PATCH " + hb + " 400", () -> {
            String id = registered(skill());
            return asWorker("PATCH", "/_worker/workers/" + id, "{not json", id);
        });
        r.put("PATCH " + hb + " 401", () -> withExpiredToken("PATCH", "/_worker/workers/" + EXPIRED_WORKER, null));
        r.put("PATCH " + hb + " 403", () -> {
            String id = registered(skill());
            return WorkerWire.send(srv, "PATCH", "/_worker/workers/" + id, null, id, null);
        });
        r.put("PATCH " + hb + " 404", () -> {
            String id = workerId(); // never registered
            return asWorker("PATCH", "/_worker/workers/" + id, signed(WorkerWire.heartbeat(id, List.of()), false, id), id);
        });
        r.put("PATCH " + hb + " 413", () -> {
            String id = workerId();
            return asWorker("PATCH", "/_worker/workers/" + id, huge, id);
        });
        r.put("PATCH " + hb + " 429", () -> {
            String id = workerId();
            return twiceOnTight("PATCH", "/_worker/workers/" + id, null, id);
        });

        r.put("GET " + poll + " 200", () -> {
            String skill = skill(), id = registered(skill);
            skillTask(skill, "{\"n\": 1}");
            return asWorker("GET", "/_worker/workers/" + id + "/tasks/next?timeout=20.0&available_skills=" + skill + "&hot_skills=", null, id);
        });
        r.put("GET " + poll + " 204", () -> {
            String id = registered(skill());
            return asWorker("GET", "/_worker/workers/" + id + "/tasks/next?timeout=0.2&hot_skills=", null, id);
        });
        r.put("GET " + poll + " 400", () -> {
            String id = registered(skill());
            return asWorker("GET", "/_worker/workers/" + id + "/tasks/next?timeout=soon", null, id);
        });
        r.put("GET " + poll + " 401", () -> withExpiredToken("GET", "/_worker/workers/" + EXPIRED_WORKER + "/tasks/next?timeout=0", null));
        r.put("GET " + poll + " 403", () -> {
            String id = registered(skill());
            return asWorker("GET", "/_worker/workers/" + id + "/tasks/next?timeout=0", null, id, "not-the-worker-token-0123456789");
        });
        // A wait too short for the dispatcher to look still tells an unknown worker to register.
        r.put("GET " + poll + " 404", () -> {
            String id = workerId();
            return asWorker("GET", "/_worker/workers/" + id + "/tasks/next?timeout=0", null, id);
        });
        r.put("GET " + poll + " 429", () -> {
            String id = workerId();
            return twiceOnTight("GET", "/_worker/workers/" + id + "/tasks/next?timeout=0", null, id);
        });

        r.put("POST " + result + " 200", () -> {
            String skill = skill(), id = registered(skill);
            JsonNode task = claimed(id, skill);
            return asWorker("POST", result, signed(WorkerWire.result(id, task, null, Json.object().put("answer", 42)), false, id), id);
        });
        r.put("POST " + result + " 400", () -> {
            String skill = skill(), id = registered(skill);
            ObjectNode b = WorkerWire.result(id, claimed(id, skill), null, Json.object());
            b.remove("task_id");
            return asWorker("POST", result, signed(b, false, id), id);
        });
        r.put("POST " + result + " 401", () -> withExpiredToken("POST", result, "{}"));
        r.put("POST " + result + " 403", () -> {
            String skill = skill(), id = registered(skill), other = registered(skill);
            JsonNode task = claimed(id, skill);
            // Another worker's body, sent under this worker's id.
            return asWorker("POST", result, signed(WorkerWire.result(other, task, null, Json.object()), false, other), id);
        });
        r.put("POST " + result + " 413", () -> asWorker("POST", result, huge, workerId()));
        r.put("POST " + result + " 429", () -> twiceOnTight("POST", result, "{}"));

        r.put("POST " + events + " 200", () -> {
            String skill = skill(), id = registered(skill);
            JsonNode task = claimed(id, skill);
            return asWorker("POST", events, signed(WorkerWire.event(id, task, "progress",
                    Json.object().put("progress", 0.5).put("message", "half way")), true, id), id);
        });
        r.put("POST " + events + " 400", () -> {
            String skill = skill(), id = registered(skill);
            ObjectNode b = WorkerWire.event(id, claimed(id, skill), "progress", Json.object());
            b.put("payload", "half way");
            return asWorker("POST", events, signed(b, true, id), id);
        });
        r.put("POST " + events + " 401", () -> withExpiredToken("POST", events, "{}"));
        r.put("POST " + events + " 403", () -> {
            String skill = skill(), id = registered(skill);
            ObjectNode b = WorkerWire.event(id, claimed(id, skill), "progress", Json.object().put("progress", 0.5));
            return asWorker("POST", events, Json.write(b.put("timestamp", Instant.now().getEpochSecond())), id); // not signed
        });
        r.put("POST " + events + " 413", () -> asWorker("POST", events, huge, workerId()));
        r.put("POST " + events + " 429", () -> twiceOnTight("POST", events, "{}"));

        r.put("POST " + token + " 200", () -> asWorker("POST", token, null, workerId()));
        r.put("POST " + token + " 400", () -> asWorker("POST", token, "[1]", workerId()));
        r.put("POST " + token + " 401", () -> withExpiredToken("POST", token, null));
        r.put("POST " + token + " 403", () -> {
            String id = workerId();
            String access = created(asWorker("POST", token, null, id)).path("access_token").asText();
            return asWorker("POST", token, null, id, access); // an access token is not exchanged again
        });
        r.put("POST " + token + " 413", () -> asWorker("POST", token, huge, workerId()));
        r.put("POST " + token + " 429", () -> twiceOnTight("POST", token, null));

        r.put("POST " + refresh + " 200", () -> {
            String id = workerId();
            JsonNode pair = created(asWorker("POST", token, null, id));
            return asWorker("POST", refresh, "{\"refresh_token\": \"" + pair.path("refresh_token").asText() + "\"}", id,
                    pair.path("access_token").asText());
        });
        r.put("POST " + refresh + " 400", () -> asWorker("POST", refresh, "{}", workerId()));
        r.put("POST " + refresh + " 403", () -> asWorker("POST", refresh, "{\"refresh_token\": \"sts_never-issued\"}", workerId()));
        r.put("POST " + refresh + " 413", () -> asWorker("POST", refresh, huge, workerId()));
        r.put("POST " + refresh + " 429", () -> twiceOnTight("POST", refresh, "{}"));

        r.put("GET " + ws + " 101", () -> WorkerWire.upgrade(srv, workerId(), WORKER_TOKEN));
        r.put("GET " + ws + " 400", () -> {
            String id = workerId();
            return asWorker("GET", "/_worker/ws/" + id, null, id);
        });
        r.put("GET " + ws + " 401", () -> withExpiredToken("GET", "/_worker/ws/" + EXPIRED_WORKER, null));
        r.put("GET " + ws + " 403", () -> {
            String id = workerId();
            return WorkerWire.send(srv, "GET", "/_worker/ws/" + id, null, id, null);
        });
        r.put("GET " + ws + " 429", () -> {
            String id = workerId();
            return twiceOnTight("GET", "/_worker/ws/" + id, null, id);
        });
    }

    // ---- paths, bodies and fixtures ------------------------------------------------------------

    private static String workerId() {
        return "docs-worker-" + unique.incrementAndGet();
    }

    /** A skill name no other recipe's worker offers, so its tasks go to the worker the recipe means. */
    private static String skill() {
        return "docs_skill_" + unique.incrementAndGet();
    }

    private static DocsServer.Reply asWorker(String method, String path, String body, String workerId) {
        return asWorker(method, path, body, workerId, WORKER_TOKEN);
    }

    private static DocsServer.Reply asWorker(String method, String path, String body, String workerId, String token) {
        return WorkerWire.send(srv, method, path, body, workerId, token);
    }

    private static String signed(ObjectNode body, boolean event, String workerId) {
        return WorkerWire.signed(body, event, workerId, WORKER_TOKEN, java.time.Clock.systemUTC());
    }

    /** The request with an access token that has expired (the only 401 of the worker face). */
    private static DocsServer.Reply withExpiredToken(String method, String path, String body) {
        return WorkerWire.send(expired, method, path, body, EXPIRED_WORKER, expiredAccess);
    }

    /** The same request twice from one worker to the tight server; the second one's answer. */
    private static DocsServer.Reply twiceOnTight(String method, String path, String body) {
        return twiceOnTight(method, path, body, workerId());
    }

    private static DocsServer.Reply twiceOnTight(String method, String path, String body, String id) {
        WorkerWire.send(tight, method, path, body, id, WORKER_TOKEN);
        return WorkerWire.send(tight, method, path, body, id, WORKER_TOKEN);
    }

    /** A freshly registered worker with these skills; its id. */
    static String registered(String... skills) {
        String id = workerId();
        DocsServer.Reply r = asWorker("POST", "/_worker/workers/register", signed(WorkerWire.registration(id, skills), false, id), id);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return id;
    }

    /** A native task of a worker skill; its id. */
    static String skillTask(String skill, String params) {
        return created(admin("POST", "/api/tasks", "{\"name\": \"" + skill + "\", \"type\": \"" + skill + "\", \"params\": " + params + "}"))
                .path("id").asText();
    }

    /** A new task of the skill, handed to the worker by a poll: its TaskPayload. */
    static JsonNode claimed(String workerId, String skill) {
        skillTask(skill, "{\"n\": 1}");
        DocsServer.Reply r = asWorker("GET", "/_worker/workers/" + workerId + "/tasks/next?timeout=20&available_skills=" + skill, null, workerId);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json();
    }

    private static DocsServer.Reply admin(String method, String path, String body) {
        return srv.send(method, path, body, ADMIN);
    }

    /** Sends the first request with a fresh {@code Idempotency-Key}, then the second with the same key; the second's answer. */
    private static DocsServer.Reply reusedKey(String method, String first, String firstBody, String second, String secondBody) {
        String key = "reuse-" + unique.incrementAndGet();
        DocsServer.Reply r = srv.send(method, first, firstBody, ADMIN, "Idempotency-Key", key);
        assertThat(r.status()).as(r.text()).isIn(200, 201);
        return srv.send(method, second, secondBody, ADMIN, "Idempotency-Key", key);
    }

    /** One character over the 255 a key may have. */
    private static DocsServer.Reply badKey(String method, String path, String body) {
        return srv.send(method, path, body, ADMIN, "Idempotency-Key", "k".repeat(256));
    }

    /** The path with its parameters filled with the id of a thing made for the occasion (another than {@link #fill}'s). */
    static String another(String path) {
        String p = path.replace("/api/v1/scheduler/", "/scheduler/");
        String id;
        if (p.startsWith("/api/v1/jobs/")) id = job();
        else if (p.startsWith("/api/schedules/")) id = schedule();
        else if (p.startsWith("/scheduler/tasks/")) id = schedulerTask();
        else return path;
        return path.replaceAll("\\{[^}]+}", id);
    }

    /**
     * The orchestrator's {@code api_version} of a path: its documented example ({@code v1}, or
     * {@code v2} where {@code v1} is another route's).
     */
    static String withVersion(String template) {
        String version = "v1";
        for (JsonNode p : doc.path("paths").path(template).path("parameters")) {
            JsonNode param = schemas.resolve(p);
            if (param.path("name").asText().equals("api_version")) version = param.path("schema").path("examples").path(0).asText("v1");
        }
        return template.replace("{api_version}", version);
    }

    /** The path with its parameters filled with ids of things that exist. */
    /** A signed link's path and query, for {@link DocsServer#send}. */
    static String signed(String url) {
        java.net.URI u = java.net.URI.create(url);
        return u.getRawPath() + "?" + u.getRawQuery();
    }

    /** A PUT whose body ends (the client half-closes) before its Content-Length. */
    static DocsServer.Reply shortBody(String pathAndQuery) {
        try (java.net.Socket sock = new java.net.Socket("127.0.0.1", srv.port())) {
            sock.setSoTimeout(10_000);
            var out = sock.getOutputStream();
            out.write(("PUT " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nonly ten b")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            sock.shutdownOutput();
            var in = new java.io.DataInputStream(new java.io.BufferedInputStream(sock.getInputStream()));
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) break;
                head.append((char) c);
            }
            String[] lines = head.toString().split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) headers.computeIfAbsent(lines[i].substring(0, colon).trim(), k -> new ArrayList<>()).add(lines[i].substring(colon + 1).trim());
            }
            byte[] body = new byte[Integer.parseInt(headers.getOrDefault("Content-Length", List.of("0")).getFirst())];
            in.readFully(body);
            return new DocsServer.Reply(status, java.net.http.HttpHeaders.of(headers, (a, b) -> true), body);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The path with its parameters filled with ids of things that exist. */
    static String fill(String template) {
        String path = withVersion(template);
        String p = path.replace("/api/v1/scheduler/", "/scheduler/");
        String id;
        if (path.contains("{job_id}")) id = path.startsWith("/api/v2/") ? ids.get("v2flow") : ids.get("flow");
        else if (path.startsWith("/api/v1/blueprints/{name}")) id = "docs_orch_flow";
        else if (path.endsWith("/{endpoint}")) id = "jobs/docs_orch_flow";
        else if (p.startsWith("/api/tasks/")) id = ids.get("task");
        else if (p.startsWith("/api/workers/")) id = DocsServer.WORKER_ID;
        else if (p.startsWith("/api/keys/")) id = ids.get("key");
        else if (p.startsWith("/api/webhooks/")) id = ids.get("webhook");
        else if (p.startsWith("/api/schedules/")) id = ids.get("schedule");
        else if (p.startsWith("/api/connections/")) id = ids.get("connection");
        else if (p.startsWith("/api/blueprints/")) id = ids.get("blueprint");
        else if (p.startsWith("/api/jobs/")) id = ids.get("wfjob");
        else if (p.startsWith("/api/v1/jobs/")) id = ids.get("job");
        else if (p.startsWith("/api/v1/task/")) id = ids.get("dtask");
        else if (p.startsWith("/api/devices/")) id = DOCS_SERIAL;
        else if (p.startsWith("/scheduler/tasks/")) id = ids.get("stask");
        else if (p.startsWith("/scheduler/executions/")) id = ids.get("execution");
        else if (p.startsWith("/docs/assets/")) id = schemas.resolve(doc.at("/paths/~1docs~1assets~1{file}/get/parameters/0")).at("/schema/enum/0").asText();
        else id = "x";
        return path.replaceAll("\\{[^}]+}", java.util.regex.Matcher.quoteReplacement(id == null ? "x" : id));
    }

    /** The path with ids in each face's own form that name nothing. */
    static String unknown(String template) {
        String path = withVersion(template);
        String id;
        if (path.contains("{job_id}")) id = "00000000-0000-4000-8000-000000000000";
        else if (path.startsWith("/api/v1/blueprints/{name}")) id = "nobody";
        else if (path.endsWith("/{endpoint}")) id = "jobs/nobody_serves_this";
        else if (path.startsWith("/api/tasks/")) id = "task-999999";
        else if (path.startsWith("/api/keys/")) id = "key-999999";
        else if (path.startsWith("/api/webhooks/")) id = "wh-999999";
        else if (path.startsWith("/api/schedules/")) id = "sched-999999";
        else if (path.startsWith("/api/connections/")) id = "conn-999999";
        else if (path.startsWith("/api/v1/jobs/")) id = "job-999999";
        else if (path.startsWith("/api/v1/task/")) id = "999999";
        else if (path.contains("scheduler/")) id = "999999";
        else id = "nobody";
        return path.replaceAll("\\{[^}]+}", id);
    }

    /** A body the operation accepts (for the recipes whose refusal comes after the body is read). */
    static String validBody(String method, String path) {
        String p = path.replace("/api/v1/scheduler/", "/scheduler/");
        switch (method + " " + p) {
            case "PUT /api/tasks/{id}" -> {
                return "{\"priority\": 2}";
            }
            case "POST /api/tasks/{id}/checkpoint" -> {
                return "{\"checkpoint_data\": {\"step\": 1}}";
            }
            case "PUT /api/webhooks/{id}", "PUT /api/schedules/{id}", "PUT /scheduler/tasks/{task_id}" -> {
                return "{\"description\": \"d\"}";
            }
            case "PUT /api/keys/{id}" -> {
                return "{\"name\": \"n\"}";
            }
            case "PUT /api/connections/{id}" -> {
                return "{\"environment\": \"test\"}";
            }
            case "PUT /api/v1/jobs/{id}" -> {
                return "{\"timeout\": 60}";
            }
            case "POST /_public/webhooks/approval/{job_id}" -> {
                return "{\"decision\": \"approved\"}";
            }
            case "POST /api/{api_version}/{endpoint}" -> {
                return "{\"initial_data\": {\"n\": 1}}";
            }
            default -> {
                return validBody(p);
            }
        }
    }

    /** A body that creates one of the things at this collection path. */
    static String validBody(String collection) {
        String p = collection.replace("/api/v1/scheduler/", "/scheduler/");
        int n = unique.incrementAndGet();
        return switch (p) {
            case "/api/tasks" -> "{\"name\": \"t" + n + "\", \"command\": \"true\", \"scheduled_at\": \"2099-01-01T00:00:00Z\"}";
            case "/api/keys" -> "{\"name\": \"k" + n + "\", \"scopes\": [\"tasks:read\"]}";
            case "/api/webhooks" -> "{\"url\": \"http://127.0.0.1:9/hook" + n + "\", \"events\": [\"task.completed\"], \"description\": \"d\"}";
            case "/api/schedules" -> "{\"name\": \"s" + n + "\", \"cron\": \"0 2 * * *\", \"payload\": {\"command\": \"true\"}}";
            case "/api/connections" -> connectionBody("c" + n);
            case "/api/v1/jobs" -> "{\"name\": \"j" + n + "\", \"schedule\": \"@hourly\", \"command\": \"true\"}";
            case "/scheduler/tasks" -> schedulerTaskBody("st" + n);
            default -> "{}";
        };
    }

    private static String connectionBody(String name) {
        return "{\"name\": \"" + name + "\", \"host\": \"127.0.0.1\", \"port\": 5432, \"database\": \"postgres\", "
                + "\"user\": \"postgres\", \"password\": \"pw-0123456789\", \"sslmode\": \"disable\"}";
    }

    private static String schedulerTaskBody(String name) {
        return "{\"name\": \"" + name + "\", \"task_type\": \"config_check\", \"connection_id\": "
                + ids.get("connection").replace("conn-", "") + ", \"cron_schedule\": \"0 2 * * *\"}";
    }

    private static JsonNode created(DocsServer.Reply r) {
        assertThat(r.status()).as(r.text()).isIn(200, 201, 202);
        JsonNode b = r.json();
        return b.has("data") ? b.get("data") : b;
    }

    private static String pendingTask() {
        return created(srv.send("POST", "/api/tasks", validBody("/api/tasks"), ADMIN)).path("id").asText();
    }

    private static String cancelledTask() {
        String id = pendingTask();
        admin("POST", "/api/tasks/" + id + "/cancel", null);
        return id;
    }

    private static String failedTask() {
        String id = created(srv.send("POST", "/api/tasks", "{\"name\": \"fails\", \"command\": \"exit 3\", \"max_retries\": 0}", ADMIN))
                .path("id").asText();
        awaitStatus(id, "failed");
        return id;
    }

    private static String runningTask() {
        String id = created(srv.send("POST", "/api/tasks", "{\"name\": \"long\", \"command\": \"sleep 60\", \"checkpoint_enabled\": true}",
                ADMIN)).path("id").asText();
        awaitStatus(id, "running");
        return id;
    }

    private static void awaitStatus(String id, String status) {
        await().atMost(Duration.ofSeconds(30)).until(() ->
                admin("GET", "/api/tasks/" + id, null).json().path("data").path("status").asText().equals(status));
    }

    private static String key() {
        return created(srv.send("POST", "/api/keys", validBody("/api/keys"), ADMIN)).path("id").asText();
    }

    private static String revokedKey() {
        String id = key();
        admin("DELETE", "/api/keys/" + id, null);
        return id;
    }

    private static String webhook() {
        return created(srv.send("POST", "/api/webhooks", validBody("/api/webhooks"), ADMIN)).path("id").asText();
    }

    private static String schedule() {
        return created(srv.send("POST", "/api/schedules", validBody("/api/schedules"), ADMIN)).path("id").asText();
    }

    private static String scheduleName(String id) {
        return admin("GET", "/api/schedules/" + id, null).json().path("data").path("name").asText();
    }

    /** A schedule whose only slot is past, so it is completed at once. */
    private static String completedSchedule() {
        JsonNode s = created(srv.send("POST", "/api/schedules", "{\"name\": \"once" + unique.incrementAndGet()
                + "\", \"cron\": \"0 0 0 1 1 * 2001\", \"payload\": {\"command\": \"true\"}}", ADMIN));
        assertThat(s.path("status").asText()).isEqualTo("completed");
        return s.path("id").asText();
    }

    private static String connection() {
        return created(srv.send("POST", "/api/connections", validBody("/api/connections"), ADMIN)).path("id").asText();
    }

    private static String connectionName() {
        return admin("GET", "/api/connections/" + ids.get("connection"), null).json().path("data").path("name").asText();
    }

    private static String job() {
        return created(srv.send("POST", "/api/v1/jobs", validBody("/api/v1/jobs"), ADMIN)).path("id").asText();
    }

    private static String jobName() {
        return admin("GET", "/api/v1/jobs/" + ids.get("job"), null).json().path("data").path("name").asText();
    }

    private static String completedJob() {
        return created(srv.send("POST", "/api/v1/jobs", "{\"name\": \"once" + unique.incrementAndGet()
                + "\", \"schedule\": \"0 0 0 1 1 * 2001\", \"command\": \"true\"}", ADMIN)).path("id").asText();
    }

    /** A job of docs_orch_flow: in flight (its step waits for a worker that never comes). */
    private static String flowJob() {
        return created(admin("POST", "/api/v1/jobs/docs_orch_flow", "{\"initial_data\": {\"n\": 1}}")).path("job_id").asText();
    }

    /** A job of docs_orch_flow on the dev-mode server (files off). */
    private static String devFlowJob() {
        return created(devServer.send("POST", "/api/v1/jobs/docs_orch_flow", "{}", ADMIN)).path("job_id").asText();
    }

    /** A job of docs_orch_approval, waiting for a decision. */
    private static String waitingApproval() {
        String id = created(admin("POST", "/api/v1/jobs/docs_orch_approval", "{}")).path("job_id").asText();
        await().atMost(Duration.ofSeconds(20)).until(() ->
                admin("GET", "/api/v1/jobs/" + id, null).json().path("status").asText().equals("waiting_for_human"));
        return id;
    }

    /** An approval blueprint: its jobs wait for a human decision from the start. */
    private static String blueprintBody(String name) {
        return "{\"name\": \"" + name + "\", \"description\": \"docs\", \"states\": {\"review\": {\"start\": true, \"type\": \"approval\", "
                + "\"message\": \"Ship {{ initial_data.n }}?\", \"transitions\": {\"approved\": \"finished\", \"rejected\": \"failed\"}}, "
                + "\"finished\": {\"type\": \"end\"}, \"failed\": {\"type\": \"end\", \"outcome\": \"failed\"}}}";
    }

    private static String blueprint() {
        return created(srv.send("POST", "/api/blueprints", blueprintBody("docs_flow"), ADMIN)).path("name").asText();
    }

    /** A job of the docs blueprint, waiting for a decision. */
    private static String workflowJob() {
        return created(srv.send("POST", "/api/blueprints/" + ids.get("blueprint") + "/jobs", "{\"initial_data\": {\"n\": 2}}", ADMIN))
                .path("id").asText();
    }

    private static String cancelledWorkflowJob() {
        String id = workflowJob();
        admin("POST", "/api/jobs/" + id + "/cancel", null);
        return id;
    }

    private static String schedulerTask() {
        return created(srv.send("POST", "/scheduler/tasks", validBody("/scheduler/tasks"), ADMIN)).path("id").asText();
    }

    private static String schedulerTaskName() {
        return admin("GET", "/scheduler/tasks/" + ids.get("stask"), null).json().path("name").asText();
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
