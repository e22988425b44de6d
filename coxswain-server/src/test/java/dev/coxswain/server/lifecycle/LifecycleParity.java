package dev.coxswain.server.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.testing.MutableClock;
import dev.coxswain.core.webhook.Receiver;
import dev.coxswain.core.webhook.WebhookSettings;
import dev.coxswain.server.SecurityConfig;
import dev.coxswain.server.ServerConfig;
import dev.coxswain.server.ui.NativeApi;
import dev.coxswain.server.ui.UiClient;
import dev.coxswain.server.ui.UiServer;
import dev.coxswain.server.worker.ConformanceServer;
import dev.coxswain.server.worker.ConformanceWorker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Pins what the API says about a task's life — its log lines (whole, paged, by level), the task
 * itself, the dashboard's page and attempts table, the log stream, a Chadburn job's executions
 * and the native schedule's runs, and every webhook delivery — to golden files, so that a change in how the lifecycle is
 * stored (stored rows or derived from the task's columns) must give the very same answers.
 *
 * <p>The server runs on a {@link MutableClock}: every time it shows is the test's, so the golden
 * files hold real times (not placeholders) and their order and equalities are checked as they are.
 * Each scenario starts at its own hour and moves the clock itself; the tests never sleep, they
 * wait for states with a deadline. Scripts that must stay running until the test has moved the
 * clock wait for a gate file. Run once per store by the subclasses, against the same golden files.
 *
 * <p>Regenerate the golden files (only when an answer is meant to change) with
 * {@code -Dlifecycle.golden.write=true}; see {@link GoldenFile}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class LifecycleParity {
    static final Instant T0 = Instant.parse("2030-01-02T00:00:00Z");
    static final Duration WAIT = Duration.ofSeconds(20);
    static final String WORKER = "worker-parity";
    /** Loopback receivers allowed; a failed delivery would be retried after a second. */
    static final WebhookSettings HOOKS = new WebhookSettings(true, false, Duration.ofSeconds(1), 5, Duration.ofSeconds(5));
    /** The native API's exponential backoff draws ±10 % jitter: the one value not pinned exactly. */
    static final Pattern FIRST_RETRY_DELAY = Pattern.compile("retrying in (\\d+\\.\\d{3}) s \\(retry 1 of");

    static final GoldenFile golden = GoldenFile.inSources();
    static MutableClock clock;
    static ServerConfig config;
    static UiServer srv;
    static NativeApi api;
    static UiClient ui;
    static Receiver receiver;
    static Path marks;

    /** Starts the server (SQLite in {@code dir} unless {@code dbUrl} is given) on the test clock. */
    static void startServer(Path dir, String dbUrl) {
        try {
            marks = Files.createDirectories(dir.resolve("marks"));
            receiver = new Receiver();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        clock = new MutableClock(T0);
        SecurityConfig d = SecurityConfig.defaults();
        config = new ServerConfig(0, "127.0.0.1", dir.resolve("data"), dbUrl, null, null, UiServer.ADMIN, 2, Duration.ZERO,
                ZoneOffset.UTC, 1 << 20, 1000, false, WORKER, Duration.ofSeconds(30)).withWebhooks(HOOKS)
                .withSecurity(new SecurityConfig(d.jwt(), ConformanceServer.WORKER_TOKEN, d.perMinute(), d.anonymousPerMinute()));
        open();
    }

    private static void open() {
        srv = new UiServer(config, clock);
        api = srv.api();
        ui = srv.admin();
    }

    @AfterAll
    static void stopServer() {
        if (srv != null) srv.close();
        srv = null;
        if (receiver != null) receiver.close();
        receiver = null;
    }

    // ---- one scenario ----------------------------------------------------------------------------

    /** A scenario's transcript and webhook; its clock starts at {@code T0 + hour} hours. */
    final class Run {
        final String name;
        final Transcript t = new Transcript();
        final HookCapture hooks = new HookCapture(receiver, WAIT);

        Run(String name, int hour) {
            this.name = name;
            clock.set(T0.plus(Duration.ofHours(hour)));
            // The scripts' marker files live in a temporary directory whose name changes every run.
            t.rewrite(Pattern.compile(Pattern.quote(marks.toString())), m -> "<marks>");
            // A dashboard session lapses when the clock jumps hours ahead: sign in at the scenario's time.
            ui = srv.admin();
            hooks.subscribe(api);
        }

        /** Creates a task through the native API and records the answer. */
        String create(String json) {
            JsonNode r = api.envelope("POST", "/api/tasks", json);
            t.section("POST /api/tasks " + json);
            t.json(r);
            return r.path("data").path("id").asText();
        }

        /** A POST without a body (cancel, retry, run), its answer recorded. */
        JsonNode action(String path) {
            JsonNode r = api.envelope("POST", path, null);
            t.section("POST " + path);
            t.json(r);
            return r;
        }

        /** A state seen on the way (between attempts, before a dependency finished): the task and its log. */
        void snapshot(String id, String when) {
            t.section("GET /api/tasks/" + id + " (" + when + ")");
            t.json(api.envelope("GET", "/api/tasks/" + id, null));
            t.section("GET /api/tasks/" + id + "/logs (" + when + ")");
            t.list(api.envelope("GET", "/api/tasks/" + id + "/logs", null));
        }

        void capture(String... ids) {
            TaskFaces faces = new TaskFaces(api, ui);
            for (String id : ids) faces.capture(t, id);
        }

        /** The deliveries, then the comparison with the golden file. */
        void finish() {
            hooks.capture(api, t);
            golden.check(name, t.text());
        }
    }

    // ---- waiting, without sleeping -----------------------------------------------------------------

    static JsonNode task(String id) {
        return api.get("/api/tasks/" + id);
    }

    static JsonNode awaitTask(String id, String what, Predicate<JsonNode> p) {
        JsonNode[] last = new JsonNode[1];
        try {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> p.test(last[0] = task(id)));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(id + " never became " + what + "; last seen: " + last[0], e);
        }
        return last[0];
    }

    static JsonNode awaitStatus(String id, String status) {
        return awaitTask(id, status, n -> n.path("status").asText().equals(status));
    }

    /** Waits for a line in the task's log: proof that its process runs (and printed it). */
    static void awaitLine(String id, String message) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> {
            for (JsonNode l : api.get("/api/tasks/" + id + "/logs?limit=1000")) {
                if (l.path("message").asText().equals(message)) return true;
            }
            return false;
        });
    }

    /** Waits until every webhook delivery so far has been sent (before a restart). */
    static void awaitDeliveriesSent() {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> {
            for (JsonNode h : api.get("/api/webhooks?limit=100")) {
                JsonNode pending = api.envelope("GET", "/api/webhooks/" + h.path("id").asText() + "/deliveries?status=pending", null);
                if (pending.path("meta").path("total").asLong() > 0) return false;
            }
            return true;
        });
    }

    static Path mark(String name) {
        return marks.resolve(name);
    }

    static void touch(Path p) {
        try {
            Files.writeString(p, "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A shell command as a JSON string. */
    static String sh(String command) {
        return NativeApi.quote(command);
    }

    /** Fails the first time (creating {@code marker}), succeeds once it exists. */
    static String failsOnce(Path marker) {
        return "if [ -e '" + marker + "' ]; then echo 'marker found: done'; else touch '" + marker
                + "'; echo 'no marker yet' >&2; exit 3; fi";
    }

    /** Prints {@code first}, then waits for {@code gate} to exist. */
    static String gated(String first, Path gate) {
        return "echo '" + first + "'; while [ ! -e '" + gate + "' ]; do sleep 0.01; done";
    }

    // ---- the scenarios -----------------------------------------------------------------------------

    /** (a) The hot path: created, claimed and completed at once, on the first attempt. */
    @Test
    @Order(1)
    void completedOnTheFirstAttempt() {
        Run r = new Run("completed-first-attempt", 1);
        String a = r.create("{\"name\":\"parity hello\",\"command\":\"echo hello\"}");
        awaitStatus(a, "completed");
        r.capture(a);
        r.finish();
    }

    /** (b) The first attempt fails; the backoff passes on the clock; the automatic retry completes. */
    @Test
    @Order(2)
    void retriedAutomaticallyThenCompleted() {
        Run r = new Run("retried-automatically", 2);
        String a = r.create("{\"name\":\"parity flaky\",\"command\":" + sh(failsOnce(mark("auto"))) + ",\"max_retries\":1}");
        awaitTask(a, "waiting for its retry", n -> n.path("status").asText().equals("pending") && n.path("retry_count").asInt() == 1);
        r.snapshot(a, "between the attempts");
        clock.advance(Duration.ofSeconds(3)); // past 2 s + 10 % jitter
        awaitStatus(a, "completed");
        r.capture(a);
        r.t.rewrite(FIRST_RETRY_DELAY, m -> {
            double s = Double.parseDouble(m.group(1));
            assertThat(s).as("first retry delay").isBetween(1.8, 2.2);
            return "retrying in <2 s ± 10 %> s (retry 1 of";
        });
        r.finish();
    }

    /** (c) Fails for good (no retries left), and the task waiting on it fails with it. */
    @Test
    @Order(3)
    void failedForGoodWithItsDependent() {
        Run r = new Run("failed-for-good", 3);
        Path gate = mark("fail-gate");
        String a = r.create("{\"name\":\"parity doomed\",\"command\":" + sh(gated("about to fail", gate)
                + "; echo 'cannot continue' >&2; exit 2") + ",\"max_retries\":0}");
        // The next task is created once this one runs, so the order of their events is always the same.
        awaitLine(a, "about to fail");
        String b = r.create("{\"name\":\"parity dependent\",\"command\":\"echo never\",\"dependencies\":[\"" + a + "\"]}");
        clock.advance(Duration.ofMillis(1500));
        touch(gate);
        awaitStatus(a, "failed");
        awaitStatus(b, "failed");
        r.capture(a, b);
        r.finish();
    }

    /** (d) Cancelled while running (its dependent fails), and a pending task cancelled before it ran. */
    @Test
    @Order(4)
    void cancelledWhileRunningAndWhilePending() {
        Run r = new Run("cancelled", 4);
        String a = r.create("{\"name\":\"parity long\",\"command\":\"echo working; sleep 30\",\"max_retries\":2}");
        awaitLine(a, "working");
        String b = r.create("{\"name\":\"parity after long\",\"command\":\"echo never\",\"dependencies\":[\"" + a + "\"]}");
        String c = r.create("{\"name\":\"parity later\",\"command\":\"echo never\",\"scheduled_at\":\"2030-01-02T05:00:00Z\"}");
        clock.advance(Duration.ofSeconds(2));
        r.action("/api/tasks/" + a + "/cancel");
        r.action("/api/tasks/" + c + "/cancel");
        awaitLine(a, "Process tree killed after cancel");
        awaitStatus(b, "failed");
        // The dashboard's log stream of a cancelled task waits 2 s (of the clock) for late lines before it ends.
        clock.advance(Duration.ofSeconds(3));
        r.capture(a, b, c);
        r.finish();
    }

    /** (e) Fails with no retries; a client retries it through the API; the second attempt completes. */
    @Test
    @Order(5)
    void failedThenRetriedManually() {
        Run r = new Run("retried-manually", 5);
        String a = r.create("{\"name\":\"parity manual\",\"command\":" + sh(failsOnce(mark("manual"))) + ",\"max_retries\":0}");
        awaitStatus(a, "failed");
        r.snapshot(a, "failed, before the retry");
        clock.advance(Duration.ofSeconds(5));
        r.action("/api/tasks/" + a + "/retry");
        awaitStatus(a, "completed");
        r.capture(a);
        r.finish();
    }

    /** (f) A task waits for another (created pending), is queued when it completes, and runs. */
    @Test
    @Order(6)
    void waitsForItsDependencyThenRuns() {
        Run r = new Run("dependency", 6);
        Path gate = mark("dep-gate");
        String a = r.create("{\"name\":\"parity parent\",\"command\":" + sh(gated("parent started", gate) + "; echo 'parent done'") + "}");
        awaitLine(a, "parent started");
        String b = r.create("{\"name\":\"parity child\",\"command\":\"echo child\",\"dependencies\":[\"" + a + "\"]}");
        r.snapshot(b, "waiting for its dependency");
        clock.advance(Duration.ofMillis(1250));
        touch(gate);
        awaitStatus(a, "completed");
        awaitStatus(b, "completed");
        r.capture(a, b);
        r.finish();
    }

    /** (g) Created for later (pending), promoted when its time comes, then run. */
    @Test
    @Order(7)
    void scheduledForLaterThenRun() {
        Run r = new Run("scheduled-later", 7);
        String a = r.create("{\"name\":\"parity later\",\"command\":\"echo on time\",\"scheduled_at\":\"2030-01-02T07:00:01Z\"}");
        r.snapshot(a, "before its time");
        clock.advance(Duration.ofSeconds(1));
        awaitStatus(a, "completed");
        r.capture(a);
        r.finish();
    }

    /**
     * (h) Another face: a Chadburn job run now, whose first attempt fails and whose retry (its
     * fixed retry_delay, no jitter) completes, seen through the job's executions and the native
     * schedule's runs as well as the task's own faces.
     */
    @Test
    @Order(8)
    void chadburnJobRetriedInOneExecution() {
        Run r = new Run("chadburn-job", 8);
        String body = "{\"name\":\"parity-job\",\"schedule\":\"0 0 1 1 *\",\"command\":" + sh(failsOnce(mark("job")))
                + ",\"retries\":1,\"retry_delay\":1}";
        JsonNode job = api.envelope("POST", "/api/v1/jobs", body);
        r.t.section("POST /api/v1/jobs " + body);
        r.t.json(job);
        String jobPath = "/api/v1/jobs/" + job.path("data").path("id").asText();
        String a = "task-" + r.action(jobPath + "/run").path("data").path("execution_id").asText().substring("exec-".length());
        awaitTask(a, "waiting for its retry", n -> n.path("status").asText().equals("pending") && n.path("retry_count").asInt() == 1);
        r.snapshot(a, "between the attempts");
        clock.advance(Duration.ofSeconds(1));
        awaitStatus(a, "completed");
        for (String path : new String[]{jobPath, jobPath + "/executions",
                "/api/schedules/sch-" + job.path("data").path("id").asText().substring("job-".length()) + "/runs"}) {
            r.t.section("GET " + path);
            r.t.json(api.envelope("GET", path, null));
        }
        r.capture(a);
        r.finish();
    }

    /** (i) Runs past its timeout (on the clock): the process tree is killed and the attempt fails. */
    @Test
    @Order(9)
    void timedOut() {
        Run r = new Run("timed-out", 9);
        String a = r.create("{\"name\":\"parity slow\",\"command\":\"echo started; sleep 30\",\"timeout_seconds\":1,\"max_retries\":0}");
        awaitLine(a, "started");
        clock.advance(Duration.ofSeconds(2));
        awaitStatus(a, "failed");
        r.capture(a);
        r.finish();
    }

    /**
     * (j) A remote worker over {@code /_worker}: a task with requirements (claimed by id) reports
     * progress, is handed back by its worker (shutting down), is polled again and succeeds; a plain
     * skill task fails with a permanent error, so its retries are not used.
     */
    @Test
    @Order(10)
    void remoteWorkerProgressHandBackAndResults() {
        Run r = new Run("remote-worker", 10);
        ConformanceWorker w = ConformanceServer.around(srv.server, clock).worker("remote-parity");
        assertThat(w.register(SKILL).status()).isEqualTo(200);
        String a = r.create("{\"name\":\"parity remote\",\"type\":\"" + SKILL + "\",\"params\":{\"n\":1},"
                + "\"requirements\":{\"worker_type\":\"conformance-worker\"},\"max_retries\":1}");
        JsonNode first = polled(r, w);
        clock.advance(Duration.ofSeconds(1));
        ObjectNode half = Json.object().put("progress", 0.5).put("message", "half way");
        assertThat(w.event(w.eventBody("progress", first.path("task_id").asText(), a, half)).status()).isEqualTo(200);
        awaitTask(a, "at half way", n -> n.path("progress").path("value").asDouble() == 0.5);
        r.snapshot(a, "running, half way");
        clock.advance(Duration.ofSeconds(1));
        reported(r, w, ConformanceWorker.success(first, null).put("status", "released"));
        clock.advance(Duration.ofSeconds(1));
        JsonNode second = polled(r, w);
        clock.advance(Duration.ofSeconds(1));
        reported(r, w, ConformanceWorker.success(second, Json.object().put("answer", 42)));
        awaitStatus(a, "completed");
        String b = r.create("{\"name\":\"parity remote doomed\",\"type\":\"" + SKILL + "\",\"max_retries\":2}");
        JsonNode third = polled(r, w);
        clock.advance(Duration.ofSeconds(1));
        reported(r, w, ConformanceWorker.failure(third, "PERMANENT_ERROR", "cannot be done"));
        awaitStatus(b, "failed");
        r.capture(a, b);
        r.finish();
    }

    static final String SKILL = "parity_skill";

    /** A poll that hands over a task; the payload goes in the transcript. */
    static JsonNode polled(Run r, ConformanceWorker w) {
        ConformanceServer.Resp p = w.poll(SKILL);
        assertThat(p.status()).as("%s", p).isEqualTo(200);
        r.t.section("GET /_worker/workers/" + w.id + "/tasks/next (" + SKILL + ")");
        r.t.json(p.json());
        return p.json();
    }

    /** A result the worker reports, with the server's answer. */
    static void reported(Run r, ConformanceWorker w, ObjectNode body) {
        ConformanceServer.Resp p = w.result(body);
        r.t.section("POST /_worker/tasks/result " + body.path("status").asText("success") + " -> " + p.status());
        r.t.json(p.json());
    }

    /**
     * (k) Released at shutdown: the server stops while the attempt runs, the attempt goes back to
     * the queue (not a retry), and the restarted server runs it to completion. Last: it restarts
     * the server.
     */
    @Test
    @Order(11)
    void releasedAtShutdownThenCompletedAfterRestart() {
        Run r = new Run("released-at-shutdown", 11);
        Path marker = mark("released");
        String a = r.create("{\"name\":\"parity interrupted\",\"command\":" + sh("if [ -e '" + marker + "' ]; then echo resumed; else touch '"
                + marker + "'; echo 'first run'; sleep 30; fi") + ",\"max_retries\":0}");
        awaitLine(a, "first run");
        // A delivery cut off by the stop would stay locked past the test clock's reach.
        awaitDeliveriesSent();
        clock.advance(Duration.ofSeconds(1));
        srv.close();
        clock.advance(Duration.ofSeconds(1));
        open();
        awaitStatus(a, "completed");
        r.capture(a);
        r.finish();
    }
}
