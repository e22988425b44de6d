package dev.coxswain.core.remote;

import static dev.coxswain.core.remote.RemoteHarness.T0;
import static dev.coxswain.core.remote.RemoteHarness.currentTasks;
import static dev.coxswain.core.remote.RemoteHarness.event;
import static dev.coxswain.core.remote.RemoteHarness.failure;
import static dev.coxswain.core.remote.RemoteHarness.skill;
import static dev.coxswain.core.remote.RemoteHarness.success;
import static dev.coxswain.core.remote.RemoteHarness.taskIdOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.LogLevel;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskLog;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.domain.WorkerStatus;
import dev.coxswain.core.engine.Backoff;
import dev.coxswain.core.engine.StoreKind;
import dev.coxswain.core.remote.RemoteWorkers.EventAnswer;
import dev.coxswain.core.remote.RemoteWorkers.HeartbeatAnswer;
import dev.coxswain.core.remote.RemoteWorkers.ResultAnswer;
import dev.coxswain.core.service.NotFoundException;
import dev.coxswain.core.service.ValidationException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The remote-worker protocol below HTTP on a running engine: registration, long polls, results,
 * events and heartbeats of remote workers, as {@code engine.remote()} serves them. The bodies are
 * what the face hands over after authentication; the clock only moves when a test moves it.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class RemoteWorkersTest extends RemoteTestBase {
    private static final Duration TTL = RemoteSettings.defaults().ttl();

    // ---- register, poll, result ---------------------------------------------------------------

    @Test
    void aRegisteredWorkerPollsTheTaskAsAPayloadAndItsSuccessCompletesTheTask() {
        h.start();
        h.register("w1", "echo");
        assertThat(h.workerEvents("worker.registered", "w1")).isEqualTo(1);
        Task t = h.create(skill("echo", "say").param("text", "hi").param("n", 3).priority(7).timeout(30));

        ObjectNode p = h.poll("w1");
        assertThat(p.get("task_id").asText()).isEqualTo("task-" + t.id() + ".1");
        assertThat(p.get("job_id").asText()).isEqualTo("task-" + t.id());
        assertThat(p.get("type").asText()).isEqualTo("echo");
        assertThat(p.get("params")).isEqualTo(Json.read("{\"text\":\"hi\",\"n\":3}"));
        assertThat(p.get("tracing_context").isObject()).isTrue();
        assertThat(p.get("priority").isIntegralNumber()).isTrue();
        assertThat(p.get("priority").asInt()).isEqualTo(7);
        // The SDK parses both as int: a float would stop its polling for good.
        assertThat(p.get("timestamp").isIntegralNumber()).isTrue();
        assertThat(p.get("timestamp").asLong()).isEqualTo(T0.getEpochSecond());
        assertThat(p.get("deadline").isIntegralNumber()).isTrue();
        assertThat(p.get("deadline").asLong()).isEqualTo(T0.getEpochSecond() + 30);
        assertThat(p.toString()).contains("\"timestamp\":" + T0.getEpochSecond() + ",");
        JsonNode meta = p.get("metadata");
        assertThat(meta.get("coxswain_task").asText()).isEqualTo("task-" + t.id());
        assertThat(meta.get("attempt").isInt()).isTrue();
        assertThat(meta.get("attempt").asInt()).isEqualTo(1);
        assertThat(meta.get("name").asText()).isEqualTo("say");
        assertThat(meta.has("checkpoint")).isFalse();

        Task running = h.task(t.id());
        assertThat(running.status()).isEqualTo(TaskStatus.RUNNING);
        assertThat(running.workerId()).isEqualTo("w1");
        assertThat(running.attempt()).isEqualTo(1);
        assertThat(running.startedAt()).isEqualTo(T0);
        assertThat(running.leaseUntil()).isEqualTo(T0.plus(TTL));
        assertThat(h.engine.workers().get("w1").status()).isEqualTo(WorkerStatus.ACTIVE);
        assertThat(h.events("task.started", t.id())).extracting(e -> e[1]).containsExactly("w1");

        h.advance(Duration.ofSeconds(2));
        ResultAnswer a = h.remote().result("w1", success(p, Json.read("{\"greeting\":\"hi\",\"count\":3}")));
        assertThat(a.accepted()).isTrue();
        assertThat(a.transitionOrReason()).isEqualTo("success_transition");

        Task done = h.task(t.id());
        assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(Json.read(done.result())).isEqualTo(Json.read("{\"greeting\":\"hi\",\"count\":3}"));
        assertThat(done.error()).isNull();
        assertThat(done.completedAt()).isEqualTo(T0.plusSeconds(2));
        assertThat(done.workerId()).isEqualTo("w1");
        assertThat(done.leaseUntil()).isNull();
        assertThat(h.logs(t.id())).extracting(TaskLog::message).anyMatch(m -> m.startsWith("Task completed successfully"));
        assertThat(h.events("task.completed", t.id())).hasSize(1);
        assertThat(h.engine.workers().get("w1").status()).isEqualTo(WorkerStatus.IDLE);
    }

    @Test
    void dependentsOfACompletedRemoteTaskBecomeQueuedAndGoToAHeldPoll() {
        h.start();
        h.register("w1", "extract", "load");
        Task a = h.create(skill("extract", "a"));
        Task b = h.create(skill("load", "b").dependsOn(a.id()));
        assertThat(h.task(b.id()).status()).isEqualTo(TaskStatus.PENDING);

        ObjectNode pa = h.poll("w1");
        assertThat(taskIdOf(pa)).isEqualTo(a.id());
        h.pollNothing("w1"); // b waits for a

        RemoteHarness.PendingPoll held = h.pollAsync("w1", RemoteHarness.POLL).awaitHeld();
        assertThat(h.remote().result("w1", success(pa, Json.read("{\"rows\":5}"))).accepted()).isTrue();
        ObjectNode pb = held.get().orElseThrow();
        assertThat(pb.get("task_id").asText()).isEqualTo("task-" + b.id() + ".1");
        assertThat(h.task(b.id()).status()).isEqualTo(TaskStatus.RUNNING);

        assertThat(h.remote().result("w1", success(pb, Json.read("{}"))).accepted()).isTrue();
        assertThat(h.task(b.id()).status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(h.task(b.id()).result()).isEqualTo("{}");
    }

    @Test
    void aPollOnlyTakesTheSkillsItSaysAreAvailable() {
        h.start();
        h.register("w1", "echo", "resize");
        Task echo = h.create(skill("echo", "e"));
        try {
            assertThat(h.remote().poll("w1", Set.of("resize"), RemoteHarness.SHORT_POLL)).isEmpty();
            assertThat(h.task(echo.id()).status()).isEqualTo(TaskStatus.QUEUED);
            Task resize = h.create(skill("resize", "r"));
            assertThat(taskIdOf(h.remote().poll("w1", Set.of("resize"), RemoteHarness.POLL).orElseThrow())).isEqualTo(resize.id());
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertThat(taskIdOf(h.poll("w1"))).isEqualTo(echo.id());
    }

    // ---- heartbeats ---------------------------------------------------------------------------

    @Test
    void heartbeatsAndPollsOfAnUnknownOrOfflineWorkerAreNotFound() {
        h.start();
        assertThatThrownBy(() -> h.remote().heartbeat("nobody", null)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> h.remote().heartbeat("nobody", currentTasks())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> h.remote().poll("nobody", Set.of(), RemoteHarness.POLL)).isInstanceOf(NotFoundException.class);

        h.register("w1", "echo");
        assertThat(h.remote().heartbeat("w1", null).status()).isEqualTo("ttl_refreshed");
        assertThat(h.remote().heartbeat("w1", Json.object().put("status", "offline")).status()).isEqualTo("ok");
        assertThatThrownBy(() -> h.remote().heartbeat("w1", null)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> h.remote().heartbeat("w1", currentTasks())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> h.remote().poll("w1", Set.of(), RemoteHarness.POLL)).isInstanceOf(NotFoundException.class);

        // It must register again, and is then known again.
        h.register("w1", "echo");
        assertThat(h.workerEvents("worker.registered", "w1")).isEqualTo(2);
        assertThat(h.remote().heartbeat("w1", currentTasks()).status()).isEqualTo("ok");

        // Past its TTL it is gone, whether or not the liveness check has marked it yet.
        h.advance(TTL.plusMillis(1));
        assertThatThrownBy(() -> h.remote().heartbeat("w1", null)).isInstanceOf(NotFoundException.class);
    }

    @Test
    void aWorkerSayingItGoesOfflineLosesItsRunningAttemptWhichIsRetriedElsewhere() {
        h.start();
        h.register("w1", "echo");
        Task t = h.create(skill("echo", "t").maxRetries(1).backoff(Backoff.fixed(5)));
        ObjectNode p = h.poll("w1");

        HeartbeatAnswer a = h.remote().heartbeat("w1", Json.object().put("status", "offline"));
        assertThat(a.status()).isEqualTo("ok");
        Task lost = h.task(t.id());
        assertThat(lost.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(lost.retryCount()).isEqualTo(1);
        assertThat(lost.workerId()).isNull();
        assertThat(lost.leaseUntil()).isNull();
        assertThat(lost.error()).contains("w1").contains("went offline");
        assertThat(lost.runAt()).isEqualTo(h.now().plusSeconds(5));
        assertThat(h.engine.workers().get("w1").status()).isEqualTo(WorkerStatus.OFFLINE);
        assertThat(h.workerEvents("worker.offline", "w1")).isEqualTo(1);
        assertThat(h.events("task.retrying", t.id())).hasSize(1);

        h.register("w2", "echo");
        h.advance(Duration.ofSeconds(5));
        ObjectNode p2 = h.poll("w2");
        assertThat(p2.get("task_id").asText()).isEqualTo("task-" + t.id() + ".2");

        // The leaving worker's late result names the lost attempt.
        ResultAnswer late = h.remote().result("w1", success(p, Json.read("{}")));
        assertThat(late.accepted()).isFalse();
        assertThat(late.transitionOrReason()).isEqualTo("stale_task");
        assertThat(h.task(t.id()).status()).isEqualTo(TaskStatus.RUNNING);
        assertThat(h.task(t.id()).workerId()).isEqualTo("w2");
    }

    @Test
    void aHeartbeatListingAnAttemptThatIsNoLongerTheWorkersGetsItCancelled() {
        h.start();
        h.register("w1", "echo");
        Task a = h.create(skill("echo", "a"));
        Task b = h.create(skill("echo", "b"));
        ObjectNode pa = h.poll("w1");
        ObjectNode pb = h.poll("w1");
        assertThat(taskIdOf(pa)).isEqualTo(a.id());
        h.engine.tasks().cancel(a.id());

        String wrongAttempt = "task-" + b.id() + ".7";
        HeartbeatAnswer ans = h.remote().heartbeat("w1", currentTasks(pa.get("task_id").asText(),
                pb.get("task_id").asText(), wrongAttempt, "task-999999.1", "not-a-task"));
        assertThat(ans.status()).isEqualTo("ok");
        assertThat(ans.cancelTaskIds()).containsExactlyInAnyOrder(pa.get("task_id").asText(), wrongAttempt,
                "task-999999.1", "not-a-task");
        assertThat(ans.requireFullSync()).isFalse();
        assertThat(h.task(a.id()).status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(h.task(b.id()).status()).isEqualTo(TaskStatus.RUNNING);
        assertThat(h.task(b.id()).workerId()).isEqualTo("w1");
    }

    @Test
    void anAttemptTheHeartbeatDoesNotListFailsOnceItIsOlderThanTheGrace() {
        h.start();
        h.register("w1", "echo");
        Task t = h.create(skill("echo", "t").maxRetries(1).backoff(Backoff.fixed(5)));
        ObjectNode p = h.poll("w1");

        // Within the grace the poll answer may still be on its way: left alone.
        h.advance(Duration.ofSeconds(10));
        HeartbeatAnswer early = h.remote().heartbeat("w1", currentTasks());
        assertThat(early.cancelTaskIds()).isEmpty();
        assertThat(h.task(t.id()).status()).isEqualTo(TaskStatus.RUNNING);
        assertThat(h.task(t.id()).retryCount()).isZero();

        h.advance(RemoteSettings.defaults().missingGrace()); // started 30 s ago, grace 20 s
        HeartbeatAnswer late = h.remote().heartbeat("w1", currentTasks());
        assertThat(late.cancelTaskIds()).isEmpty();
        Task lost = h.task(t.id());
        assertThat(lost.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(lost.retryCount()).isEqualTo(1);
        assertThat(lost.error()).contains("no longer runs attempt 1");
        assertThat(lost.workerId()).isNull();

        // Its result, should it still come, is stale.
        ResultAnswer r = h.remote().result("w1", success(p, Json.read("{}")));
        assertThat(r.accepted()).isFalse();
        assertThat(r.transitionOrReason()).isEqualTo("stale_task");
    }

    @Test
    void heartbeatsMoveTheLeasesOfTheWorkersAttemptsForward() {
        h.start();
        h.register("w1", "echo");
        Task a = h.create(skill("echo", "a"));
        Task b = h.create(skill("echo", "b"));
        ObjectNode pa = h.poll("w1");
        ObjectNode pb = h.poll("w1");
        assertThat(h.task(a.id()).leaseUntil()).isEqualTo(T0.plus(TTL));

        // current_tasks listing both
        h.advance(Duration.ofSeconds(30));
        h.remote().heartbeat("w1", currentTasks(pa.get("task_id").asText(), pb.get("task_id").asText()));
        assertThat(h.task(a.id()).leaseUntil()).isEqualTo(h.now().plus(TTL));
        assertThat(h.task(b.id()).leaseUntil()).isEqualTo(h.now().plus(TTL));

        // an empty heartbeat (a pure TTL refresh)
        h.advance(Duration.ofSeconds(30));
        assertThat(h.remote().heartbeat("w1", null).status()).isEqualTo("ttl_refreshed");
        assertThat(h.task(a.id()).leaseUntil()).isEqualTo(h.now().plus(TTL));
        assertThat(h.task(b.id()).leaseUntil()).isEqualTo(h.now().plus(TTL));

        // a heartbeat with a body but no current_tasks
        h.advance(Duration.ofSeconds(30));
        h.remote().heartbeat("w1", Json.object().put("status", "busy"));
        assertThat(h.task(a.id()).leaseUntil()).isEqualTo(h.now().plus(TTL));

        // Clock time well past the first lease: both still run, no retry was used.
        h.advance(Duration.ofSeconds(30));
        h.holds(a.id(), "running on w1", x -> x.status() == TaskStatus.RUNNING && "w1".equals(x.workerId()) && x.retryCount() == 0);
        assertThat(h.task(b.id()).status()).isEqualTo(TaskStatus.RUNNING);
        assertThat(h.engine.workers().get("w1").status()).isEqualTo(WorkerStatus.ACTIVE);
    }

    @Test
    void aHeartbeatCanChangeTheSkillsAndAsksForThemWhenItsHashIsUnknown() throws Exception {
        h.start();
        ObjectNode reg = RemoteHarness.registration("w1", "echo");
        reg.put("skills_hash", "h1");
        h.remote().register("w1", reg);
        Task resize = h.create(skill("resize", "r"));
        h.pollNothing("w1");

        // Same hash, no skills: nothing to sync.
        ObjectNode same = currentTasks();
        same.put("skills_hash", "h1");
        assertThat(h.remote().heartbeat("w1", same).requireFullSync()).isFalse();
        // A hash the server has not seen, without the skills: the worker must send them.
        ObjectNode unknownHash = currentTasks();
        unknownHash.put("skills_hash", "h2");
        assertThat(h.remote().heartbeat("w1", unknownHash).requireFullSync()).isTrue();

        // The full list with the new hash: the new skill is served at once.
        ObjectNode full = currentTasks();
        full.put("skills_hash", "h2");
        full.set("supported_skills", RemoteHarness.registration("w1", "echo", "resize").get("supported_skills"));
        assertThat(h.remote().heartbeat("w1", full).requireFullSync()).isFalse();
        assertThat(taskIdOf(h.poll("w1"))).isEqualTo(resize.id());
    }

    @Test
    void aMalformedRegistrationIsRefusedAndStoresNothing() {
        h.start();
        ObjectNode badSkills = RemoteHarness.registration("w1");
        badSkills.putArray("supported_skills").add("echo");
        assertThatThrownBy(() -> h.remote().register("w1", badSkills)).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> h.remote().register("w 1", RemoteHarness.registration("w 1", "echo")))
                .isInstanceOf(ValidationException.class);
        ObjectNode badCap = RemoteHarness.registration("w1", "echo");
        badCap.put("max_concurrent_tasks", -1);
        assertThatThrownBy(() -> h.remote().register("w1", badCap)).isInstanceOf(ValidationException.class);
        assertThat(h.workerEvents("worker.registered", "w1")).isZero();
        assertThatThrownBy(() -> h.remote().heartbeat("w1", null)).isInstanceOf(NotFoundException.class);
    }

    // ---- results ------------------------------------------------------------------------------

    @Test
    void permanentFailureCodesFailTheTaskAtOnce() {
        h.start();
        h.register("w1", "echo");
        Task first = h.create(skill("echo", "first").maxRetries(3));
        Task dependent = h.create(skill("echo", "dependent").dependsOn(first.id()));
        h.remote().result("w1", failure(h.poll("w1"), "PERMANENT_ERROR", "cannot"));
        assertThat(h.task(first.id()).status()).isEqualTo(TaskStatus.FAILED);
        Task df = h.task(dependent.id());
        assertThat(df.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(df.error()).contains("task-" + first.id());

        for (String code : List.of("PERMANENT_ERROR", "INVALID_INPUT_ERROR", "INTEGRITY_MISMATCH_ERROR",
                "CONTRACT_VIOLATION_ERROR", "SECURITY_ERROR")) {
            Task t = h.create(skill("echo", code).maxRetries(3));
            ObjectNode p = h.poll("w1");
            assertThat(taskIdOf(p)).isEqualTo(t.id());
            ResultAnswer a = h.remote().result("w1", failure(p, code, "bad: " + code));
            assertThat(a.accepted()).isTrue();
            assertThat(a.transitionOrReason()).isEqualTo("failure_handled");
            Task failed = h.task(t.id());
            assertThat(failed.status()).as(code).isEqualTo(TaskStatus.FAILED);
            assertThat(failed.retryCount()).isZero();
            assertThat(failed.errorCode()).isEqualTo(code);
            assertThat(failed.error()).isEqualTo("bad: " + code);
            assertThat(h.logs(t.id())).extracting(TaskLog::message)
                    .anyMatch(m -> m.contains("not retried: a retry would fail the same way"));
        }
    }

    @Test
    void otherFailuresAreRetriedWithBackoffUntilTheRetriesRunOut() {
        h.start();
        h.register("w1", "echo");
        Task t = h.create(skill("echo", "flaky").maxRetries(3).backoff(Backoff.fixed(7)));

        ObjectNode p1 = h.poll("w1");
        assertThat(h.remote().result("w1", failure(p1, "TRANSIENT_ERROR", "flaky")).transitionOrReason())
                .isEqualTo("failure_handled");
        Task r1 = h.task(t.id());
        assertThat(r1.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(r1.retryCount()).isEqualTo(1);
        assertThat(r1.runAt()).isEqualTo(h.now().plusSeconds(7));
        assertThat(r1.errorCode()).isEqualTo("TRANSIENT_ERROR");
        assertThat(r1.error()).isEqualTo("flaky");
        h.pollNothing("w1"); // the backoff holds it back

        h.advance(Duration.ofSeconds(7));
        ObjectNode p2 = h.poll("w1");
        assertThat(p2.get("task_id").asText()).isEqualTo("task-" + t.id() + ".2");
        h.remote().result("w1", failure(p2, null, "no code")); // a missing code counts as transient
        Task r2 = h.task(t.id());
        assertThat(r2.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(r2.retryCount()).isEqualTo(2);
        assertThat(r2.errorCode()).isEqualTo("TRANSIENT_ERROR");

        h.advance(Duration.ofSeconds(7));
        ObjectNode p3 = h.poll("w1");
        h.remote().result("w1", failure(p3, "RESOURCE_EXHAUSTED_ERROR", "busy")); // so does an unknown one
        Task r3 = h.task(t.id());
        assertThat(r3.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(r3.retryCount()).isEqualTo(3);
        assertThat(r3.errorCode()).isEqualTo("RESOURCE_EXHAUSTED_ERROR");

        h.advance(Duration.ofSeconds(7));
        ObjectNode p4 = h.poll("w1");
        assertThat(p4.get("metadata").get("attempt").asInt()).isEqualTo(4);
        ObjectNode last = RemoteHarness.result(p4).put("status", "failure").put("error", "boom"); // a plain string error
        h.remote().result("w1", last);
        Task failed = h.task(t.id());
        assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(failed.retryCount()).isEqualTo(3);
        assertThat(failed.attempt()).isEqualTo(4);
        assertThat(failed.error()).isEqualTo("boom");
        assertThat(failed.errorCode()).isEqualTo("TRANSIENT_ERROR");
        assertThat(h.events("task.retrying", t.id())).hasSize(3);
        assertThat(h.events("task.failed", t.id())).hasSize(1);
    }

    @Test
    void aReleasedAttemptGoesBackToTheQueueWithoutUsingARetry() {
        h.start();
        h.register("w1", "echo");
        Task t = h.create(skill("echo", "t")); // max_retries 0: a counted retry would fail it

        ObjectNode p = h.poll("w1");
        ResultAnswer a = h.remote().result("w1", RemoteHarness.result(p).put("status", "released"));
        assertThat(a.accepted()).isTrue();
        assertThat(a.transitionOrReason()).isEqualTo("released");
        Task back = h.task(t.id());
        assertThat(back.status()).isEqualTo(TaskStatus.QUEUED);
        assertThat(back.retryCount()).isZero();
        assertThat(back.workerId()).isNull();
        assertThat(back.leaseUntil()).isNull();
        assertThat(h.logs(t.id())).extracting(TaskLog::message).anyMatch(m -> m.contains("handed back by worker w1"));

        ObjectNode p2 = h.poll("w1");
        assertThat(p2.get("task_id").asText()).isEqualTo("task-" + t.id() + ".2");
        h.remote().result("w1", success(p2, Json.read("{\"ok\":true}")));
        Task done = h.task(t.id());
        assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(done.retryCount()).isZero();
        assertThat(done.attempt()).isEqualTo(2);
    }

    @Test
    void anAttemptTheWorkerCancelledCountsAsAFailedAttempt() {
        h.start();
        h.register("w1", "echo");
        Task t = h.create(skill("echo", "t").maxRetries(1).backoff(Backoff.fixed(3)));

        ObjectNode p1 = h.poll("w1");
        ResultAnswer a = h.remote().result("w1", RemoteHarness.result(p1).put("status", "cancelled"));
        assertThat(a.accepted()).isTrue();
        assertThat(a.transitionOrReason()).isEqualTo("cancelled_handled");
        Task retried = h.task(t.id());
        assertThat(retried.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(retried.retryCount()).isEqualTo(1);
        assertThat(retried.errorCode()).isEqualTo("CANCELLED");
        assertThat(retried.error()).contains("cancelled by worker w1");

        h.advance(Duration.ofSeconds(3));
        ObjectNode p2 = h.poll("w1");
        h.remote().result("w1", RemoteHarness.result(p2).put("status", "cancelled"));
        Task failed = h.task(t.id());
        assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(failed.retryCount()).isEqualTo(1);
        assertThat(failed.errorCode()).isEqualTo("CANCELLED");
    }

    @Test
    void resultsThatAreNotForTheRunningAttemptOfTheWorkerAreIgnoredAndChangeNothing() {
        h.start();
        h.register("w1", "echo");
        h.register("w2", "echo");

        ObjectNode unknown = Json.object().put("job_id", "task-999999").put("task_id", "task-999999.1");
        assertThat(h.remote().result("w1", unknown).transitionOrReason()).isEqualTo("job_not_found");
        ObjectNode foreign = Json.object().put("job_id", "job-1").put("task_id", "7f9c-uuid");
        assertThat(h.remote().result("w1", foreign).transitionOrReason()).isEqualTo("job_not_found");

        // another worker's attempt
        Task t1 = h.create(skill("echo", "t1"));
        ObjectNode p1 = h.poll("w1");
        ignored("w2", success(p1, Json.read("{}")), t1.id(), "worker_mismatch");

        // an attempt superseded by a later one (released, then polled again)
        h.remote().result("w1", RemoteHarness.result(p1).put("status", "released"));
        ObjectNode p1b = h.poll("w1");
        assertThat(p1b.get("task_id").asText()).isEqualTo("task-" + t1.id() + ".2");
        ignored("w1", success(p1, Json.read("{}")), t1.id(), "stale_task");
        ignored("w1", failure(p1, "PERMANENT_ERROR", "old"), t1.id(), "stale_task");
        ObjectNode future = Json.object().put("job_id", "task-" + t1.id()).put("task_id", "task-" + t1.id() + ".3");
        ignored("w1", future, t1.id(), "stale_task");

        // a cancelled task
        Task t2 = h.create(skill("echo", "t2"));
        ObjectNode p2 = h.poll("w1");
        h.engine.tasks().cancel(t2.id());
        ignored("w1", success(p2, Json.read("{}")), t2.id(), "job_cancelled");

        // a completed task
        assertThat(h.remote().result("w1", success(p1b, Json.read("{\"first\":true}"))).accepted()).isTrue();
        ignored("w1", success(p1b, Json.read("{\"second\":true}")), t1.id(), "job_already_terminated");
        ignored("w1", failure(p1b, "TRANSIENT_ERROR", "late"), t1.id(), "job_already_terminated");
        ignored("w1", RemoteHarness.result(p1b).put("status", "released"), t1.id(), "job_already_terminated");
        assertThat(Json.read(h.task(t1.id()).result())).isEqualTo(Json.read("{\"first\":true}"));

        // a failed task
        Task t3 = h.create(skill("echo", "t3"));
        ObjectNode p3 = h.poll("w1");
        h.remote().result("w1", failure(p3, "PERMANENT_ERROR", "no"));
        ignored("w1", success(p3, Json.read("{}")), t3.id(), "job_already_terminated");

        // an attempt lost with its worker, waiting for its retry
        Task t4 = h.create(skill("echo", "t4").maxRetries(1).backoff(Backoff.fixed(60)));
        ObjectNode p4 = h.poll("w2");
        h.remote().heartbeat("w2", Json.object().put("status", "offline"));
        ignored("w2", success(p4, Json.read("{}")), t4.id(), "stale_task");
        assertThat(h.task(t4.id()).status()).isEqualTo(TaskStatus.PENDING);
    }

    /** Sends a result that must be ignored for {@code reason}, and checks it changed nothing. */
    private void ignored(String workerId, ObjectNode body, long taskId, String reason) {
        Task before = h.task(taskId);
        int lines = h.logs(taskId).size();
        long events = h.countEvents();
        ResultAnswer a = h.remote().result(workerId, body);
        assertThat(a.accepted()).as(body + " from " + workerId).isFalse();
        assertThat(a.transitionOrReason()).as(body + " from " + workerId).isEqualTo(reason);
        assertThat(a.message()).isNotBlank();
        assertThat(h.task(taskId)).as("task row after an ignored result").isEqualTo(before);
        assertThat(h.logs(taskId)).hasSize(lines);
        assertThat(h.countEvents()).isEqualTo(events);
    }

    // ---- events -------------------------------------------------------------------------------

    @Test
    void aProgressEventUpdatesTheTaskLogsALineRecordsAnEventAndRenewsTheLease() {
        h.start();
        h.register("w1", "echo");
        Task t = h.create(skill("echo", "t"));
        ObjectNode p = h.poll("w1");

        h.advance(Duration.ofSeconds(30));
        EventAnswer a = h.remote().event("w1", event(p, "progress",
                Json.object().put("progress", 0.25).put("message", "a quarter")));
        assertThat(a.stored()).isTrue();
        Task after = h.task(t.id());
        assertThat(after.progress()).isEqualTo(0.25);
        assertThat(after.progressMessage()).isEqualTo("a quarter");
        assertThat(after.leaseUntil()).isEqualTo(h.now().plus(TTL));
        assertThat(h.logs(t.id())).extracting(TaskLog::message).contains("Progress 25%: a quarter");
        List<String[]> ev = h.events("task.progress", t.id());
        assertThat(ev).hasSize(1);
        assertThat(ev.get(0)[1]).isEqualTo("w1");
        assertThat(Json.read(ev.get(0)[2])).isEqualTo(Json.read("{\"progress\":0.25,\"message\":\"a quarter\"}"));

        h.remote().event("w1", event(p, "progress", Json.object().put("progress", 1.7)));
        assertThat(h.task(t.id()).progress()).isEqualTo(1.0); // clamped to 0..1
        assertThat(h.task(t.id()).progressMessage()).isNull();
        assertThat(h.events("task.progress", t.id())).hasSize(2);
    }

    @Test
    void aNewAttemptStartsWithoutTheProgressOfThePreviousOne() {
        h.start();
        h.register("w1", "echo");
        Task t = h.create(skill("echo", "t").maxRetries(1).backoff(Backoff.fixed(1)));
        ObjectNode p1 = h.poll("w1");
        h.remote().event("w1", event(p1, "progress", Json.object().put("progress", 0.9).put("message", "almost")));
        h.remote().result("w1", failure(p1, "TRANSIENT_ERROR", "lost the file"));

        h.advance(Duration.ofSeconds(1));
        ObjectNode p2 = h.poll("w1");
        assertThat(p2.get("task_id").asText()).isEqualTo("task-" + t.id() + ".2");
        Task second = h.task(t.id());
        assertThat(second.status()).isEqualTo(TaskStatus.RUNNING);
        assertThat(second.progress()).as("progress of attempt 2, which has reported none").isNull();
        assertThat(second.progressMessage()).isNull();

        h.remote().event("w1", event(p2, "progress", Json.object().put("progress", 0.1)));
        h.remote().result("w1", RemoteHarness.result(p2).put("status", "released"));
        h.poll("w1");
        assertThat(h.task(t.id()).progress()).as("progress of attempt 3").isNull();
    }

    @Test
    void logEventsAddLinesUpToTheTasksMaxLogLines() {
        h.start(c -> c.withMaxLogLines(6));
        h.register("w1", "echo");
        Task t = h.create(skill("echo", "t"));
        ObjectNode p = h.poll("w1");
        int before = h.logs(t.id()).size(); // created, started
        assertThat(before).isLessThan(6);

        ObjectNode payload = Json.object();
        ArrayNode lines = payload.putArray("lines");
        String[] levels = {"info", "warn", "error"};
        for (int i = 0; i < 10; i++) lines.addObject().put("level", levels[i % 3]).put("message", "line " + i);
        assertThat(h.remote().event("w1", event(p, "log", payload)).stored()).isTrue();

        List<TaskLog> logs = h.logs(t.id());
        assertThat(logs).hasSize(6);
        List<TaskLog> added = logs.subList(before, 6);
        for (int i = 0; i < added.size(); i++) {
            assertThat(added.get(i).message()).isEqualTo("line " + i);
            assertThat(added.get(i).level()).isEqualTo(LogLevel.fromWire(levels[i % 3]));
        }
        assertThat(h.task(t.id()).logCount()).isEqualTo(6);

        assertThat(h.remote().event("w1", event(p, "log", payload)).stored()).isTrue();
        assertThat(h.logs(t.id())).hasSize(6);
        assertThat(h.task(t.id()).logCount()).isEqualTo(6);
    }

    @Test
    void checkpointsAreStoredOnlyForTasksThatEnableThemAndReachTheNextAttempt() {
        h.start();
        h.register("w1", "echo");
        Task on = h.create(skill("echo", "on").checkpoint(true));
        Task off = h.create(skill("echo", "off"));
        ObjectNode pOn = h.poll("w1");
        ObjectNode pOff = h.poll("w1");
        assertThat(taskIdOf(pOn)).isEqualTo(on.id());

        EventAnswer a = h.remote().event("w1", event(pOn, "checkpoint", (ObjectNode) Json.read("{\"data\":{\"step\":3}}")));
        assertThat(a.stored()).isTrue();
        assertThat(h.task(on.id()).checkpointData()).isEqualTo(Json.read("{\"step\":3}"));

        EventAnswer b = h.remote().event("w1", event(pOff, "checkpoint", (ObjectNode) Json.read("{\"data\":{\"step\":1}}")));
        assertThat(b.stored()).isFalse();
        assertThat(b.reason()).isEqualTo("checkpoints_disabled");
        assertThat(h.task(off.id()).checkpointData()).isNull();

        h.remote().result("w1", RemoteHarness.result(pOn).put("status", "released"));
        ObjectNode again = h.poll("w1");
        assertThat(again.get("task_id").asText()).isEqualTo("task-" + on.id() + ".2");
        assertThat(again.get("metadata").get("checkpoint")).isEqualTo(Json.read("{\"step\":3}"));
    }

    @Test
    void eventsForAnAttemptNotRunningOnThatWorkerAreNotStored() {
        h.start();
        h.register("w1", "echo");
        h.register("w2", "echo");
        Task t = h.create(skill("echo", "t").checkpoint(true));
        ObjectNode p = h.poll("w1");
        ObjectNode progress = Json.object().put("progress", 0.5).put("message", "half");

        notStored("w2", event(p, "progress", progress), t.id(), "worker_mismatch");
        notStored("w2", event(p, "checkpoint", (ObjectNode) Json.read("{\"data\":{\"x\":1}}")), t.id(), "worker_mismatch");
        ObjectNode later = event(p, "progress", progress).put("target_task_id", "task-" + t.id() + ".2");
        notStored("w1", later, t.id(), "stale_task");
        ObjectNode nowhere = event(p, "progress", progress).put("target_task_id", "task-999999.1");
        assertThat(h.remote().event("w1", nowhere).reason()).isEqualTo("job_not_found");

        h.engine.tasks().cancel(t.id());
        notStored("w1", event(p, "progress", progress), t.id(), "job_cancelled");
        ObjectNode log = Json.object();
        log.putArray("lines").addObject().put("level", "info").put("message", "after cancel");
        notStored("w1", event(p, "log", log), t.id(), "job_cancelled");
    }

    private void notStored(String workerId, ObjectNode body, long taskId, String reason) {
        Task before = h.task(taskId);
        int lines = h.logs(taskId).size();
        long events = h.countEvents();
        EventAnswer a = h.remote().event(workerId, body);
        assertThat(a.stored()).as(body + " from " + workerId).isFalse();
        assertThat(a.reason()).isEqualTo(reason);
        assertThat(h.task(taskId)).isEqualTo(before);
        assertThat(h.logs(taskId)).hasSize(lines);
        assertThat(h.countEvents()).isEqualTo(events);
    }
}
