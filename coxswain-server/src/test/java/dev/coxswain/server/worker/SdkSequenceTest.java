package dev.coxswain.server.worker;

import static dev.coxswain.server.worker.ReplayServer.object;
import static dev.coxswain.server.worker.ReplayServer.remoteTask;
import static dev.coxswain.server.worker.SdkReplayWorkerScriptedTest.fieldNames;
import static dev.coxswain.server.worker.WireExchange.Kind.EVENT;
import static dev.coxswain.server.worker.WireExchange.Kind.HEARTBEAT;
import static dev.coxswain.server.worker.WireExchange.Kind.POLL;
import static dev.coxswain.server.worker.WireExchange.Kind.REFRESH;
import static dev.coxswain.server.worker.WireExchange.Kind.REGISTER;
import static dev.coxswain.server.worker.WireExchange.Kind.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.server.testing.SecretLedger;
import dev.coxswain.server.worker.SdkReplayWorker.SentResult;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Coxswain's {@code /_worker} API spoken to the way the Python Avtomatika SDK speaks it, by
 * {@link SdkReplayWorker}: the registration → heartbeat → poll → result sequence, progress
 * events, cancellation through the heartbeat answer, retries by failure code, re-registration
 * after 404, the STS token exchange and refresh, a worker process killed mid-task, and integer
 * task timestamps. Tasks are created through the native API ({@code POST /api/tasks} with
 * {@code type} and {@code params}).
 *
 * <p>One server for the class (shared worker token, remote-worker TTL {@value #TTL_SECONDS} s);
 * every test uses its own worker ids and closes its workers (the offline heartbeat) afterwards.
 */
class SdkSequenceTest {
    static final int TTL_SECONDS = 3;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SHORT = Duration.ofSeconds(15);
    private static final String SKILLS_QUERY = "?timeout=30.0&available_skills=echo,sleep,fail,progress&hot_skills=";

    /** What the strict payload parser refused, over every worker of every test of the class. */
    private static final List<String> PAYLOAD_FAILURES = new CopyOnWriteArrayList<>();
    private static final AtomicInteger FLOAT_TIMESTAMPS = new AtomicInteger();
    private static final AtomicInteger PAYLOADS_SEEN = new AtomicInteger();

    @TempDir
    static Path dir;
    static ReplayServer server;

    @TempDir
    Path tmp;
    private final List<SdkReplayWorker> workers = new ArrayList<>();
    private final List<ReplayWorkerProcess> processes = new ArrayList<>();

    @BeforeAll
    static void startServer() {
        server = ReplayServer.start(dir.resolve("data"), TTL_SECONDS, Clock.systemUTC());
    }

    @AfterAll
    static void stopServer() {
        if (server != null) server.close();
        assertThat(FLOAT_TIMESTAMPS.get()).as("task payloads with a float timestamp/deadline, all tests (%d payloads)",
                PAYLOADS_SEEN.get()).isZero();
        assertThat(PAYLOAD_FAILURES).as("task payloads the SDK could not parse, all tests (%d payloads)", PAYLOADS_SEEN.get())
                .isEmpty();
    }

    @AfterEach
    void closeWorkers() throws Exception {
        for (ReplayWorkerProcess p : processes) {
            p.close(); // only the process this test started, on its own handle
            SecretLedger.output("replay worker process", p.output());
        }
        for (SdkReplayWorker w : workers) w.close();
        for (SdkReplayWorker w : workers) {
            PAYLOAD_FAILURES.addAll(w.protocolFailures());
            FLOAT_TIMESTAMPS.addAndGet(w.floatTimestampsSeen());
            PAYLOADS_SEEN.addAndGet(w.payloads().size());
        }
        for (SdkReplayWorker w : workers) {
            assertThat(w.protocolFailures()).as("what would have stopped the SDK\n%s", w.transcript()).isEmpty();
            assertThat(w.wireViolations()).as("answers out of contract\n%s", w.transcript()).isEmpty();
        }
    }

    // ---- the scenarios ---------------------------------------------------------------------------

    @Test
    void registerHeartbeatPollAndResultCompleteTheNativeTask() throws Exception {
        SdkReplayWorker w = started(server.worker("replay-seq"));
        await().atMost(SHORT).until(() -> w.exchanges(HEARTBEAT).stream().anyMatch(x -> x.status() == 200));
        ObjectNode params = object("{\"message\":\"hello\",\"n\":42,\"nested\":{\"a\":[1,2,3]}}");
        String id = server.createTask(remoteTask("seq-echo", "echo", params).put("max_retries", 0).put("timeout_seconds", 30));

        JsonNode task = server.awaitStatus(id, "completed", SHORT, w);
        assertThat(ReplayServer.result(task)).as("result of %s: %s", id, task).isEqualTo(params);
        assertThat(task.path("worker_id").asText()).isEqualTo(w.id());

        List<WireExchange> xs = w.exchanges();
        String story = w.transcript();
        WireExchange register = first(xs, x -> x.is(REGISTER), story);
        assertThat(register.status()).as(story).isEqualTo(200);
        assertThat(register.responseJson()).isEqualTo(JSON.readTree("{\"status\":\"registered\",\"version\":\"1.0b15\"}"));
        WireExchange beat = first(xs, x -> x.is(HEARTBEAT) && x.status() == 200, story);
        assertThat(beat.seq()).isGreaterThan(register.seq());
        assertThat(beat.responseJson().path("status").asText()).isEqualTo("ok");
        WireExchange poll = first(xs, x -> x.is(POLL) && x.status() == 200 && id.equals(x.responseJson().path("job_id").asText()), story);
        assertThat(poll.seq()).isGreaterThan(register.seq());
        assertThat(poll.path()).isEqualTo("/_worker/workers/replay-seq/tasks/next" + SKILLS_QUERY);

        TaskPayload p = only(w.payloadsFor(id), story);
        assertThat(p.taskId()).isEqualTo(id + ".1");
        assertThat(p.type()).isEqualTo("echo");
        assertThat(p.params()).isEqualTo(params);
        assertIntegerTimes(p);
        assertThat(p.metadata()).as("metadata of %s", p.raw()).isNotNull();
        assertThat(p.metadata().path("coxswain_task").asText()).isEqualTo(id);
        assertThat(p.metadata().path("attempt").asInt()).isEqualTo(1);

        SentResult r = only(w.resultsFor(id), story);
        assertThat(r.body().has("status")).as("a success has no status key").isFalse();
        assertThat(r.body().path("data")).isEqualTo(params);
        assertThat(r.body().path("costs").path("execution_time_seconds").isNumber()).isTrue();
        assertThat(r.reply().seq()).isGreaterThan(poll.seq());
        assertThat(r.reply().responseJson()).as(story)
                .isEqualTo(JSON.readTree("{\"status\":\"accepted\",\"transition\":\"success_transition\"}"));
        assertThat(xs).as(story).allSatisfy(x -> assertThat(x.status()).as("%s", x).isIn(200, 204));

        await().atMost(SHORT).until(() -> server.workerIds().contains(w.id()));

        w.close(); // the SDK's goodbye: a last heartbeat, status offline, no skills
        WireExchange bye = w.exchanges().getLast();
        assertThat(bye.is(HEARTBEAT)).as(w.transcript()).isTrue();
        assertThat(bye.requestJson().path("status").asText()).isEqualTo("offline");
        assertThat(bye.requestJson().path("supported_skills").isEmpty()).isTrue();
        assertThat(bye.status()).as("%s", bye).isEqualTo(200);
    }

    @Test
    void progressEventsShowInTheTaskLogsAndProgress() throws Exception {
        SdkReplayWorker w = started(server.worker("replay-progress"));
        String id = server.createTask(remoteTask("progress", "progress", object("{\"steps\":3,\"delay\":0.05}")).put("max_retries", 0));
        JsonNode task = server.awaitStatus(id, "completed", SHORT, w);
        String story = w.transcript();
        TaskPayload p = only(w.payloadsFor(id), story);

        List<WireExchange> events = w.exchanges(EVENT).stream()
                .filter(x -> id.equals(x.requestJson().path("target_job_id").asText())).toList();
        assertThat(events).as(story).hasSize(3).allSatisfy(x -> {
            assertThat(x.status()).as("%s", x).isEqualTo(200);
            assertThat(x.responseJson()).isEqualTo(JSON.readTree("{\"status\":\"event_accepted\"}"));
            assertThat(x.requestJson().path("target_task_id").asText()).isEqualTo(p.taskId());
        });
        assertThat(ReplayServer.result(task)).isEqualTo(object("{\"steps\":3}"));

        List<String> logs = server.logMessages(id);
        for (int i = 1; i <= 3; i++) {
            String step = "step " + i + "/3";
            assertThat(logs).as("log of %s", id).anyMatch(m -> m.contains(step));
        }
        JsonNode progress = task.get("progress");
        assertThat(progress).as("progress of %s", task).isNotNull();
        assertThat(progress.isNull()).as("progress of %s", task).isFalse();
        assertThat(progress.toString()).contains("step 3/3");
        assertThat(numbers(progress)).as("progress of %s", task).contains(1.0);
    }

    @Test
    void aNativeCancelReachesTheWorkerInTheHeartbeatAnswer() throws Exception {
        SdkReplayWorker w = started(server.worker("replay-cancel"));
        String id = server.createTask(remoteTask("cancel-me", "sleep", object("{\"seconds\":30}")).put("max_retries", 0)
                .put("timeout_seconds", 120));
        await().atMost(SHORT).until(() -> !w.payloadsFor(id).isEmpty());
        String wire = w.payloadsFor(id).getFirst().taskId();
        assertThat(w.activeTaskIds()).contains(wire);

        ReplayServer.Reply c = server.cancel(id);
        assertThat(c.status()).as("cancel %s -> %s", id, c).isBetween(200, 299);
        await().atMost(Duration.ofSeconds(10)).until(() -> w.cancelIdsReceived().contains(wire));
        String story = w.transcript();
        WireExchange beat = first(w.exchanges(), x -> x.is(HEARTBEAT) && x.status() == 200
                && x.responseJson().path("cancel_task_ids").toString().contains("\"" + wire + "\""), story);
        assertThat(beat.responseJson().path("status").asText()).isEqualTo("ok");

        await().atMost(SHORT).until(() -> !w.resultsFor(id).isEmpty());
        SentResult r = only(w.resultsFor(id), w.transcript());
        assertThat(r.status()).isEqualTo("cancelled");
        assertThat(fieldNames(r.body())).containsExactlyInAnyOrder("job_id", "task_id", "worker_id", "origin_worker_id", "status",
                "timestamp", "security");
        assertThat(r.replyStatus()).as("%s", r.reply()).isEqualTo("ignored");
        assertThat(r.replyField("reason")).as("%s", r.reply()).isEqualTo("job_cancelled");
        assertThat(server.task(id).path("status").asText()).isEqualTo("cancelled");
        assertThat(w.activeTaskIds()).doesNotContain(wire);
    }

    @Test
    void aTransientFailureIsRetried() throws Exception {
        SdkReplayWorker w = started(server.worker("replay-transient"));
        ObjectNode params = object("{\"mode\":\"transient\",\"message\":\"boom\",\"fail_times\":1}");
        String id = server.createTask(remoteTask("flaky", "fail", params).put("max_retries", 2));
        JsonNode task = server.awaitStatus(id, "completed", Duration.ofSeconds(30), w);
        String story = w.transcript();

        List<TaskPayload> attempts = w.payloadsFor(id);
        assertThat(TaskPayload.taskIds(attempts)).as(story).containsExactly(id + ".1", id + ".2");
        assertThat(attempts.get(1).metadata().path("attempt").asInt()).isEqualTo(2);
        List<SentResult> rs = w.resultsFor(id);
        assertThat(rs).as(story).hasSize(2);
        assertThat(rs.get(0).status()).isEqualTo("failure");
        assertThat(rs.get(0).body().path("error").toString()).isEqualTo("{\"code\":\"TRANSIENT_ERROR\",\"message\":\"boom\"}");
        assertThat(rs.get(0).replyField("transition")).as("%s", rs.get(0).reply()).isEqualTo("failure_handled");
        assertThat(rs.get(1).status()).isEqualTo("success");
        assertThat(rs.get(1).replyField("transition")).as("%s", rs.get(1).reply()).isEqualTo("success_transition");
        assertThat(task.path("retry_count").asInt()).as("%s", task).isEqualTo(1);
        assertThat(ReplayServer.result(task)).isEqualTo(params);
    }

    @Test
    void aPermanentFailureIsNotRetried() throws Exception {
        SdkReplayWorker w = started(server.worker("replay-permanent"));
        String id = server.createTask(remoteTask("doomed", "fail", object("{\"mode\":\"permanent\",\"message\":\"no way\"}"))
                .put("max_retries", 3));
        JsonNode task = server.awaitStatus(id, "failed", SHORT, w);
        assertThat(task.path("error_code").asText()).as("%s", task).isEqualTo("PERMANENT_ERROR");
        assertThat(task.path("error").asText()).as("%s", task).contains("no way");
        assertThat(task.path("retry_count").asInt()).as("%s", task).isZero();
        SentResult r = only(w.resultsFor(id), w.transcript());
        assertThat(r.body().path("error").path("code").asText()).isEqualTo("PERMANENT_ERROR");
        assertThat(r.replyField("transition")).as("%s", r.reply()).isEqualTo("failure_handled");
        // Longer than the first retry's backoff (2 s): still one attempt.
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4)).until(() -> w.payloadsFor(id).size() == 1);
        assertThat(server.task(id).path("status").asText()).isEqualTo("failed");
    }

    @Test
    void aWorkerTheServerNeverMetGets404() {
        SdkReplayWorker w = built(server.worker("replay-stranger"));
        WireExchange beat = w.sendHeartbeatOnce();
        assertThat(beat.status()).as("%s", beat).isEqualTo(404);
        assertThat(beat.responseJson()).as("%s", beat).isEqualTo(json("{\"error\":\"Worker not found\"}"));
        WireExchange poll = w.transport().send("GET", "/_worker/workers/replay-stranger/tasks/next" + SKILLS_QUERY, null,
                Duration.ofSeconds(35));
        assertThat(poll.status()).as("%s", poll).isEqualTo(404);
        assertThat(poll.errorMessage().toLowerCase()).contains("not found");
    }

    @Test
    void aForgottenWorkerReRegistersAfterA404() throws Exception {
        requireTtlSetting();
        SdkReplayWorker w = started(server.worker("replay-forgotten"));
        await().atMost(SHORT).until(() -> w.exchanges(HEARTBEAT).stream().anyMatch(x -> x.status() == 200));
        long before = w.exchanges().getLast().seq();
        w.stall(Duration.ofSeconds(TTL_SECONDS + 4)); // silent for longer than the TTL: the server forgets it
        try {
            await().atMost(Duration.ofSeconds(TTL_SECONDS + 25)).until(() -> reRegisteredAfter404(w, before));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no 404 → register → heartbeat after a silence of " + (TTL_SECONDS + 4) + " s (TTL "
                    + TTL_SECONDS + " s)\n" + w.transcript(), e);
        }
        String id = server.createTask(remoteTask("after-404", "echo", object("{\"back\":true}")).put("max_retries", 0));
        JsonNode task = server.awaitStatus(id, "completed", SHORT, w);
        assertThat(task.path("worker_id").asText()).isEqualTo(w.id());
    }

    @Test
    void theTokenExchangeGivesAnAccessTokenThatWorksAndRefreshes() throws Exception {
        SdkReplayWorker w = built(server.worker("replay-sts"));
        WireExchange t = w.transport().exchangeToken();
        assertThat(t.status()).as("%s", t).isEqualTo(200);
        JsonNode tj = t.responseJson();
        assertThat(tj.path("access_token").isTextual() && !tj.path("access_token").asText().isBlank()).as("access_token").isTrue();
        assertThat(tj.path("refresh_token").isTextual() && !tj.path("refresh_token").asText().isBlank()).as("refresh_token").isTrue();
        assertThat(tj.path("expires_in").isIntegralNumber()).as("expires_in is an int").isTrue();
        assertThat(tj.path("expires_in").asInt()).isEqualTo(3600);
        assertThat(tj.path("worker_id").asText()).isEqualTo(w.id());
        assertThat(w.transport().tokenKind()).isEqualTo("access#1");

        w.start();
        assertThat(w.awaitRegistered(SHORT)).as(w.transcript()).isTrue();
        String first = server.createTask(remoteTask("sts-1", "echo", object("{\"sts\":1}")).put("max_retries", 0));
        server.awaitStatus(first, "completed", SHORT, w);
        assertThat(w.exchanges().stream().filter(x -> x.seq() > t.seq()).toList()).as(w.transcript()).allSatisfy(x -> {
            assertThat(x.tokenKind()).as("%s", x).isEqualTo("access#1");
            assertThat(x.status()).as("%s", x).isIn(200, 204);
        });

        WireExchange r = w.transport().refresh();
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        JsonNode rj = r.responseJson();
        boolean sameAccessToken = rj.path("access_token").asText().equals(tj.path("access_token").asText());
        assertThat(sameAccessToken).as("the refresh hands out a new access token").isFalse();
        assertThat(rj.path("expires_in").asInt()).isEqualTo(3600);
        assertThat(rj.path("worker_id").asText()).isEqualTo(w.id());
        assertThat(w.transport().tokenKind()).isEqualTo("access#2");
        await().atMost(SHORT).until(() -> w.exchanges().stream()
                .anyMatch(x -> x.seq() > r.seq() && x.is(HEARTBEAT) && x.status() == 200 && x.tokenKind().equals("access#2")));
        String second = server.createTask(remoteTask("sts-2", "echo", object("{\"sts\":2}")).put("max_retries", 0));
        server.awaitStatus(second, "completed", SHORT, w);
        SentResult res = only(w.resultsFor(second), w.transcript());
        assertThat(res.reply().tokenKind()).isEqualTo("access#2");
        assertThat(w.exchanges()).as(w.transcript()).noneMatch(x -> x.status() == 401 || x.status() == 403);
    }

    @Test
    void aWrongTokenIs403AndStartsNoTokenExchange() {
        SdkReplayWorker w = server.worker("replay-intruder").masterToken("not-the-worker-token-0123456789").build();
        workers.add(w);
        w.start();
        await().atMost(SHORT).until(() -> !w.exchanges(REGISTER).isEmpty());
        WireExchange reg = w.exchanges(REGISTER).getFirst();
        assertThat(reg.status()).as("%s", reg).isEqualTo(403);
        assertThat(reg.errorMessage()).as("%s", reg).startsWith("Unauthorized");
        assertThat(w.exchanges()).as(w.transcript()).noneMatch(x -> x.is(TOKEN) || x.is(REFRESH));
        assertThat(w.isRegistered()).isFalse();
    }

    @Test
    void anExpiredAccessTokenIs401AndTheWorkerRefreshesAndRepeats() throws Exception {
        ShiftedClock clock = new ShiftedClock();
        try (ReplayServer own = ReplayServer.start(tmp.resolve("sts-data"), TTL_SECONDS, clock)) {
            SdkReplayWorker w = built(own.worker("replay-expiry").clock(clock));
            try {
                WireExchange t = w.transport().exchangeToken();
                assertThat(t.status()).as("%s", t).isEqualTo(200);
                w.start();
                assertThat(w.awaitRegistered(SHORT)).as(w.transcript()).isTrue();
                await().atMost(SHORT).until(() -> w.exchanges(HEARTBEAT).stream().anyMatch(x -> x.status() == 200));
                long mark = w.exchanges().getLast().seq();
                clock.shift(Duration.ofHours(2)); // the access token (1 h) is now expired, the refresh token (24 h) not
                try {
                    await().atMost(SHORT).until(() -> refreshedAfter401(w, mark));
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError("no 401 → refresh → repeat after the access token expired\n" + w.transcript(), e);
                }
            } finally {
                w.close();
            }
        }
    }

    @Test
    void aWorkerKilledMidTaskLosesTheTaskToTheNextWorker() throws Exception {
        requireTtlSetting();
        ReplayWorkerProcess victim = ReplayWorkerProcess.launch(tmp.resolve("logs"), server.base, "replay-victim",
                ReplayServer.WORKER_TOKEN);
        processes.add(victim);
        victim.awaitLine("REGISTERED replay-victim", Duration.ofSeconds(60));
        String id = server.createTask(remoteTask("outlive-me", "sleep", object("{\"seconds\":60}")).put("max_retries", 1)
                .put("timeout_seconds", 300));
        String line = victim.awaitLine("TASK " + id + " ", SHORT);
        String victimWireId = line.split(" ")[2];
        assertThat(server.task(id).path("status").asText()).isEqualTo("running");

        victim.sigkill(); // no offline heartbeat, no result: the server learns only from the silence

        ObjectNode quick = object("{\"slept\":0,\"by\":\"replay-survivor\"}");
        SdkReplayWorker survivor = started(server.worker("replay-survivor").skill("sleep", ctx -> ReplaySkills.data(quick)));
        JsonNode task = server.awaitStatus(id, "completed", Duration.ofSeconds(TTL_SECONDS + 40), survivor);
        String story = survivor.transcript();
        TaskPayload p = only(survivor.payloadsFor(id), story);
        assertThat(p.taskId()).as("a new attempt, a new wire id").isNotEqualTo(victimWireId);
        assertThat(p.metadata().path("attempt").asInt()).as("%s", p.raw()).isGreaterThan(1);
        assertThat(only(survivor.resultsFor(id), story).replyField("transition")).isEqualTo("success_transition");
        assertThat(task.path("worker_id").asText()).isEqualTo(survivor.id());
        assertThat(ReplayServer.result(task)).isEqualTo(quick);
        assertThat(victim.stdoutText()).doesNotContain("PROTOCOL_FAILURE");
    }

    @Test
    void theServerNeverSendsAFloatTimestamp() throws Exception {
        SdkReplayWorker w = started(server.worker("replay-strict"));
        List<String> ids = List.of(
                server.createTask(remoteTask("strict-echo", "echo", object("{\"x\":1.5}")).put("max_retries", 0)),
                server.createTask(remoteTask("strict-progress", "progress", object("{\"steps\":1,\"delay\":0.01}")).put("max_retries", 0)),
                server.createTask(remoteTask("strict-sleep", "sleep", object("{\"seconds\":0.1}")).put("max_retries", 0)
                        .put("timeout_seconds", 60)),
                server.createTask(remoteTask("strict-fail", "fail", object("{\"mode\":\"invalid\"}")).put("max_retries", 0)));
        for (String id : ids.subList(0, 3)) server.awaitStatus(id, "completed", SHORT, w);
        server.awaitStatus(ids.get(3), "failed", SHORT, w);
        assertThat(w.payloads()).as(w.transcript()).hasSizeGreaterThanOrEqualTo(4);
        for (TaskPayload p : w.payloads()) assertIntegerTimes(p);
        assertThat(w.floatTimestampsSeen()).isZero();
        assertThat(w.protocolFailures()).isEmpty();
        assertThat(w.pollingStopped()).isFalse();
    }

    // ---- helpers -------------------------------------------------------------------------------

    private SdkReplayWorker built(SdkReplayWorker.Builder b) {
        SdkReplayWorker w = b.build();
        workers.add(w);
        return w;
    }

    /** Started and registered. */
    private SdkReplayWorker started(SdkReplayWorker.Builder b) throws InterruptedException {
        SdkReplayWorker w = built(b);
        w.start();
        assertThat(w.awaitRegistered(SHORT)).as("registration of %s\n%s", w.id(), w.transcript()).isTrue();
        return w;
    }

    private static void requireTtlSetting() {
        assertThat(ReplayServer.ttlSettingKnown())
                .as("the server has no '%s' setting: a silent remote worker cannot be made to expire within a test",
                        ReplayServer.TTL_SETTING)
                .isTrue();
    }

    /** Timestamps the SDK can parse: JSON integers, near now. */
    private static void assertIntegerTimes(TaskPayload p) {
        JsonNode ts = p.raw().get("timestamp");
        assertThat(ts).as("timestamp of %s", p.raw()).isNotNull();
        assertThat(ts.isIntegralNumber()).as("timestamp of %s is an integer", p.raw()).isTrue();
        assertThat(Math.abs(ts.asLong() - Instant.now().getEpochSecond())).as("timestamp of %s", p.raw()).isLessThan(300);
        JsonNode dl = p.raw().get("deadline");
        if (dl != null && !dl.isNull()) assertThat(dl.isIntegralNumber()).as("deadline of %s is an integer", p.raw()).isTrue();
        JsonNode pr = p.raw().get("priority");
        if (pr != null) assertThat(pr.isNumber()).as("priority of %s", p.raw()).isTrue();
        assertThat(p.raw().path("params").isObject()).as("params of %s", p.raw()).isTrue();
    }

    /** After seq {@code after}: a heartbeat answered 404 "not found", then a registration 200, then a heartbeat 200. */
    private static boolean reRegisteredAfter404(SdkReplayWorker w, long after) {
        List<WireExchange> xs = w.exchanges().stream().filter(x -> x.seq() > after).toList();
        Optional<WireExchange> lost = xs.stream().filter(x -> x.is(HEARTBEAT) && x.status() == 404
                && x.errorMessage().toLowerCase().contains("not found")).findFirst();
        if (lost.isEmpty()) return false;
        Optional<WireExchange> reg = xs.stream().filter(x -> x.seq() > lost.get().seq() && x.is(REGISTER) && x.status() == 200)
                .findFirst();
        return reg.isPresent() && xs.stream().anyMatch(x -> x.seq() > reg.get().seq() && x.is(HEARTBEAT) && x.status() == 200);
    }

    /**
     * After seq {@code after}: a request with access token #1 answered 401 "token expired", then
     * {@code POST /_worker/auth/token/refresh} 200, then the same request (same bytes) with token #2,
     * not answered 401.
     */
    private static boolean refreshedAfter401(SdkReplayWorker w, long after) {
        List<WireExchange> xs = w.exchanges().stream().filter(x -> x.seq() > after).toList();
        for (WireExchange denied : xs) {
            if (denied.status() != 401 || !denied.tokenKind().equals("access#1")) continue;
            assertThat(denied.responseJson()).as("%s", denied).isEqualTo(json("{\"error\":\"Unauthorized: token expired\"}"));
            boolean refreshed = xs.stream().anyMatch(x -> x.is(REFRESH) && x.status() == 200 && x.seq() > denied.seq());
            Optional<WireExchange> repeat = xs.stream().filter(x -> x.retryOf() == denied.seq()).findFirst();
            if (refreshed && repeat.isPresent()) {
                WireExchange again = repeat.get();
                assertThat(again.tokenKind()).isEqualTo("access#2");
                assertThat(again.requestBody()).isEqualTo(denied.requestBody());
                assertThat(again.status()).as("%s", again).isNotEqualTo(401);
                return again.status() > 0;
            }
        }
        return false;
    }

    private static WireExchange first(List<WireExchange> xs, Predicate<WireExchange> p, String story) {
        return xs.stream().filter(p).findFirst().orElseThrow(() -> new AssertionError("no such exchange in\n" + story));
    }

    private static <T> T only(List<T> l, String story) {
        assertThat(l).as(story).hasSize(1);
        return l.getFirst();
    }

    private static JsonNode json(String s) {
        return ReplayTransport.parse(s);
    }

    /** Every number anywhere in {@code n}. */
    private static List<Double> numbers(JsonNode n) {
        List<Double> out = new ArrayList<>();
        if (n.isNumber()) out.add(n.asDouble());
        n.elements().forEachRemaining(c -> out.addAll(numbers(c)));
        return out;
    }

    /** The system clock moved by a chosen amount: everything keeps running, only "now" jumps. */
    static final class ShiftedClock extends Clock {
        private volatile Duration shift = Duration.ZERO;
        private final ZoneId zone;

        ShiftedClock() {
            this(ZoneOffset.UTC);
        }

        private ShiftedClock(ZoneId zone) {
            this.zone = zone;
        }

        void shift(Duration d) {
            shift = shift.plus(d);
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(shift);
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId z) {
            ShiftedClock outer = this;
            return new Clock() {
                @Override
                public ZoneId getZone() {
                    return z;
                }

                @Override
                public Clock withZone(ZoneId other) {
                    return outer.withZone(other);
                }

                @Override
                public Instant instant() {
                    return outer.instant();
                }
            };
        }
    }
}
