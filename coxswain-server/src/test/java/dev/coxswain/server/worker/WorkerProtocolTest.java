package dev.coxswain.server.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.testing.TestDatabases;
import dev.coxswain.server.worker.ConformanceServer.Resp;
import dev.coxswain.server.worker.ConformanceWorker.Socket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.coxswain.server.worker.ConformanceServer.JSON;
import static dev.coxswain.server.worker.ConformanceWorker.failure;
import static dev.coxswain.server.worker.ConformanceWorker.hash;
import static dev.coxswain.server.worker.ConformanceWorker.success;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Conformance of the server side of the {@code /_worker} protocol (the wire the Avtomatika worker
 * SDK speaks; see the brief's wire contract): a real server on 127.0.0.1, spoken to over real
 * HTTP and the real WebSocket, with bodies signed as the SDK signs them. Every answer is checked
 * for its status, {@code Content-Type: application/json}, {@code X-RXON-Version} and JSON shape.
 * Each test uses its own worker ids and skill names, so tests on the shared server cannot take
 * each other's tasks.
 */
class WorkerProtocolTest {
    private static final AtomicInteger SEQ = new AtomicInteger();

    @TempDir
    static Path dir;
    static ConformanceServer srv;

    @BeforeAll
    static void start() {
        srv = ConformanceServer.start(dir.resolve("main"));
    }

    @AfterAll
    static void stop() {
        if (srv != null) srv.close();
    }

    /** A name no other test uses (a worker id or a skill). */
    private static String uid(String prefix) {
        return prefix + "-" + SEQ.incrementAndGet();
    }

    // ---- answer checks ----------------------------------------------------------------------------

    /** Status, the two headers every worker answer carries, and a JSON object body. */
    private static JsonNode json(Resp r, int status) {
        assertThat(r.status()).as("%s", r).isEqualTo(status);
        assertThat(r.header("Content-Type")).as("Content-Type of %s", r).startsWith("application/json");
        assertThat(r.header("X-RXON-Version")).as("X-RXON-Version of %s", r).isEqualTo("1.0b15");
        assertThat(r.json()).as("body of %s", r).isNotNull();
        assertThat(r.json().isObject()).as("body of %s", r).isTrue();
        return r.json();
    }

    /** Exactly this JSON object. */
    private static void exactly(Resp r, int status, String expected) throws Exception {
        assertThat(json(r, status)).as("%s", r).isEqualTo(JSON.readTree(expected));
    }

    /** An error answer: {@code {"error": "<starts with prefix>"}} and nothing else (a 429 adds code). */
    private static void error(Resp r, int status, String prefix) {
        JsonNode j = json(r, status);
        assertThat(j.path("error").isTextual()).as("%s", r).isTrue();
        assertThat(j.get("error").asText()).as("%s", r).startsWith(prefix);
        assertThat(j.size()).as("%s", r).isEqualTo(1);
    }

    private static void ignored(Resp r, String reason) {
        JsonNode j = json(r, 200);
        assertThat(j.path("status").asText()).as("%s", r).isEqualTo("ignored");
        assertThat(j.path("reason").asText()).as("%s", r).isEqualTo(reason);
        assertThat(j.path("message").isTextual()).as("%s", r).isTrue();
    }

    /** A registered worker serving {@code skills}. */
    private static ConformanceWorker registered(ConformanceServer s, String... skills) throws Exception {
        ConformanceWorker w = s.worker(uid("w"));
        exactly(w.register(skills), 200, "{\"status\":\"registered\",\"version\":\"1.0b15\"}");
        return w;
    }

    /** The TaskPayload a poll hands over, checked for the wire's types. */
    private static JsonNode payload(Resp r, String nativeId, int attempt, String skill) {
        JsonNode p = json(r, 200);
        assertThat(p.path("job_id").asText()).isEqualTo(nativeId);
        assertThat(p.path("task_id").asText()).isEqualTo(nativeId + "." + attempt);
        assertThat(p.path("type").asText()).isEqualTo(skill);
        assertThat(p.path("params").isObject()).isTrue();
        assertThat(p.path("tracing_context").isObject()).isTrue();
        assertThat(p.path("priority").isIntegralNumber()).as("priority %s", p).isTrue();
        assertThat(p.path("timestamp").isIntegralNumber()).as("timestamp %s", p).isTrue();
        assertThat(p.path("deadline").isIntegralNumber()).as("deadline %s", p).isTrue();
        assertThat(p.get("deadline").asLong()).isGreaterThanOrEqualTo(p.get("timestamp").asLong());
        assertThat(p.path("metadata").path("coxswain_task").asText()).isEqualTo(nativeId);
        assertThat(p.path("metadata").path("attempt").asInt()).isEqualTo(attempt);
        return p;
    }

    // ---- register → heartbeat → poll → result ------------------------------------------------

    @Test
    void registerHeartbeatPollResult() throws Exception {
        mainFlow(srv);
    }

    @Test
    void registerHeartbeatPollResultOnPostgres() throws Exception {
        try (TestDatabases.PgDatabase pg = TestDatabases.freshPostgres();
             ConformanceServer s = ConformanceServer.start(dir.resolve("pg"), pg.url(), WorkerProtocolConfig.defaults(),
                     Clock.systemUTC())) {
            mainFlow(s);
            ignoredResultsOn(s);
        }
    }

    private static void mainFlow(ConformanceServer s) throws Exception {
        String skill = uid("echo");
        ConformanceWorker w = registered(s, skill);
        exactly(w.heartbeat(w.beat(hash(skill))), 200, "{\"status\":\"ok\"}");

        ObjectNode params = JSON.createObjectNode().put("text", "hi").put("n", 3);
        String id = s.createTask(skill, params, null);
        assertThat(id).matches("task-\\d+");
        JsonNode p = payload(w.poll(skill), id, 1, skill);
        assertThat(p.get("params")).isEqualTo(params);
        JsonNode running = s.task(id);
        assertThat(running.path("status").asText()).isEqualTo("running");
        assertThat(running.path("worker_id").asText()).isEqualTo(w.id);

        exactly(w.heartbeat(w.beat(hash(skill), p.get("task_id").asText())), 200, "{\"status\":\"ok\"}");
        ObjectNode data = JSON.createObjectNode().put("echo", "hi").put("ratio", 0.0015);
        data.putArray("items").add(1).add("two");
        exactly(w.result(success(p, data)), 200, "{\"status\":\"accepted\",\"transition\":\"success_transition\"}");

        JsonNode done = s.task(id);
        assertThat(done.path("status").asText()).isEqualTo("completed");
        assertThat(done.get("result")).isEqualTo(data);
        assertThat(done.path("worker_id").asText()).isEqualTo(w.id);
    }

    // ---- heartbeats ---------------------------------------------------------------------------

    @Test
    void emptyHeartbeatRefreshesTheTtl() throws Exception {
        ConformanceWorker w = registered(srv, uid("s"));
        exactly(w.heartbeat(null), 200, "{\"status\":\"ttl_refreshed\"}");
    }

    @Test
    void unknownWorkerIsNotFound() throws Exception {
        String skill = uid("s");
        ConformanceWorker w = srv.worker(uid("never-registered"));
        exactly(w.heartbeat(w.beat(hash(skill))), 404, "{\"error\":\"Worker not found\"}");
        exactly(w.heartbeat(null), 404, "{\"error\":\"Worker not found\"}");
        exactly(w.poll("1.0", skill), 404, "{\"error\":\"Worker not found\"}");
    }

    @Test
    void workerThatWentOfflineIsNotFound() throws Exception {
        String skill = uid("s");
        ConformanceWorker w = registered(srv, skill);
        ObjectNode bye = w.beat(hash(skill)).put("status", "offline");
        bye.putArray("supported_skills");
        exactly(w.heartbeat(bye), 200, "{\"status\":\"ok\"}");
        exactly(w.heartbeat(w.beat(hash(skill))), 404, "{\"error\":\"Worker not found\"}");
        exactly(w.poll("1.0", skill), 404, "{\"error\":\"Worker not found\"}");
        // Registering again brings it back.
        exactly(w.register(skill), 200, "{\"status\":\"registered\",\"version\":\"1.0b15\"}");
        exactly(w.heartbeat(w.beat(hash(skill))), 200, "{\"status\":\"ok\"}");
    }

    @Test
    void workerPastItsTtlIsNotFound() throws Exception {
        ShiftedClock clock = new ShiftedClock();
        WorkerProtocolConfig cfg = WorkerProtocolConfig.defaults();
        try (ConformanceServer s = ConformanceServer.start(dir.resolve("ttl"), null, cfg, clock)) {
            String skill = uid("s");
            ConformanceWorker w = registered(s, skill);
            exactly(w.heartbeat(w.beat(hash(skill))), 200, "{\"status\":\"ok\"}");
            clock.advance(cfg.ttl().plusSeconds(1));
            // Stamped with the server's (moved) clock, so only the TTL can refuse it.
            exactly(w.heartbeat(w.beat(hash(skill))), 404, "{\"error\":\"Worker not found\"}");
            exactly(w.heartbeat(null), 404, "{\"error\":\"Worker not found\"}");
            exactly(w.poll("1.0", skill), 404, "{\"error\":\"Worker not found\"}");
        }
    }

    @Test
    void requireFullSyncUntilTheSkillsAreSent() throws Exception {
        String a = uid("a");
        String b = uid("b");
        ConformanceWorker w = registered(srv, a);
        // A new hash without the skills it stands for: the server asks for them.
        exactly(w.heartbeat(w.beat("hash-changed")), 200, "{\"status\":\"ok\",\"require_full_sync\":true}");
        exactly(w.heartbeat(w.beat("hash-changed")), 200, "{\"status\":\"ok\",\"require_full_sync\":true}");
        ObjectNode full = w.beat("hash-changed");
        full.putArray("supported_skills").add(ConformanceWorker.skill(a)).add(ConformanceWorker.skill(b));
        exactly(w.heartbeat(full), 200, "{\"status\":\"ok\"}");
        exactly(w.heartbeat(w.beat("hash-changed")), 200, "{\"status\":\"ok\"}");
        // The synced skills are the ones served now.
        String id = srv.createTask(b);
        payload(w.poll(b), id, 1, b);
    }

    // ---- results that are ignored -------------------------------------------------------------

    /** A task of a fresh skill, handed to a fresh worker. */
    private record Running(ConformanceWorker w, String skill, String id, JsonNode payload) {
    }

    private static Running running(ConformanceServer s, ObjectNode extra) throws Exception {
        String skill = uid("job");
        ConformanceWorker w = registered(s, skill);
        String id = s.createTask(skill, null, extra);
        return new Running(w, skill, id, payload(w.poll(skill), id, 1, skill));
    }

    @Test
    void resultsThatAreIgnored() throws Exception {
        ignoredResultsOn(srv);
    }

    /** Duplicate, unknown task, another worker's task, cancelled: each ignored, none changes the task. */
    private static void ignoredResultsOn(ConformanceServer s) throws Exception {
        // duplicate
        Running r = running(s, null);
        exactly(r.w.result(success(r.payload, null)), 200, "{\"status\":\"accepted\",\"transition\":\"success_transition\"}");
        JsonNode before = s.task(r.id);
        ignored(r.w.result(success(r.payload, JSON.createObjectNode().put("again", true))), "job_already_terminated");
        ignored(r.w.result(failure(r.payload, "PERMANENT_ERROR", "late failure")), "job_already_terminated");
        assertThat(s.task(r.id)).isEqualTo(before);

        // unknown task
        ObjectNode unknown = JSON.createObjectNode().put("job_id", "task-987654321").put("task_id", "task-987654321.1");
        unknown.putObject("data");
        ignored(r.w.result(unknown), "job_not_found");
        ObjectNode foreign = JSON.createObjectNode().put("job_id", "not-ours").put("task_id", "3f1c2a6e-not-ours");
        ignored(r.w.result(foreign), "job_not_found");

        // another worker's task
        Running mine = running(s, null);
        ConformanceWorker other = registered(s, mine.skill);
        before = s.task(mine.id);
        ignored(other.result(success(mine.payload, JSON.createObjectNode().put("stolen", true))), "worker_mismatch");
        ignored(other.result(failure(mine.payload, "PERMANENT_ERROR", "not mine")), "worker_mismatch");
        assertThat(s.task(mine.id)).isEqualTo(before);
        exactly(mine.w.result(success(mine.payload, null)), 200, "{\"status\":\"accepted\",\"transition\":\"success_transition\"}");

        // cancelled
        Running c = running(s, null);
        s.cancel(c.id);
        before = s.task(c.id);
        assertThat(before.path("status").asText()).isEqualTo("cancelled");
        ignored(c.w.result(success(c.payload, JSON.createObjectNode().put("too", "late"))), "job_cancelled");
        ObjectNode cancelled = JSON.createObjectNode().put("job_id", c.payload.get("job_id").asText())
                .put("task_id", c.payload.get("task_id").asText()).put("status", "cancelled");
        ignored(c.w.result(cancelled), "job_cancelled");
        assertThat(s.task(c.id)).isEqualTo(before);
    }

    @Test
    void resultOfASupersededAttemptIsStale() throws Exception {
        Running r = running(srv, JSON.createObjectNode().put("max_retries", 1));
        exactly(r.w.result(failure(r.payload, "TRANSIENT_ERROR", "try again")), 200,
                "{\"status\":\"accepted\",\"transition\":\"failure_handled\"}");
        // The retry (after its ~2 s backoff) is a new attempt with a new wire id.
        JsonNode second = payload(r.w.poll("10.0", r.skill), r.id, 2, r.skill);
        JsonNode before = taskOnMain(r.id);
        assertThat(before.path("status").asText()).isEqualTo("running");
        ignored(r.w.result(success(r.payload, JSON.createObjectNode().put("old", true))), "stale_task");
        assertThat(taskOnMain(r.id)).isEqualTo(before);
        exactly(r.w.result(success(second, null)), 200, "{\"status\":\"accepted\",\"transition\":\"success_transition\"}");
        assertThat(taskOnMain(r.id).path("status").asText()).isEqualTo("completed");
    }

    private static JsonNode taskOnMain(String id) {
        return srv.task(id);
    }

    @Test
    void resultAfterTheServerTimedTheTaskOutIsLate() throws Exception {
        Running r = running(srv, JSON.createObjectNode().put("timeout_seconds", 1));
        JsonNode before = srv.awaitStatus(r.id, "failed");
        assertThat(before.path("error").asText()).contains("timed out");
        ignored(r.w.result(success(r.payload, JSON.createObjectNode().put("late", true))), "deadline_exceeded");
        assertThat(srv.task(r.id)).isEqualTo(before);
    }

    // ---- failures -----------------------------------------------------------------------------

    @Test
    void permanentErrorFailsAtOnce() throws Exception {
        Running r = running(srv, JSON.createObjectNode().put("max_retries", 3));
        exactly(r.w.result(failure(r.payload, "PERMANENT_ERROR", "Unsupported skill")), 200,
                "{\"status\":\"accepted\",\"transition\":\"failure_handled\"}");
        JsonNode t = srv.task(r.id);
        assertThat(t.path("status").asText()).isEqualTo("failed");
        assertThat(t.path("error_code").asText()).isEqualTo("PERMANENT_ERROR");
        assertThat(t.path("error").asText()).contains("Unsupported skill");
        assertThat(t.path("retry_count").asInt()).isZero();
    }

    @Test
    void transientErrorIsRetried() throws Exception {
        Running r = running(srv, JSON.createObjectNode().put("max_retries", 1));
        exactly(r.w.result(failure(r.payload, "TRANSIENT_ERROR", "flaky")), 200,
                "{\"status\":\"accepted\",\"transition\":\"failure_handled\"}");
        JsonNode t = srv.task(r.id);
        assertThat(t.path("status").asText()).isIn("pending", "queued");
        assertThat(t.path("retry_count").asInt()).isEqualTo(1);
    }

    // ---- cancel ---------------------------------------------------------------------------------

    @Test
    void cancelIsPushedOverTheSocket() throws Exception {
        String skill = uid("long");
        ConformanceWorker w = registered(srv, skill);
        try (Socket ws = w.connect()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> srv.server.engine().remoteChannels().connected(w.id));
            String id = srv.createTask(skill);
            JsonNode p = payload(w.poll(skill), id, 1, skill);
            srv.cancel(id);
            String frame = ws.frames().poll(1, TimeUnit.SECONDS);
            assertThat(frame).as("cancel frame within 1 s").isNotNull();
            assertThat(JSON.readTree(frame)).isEqualTo(JSON.createObjectNode().put("command", "cancel_task")
                    .put("task_id", p.get("task_id").asText()).put("job_id", id));
        }
    }

    @Test
    void aNewSocketReplacesTheOldOneWith1008() throws Exception {
        String skill = uid("long");
        ConformanceWorker w = registered(srv, skill);
        try (Socket first = w.connect()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> srv.server.engine().remoteChannels().connected(w.id));
            try (Socket second = w.connect()) {
                assertThat(first.closes().poll(5, TimeUnit.SECONDS)).isEqualTo(1008);
                assertThat(srv.server.engine().remoteChannels().connected(w.id)).isTrue();
                // The new one is the one cancels go to.
                String id = srv.createTask(skill);
                JsonNode p = payload(w.poll(skill), id, 1, skill);
                srv.cancel(id);
                assertThat(second.frames().poll(1, TimeUnit.SECONDS)).isNotNull()
                        .satisfies(f -> assertThat(JSON.readTree(f).path("task_id").asText()).isEqualTo(p.get("task_id").asText()));
            }
        }
    }

    @Test
    void cancelIsAnsweredInTheHeartbeatWhenTheSocketIsClosed() throws Exception {
        String skill = uid("long");
        ConformanceWorker w = registered(srv, skill);
        try (Socket ws = w.connect()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> srv.server.engine().remoteChannels().connected(w.id));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !srv.server.engine().remoteChannels().connected(w.id));
        String id = srv.createTask(skill);
        JsonNode p = payload(w.poll(skill), id, 1, skill);
        String wire = p.get("task_id").asText();
        srv.cancel(id);
        JsonNode answer = json(w.heartbeat(w.beat(hash(skill), wire)), 200);
        assertThat(answer).isEqualTo(JSON.readTree("{\"status\":\"ok\",\"cancel_task_ids\":[\"" + wire + "\"]}"));
    }

    // ---- events ---------------------------------------------------------------------------------

    private static List<String> messages(String id) {
        List<String> out = new ArrayList<>();
        for (JsonNode l : srv.logs(id)) out.add(l.path("level").asText() + " " + l.path("message").asText());
        return out;
    }

    @Test
    void progressEventUpdatesTheTaskAndItsLog() throws Exception {
        Running r = running(srv, null);
        String wire = r.payload.get("task_id").asText();
        ObjectNode progress = JSON.createObjectNode().put("progress", 0.5).put("message", "step 1/2");
        exactly(r.w.event(r.w.eventBody("progress", wire, r.id, progress)), 200, "{\"status\":\"event_accepted\"}");
        JsonNode t = srv.task(r.id);
        assertThat(t.path("progress").path("value").asDouble()).isEqualTo(0.5);
        assertThat(t.path("progress").path("message").asText()).isEqualTo("step 1/2");
        assertThat(messages(r.id)).anySatisfy(m -> assertThat(m).contains("50%").contains("step 1/2"));
    }

    @Test
    void progressEventOverTheSocket() throws Exception {
        Running r = running(srv, null);
        String wire = r.payload.get("task_id").asText();
        try (Socket ws = r.w.connect()) {
            ObjectNode progress = JSON.createObjectNode().put("progress", 0.75).put("message", "three quarters");
            ws.ws().sendText(r.w.signed(r.w.eventBody("progress", wire, r.id, progress), true).toString(), true)
                    .get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                    assertThat(srv.task(r.id).path("progress").path("value").asDouble()).isEqualTo(0.75));
            assertThat(srv.task(r.id).path("progress").path("message").asText()).isEqualTo("three quarters");
            assertThat(messages(r.id)).anySatisfy(m -> assertThat(m).contains("75%").contains("three quarters"));
        }
    }

    @Test
    void logEventAddsLines() throws Exception {
        Running r = running(srv, null);
        String wire = r.payload.get("task_id").asText();
        ObjectNode payload = JSON.createObjectNode();
        payload.putArray("lines")
                .add(JSON.createObjectNode().put("level", "info").put("message", "first line"))
                .add(JSON.createObjectNode().put("level", "error").put("message", "second line"));
        exactly(r.w.event(r.w.eventBody("log", wire, r.id, payload)), 200, "{\"status\":\"event_accepted\"}");
        assertThat(messages(r.id)).contains("info first line", "error second line");
    }

    @Test
    void eventForATaskNotRunningOnThatWorkerIsIgnored() throws Exception {
        Running r = running(srv, null);
        String wire = r.payload.get("task_id").asText();
        ConformanceWorker other = registered(srv, r.skill);
        JsonNode before = srv.task(r.id);
        List<String> linesBefore = messages(r.id);
        ObjectNode progress = JSON.createObjectNode().put("progress", 0.9).put("message", "not mine");

        JsonNode j = json(other.event(other.eventBody("progress", wire, r.id, progress)), 200);
        assertThat(j.path("status").asText()).isEqualTo("ignored");
        assertThat(j.path("reason").asText()).isEqualTo("worker_mismatch");
        j = json(r.w.event(r.w.eventBody("progress", "task-987654321.1", "task-987654321", progress)), 200);
        assertThat(j.path("status").asText()).isEqualTo("ignored");
        assertThat(j.path("reason").asText()).isEqualTo("job_not_found");

        assertThat(srv.task(r.id)).isEqualTo(before);
        assertThat(messages(r.id)).isEqualTo(linesBefore);
    }

    // ---- authentication -------------------------------------------------------------------------

    @Test
    void missingOrWrongTokenIs403NeverA401() throws Exception {
        String skill = uid("s");
        ConformanceWorker w = registered(srv, skill);
        ConformanceWorker none = new ConformanceWorker(srv, w.id, ConformanceServer.WORKER_TOKEN);
        none.token = null;
        ConformanceWorker wrong = new ConformanceWorker(srv, w.id, ConformanceServer.WORKER_TOKEN);
        wrong.token = "wrong-token-0123456789abcdef";

        for (ConformanceWorker bad : List.of(none, wrong)) {
            error(bad.register(skill), 403, "Unauthorized: ");
            error(bad.heartbeat(bad.beat(hash(skill))), 403, "Unauthorized: ");
            error(bad.heartbeat(null), 403, "Unauthorized: ");
            error(bad.poll("1.0", skill), 403, "Unauthorized: ");
            ObjectNode res = JSON.createObjectNode().put("job_id", "task-1").put("task_id", "task-1.1");
            error(bad.result(res), 403, "Unauthorized: ");
            error(bad.send("POST", "/_worker/auth/token", (byte[]) null), 403, "Unauthorized: ");
        }
        exactly(none.heartbeat(null), 403, "{\"error\":\"Unauthorized: Missing X-Worker-Token header\"}");
    }

    @Test
    void tokenExchangeAndRefresh() throws Exception {
        String skill = uid("s");
        ConformanceWorker w = registered(srv, skill);
        // As aiohttp sends it: no body, Content-Type application/octet-stream.
        Map<String, String> h = w.headers();
        h.put("Content-Type", "application/octet-stream");
        JsonNode t = json(srv.send("POST", "/_worker/auth/token", h, new byte[0]), 200);
        assertThat(t.path("access_token").isTextual()).isTrue();
        assertThat(t.path("refresh_token").isTextual()).isTrue();
        assertThat(t.path("expires_in").isIntegralNumber()).isTrue();
        assertThat(t.path("expires_in").asInt()).isEqualTo(3600);
        assertThat(t.path("worker_id").asText()).isEqualTo(w.id);

        // The access token authenticates; bodies are still signed with the master token.
        w.token = t.get("access_token").asText();
        exactly(w.heartbeat(w.beat(hash(skill))), 200, "{\"status\":\"ok\"}");
        exactly(w.heartbeat(null), 200, "{\"status\":\"ttl_refreshed\"}");

        ObjectNode refresh = JSON.createObjectNode().put("refresh_token", t.get("refresh_token").asText());
        JsonNode t2 = json(w.send("POST", "/_worker/auth/token/refresh", refresh), 200);
        assertThat(t2.path("access_token").asText()).isNotEqualTo(t.get("access_token").asText());
        assertThat(t2.path("refresh_token").isTextual()).isTrue();
        assertThat(t2.path("expires_in").asInt()).isEqualTo(3600);
        assertThat(t2.path("worker_id").asText()).isEqualTo(w.id);
        // A refresh token works once.
        error(w.send("POST", "/_worker/auth/token/refresh", refresh), 403, "Unauthorized: ");

        w.token = t2.get("access_token").asText();
        exactly(w.heartbeat(w.beat(hash(skill))), 200, "{\"status\":\"ok\"}");
        // An access token of this worker does not act as another one.
        ConformanceWorker other = new ConformanceWorker(srv, uid("w"), ConformanceServer.WORKER_TOKEN);
        other.token = w.token;
        error(other.heartbeat(null), 403, "Unauthorized: ");
    }

    @Test
    void expiredAccessTokenIs401() throws Exception {
        ShiftedClock clock = new ShiftedClock();
        try (ConformanceServer s = ConformanceServer.start(dir.resolve("sts"), null, WorkerProtocolConfig.defaults(), clock)) {
            ConformanceWorker w = registered(s, uid("s"));
            JsonNode t = json(w.send("POST", "/_worker/auth/token", (byte[]) null), 200);
            w.token = t.get("access_token").asText();
            exactly(w.heartbeat(null), 200, "{\"status\":\"ttl_refreshed\"}");
            clock.advance(Duration.ofSeconds(t.get("expires_in").asLong() + 1));
            exactly(w.heartbeat(null), 401, "{\"error\":\"Unauthorized: token expired\"}");
            // The refresh token (24 h) still trades for a fresh pair.
            ObjectNode refresh = JSON.createObjectNode().put("refresh_token", t.get("refresh_token").asText());
            JsonNode t2 = json(w.send("POST", "/_worker/auth/token/refresh", refresh), 200);
            assertThat(t2.path("access_token").isTextual()).isTrue();
        }
    }

    @Test
    void socketWithAWrongTokenIsRefusedWith403() throws Exception {
        ConformanceWorker w = registered(srv, uid("s"));
        ConformanceWorker wrong = new ConformanceWorker(srv, w.id, ConformanceServer.WORKER_TOKEN);
        wrong.token = "wrong-token-0123456789abcdef";
        for (ConformanceWorker bad : List.of(wrong, withoutToken(w))) {
            var refused = handshakeRefusal(bad);
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.headers().firstValue("X-RXON-Version")).hasValue("1.0b15");
            assertThat(refused.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        }
        assertThat(srv.server.engine().remoteChannels().connected(w.id)).isFalse();
        // A plain GET (no upgrade) with a wrong token is a 403 too.
        error(wrong.send("GET", "/_worker/ws/" + w.id, (byte[]) null), 403, "Unauthorized: ");
    }

    private static ConformanceWorker withoutToken(ConformanceWorker w) {
        ConformanceWorker none = new ConformanceWorker(w.srv, w.id, w.master);
        none.token = null;
        return none;
    }

    /** The HTTP answer to a refused WebSocket handshake. */
    private static java.net.http.HttpResponse<?> handshakeRefusal(ConformanceWorker w) {
        try (Socket s = w.connect()) {
            throw new AssertionError("the handshake of " + w.id + " was accepted");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
            return ((WebSocketHandshakeException) e.getCause()).getResponse();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    // ---- signatures -----------------------------------------------------------------------------

    @Test
    void unsignedTamperedOrStaleBodiesAre403() throws Exception {
        String skill = uid("s");
        ConformanceWorker w = srv.worker(uid("w"));

        ObjectNode unsigned = w.registration(skill).put("timestamp", w.now());
        error(w.send("POST", "/_worker/workers/register", unsigned), 403, "Unauthorized: ");

        ObjectNode tampered = w.signed(w.registration(skill), false);
        ((ObjectNode) tampered.get("resources").get("properties")).put("cpu_cores", 64);
        error(w.send("POST", "/_worker/workers/register", tampered), 403, "Unauthorized: ");

        ObjectNode badHex = w.signed(w.registration(skill), false);
        ((ObjectNode) badHex.get("security")).put("signature", "not-hex");
        error(w.send("POST", "/_worker/workers/register", badHex), 403, "Unauthorized: ");

        for (long skew : new long[]{-120, 120}) {
            ObjectNode stale = w.registration(skill).put("timestamp", w.now() + skew);
            error(w.send("POST", "/_worker/workers/register", w.signed(stale, false)), 403, "Unauthorized: ");
        }

        ObjectNode noTimestamp = w.registration(skill);
        noTimestamp.putObject("security").put("signature", dev.coxswain.worker.protocol.Signatures.sign(noTimestamp, false, w.master));
        error(w.send("POST", "/_worker/workers/register", noTimestamp), 403, "Unauthorized: ");

        // None of them registered the worker.
        exactly(w.heartbeat(null), 404, "{\"error\":\"Worker not found\"}");

        // The same checks on results, events and heartbeats of a registered worker.
        Running r = running(srv, null);
        JsonNode before = srv.task(r.id);
        ObjectNode res = success(r.payload, null);
        res.put("worker_id", r.w.id).put("timestamp", r.w.now());
        error(r.w.send("POST", "/_worker/tasks/result", res), 403, "Unauthorized: ");
        ObjectNode tamperedResult = r.w.signed(success(r.payload, JSON.createObjectNode().put("x", 1)), false);
        ((ObjectNode) tamperedResult.get("data")).put("x", 2);
        error(r.w.send("POST", "/_worker/tasks/result", tamperedResult), 403, "Unauthorized: ");
        ObjectNode staleResult = success(r.payload, null).put("timestamp", r.w.now() - 120);
        error(r.w.send("POST", "/_worker/tasks/result", r.w.signed(staleResult, false)), 403, "Unauthorized: ");
        ObjectNode ev = r.w.eventBody("progress", r.payload.get("task_id").asText(), r.id,
                JSON.createObjectNode().put("progress", 0.5).put("message", "m")).put("timestamp", r.w.now());
        error(r.w.send("POST", "/_worker/events", ev), 403, "Unauthorized: ");
        ObjectNode beat = r.w.beat(hash(r.skill)).put("timestamp", r.w.now());
        error(r.w.send("PATCH", "/_worker/workers/" + r.w.id, beat), 403, "Unauthorized: ");
        assertThat(srv.task(r.id)).isEqualTo(before);
    }

    @Test
    void bodyWorkerIdOtherThanTheSenderIs403() throws Exception {
        String skill = uid("s");
        ConformanceWorker w = srv.worker(uid("w"));
        String otherId = uid("w");
        ObjectNode reg = w.registration(skill).put("worker_id", otherId);
        exactly(w.send("POST", "/_worker/workers/register", w.signed(reg, false)), 403,
                "{\"error\":\"Immediate sender ID mismatch\"}");
        exactly(w.heartbeat(null), 404, "{\"error\":\"Worker not found\"}");
        exactly(srv.worker(otherId).heartbeat(null), 404, "{\"error\":\"Worker not found\"}");

        Running r = running(srv, null);
        JsonNode before = srv.task(r.id);
        ObjectNode res = success(r.payload, null).put("worker_id", otherId);
        exactly(r.w.result(res), 403, "{\"error\":\"Immediate sender ID mismatch\"}");
        ObjectNode beat = r.w.beat(hash(r.skill)).put("worker_id", otherId);
        exactly(r.w.heartbeat(beat), 403, "{\"error\":\"Immediate sender ID mismatch\"}");
        assertThat(srv.task(r.id)).isEqualTo(before);
    }

    // ---- rate limits --------------------------------------------------------------------------

    @Test
    void thirdHeartbeatOverALimitOfTwoIs429() throws Exception {
        WorkerProtocolConfig d = WorkerProtocolConfig.defaults();
        WorkerProtocolConfig cfg = new WorkerProtocolConfig(d.ttl(), d.maxPoll(), d.signatures(), d.timestampWindow(),
                d.pollPerMinute(), 2, 1);
        try (ConformanceServer s = ConformanceServer.start(dir.resolve("limits"), null, cfg, Clock.systemUTC())) {
            String skill = uid("s");
            ConformanceWorker w = registered(s, skill);
            exactly(w.heartbeat(w.beat(hash(skill))), 200, "{\"status\":\"ok\"}");
            exactly(w.heartbeat(w.beat(hash(skill))), 200, "{\"status\":\"ok\"}");
            Resp third = w.heartbeat(w.beat(hash(skill)));
            exactly(third, 429, "{\"error\":\"Too Many Requests\",\"code\":\"LIMIT_EXCEEDED_ERROR\"}");
            assertThat(third.header("Retry-After")).as("Retry-After of %s", third).matches("\\d+");
            assertThat(Long.parseLong(third.header("Retry-After"))).isBetween(1L, 60L);
            // Other workers have their own buckets.
            ConformanceWorker other = registered(s, skill);
            exactly(other.heartbeat(other.beat(hash(skill))), 200, "{\"status\":\"ok\"}");

            // Socket upgrades (one a minute here) are refused before the switch, with the same answer.
            try (Socket ws = w.connect()) {
                var refused = handshakeRefusal(w);
                assertThat(refused.statusCode()).isEqualTo(429);
                assertThat(refused.headers().firstValue("Retry-After").orElse("")).matches("[1-9]\\d*");
                assertThat(refused.headers().firstValue("X-RXON-Version")).hasValue("1.0b15");
            }
        }
    }

    @Test
    void guessingTokensIsThrottledPerAddress() throws Exception {
        // Its own server: this fills the address bucket of 127.0.0.1.
        try (ConformanceServer s = ConformanceServer.start(dir.resolve("guessing"), null, WorkerProtocolConfig.defaults(),
                Clock.systemUTC())) {
            String skill = uid("s");
            ConformanceWorker w = registered(s, skill);
            ConformanceWorker guesser = new ConformanceWorker(s, w.id, ConformanceServer.WORKER_TOKEN);
            Resp last = null;
            int refused = 0;
            int limit = dev.coxswain.server.SecurityConfig.ANONYMOUS_PER_MINUTE;
            for (int i = 0; i < 2 * limit; i++) {
                guesser.token = "guess-" + i + "-0123456789abcdef";
                last = guesser.heartbeat(guesser.beat(hash(skill)));
                if (last.status() == 403) refused++;
                else break;
            }
            // The bucket holds a minute's worth and refills while the loop runs.
            assertThat(refused).as("403s before the throttle").isBetween(limit, 2 * limit - 1);
            exactly(last, 429, "{\"error\":\"Too Many Requests\",\"code\":\"LIMIT_EXCEEDED_ERROR\"}");
            assertThat(last.header("Retry-After")).matches("[1-9]\\d*");
            // The worker with its real token is not throttled by someone else's guessing.
            exactly(w.heartbeat(w.beat(hash(skill))), 200, "{\"status\":\"ok\"}");
        }
    }

    // ---- malformed bodies ----------------------------------------------------------------------

    @Test
    void malformedBodiesAre400AndStoreNothing() throws Exception {
        String skill = uid("s");
        ConformanceWorker w = srv.worker(uid("w"));
        byte[] invalid = "{\"worker_id\": \"x\", ".getBytes(StandardCharsets.UTF_8);
        error(w.send("POST", "/_worker/workers/register", invalid), 400, "");
        error(w.send("POST", "/_worker/workers/register", "[]".getBytes(StandardCharsets.UTF_8)), 400, "");
        error(w.send("POST", "/_worker/workers/register", (byte[]) null), 400, "");

        ObjectNode notArray = w.registration(skill);
        notArray.putObject("supported_skills").put("name", skill);
        error(w.register(notArray), 400, "");
        ObjectNode dotted = w.registration(skill);
        dotted.putArray("supported_skills").add(ConformanceWorker.skill("bad.skill"));
        error(w.register(dotted), 400, "");
        exactly(w.heartbeat(null), 404, "{\"error\":\"Worker not found\"}");

        Running r = running(srv, null);
        JsonNode before = srv.task(r.id);
        List<String> linesBefore = messages(r.id);
        error(r.w.send("PATCH", "/_worker/workers/" + r.w.id, "[1,2]".getBytes(StandardCharsets.UTF_8)), 400, "");
        error(r.w.send("POST", "/_worker/tasks/result", invalid), 400, "");
        ObjectNode noTaskId = success(r.payload, JSON.createObjectNode().put("x", 1));
        noTaskId.remove("task_id");
        error(r.w.result(noTaskId), 400, "");
        ObjectNode dataNotObject = success(r.payload, null);
        dataNotObject.put("data", "text");
        error(r.w.result(dataNotObject), 400, "");
        ObjectNode noType = r.w.eventBody("progress", r.payload.get("task_id").asText(), r.id,
                JSON.createObjectNode().put("progress", 0.5));
        noType.remove("event_type");
        error(r.w.event(noType), 400, "");
        error(r.w.send("POST", "/_worker/events", "not json".getBytes(StandardCharsets.UTF_8)), 400, "");
        error(r.w.poll("abc", r.skill), 400, "");
        assertThat(srv.task(r.id)).isEqualTo(before);
        assertThat(messages(r.id)).isEqualTo(linesBefore);
    }

    // ---- long poll ------------------------------------------------------------------------------

    @Test
    void emptyPollIsHeldThenAnswered204() throws Exception {
        String skill = uid("s");
        ConformanceWorker w = registered(srv, skill);
        Resp r = w.poll("1.0", skill);
        assertThat(r.status()).as("%s", r).isEqualTo(204);
        assertThat(r.body()).isEmpty();
        assertThat(r.header("X-RXON-Version")).isEqualTo("1.0b15");
        assertThat(r.millis()).as("held ≈ 1 s").isBetween(900L, 3_000L);
    }

    @Test
    void heldPollIsAnsweredAsSoonAsATaskArrives() throws Exception {
        String skill = uid("s");
        ConformanceWorker w = registered(srv, skill);
        CompletableFuture<Resp> poll = CompletableFuture.supplyAsync(() -> w.poll("20.0", skill));
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() -> waitingPolls() > 0);
        assertThat(poll).isNotDone();
        long t0 = System.nanoTime();
        String id = srv.createTask(skill);
        Resp r = poll.get(10, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        payload(r, id, 1, skill);
        assertThat(ms).as("answered %d ms after the task was created", ms).isLessThan(2_000L);
        assertThat(r.millis()).as("well before its 20 s timeout").isLessThan(10_000L);
    }

    @Test
    void heldPollIsNotAnsweredWithAnotherSkill() throws Exception {
        String a = uid("a");
        String b = uid("b");
        ConformanceWorker w = registered(srv, a, b);
        String id = srv.createTask(b);
        Resp r = w.poll("1.0", a);
        assertThat(r.status()).as("%s", r).isEqualTo(204);
        assertThat(srv.task(id).path("status").asText()).isEqualTo("queued");
        // A worker that does not serve b at all is not given it either.
        ConformanceWorker onlyA = registered(srv, a);
        assertThat(onlyA.poll("1.0", "").status()).isEqualTo(204);
        assertThat(srv.task(id).path("status").asText()).isEqualTo("queued");
        payload(w.poll(b), id, 1, b);
    }

    /** Polls held on the main server's dispatcher (not exposed: read for this test only). */
    private static int waitingPolls() throws Exception {
        var remote = srv.server.engine().remote();
        var f = remote.getClass().getDeclaredField("dispatcher");
        f.setAccessible(true);
        return ((dev.coxswain.core.remote.RemoteDispatcher) f.get(remote)).waitingPolls();
    }

    // ---- routing and capacity -------------------------------------------------------------------

    @Test
    void taskRequiringAWorkerGoesOnlyToThatWorker() throws Exception {
        String skill = uid("s");
        ConformanceWorker w1 = registered(srv, skill);
        ConformanceWorker w2 = registered(srv, skill);
        ObjectNode extra = JSON.createObjectNode();
        extra.putObject("requirements").put("worker_id", w2.id);
        String id = srv.createTask(skill, null, extra);
        assertThat(w1.poll("1.0", skill).status()).isEqualTo(204);
        assertThat(srv.task(id).path("status").asText()).isEqualTo("queued");
        payload(w2.poll(skill), id, 1, skill);
        assertThat(srv.task(id).path("worker_id").asText()).isEqualTo(w2.id);
    }

    @Test
    void workerAtItsCapacityGetsNoSecondTask() throws Exception {
        String skill = uid("s");
        ConformanceWorker w = srv.worker(uid("w"));
        exactly(w.register(w.registration(skill).put("max_concurrent_tasks", 1)), 200,
                "{\"status\":\"registered\",\"version\":\"1.0b15\"}");
        String first = srv.createTask(skill);
        String second = srv.createTask(skill);
        JsonNode p = payload(w.poll(skill), first, 1, skill);
        assertThat(w.poll("1.0", skill).status()).isEqualTo(204);
        assertThat(srv.task(second).path("status").asText()).isEqualTo("queued");
        exactly(w.result(success(p, null)), 200, "{\"status\":\"accepted\",\"transition\":\"success_transition\"}");
        payload(w.poll(skill), second, 1, skill);
    }
}
