package dev.coxswain.server.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coxswain.server.worker.ScriptedOrchestrator.Seen;
import dev.coxswain.server.worker.SdkReplayWorker.SentResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay worker against {@link ScriptedOrchestrator}, the same script the real SDK's
 * transcript was recorded with: the worker must send what the SDK sent, in the same order. This
 * checks the test tool itself, without a Coxswain server.
 */
class SdkReplayWorkerScriptedTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ID = "bar-worker-1";
    /** The throw-away token of the transcript's recording, not a secret of anything. */
    private static final String TOKEN = "secret-token";
    private static final String POLL_PATH = "/_worker/workers/" + ID
            + "/tasks/next?timeout=30.0&available_skills=echo,sleep,fail,progress&hot_skills=";

    private static String payload(String job, String task, String type, String params, String timestamp) {
        return "{\"job_id\": \"" + job + "\", \"task_id\": \"" + task + "\", \"type\": \"" + type + "\", \"params\": " + params
                + ", \"tracing_context\": {}, \"priority\": 0, \"timestamp\": " + timestamp + "}";
    }

    private static String now() {
        return String.valueOf(Instant.now().getEpochSecond());
    }

    private static SdkReplayWorker worker(ScriptedOrchestrator o) {
        return SdkReplayWorker.builder(o.base(), ID, TOKEN).workerType("coxswain-bar-worker")
                .heartbeatInterval(Duration.ofMillis(300)).heartbeatCooldown(Duration.ofMillis(200))
                .shutdownTimeout(Duration.ofSeconds(1)).build();
    }

    @Test
    void followsTheSdkTranscript() throws Exception {
        try (ScriptedOrchestrator o = new ScriptedOrchestrator(TOKEN)) {
            String echoParams = "{\"message\": \"hello\", \"n\": 42, \"nested\": {\"a\": [1, 2, 3]}}";
            o.tasks.add(payload("job-echo", "task-echo", "echo", echoParams, now()));
            o.tasks.add(payload("job-progress", "task-progress", "progress", "{\"steps\": 2, \"delay\": 0.05}", now()));
            o.tasks.add(payload("job-fail", "task-fail", "fail", "{\"message\": \"boom\"}", now()));
            o.tasks.add(payload("job-sleep", "task-sleep", "sleep", "{\"seconds\": 60}", now()));
            o.tasks.add(payload("job-unknown", "task-unknown", "nosuchskill", "{\"x\": 1}", now()));
            o.cancelWhenRunning("task-sleep");

            SdkReplayWorker w = worker(o).start();
            try {
                await().atMost(Duration.ofSeconds(15)).until(() -> w.results().size() == 5);
                o.forget = true;
                await().atMost(Duration.ofSeconds(10)).until(() -> o.registers.get() >= 3
                        && o.seen("PATCH", "/_worker/workers/").getLast().answered() == 200);
            } finally {
                w.close();
            }
            String story = w.transcript();
            List<Seen> all = o.seen();

            // Every request: the three headers.
            for (Seen s : all) {
                assertThat(s.header("x-worker-id")).as("%s", s).isEqualTo(ID);
                assertThat(s.header("x-rxon-version")).as("%s", s).isEqualTo("1.0b15");
                assertThat(s.header("x-worker-token")).as("%s", s).isNotBlank();
            }
            assertThat(o.badSignatures).isEmpty();
            assertThat(w.protocolFailures()).isEmpty();
            assertThat(w.wireViolations()).isEmpty();

            // 401 on register → token exchange (empty body, octet-stream, master token) → the same bytes again.
            Seen reg1 = all.get(0);
            Seen token = all.get(1);
            Seen reg2 = all.get(2);
            assertThat(reg1.path()).isEqualTo("/_worker/workers/register");
            assertThat(reg1.header("x-worker-token")).isEqualTo(TOKEN);
            assertThat(reg1.answered()).isEqualTo(401);
            assertThat(token.method() + " " + token.path()).isEqualTo("POST /_worker/auth/token");
            assertThat(token.body()).isEmpty();
            assertThat(token.header("content-type")).isEqualTo("application/octet-stream");
            assertThat(token.header("x-worker-token")).isEqualTo(TOKEN);
            assertThat(reg2.path()).isEqualTo("/_worker/workers/register");
            assertThat(reg2.header("x-worker-token")).isEqualTo("sts-access-1");
            assertThat(reg2.body()).isEqualTo(reg1.body());
            assertRegistration(reg2.json());

            // 401 on the first heartbeat → refresh → the same heartbeat again with the new token.
            List<Seen> beats = o.seen("PATCH", "/_worker/workers/");
            Seen hb1 = beats.get(0);
            Seen hb2 = beats.get(1);
            assertThat(hb1.answered()).isEqualTo(401);
            assertThat(hb1.header("x-worker-token")).isEqualTo("sts-access-1");
            Seen refresh = o.seen("POST", "/_worker/auth/token/refresh").getFirst();
            assertThat(refresh.seq()).isBetween(hb1.seq(), hb2.seq());
            assertThat(refresh.json()).isEqualTo(JSON.readTree("{\"refresh_token\":\"sts-refresh-1\"}"));
            assertThat(refresh.header("x-worker-token")).isEqualTo("sts-access-1");
            assertThat(hb2.header("x-worker-token")).isEqualTo("sts-access-2");
            assertThat(hb2.body()).isEqualTo(hb1.body());
            JsonNode first = hb1.json();
            assertThat(fieldNames(first)).containsExactlyInAnyOrder("available_skills", "current_tasks", "security", "skills_hash",
                    "status", "timestamp", "usage", "worker_id");
            assertThat(first.path("status").asText()).isEqualTo("idle");
            assertThat(first.path("usage").toString()).isEqualTo("{\"cpu_load_percent\":0,\"ram_used_gb\":0}");
            // require_full_sync on hb2 → the next heartbeat carries the skills, later ones do not.
            assertThat(beats.get(2).json().path("supported_skills").size()).as(story).isEqualTo(4);
            assertThat(beats.get(3).json().has("supported_skills")).as(story).isFalse();

            // Polls: the exact query, one at a time, Retry-After honoured.
            List<Seen> polls = o.seen("GET", "/_worker/workers/");
            for (Seen p : polls) assertThat(p.path()).isEqualTo(POLL_PATH);
            assertThat(polls.get(0).answered()).isEqualTo(429);
            assertThat(Duration.ofNanos(polls.get(1).arrivedNanos() - polls.get(0).arrivedNanos())).isGreaterThan(Duration.ofMillis(950));
            assertThat(o.maxPollsInFlight.get()).isEqualTo(1);

            // Results.
            SentResult echo = only(w.resultsFor("job-echo"));
            assertThat(echo.body().has("status")).isFalse();
            assertThat(echo.body().path("data")).isEqualTo(JSON.readTree(echoParams));
            assertThat(echo.body().path("costs").path("execution_time_seconds").isNumber()).isTrue();
            assertThat(echo.body().path("origin_worker_id").asText()).isEqualTo(ID);
            assertThat(echo.replyField("transition")).isEqualTo("success_transition");
            assertThat(only(w.resultsFor("job-progress")).body().path("data").toString()).isEqualTo("{\"steps\":2}");
            JsonNode fail = only(w.resultsFor("job-fail")).body();
            assertThat(fail.path("status").asText()).isEqualTo("failure");
            assertThat(fail.path("error").toString()).isEqualTo("{\"code\":\"TRANSIENT_ERROR\",\"message\":\"boom\"}");
            assertThat(fieldNames(fail)).doesNotContain("data", "costs").contains("origin_worker_id");
            SentResult cancelled = only(w.resultsFor("job-sleep"));
            assertThat(fieldNames(cancelled.body())).containsExactlyInAnyOrder("job_id", "task_id", "worker_id", "origin_worker_id",
                    "status", "timestamp", "security");
            assertThat(cancelled.status()).isEqualTo("cancelled");
            assertThat(cancelled.replyStatus()).isEqualTo("ignored");
            assertThat(cancelled.replyField("reason")).isEqualTo("job_cancelled");
            assertThat(w.cancelIdsReceived()).containsExactly("task-sleep");
            JsonNode unknown = only(w.resultsFor("job-unknown")).body();
            assertThat(unknown.path("error").toString())
                    .isEqualTo("{\"code\":\"PERMANENT_ERROR\",\"message\":\"Unsupported skill: nosuchskill\"}");
            assertThat(fieldNames(unknown)).doesNotContain("origin_worker_id", "data", "costs");

            // Progress events.
            List<JsonNode> events = o.seen("POST", "/_worker/events").stream().map(Seen::json).toList();
            assertThat(events).hasSize(2);
            assertThat(events.get(0).path("payload").toString()).isEqualTo("{\"message\":\"step 1/2\",\"progress\":0.5}");
            assertThat(events.get(1).path("payload").toString()).isEqualTo("{\"message\":\"step 2/2\",\"progress\":1}");
            for (JsonNode e : events) {
                assertThat(fieldNames(e)).containsExactlyInAnyOrder("bubbling_chain", "event_id", "event_type", "origin_task_id",
                        "origin_worker_id", "payload", "priority", "security", "target_job_id", "target_task_id", "timestamp",
                        "trace_context", "worker_id");
                assertThat(e.path("target_task_id").asText()).isEqualTo("task-progress");
                assertThat(e.path("target_job_id").asText()).isEqualTo("job-progress");
                assertThat(e.path("bubbling_chain").isArray() && e.path("bubbling_chain").isEmpty()).isTrue();
                assertThat(e.path("priority").isIntegralNumber()).isTrue();
            }

            // 404 on a periodic heartbeat → register → heartbeat.
            int lost = indexOf(all, s -> s.method().equals("PATCH") && s.answered() == 404);
            int again = indexOf(all.subList(lost, all.size()), s -> s.path().equals("/_worker/workers/register")) + lost;
            assertThat(all.get(again).answered()).as(story).isEqualTo(200);
            assertThat(all.subList(again, all.size()).stream().anyMatch(s -> s.method().equals("PATCH") && s.answered() == 200))
                    .as(story).isTrue();

            // Shutdown: the offline heartbeat is the last word.
            Seen last = all.getLast();
            assertThat(last.method()).isEqualTo("PATCH");
            assertThat(last.json().path("status").asText()).isEqualTo("offline");
            assertThat(last.json().path("supported_skills").isArray() && last.json().path("supported_skills").isEmpty()).isTrue();
            assertThat(last.json().has("available_skills")).isFalse();
        }
    }

    @Test
    void aFloatTimestampStopsPollingForGood() throws Exception {
        try (ScriptedOrchestrator o = new ScriptedOrchestrator(TOKEN)) {
            o.tasks.add(payload("job-float", "task-float", "echo", "{}", now() + ".5"));
            SdkReplayWorker w = worker(o).start();
            try {
                await().atMost(Duration.ofSeconds(10)).until(w::pollingStopped);
                assertThat(w.floatTimestampsSeen()).isEqualTo(1);
                assertThat(w.protocolFailures()).singleElement().asString().contains("timestamp");
                int polls = o.polls.get();
                int beats = o.heartbeats.get();
                Thread.sleep(1200);
                assertThat(o.polls.get()).as("no poll after the bad payload").isEqualTo(polls);
                assertThat(o.heartbeats.get()).as("heartbeats go on").isGreaterThanOrEqualTo(beats + 2);
                assertThat(w.results()).isEmpty();
                assertThat(w.activeTaskIds()).isEmpty();
            } finally {
                w.close();
            }
        }
    }

    @Test
    void theWorkerProcessDiesSilentlyOnSigkillAndSaysGoodbyeOnSigterm(@TempDir Path tmp) throws Exception {
        try (ScriptedOrchestrator o = new ScriptedOrchestrator(TOKEN);
             ReplayWorkerProcess p = ReplayWorkerProcess.launch(tmp, o.base(), ID, TOKEN)) {
            o.tasks.add(payload("job-long", "task-long", "sleep", "{\"seconds\": 60}", now()));
            p.awaitLine("REGISTERED " + ID, Duration.ofSeconds(60));
            assertThat(p.awaitLine("TASK job-long ", Duration.ofSeconds(15))).isEqualTo("TASK job-long task-long sleep");
            p.sigkill();
            Thread.sleep(1000);
            assertThat(o.seen("POST", "/_worker/tasks/result")).as("no result after SIGKILL").isEmpty();
            assertThat(o.seen("PATCH", "/_worker/workers/")).noneMatch(s -> s.body().contains("\"offline\""));
        }
        try (ScriptedOrchestrator o = new ScriptedOrchestrator(TOKEN);
             ReplayWorkerProcess p = ReplayWorkerProcess.launch(tmp.resolve("term"), o.base(), ID, TOKEN)) {
            p.awaitLine("REGISTERED " + ID, Duration.ofSeconds(60));
            p.process.destroy(); // SIGTERM: the shutdown hook closes the worker
            assertThat(p.process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            Seen last = o.seen().getLast();
            assertThat(last.method()).as(p.output()).isEqualTo("PATCH");
            assertThat(last.json().path("status").asText()).isEqualTo("offline");
        }
    }

    private static void assertRegistration(JsonNode r) {
        assertThat(fieldNames(r)).containsExactlyInAnyOrder("available_skills", "capabilities", "installed_artifacts",
                "installed_software", "resources", "security", "skills_hash", "supported_skills", "timestamp", "worker_id",
                "worker_type");
        assertThat(r.path("worker_type").asText()).isEqualTo("coxswain-bar-worker");
        assertThat(r.path("available_skills").toString()).isEqualTo("[\"echo\",\"sleep\",\"fail\",\"progress\"]");
        assertThat(r.path("supported_skills").get(0).toString()).isEqualTo(
                "{\"description\":\"Returns its params unchanged.\",\"input_schema\":{\"type\":\"object\"},\"name\":\"echo\",\"type\":\"echo\"}");
        assertThat(fieldNames(r.path("capabilities"))).containsExactlyInAnyOrder("cost_per_skill", "extra", "hostname", "ip_address");
        assertThat(r.path("capabilities").path("extra").toString()).isEqualTo("{\"websockets\":false}");
        assertThat(r.path("resources").toString()).isEqualTo("{\"properties\":{\"cpu_cores\":4,\"ram_gb\":0}}");
        assertThat(r.path("installed_software").toString()).isEqualTo("{\"python\":\"3.11\"}");
        assertThat(r.path("skills_hash").asText()).matches("[0-9a-f]{64}");
        assertThat(r.path("timestamp").isIntegralNumber()).isTrue();
        assertThat(r.path("security").path("signer_id").asText()).isEqualTo(ID);
        assertThat(r.path("security").path("signature").asText()).matches("[0-9a-f]{64}");
    }

    static Set<String> fieldNames(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return Set.copyOf(out);
    }

    private static <T> T only(List<T> l) {
        assertThat(l).hasSize(1);
        return l.getFirst();
    }

    private static <T> int indexOf(List<T> l, java.util.function.Predicate<T> p) {
        for (int i = 0; i < l.size(); i++) if (p.test(l.get(i))) return i;
        throw new AssertionError("not found in " + l);
    }
}
