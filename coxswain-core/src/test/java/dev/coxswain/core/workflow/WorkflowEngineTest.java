package dev.coxswain.core.workflow;

import static dev.coxswain.core.remote.RemoteHarness.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.engine.StoreKind;
import dev.coxswain.core.remote.RemoteHarness;
import dev.coxswain.core.service.ConflictException;
import dev.coxswain.core.service.ValidationException;
import dev.coxswain.core.workflow.blueprint.BlueprintInvalidException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The workflow engine on both stores: jobs driven by a remote worker speaking the protocol below
 * HTTP, time moved by a settable clock.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class WorkflowEngineTest {
    @Parameter
    StoreKind store;
    @TempDir
    Path tmp;
    RemoteHarness h;
    WorkflowService wf;

    static final String THREE_STEPS = """
            {"name": "three", "api_endpoint": "/jobs/three",
             "input_schema": {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}},
             "states": {
               "first": {"start": true, "type": "dispatch", "skill": "double", "retries": 0,
                         "params": {"n": "{{ initial_data.n }}"},
                         "transitions": {"success": "second", "too_big": "failed"}},
               "second": {"type": "dispatch", "skill": "double", "retries": 0,
                          "params": {"n": "{{ state_history.n }}", "label": "got {{ steps.first.n }}"},
                          "transitions": {"success": "third"}},
               "third": {"type": "dispatch", "skill": "double", "retries": 0,
                         "params": {"n": "{{ state_history.n }}"},
                         "transitions": {"success": "finished"}},
               "finished": {"type": "end"},
               "failed": {"type": "end", "outcome": "failed"}
             }}""";

    @BeforeEach
    void open() {
        h = RemoteHarness.open(store, tmp);
        h.start();
        wf = h.engine.workflows();
        h.register("w1", "double", "resize", "publish");
    }

    @AfterEach
    void close() {
        if (h != null) h.close();
    }

    private Job awaitJob(String id, String what, Predicate<Job> p) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> wf.get(id), p::test);
    }

    private Job awaitStatus(String id, JobStatus s) {
        return awaitJob(id, s.wire(), j -> j.status() == s);
    }

    /** Polls one task and answers it with {@code data} (and a custom status when not null). */
    private ObjectNode answer(String status, JsonNode data) {
        ObjectNode task = h.poll("w1");
        ObjectNode r = RemoteHarness.success(task, data);
        if (status != null) r.put("status", status);
        h.remote().result("w1", r);
        return task;
    }

    private ObjectNode doubleIt() {
        ObjectNode task = h.poll("w1");
        long n = task.path("params").path("n").asLong();
        h.remote().result("w1", RemoteHarness.success(task, Json.object().put("n", n * 2)));
        return task;
    }

    /**
     * Moves the clock by {@code total} in steps shorter than the worker's TTL, with a heartbeat
     * after each, so the worker stays online (its running attempt keeps its lease).
     */
    private void pass(Duration total) {
        Duration left = total;
        while (!left.isZero()) {
            Duration step = left.compareTo(Duration.ofSeconds(30)) < 0 ? left : Duration.ofSeconds(30);
            h.advance(step);
            h.remote().heartbeat("w1", null);
            left = left.minus(step);
        }
    }

    private Job start(String blueprint, String initial) {
        return wf.create(blueprint, new NewJob("key:1", Json.read(initial), null, null, null, null));
    }

    @Test
    void aThreeStateBlueprintRunsEachStepAsATaskAndFinishes() {
        wf.register(THREE_STEPS, "json", "test");
        Job j = start("three", "{\"n\": 3}");
        assertThat(j.status()).as(j.errorMessage()).isEqualTo(JobStatus.WAITING_FOR_WORKER);
        assertThat(j.currentState()).isEqualTo("first");
        Task first = h.task(j.taskIds().get(0));
        assertThat(first.type()).isEqualTo("double");
        assertThat(first.originKind()).isEqualTo("job");
        assertThat(first.originId()).isEqualTo(j.id());
        assertThat(first.params().get("n").asInt()).isEqualTo(3);

        doubleIt();
        Job second = awaitJob(j.id(), "second", x -> "second".equals(x.currentState()));
        Task t2 = h.task(second.taskIds().get(0));
        assertThat(t2.params().get("n").asInt()).isEqualTo(6);
        assertThat(t2.params().get("label").asText()).isEqualTo("got 6");
        doubleIt();
        awaitJob(j.id(), "third", x -> "third".equals(x.currentState()));
        doubleIt();
        Job done = awaitStatus(j.id(), JobStatus.FINISHED);
        assertThat(done.result().get("n").asInt()).isEqualTo(24);
        assertThat(done.finishedAt()).isNotNull();
        List<String> types = wf.history(j.id()).stream().map(JobEvent::type).toList();
        assertThat(types).startsWith("job_created", "state_started", "task_dispatched", "task_finished", "state_finished")
                .endsWith("job_completed");
        assertThat(types.stream().filter("task_dispatched"::equals).count()).isEqualTo(3);
    }

    @Test
    void aCustomStatusFollowsItsTransitionAndAnUnhandledOneFailsTheJob() {
        wf.register(THREE_STEPS, "json", "test");
        Job j = start("three", "{\"n\": 1}");
        answer("too_big", Json.object());
        Job failed = awaitStatus(j.id(), JobStatus.FAILED);
        assertThat(failed.currentState()).isEqualTo("failed");

        Job k = start("three", "{\"n\": 1}");
        answer("weird", Json.object());
        Job bad = awaitStatus(k.id(), JobStatus.FAILED);
        assertThat(bad.errorMessage()).isEqualTo("Worker returned unhandled status: weird");
    }

    @Test
    void inputIsValidatedAgainstTheSchema() {
        wf.register(THREE_STEPS, "json", "test");
        assertThatThrownBy(() -> start("three", "{\"n\": \"x\"}")).isInstanceOf(InputValidationException.class);
        assertThatThrownBy(() -> start("three", "{}")).isInstanceOf(InputValidationException.class);
        assertThat(wf.list(null, null, 0, 10).total()).isZero();
    }

    @Test
    void failuresQuarantineOrFailByTheirCode() {
        wf.register(THREE_STEPS, "json", "test");
        Job permanent = start("three", "{\"n\": 1}");
        h.remote().result("w1", RemoteHarness.failure(h.poll("w1"), "PERMANENT_ERROR", "broken"));
        assertThat(awaitStatus(permanent.id(), JobStatus.QUARANTINED).errorMessage()).contains("PERMANENT_ERROR");

        Job input = start("three", "{\"n\": 1}");
        h.remote().result("w1", RemoteHarness.failure(h.poll("w1"), "INVALID_INPUT_ERROR", "no"));
        assertThat(awaitStatus(input.id(), JobStatus.FAILED).errorMessage()).startsWith("Task failed due to invalid input");

        Job transient_ = start("three", "{\"n\": 1}");
        h.remote().result("w1", RemoteHarness.failure(h.poll("w1"), "TRANSIENT_ERROR", "flaky"));
        awaitStatus(transient_.id(), JobStatus.QUARANTINED);
        assertThat(wf.quarantined("key:1")).hasSize(2);
        assertThat(wf.quarantined("key:2")).isEmpty();
    }

    @Test
    void aFailureTransitionIsFollowedAfterTheTasksOwnRetries() {
        wf.register("""
                {"name": "retrying", "states": {
                  "go": {"start": true, "type": "dispatch", "skill": "double", "retries": 1, "params": {},
                         "transitions": {"success": "finished", "failure": "cleanup"}},
                  "cleanup": {"type": "end", "outcome": "failed", "result": {"why": "{{ steps.go.error }}"}},
                  "finished": {"type": "end"}}}""", "json", "test");
        Job j = start("retrying", "{}");
        h.remote().result("w1", RemoteHarness.failure(h.poll("w1"), "TRANSIENT_ERROR", "flaky"));
        Task t = h.awaitStatus(j.taskIds().get(0), TaskStatus.PENDING);
        assertThat(wf.get(j.id()).status()).isEqualTo(JobStatus.WAITING_FOR_WORKER);
        pass(Duration.ofMinutes(5)); // past the retry's backoff
        h.remote().result("w1", RemoteHarness.failure(h.poll("w1"), "TRANSIENT_ERROR", "flaky again"));
        Job done = awaitStatus(j.id(), JobStatus.FAILED);
        assertThat(done.currentState()).isEqualTo("cleanup");
        assertThat(done.result().get("why").asText()).isEqualTo("flaky again");
        assertThat(t.retryCount()).isEqualTo(1);
    }

    @Test
    void aParallelFanOutWaitsForEveryBranchThenAggregates() {
        wf.register("""
                {"name": "fan", "states": {
                  "split": {"start": true, "type": "parallel", "for_each": "{{ initial_data.urls }}",
                            "task": {"skill": "resize", "retries": 0, "params": {"url": "{{ item }}", "i": "{{ index }}"}},
                            "aggregate_into": "check"},
                  "check": {"type": "go_to", "branches": [{"when": {"path": "aggregation.failed", "gt": 0}, "to": "partial"}],
                            "default": "finished"},
                  "partial": {"type": "end", "outcome": "failed"},
                  "finished": {"type": "end", "result": {"sizes": "{{ steps.split }}"}}}}""", "json", "test");
        var urls = Json.MAPPER.createArrayNode();
        for (int i = 0; i < 10; i++) urls.add("u" + i);
        ObjectNode input = Json.object();
        input.set("urls", urls);
        Job j = wf.create("fan", new NewJob("key:1", input, null, null, null, null));
        assertThat(j.status()).isEqualTo(JobStatus.WAITING_FOR_PARALLEL_TASKS);
        assertThat(j.taskIds()).hasSize(10);
        for (int i = 0; i < 10; i++) {
            ObjectNode task = h.poll("w1");
            String url = task.path("params").path("url").asText();
            h.remote().result("w1", RemoteHarness.success(task, Json.object().put("size", url.length())));
            if (i < 9) assertThat(wf.get(j.id()).status()).isEqualTo(JobStatus.WAITING_FOR_PARALLEL_TASKS);
        }
        Job done = awaitStatus(j.id(), JobStatus.FINISHED);
        assertThat(done.result().get("sizes")).hasSize(10);
        assertThat(done.data().path("aggregation").path("succeeded").asInt()).isEqualTo(10);
    }

    @Test
    void recentJobsAreTheNewestFirstByOwnerBlueprintOrStatus() {
        wf.register(APPROVAL, "json", "test");
        wf.register(THREE_STEPS, "json", "test");
        Job a = wf.create("approve", new NewJob("key:1", Json.read("{}"), null, null, null, null));
        h.advance(Duration.ofSeconds(1));
        Job b = wf.create("three", new NewJob("key:2", Json.read("{\"n\": 1}"), null, null, null, null));
        h.advance(Duration.ofSeconds(1));
        Job c = wf.create("approve", new NewJob("key:2", Json.read("{}"), null, null, null, null));
        wf.cancel(a.id());
        assertThat(ids(wf.recent(null, null, null, 10))).containsExactly(c.id(), b.id(), a.id());
        assertThat(ids(wf.recent(null, null, null, 2))).containsExactly(c.id(), b.id());
        assertThat(ids(wf.recent("key:2", null, null, 10))).containsExactly(c.id(), b.id());
        assertThat(ids(wf.recent(null, "approve", null, 10))).containsExactly(c.id(), a.id());
        assertThat(ids(wf.recent(null, null, JobStatus.CANCELLED, 10))).containsExactly(a.id());
        WorkflowService.RecentJobs both = wf.recent("key:2", "approve", JobStatus.WAITING_FOR_HUMAN, 10);
        assertThat(ids(both)).containsExactly(c.id());
        assertThat(both.windowed()).isFalse();
        assertThat(ids(wf.recent(null, "approve", JobStatus.WAITING_FOR_WORKER, 10))).isEmpty();
        assertThatThrownBy(() -> wf.recent(null, null, null, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<String> ids(WorkflowService.RecentJobs r) {
        return r.jobs().stream().map(Job::id).toList();
    }

    static final String APPROVAL = """
            {"name": "approve", "states": {
              "ask": {"start": true, "type": "approval", "message": "ok {{ initial_data.who }}?",
                      "transitions": {"approved": "finished", "rejected": "failed"}},
              "finished": {"type": "end"},
              "failed": {"type": "end", "outcome": "failed"}}}""";

    @Test
    void anApprovalWaitsForTheDecisionAndFollowsIt() {
        wf.register(APPROVAL, "json", "test");
        Job j = start("approve", "{\"who\": \"bob\"}");
        assertThat(j.status()).isEqualTo(JobStatus.WAITING_FOR_HUMAN);
        assertThatThrownBy(() -> wf.decide(j.id(), "maybe", null, null)).isInstanceOf(ValidationException.class);
        Job after = wf.decide(j.id(), "approved", null, Json.object().put("by", "alice"));
        assertThat(after.status()).isEqualTo(JobStatus.FINISHED);
        assertThat(after.metadata().get("by").asText()).isEqualTo("alice");
        assertThatThrownBy(() -> wf.decide(j.id(), "approved", null, null)).isInstanceOf(ConflictException.class);
        Job k = start("approve", "{}");
        assertThat(wf.decide(k.id(), "rejected", null, null).status()).isEqualTo(JobStatus.FAILED);
    }

    @Test
    void aSubBlueprintRunsAsAChildJobAndItsOutcomeMovesTheParent() {
        wf.register(APPROVAL, "json", "test");
        wf.register("""
                {"name": "parent", "states": {
                  "child": {"start": true, "type": "sub_blueprint", "blueprint": "approve",
                            "initial_data": {"who": "{{ initial_data.name }}"},
                            "transitions": {"success": "finished", "failure": "failed"}},
                  "finished": {"type": "end"},
                  "failed": {"type": "end", "outcome": "failed"}}}""", "json", "test");
        Job p = start("parent", "{\"name\": \"carol\"}");
        assertThat(p.status()).isEqualTo(JobStatus.WAITING_FOR_SUB_JOB);
        Job child = wf.get(p.childJobId());
        assertThat(child.parentJobId()).isEqualTo(p.id());
        assertThat(child.initialData().get("who").asText()).isEqualTo("carol");
        wf.decide(child.id(), "approved", null, null);
        awaitStatus(p.id(), JobStatus.FINISHED);
    }

    @Test
    void aDispatchTimeoutFailsTheJobWhenNoWorkerTookTheStep() {
        wf.register(THREE_STEPS, "json", "test");
        Job j = wf.create("three", new NewJob("key:1", Json.read("{\"n\": 1}"), null, 30, null, null));
        assertThat(j.dispatchDeadline()).isEqualTo(h.now().plusSeconds(30));
        h.advance(Duration.ofSeconds(29));
        assertThat(wf.get(j.id()).status()).isEqualTo(JobStatus.WAITING_FOR_WORKER);
        h.advance(Duration.ofSeconds(2));
        Job failed = awaitStatus(j.id(), JobStatus.FAILED);
        assertThat(failed.errorMessage()).isEqualTo(JobSteps.DISPATCH_TIMEOUT);
        assertThat(h.task(j.taskIds().get(0)).status()).isEqualTo(TaskStatus.CANCELLED);
    }

    @Test
    void aPickedUpStepIsNotTouchedByItsDispatchDeadline() {
        wf.register(THREE_STEPS, "json", "test");
        Job j = wf.create("three", new NewJob("key:1", Json.read("{\"n\": 1}"), null, 30, null, null));
        ObjectNode task = h.poll("w1");
        h.advance(Duration.ofSeconds(31));
        awaitJob(j.id(), "its dispatch deadline cleared", x -> x.dispatchDeadline() == null);
        assertThat(wf.get(j.id()).status()).isEqualTo(JobStatus.WAITING_FOR_WORKER);
        h.remote().result("w1", RemoteHarness.success(task, Json.object().put("n", 2)));
        awaitJob(j.id(), "second", x -> "second".equals(x.currentState()));
    }

    @Test
    void aResultTimeoutRedispatchesTheStepThenQuarantines() {
        wf.register(THREE_STEPS, "json", "test");
        Job j = wf.create("three", new NewJob("key:1", Json.read("{\"n\": 1}"), null, null, 60, null));
        long firstTask = j.taskIds().get(0);
        h.poll("w1");
        pass(Duration.ofSeconds(61));
        Job again = awaitJob(j.id(), "a second dispatch", x -> x.retryCount() == 1);
        assertThat(again.taskIds()).doesNotContain(firstTask);
        assertThat(h.task(firstTask).status()).isEqualTo(TaskStatus.CANCELLED);
        for (int i = 2; i <= 4; i++) {
            pass(Duration.ofSeconds(61));
            if (i <= 3) {
                int n = i;
                awaitJob(j.id(), "dispatch " + n, x -> x.retryCount() == n);
            }
        }
        Job q = awaitStatus(j.id(), JobStatus.QUARANTINED);
        assertThat(q.errorMessage()).contains("timed out");
    }

    @Test
    void cancellingAJobCancelsItsStep() {
        wf.register(THREE_STEPS, "json", "test");
        Job j = start("three", "{\"n\": 1}");
        Job c = wf.cancel(j.id());
        assertThat(c.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(h.task(j.taskIds().get(0)).status()).isEqualTo(TaskStatus.CANCELLED);
        assertThatThrownBy(() -> wf.cancel(j.id())).isInstanceOf(ConflictException.class);
        assertThat(wf.history(j.id()).getLast().type()).isEqualTo("job_cancelled");
    }

    @Test
    void aNewVersionDoesNotChangeARunningJob() {
        wf.register(THREE_STEPS, "json", "test");
        Job j = start("three", "{\"n\": 1}");
        var v2 = wf.register(THREE_STEPS.replace("\"third\": {\"type\": \"dispatch\"", "\"third\": {\"type\": \"dispatch\", \"priority\": 9"), "json", "test");
        assertThat(v2.blueprint().version()).isEqualTo(2);
        assertThat(j.blueprintVersion()).isEqualTo(1);
        doubleIt();
        doubleIt();
        Job third = awaitJob(j.id(), "third", x -> "third".equals(x.currentState()));
        assertThat(h.task(third.taskIds().get(0)).priority()).isEqualTo(5);
        assertThat(start("three", "{\"n\": 1}").blueprintVersion()).isEqualTo(2);
    }

    @Test
    void anEndpointServedByAnotherBlueprintIsRefused() {
        wf.register(THREE_STEPS, "json", "test");
        assertThatThrownBy(() -> wf.register(THREE_STEPS.replace("\"name\": \"three\"", "\"name\": \"other\""), "json", "t"))
                .isInstanceOf(BlueprintInvalidException.class).hasMessageContaining("already served");
        assertThat(wf.byEndpoint("v1", "/jobs/three")).isPresent();
        assertThat(wf.apiVersions()).containsExactly("v1");
    }

    @Test
    void aWorkersEventsForAStepAreInTheJobsHistory() {
        wf.register(THREE_STEPS, "json", "test");
        Job j = start("three", "{\"n\": 1}");
        ObjectNode task = h.poll("w1");
        h.remote().event("w1", RemoteHarness.event(task, "progress", Json.object().put("progress", 0.5)));
        h.remote().event("w1", RemoteHarness.event(task, "thumbnail_ready", Json.object().put("url", "u")));
        List<JobEvent> events = wf.history(j.id());
        assertThat(events).extracting(JobEvent::type).contains("worker_event:progress", "worker_event:thumbnail_ready");
        JobEvent custom = events.stream().filter(e -> e.type().equals("worker_event:thumbnail_ready")).findFirst().orElseThrow();
        assertThat(custom.workerId()).isEqualTo("w1");
        assertThat(custom.data().get("url").asText()).isEqualTo("u");
    }

    @Test
    void aJobsWebhookIsQueuedInTheOutboxWithTheProtocolsBody() {
        wf.register(APPROVAL, "json", "test");
        Job j = wf.create("approve", new NewJob("key:1", Json.object(), "http://127.0.0.1:9/hook", null, null, null));
        assertThatThrownBy(() -> wf.create("approve", new NewJob("key:1", Json.object(), "ftp://x/y", null, null, null)))
                .isInstanceOf(ValidationException.class);
        wf.decide(j.id(), "rejected", null, null);
        List<String[]> rows = h.db.read(c -> {
            List<String[]> out = new java.util.ArrayList<>();
            try (var ps = c.prepareStatement("SELECT event, target_url, body FROM webhook_deliveries ORDER BY id");
                 var rs = ps.executeQuery()) {
                while (rs.next()) out.add(new String[]{rs.getString(1), rs.getString(2), rs.getString(3)});
            }
            return out;
        });
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0)[0]).isEqualTo("job_failed");
        assertThat(rows.get(0)[1]).isEqualTo("http://127.0.0.1:9/hook");
        JsonNode body = Json.read(rows.get(0)[2]);
        assertThat(body.get("job_id").asText()).isEqualTo(j.id());
        assertThat(body.get("status").asText()).isEqualTo("failed");
        assertThat(body.has("result")).isTrue();
        assertThat(body.has("error")).isTrue();
        assertThat(body.get("timestamp").isNumber()).isTrue();
    }
}
