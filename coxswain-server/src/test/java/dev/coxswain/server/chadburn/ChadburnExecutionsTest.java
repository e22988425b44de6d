package dev.coxswain.server.chadburn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.server.chadburn.ChadburnServer.Resp;
import dev.coxswain.server.testing.SecretLedger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.coxswain.server.chadburn.ChadburnServer.JOBS;
import static dev.coxswain.server.chadburn.ChadburnServer.JSON;
import static dev.coxswain.server.chadburn.ChadburnServer.error;
import static dev.coxswain.server.chadburn.ChadburnServer.eventually;
import static dev.coxswain.server.chadburn.ChadburnServer.job;
import static dev.coxswain.server.chadburn.ChadburnServer.number;
import static dev.coxswain.server.chadburn.ChadburnServer.ok;
import static dev.coxswain.server.chadburn.ChadburnServer.time;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chadburn executions over HTTP: run now, the execution history and its filters, retries in one
 * execution, the timeout, the environment and working directory a run really gets, and jobs that
 * fire by themselves. Every test uses its own jobs, so one server serves the class.
 */
class ChadburnExecutionsTest {
    /** Far from now: the job only runs when told to. */
    static final String NEVER_SOON = "0 0 1 1 *";

    @TempDir
    static Path dir;
    @TempDir
    static Path workDir;
    static ChadburnServer api;

    @BeforeAll
    static void start() {
        api = ChadburnServer.start(dir);
    }

    @AfterAll
    static void stop() {
        if (api != null) api.close();
    }

    static String path(JsonNode job) {
        return JOBS + "/" + job.get("id").asText();
    }

    /** Every documented field of an execution, with its type. */
    static void executionShape(JsonNode e, String jobId) {
        assertThat(e.get("id").asText()).matches("exec-\\d+");
        assertThat(e.get("job_id").asText()).isEqualTo(jobId);
        assertThat(e.get("status").asText()).isIn("success", "failure", "in_progress", "skipped");
        for (String f : List.of("started_at", "finished_at", "duration", "exit_code", "error")) {
            assertThat(e.has(f)).as("%s in %s", f, e).isTrue();
        }
        if (!e.get("started_at").isNull()) time(e.get("started_at"), "started_at");
        if (!e.get("finished_at").isNull()) time(e.get("finished_at"), "finished_at");
        assertThat(e.get("duration").isNull() || e.get("duration").isIntegralNumber()).as("duration in %s", e).isTrue();
        assertThat(e.get("exit_code").isNull() || e.get("exit_code").isIntegralNumber()).as("exit_code in %s", e).isTrue();
        assertThat(e.get("output").isTextual()).as("output in %s", e).isTrue();
        assertThat(e.get("error").isNull() || e.get("error").isTextual()).as("error in %s", e).isTrue();
        assertThat(e.get("retry_count").isIntegralNumber()).as("retry_count in %s", e).isTrue();
        if (!e.get("status").asText().equals("in_progress")) {
            time(e.get("finished_at"), "finished_at of a finished execution");
            assertThat(e.get("duration").isIntegralNumber()).as("duration of a finished execution: %s", e).isTrue();
            Instant started = Instant.parse(e.get("started_at").asText());
            Instant finished = Instant.parse(e.get("finished_at").asText());
            assertThat(finished).isAfterOrEqualTo(started);
            assertThat(e.get("duration").asLong()).isBetween(0L, Duration.between(started, finished).toSeconds() + 1);
        }
    }

    static JsonNode executions(JsonNode job, String query) {
        Resp r = api.get(path(job) + "/executions" + query);
        api.fits(r, JOBS + "/{id}/executions", "get", 200);
        JsonNode body = r.json();
        body.get("data").forEach(e -> executionShape(e, job.get("id").asText()));
        return body;
    }

    static List<String> ids(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) out.add(n.get("id").asText());
        return out;
    }

    /** The native task of an execution. */
    static JsonNode task(String execId) {
        Resp r = api.get("/api/tasks/task-" + number(execId));
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        return r.data();
    }

    // ---- run now ------------------------------------------------------------------------------

    @Test
    void runNowStartsARealExecutionThatSucceedsWithItsOutput() {
        JsonNode j = api.create(job("echo-hi", NEVER_SOON, "echo hi"));
        Resp run = api.post(path(j) + "/run");
        api.fits(run, JOBS + "/{id}/run", "post", 200);
        assertThat(ok(run, 200).size()).isEqualTo(2);
        String exec = api.runNow(j.get("id").asText());
        String first = run.data().get("execution_id").asText();
        assertThat(exec).isNotEqualTo(first);

        JsonNode e = api.awaitFinished(j.get("id").asText(), exec);
        executionShape(e, j.get("id").asText());
        assertThat(e.get("status").asText()).as("%s", e).isEqualTo("success");
        assertThat(e.get("output").asText()).isEqualTo("hi");
        assertThat(e.get("exit_code").asInt()).isZero();
        assertThat(e.get("error").isNull()).as("%s", e).isTrue();
        assertThat(e.get("retry_count").asInt()).isZero();
        api.awaitFinished(j.get("id").asText(), first);

        // GET shows it as last_run; the schedule is untouched by a manual run.
        Resp g = api.get(path(j));
        api.fits(g, JOBS + "/{id}", "get", 200);
        JsonNode last = ok(g, 200).get("last_run");
        assertThat(last.size()).as("%s", last).isEqualTo(5);
        assertThat(last.get("status").asText()).isEqualTo("success");
        assertThat(last.get("exit_code").asInt()).isZero();
        assertThat(last.get("output").asText()).isEqualTo("hi");
        time(last.get("started_at"), "last_run.started_at");
        time(last.get("finished_at"), "last_run.finished_at");
        // The newest run is the last one: both ran, the later id is the later one.
        assertThat(last.get("started_at")).isEqualTo(api.execution(j.get("id").asText(), exec).get("started_at"));
        assertThat(g.data().get("next_run")).isEqualTo(j.get("next_run"));

        // Every execution is a task of the native face too, saying where it came from.
        JsonNode t = task(exec);
        assertThat(t.get("status").asText()).isEqualTo("completed");
        assertThat(t.get("result").asText()).isEqualTo("hi");
        assertThat(t.get("origin").get("kind").asText()).isEqualTo("schedule");
        assertThat(t.get("origin").get("id").asText()).isEqualTo("sch-" + number(j.get("id").asText()));
        assertThat(t.get("name").asText()).isEqualTo("echo-hi");
    }

    @Test
    void runNowWorksOnAPausedJobAndLeavesItPaused() {
        ObjectNode b = job("paused-but-run", NEVER_SOON, "echo ran while paused");
        b.put("status", "paused");
        JsonNode j = api.create(b);
        String exec = api.runNow(j.get("id").asText());
        JsonNode e = api.awaitFinished(j.get("id").asText(), exec);
        assertThat(e.get("status").asText()).as("%s", e).isEqualTo("success");
        assertThat(e.get("output").asText()).isEqualTo("ran while paused");
        JsonNode g = ok(api.get(path(j)), 200);
        assertThat(g.get("status").asText()).isEqualTo("paused");
        assertThat(g.get("next_run").isNull()).isTrue();
    }

    // ---- execution history --------------------------------------------------------------------

    @Test
    void executionsAreNewestFirstWithPagingAndStatusFilters() {
        JsonNode j = api.create(job("history", NEVER_SOON, "echo one"));
        String id = j.get("id").asText();
        JsonNode empty = executions(j, "");
        assertThat(empty.get("data")).isEmpty();
        assertThat(empty.get("pagination")).isEqualTo(JSON.createObjectNode().put("total", 0).put("limit", 10).put("offset", 0));

        String success = api.runNow(id);
        assertThat(api.awaitFinished(id, success).get("status").asText()).isEqualTo("success");
        ok(api.put(path(j), "{\"command\": \"echo to stderr >&2; exit 4\"}"), 200);
        String failure = api.runNow(id);
        JsonNode failed = api.awaitFinished(id, failure);
        assertThat(failed.get("status").asText()).as("%s", failed).isEqualTo("failure");
        assertThat(failed.get("exit_code").asInt()).isEqualTo(4);
        assertThat(failed.get("output").asText()).isEmpty();
        assertThat(failed.get("error").asText()).isNotBlank();
        ok(api.put(path(j), "{\"command\": \"sleep 60\"}"), 200);
        String running = api.runNow(id);

        JsonNode all = executions(j, "");
        assertThat(ids(all.get("data"))).containsExactly(running, failure, success);
        assertThat(all.get("pagination")).isEqualTo(JSON.createObjectNode().put("total", 3).put("limit", 10).put("offset", 0));
        JsonNode inProgress = executions(j, "?status=in_progress");
        assertThat(ids(inProgress.get("data"))).containsExactly(running);
        assertThat(inProgress.get("data").get(0).get("finished_at").isNull()).isTrue();
        assertThat(inProgress.get("data").get(0).get("exit_code").isNull()).isTrue();
        assertThat(ids(executions(j, "?status=success").get("data"))).containsExactly(success);
        assertThat(ids(executions(j, "?status=failure").get("data"))).containsExactly(failure);
        assertThat(executions(j, "?status=failure").get("pagination").get("total").asInt()).isEqualTo(1);

        JsonNode page = executions(j, "?limit=1&offset=1");
        assertThat(ids(page.get("data"))).containsExactly(failure);
        assertThat(page.get("pagination")).isEqualTo(JSON.createObjectNode().put("total", 3).put("limit", 1).put("offset", 1));
        assertThat(executions(j, "?offset=3").get("data")).isEmpty();

        // GET by id shows the newest as last_run: still going.
        JsonNode last = ok(api.get(path(j)), 200).get("last_run");
        assertThat(last.get("status").asText()).isEqualTo("in_progress");
        assertThat(last.get("finished_at").isNull()).isTrue();

        // Cancelled through the native face, it counts as a failure here.
        Resp cancel = api.post("/api/tasks/task-" + number(running) + "/cancel");
        assertThat(cancel.status()).as("%s", cancel).isEqualTo(200);
        JsonNode cancelled = api.awaitFinished(id, running);
        assertThat(cancelled.get("status").asText()).isEqualTo("failure");
        assertThat(ids(executions(j, "?status=failure").get("data"))).containsExactly(running, failure);
        assertThat(executions(j, "?status=in_progress").get("data")).isEmpty();
    }

    @Test
    void retriesHappenInsideOneExecutionThatFailsWithItsRetryCount() {
        ObjectNode b = job("retry-twice", NEVER_SOON, "echo attempt; exit 3");
        b.put("retries", 2).put("retry_delay", 1);
        JsonNode j = api.create(b);
        String id = j.get("id").asText();
        String exec = api.runNow(id);
        JsonNode e = eventually(() -> api.execution(id, exec),
                x -> x != null && !x.get("status").asText().equals("in_progress"), Duration.ofSeconds(90));
        executionShape(e, id);
        assertThat(e.get("status").asText()).as("%s", e).isEqualTo("failure");
        assertThat(e.get("retry_count").asInt()).as("%s", e).isEqualTo(2);
        assertThat(e.get("exit_code").asInt()).isEqualTo(3);
        assertThat(e.get("output").asText()).isEqualTo("attempt");
        assertThat(e.get("error").asText()).isNotBlank();
        JsonNode all = executions(j, "");
        assertThat(ids(all.get("data"))).containsExactly(exec);
        assertThat(all.get("pagination").get("total").asInt()).isEqualTo(1);
        JsonNode t = task(exec);
        assertThat(t.get("status").asText()).isEqualTo("failed");
        assertThat(t.get("retry_count").asInt()).isEqualTo(2);
        assertThat(t.get("max_retries").asInt()).isEqualTo(2);
    }

    @Test
    void anExecutionWaitingForItsRetryIsInProgress() {
        ObjectNode b = job("retry-later", NEVER_SOON, "exit 5");
        b.put("retries", 1).put("retry_delay", 3);
        JsonNode j = api.create(b);
        String id = j.get("id").asText();
        String exec = api.runNow(id);
        // Between the failed first attempt and the retry, the one execution is still going.
        JsonNode waiting = eventually(() -> api.execution(id, exec),
                x -> x != null && (x.get("retry_count").asInt() >= 1 || !x.get("status").asText().equals("in_progress")),
                Duration.ofSeconds(60));
        assertThat(waiting.get("status").asText()).as("%s", waiting).isEqualTo("in_progress");
        assertThat(waiting.get("retry_count").asInt()).isEqualTo(1);
        assertThat(ids(executions(j, "?status=in_progress").get("data"))).containsExactly(exec);
        JsonNode done = api.awaitFinished(id, exec);
        assertThat(done.get("status").asText()).isEqualTo("failure");
        assertThat(done.get("retry_count").asInt()).isEqualTo(1);
        assertThat(done.get("exit_code").asInt()).isEqualTo(5);
    }

    @Test
    void aRunPastItsTimeoutIsKilledAndFailsSayingItTimedOut() {
        ObjectNode b = job("times-out", NEVER_SOON, "sleep 30");
        b.put("timeout", 1);
        JsonNode j = api.create(b);
        String id = j.get("id").asText();
        String exec = api.runNow(id);
        JsonNode e = eventually(() -> api.execution(id, exec),
                x -> x != null && !x.get("status").asText().equals("in_progress"), Duration.ofSeconds(25));
        executionShape(e, id);
        assertThat(e.get("status").asText()).as("%s", e).isEqualTo("failure");
        assertThat(e.get("error").asText()).as("%s", e).containsIgnoringCase("timed out");
        assertThat(e.get("duration").asLong()).as("%s", e).isLessThan(20);
        assertThat(e.get("retry_count").asInt()).isZero();
    }

    // ---- environment and working directory ------------------------------------------------------

    @Test
    void theEnvironmentReachesTheCommandAndAMaskedPutKeepsIt() {
        // Not a secret: the command prints it, which proves which value the run got.
        ObjectNode b = job("env-echo", NEVER_SOON, "printf '%s|%s' \"$GREETING\" \"$OTHER\"");
        b.putObject("environment").put("GREETING", "hello-visible").put("OTHER", "first-other");
        JsonNode j = api.create(b);
        String id = j.get("id").asText();
        assertThat(j.get("environment")).isEqualTo(JSON.createObjectNode().put("GREETING", "******").put("OTHER", "******"));
        assertThat(output(id, api.runNow(id))).isEqualTo("hello-visible|first-other");

        // The masks sent back keep the stored values; a new value replaces its one.
        ObjectNode keep = JSON.createObjectNode();
        keep.putObject("environment").put("GREETING", "******").put("OTHER", "second-other");
        JsonNode u = ok(api.put(path(j), keep), 200);
        assertThat(u.get("environment")).isEqualTo(JSON.createObjectNode().put("GREETING", "******").put("OTHER", "******"));
        assertThat(u.toString()).doesNotContain("hello-visible").doesNotContain("second-other");
        assertThat(output(id, api.runNow(id))).isEqualTo("hello-visible|second-other");

        // A PUT that leaves the environment out keeps it whole.
        ok(api.put(path(j), "{\"timeout\": 120}"), 200);
        assertThat(output(id, api.runNow(id))).isEqualTo("hello-visible|second-other");

        // The environment sent replaces the stored one: a name left out is gone.
        ObjectNode replace = JSON.createObjectNode();
        replace.putObject("environment").put("GREETING", "new-greeting");
        JsonNode r = ok(api.put(path(j), replace), 200);
        assertThat(r.get("environment")).isEqualTo(JSON.createObjectNode().put("GREETING", "******"));
        assertThat(output(id, api.runNow(id))).isEqualTo("new-greeting|");
    }

    @Test
    void anEnvironmentValueIsEncryptedAtRestAndTheRunStillGetsIt() {
        String value = "sealed-env-value-5f1e9c";
        SecretLedger.secret(value);
        // The command compares (in two halves, so the command text does not hold the value) instead
        // of printing, so the value reaches no output or log row either.
        String test = "[ \"${DB_TOKEN%-value-5f1e9c}\" = 'sealed-env' ] && [ \"${DB_TOKEN#sealed-env}\" = '-value-5f1e9c' ]";
        ObjectNode b = job("env-sealed", NEVER_SOON, test + " && echo matched");
        b.putObject("environment").put("DB_TOKEN", value);
        JsonNode j = api.create(b);
        String id = j.get("id").asText();
        assertThat(output(id, api.runNow(id))).isEqualTo("matched");
        // A masked PUT keeps the value, sealed again with the rewritten payload.
        ObjectNode keep = JSON.createObjectNode().put("command", test + " && echo still");
        keep.putObject("environment").put("DB_TOKEN", "******");
        ok(api.put(path(j), keep), 200);
        assertThat(output(id, api.runNow(id))).isEqualTo("still");

        for (String table : List.of("schedules", "tasks")) {
            String rows = api.server.engine().database().read(c -> {
                StringBuilder out = new StringBuilder();
                try (var s = c.createStatement(); var rs = s.executeQuery("SELECT * FROM " + table)) {
                    while (rs.next()) {
                        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) out.append(rs.getString(i)).append('|');
                    }
                }
                return out.toString();
            });
            assertThat(rows).as(table).contains("DB_TOKEN").doesNotContain(value);
        }
    }

    @Test
    void anExistingWorkingDirectoryIsWhereTheCommandRuns() throws Exception {
        ObjectNode b = job("pwd", NEVER_SOON, "pwd");
        b.put("working_directory", workDir.toString());
        JsonNode j = api.create(b);
        assertThat(j.get("working_directory").asText()).isEqualTo(workDir.toString());
        String id = j.get("id").asText();
        assertThat(output(id, api.runNow(id))).isEqualTo(workDir.toRealPath().toString());

        ObjectNode missing = job("pwd-missing", NEVER_SOON, "pwd");
        missing.put("working_directory", workDir.resolve("does-not-exist").toString());
        error(api.post(JOBS, missing), 400, "validation_error");
        error(api.put(path(j), JSON.createObjectNode().put("working_directory", workDir.resolve("nope").toString())), 400,
                "validation_error");
        assertThat(ok(api.get(path(j)), 200).get("working_directory").asText()).isEqualTo(workDir.toString());
    }

    /** Waits for a successful execution and returns its output. */
    static String output(String jobId, String exec) {
        JsonNode e = api.awaitFinished(jobId, exec);
        assertThat(e.get("status").asText()).as("%s", e).isEqualTo("success");
        return e.get("output").asText();
    }

    // ---- firing by itself ---------------------------------------------------------------------

    /** Cancels an execution through the native face (its task), so its process stops. */
    static void cancel(String execId) {
        Resp r = api.post("/api/tasks/task-" + number(execId) + "/cancel");
        assertThat(r.status()).as("%s", r).isIn(200, 409);
    }

    @Test
    void slotsThatComeWhileTheJobStillRunsAreRecordedAsSkipped() {
        // Not overlapping is the default: each slot during the long run is a skipped execution.
        JsonNode j = api.create(job("overlap-skips", "@every 1s", "sleep 30"));
        assertThat(j.get("allow_overlapping").asBoolean()).isFalse();
        String id = j.get("id").asText();
        eventually(() -> executions(j, "?status=skipped"), x -> x.get("pagination").get("total").asInt() >= 2,
                Duration.ofSeconds(30));
        ok(api.post(path(j) + "/pause"), 200);
        JsonNode all = executions(j, "?limit=100");
        JsonNode running = executions(j, "?status=in_progress");
        assertThat(running.get("pagination").get("total").asInt()).as("%s", all).isEqualTo(1);
        String run = running.get("data").get(0).get("id").asText();
        List<String> skipped = ids(executions(j, "?status=skipped&limit=100").get("data"));
        assertThat(skipped).hasSize(all.get("pagination").get("total").asInt() - 1).doesNotContain(run);
        assertThat(executions(j, "?status=failure").get("data")).as("a skipped slot is not a failure").isEmpty();
        assertThat(executions(j, "?status=success").get("data")).isEmpty();
        JsonNode newest = all.get("data").get(0);
        assertThat(newest.get("status").asText()).as("the newest is a slot skipped behind %s: %s", run, all).isEqualTo("skipped");
        assertThat(newest.get("exit_code").isNull()).isTrue();
        assertThat(newest.get("output").asText()).isEmpty();
        assertThat(newest.get("error").asText()).containsIgnoringCase("skipped");
        assertThat(newest.get("retry_count").asInt()).isZero();
        assertThat(newest.get("duration").asInt()).isZero();
        // last_run is that newest execution, field for field.
        JsonNode last = ok(api.get(path(j)), 200).get("last_run");
        for (String f : List.of("status", "started_at", "finished_at", "exit_code", "output")) {
            assertThat(last.get(f)).as("last_run.%s vs the newest execution %s", f, newest).isEqualTo(newest.get(f));
        }
        cancel(run);
        assertThat(api.awaitFinished(id, run).get("status").asText()).isEqualTo("failure");
    }

    @Test
    void allowOverlappingLetsRunsOverlap() {
        ObjectNode b = job("overlap-allowed", "@every 1s", "sleep 30");
        b.put("allow_overlapping", true);
        JsonNode j = api.create(b);
        assertThat(j.get("allow_overlapping").asBoolean()).isTrue();
        eventually(() -> executions(j, "?status=in_progress"), x -> x.get("pagination").get("total").asInt() >= 2,
                Duration.ofSeconds(30));
        ok(api.post(path(j) + "/pause"), 200);
        assertThat(executions(j, "?status=skipped").get("data")).isEmpty();
        for (String e : ids(executions(j, "?status=in_progress&limit=100").get("data"))) cancel(e);
        eventually(() -> executions(j, "?status=in_progress"), x -> x.get("pagination").get("total").asInt() == 0,
                Duration.ofSeconds(30));
    }

    @Test
    void scheduledJobsFireByThemselvesAndStopWhenPaused() throws InterruptedException {
        JsonNode every = api.create(job("every-second", "@every 1s", "echo tick"));
        JsonNode sixField = api.create(job("six-fields", "* * * * * *", "echo tock"));
        for (JsonNode j : List.of(every, sixField)) {
            JsonNode fired = eventually(() -> executions(j, "?status=success"),
                    x -> x.get("pagination").get("total").asInt() >= 2, Duration.ofSeconds(30));
            JsonNode e = fired.get("data").get(0);
            assertThat(e.get("output").asText()).isIn("tick", "tock");
            assertThat(e.get("exit_code").asInt()).isZero();
            // The runs are tasks too, and the native face shows the slot each fired for.
            assertThat(task(e.get("id").asText()).get("origin").get("kind").asText()).isEqualTo("schedule");
            Resp runs = api.get("/api/schedules/sch-" + number(j.get("id").asText()) + "/runs");
            assertThat(runs.status()).as("%s", runs).isEqualTo(200);
            assertThat(runs.data().findValues("slot_at")).anyMatch(JsonNode::isTextual);
        }
        for (JsonNode j : List.of(every, sixField)) {
            JsonNode p = ok(api.post(path(j) + "/pause"), 200);
            assertThat(p.get("status").asText()).isEqualTo("paused");
        }
        List<Integer> totals = new ArrayList<>();
        for (JsonNode j : List.of(every, sixField)) totals.add(executions(j, "").get("pagination").get("total").asInt());
        // Two and a half periods: a job still firing would show at least two more executions.
        Thread.sleep(2500);
        for (int i = 0; i < 2; i++) {
            JsonNode j = List.of(every, sixField).get(i);
            assertThat(executions(j, "").get("pagination").get("total").asInt()).as("executions of paused %s", j.get("name"))
                    .isEqualTo(totals.get(i));
            assertThat(ok(api.get(path(j)), 200).get("next_run").isNull()).isTrue();
        }
    }
}
