package dev.coxswain.core.remote;

import static dev.coxswain.core.remote.RemoteHarness.registration;
import static dev.coxswain.core.remote.RemoteHarness.skill;
import static dev.coxswain.core.remote.RemoteHarness.success;
import static dev.coxswain.core.remote.RemoteHarness.taskIdOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskLog;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.engine.StoreKind;
import dev.coxswain.core.node.EngineConfig;
import dev.coxswain.core.runtime.EngineObserver;
import dev.coxswain.core.service.NotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The long-poll dispatcher: held polls answered when work appears, polls that give up, and which
 * worker may take which task (requirements, capacity).
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class RemoteDispatcherTest extends RemoteTestBase {

    // ---- held polls ---------------------------------------------------------------------------

    @Test
    void aHeldPollIsAnsweredWhenATaskIsCreated() {
        // The duties' slow poll is an hour: only the engine's queued signal can wake the dispatcher in time.
        h.start(c -> new EngineConfig(c.workerId(), c.hostname(), c.version(), c.workerTags(), c.concurrency(),
                c.claimBatch(), c.lease(), c.heartbeat(), c.workerTtl(), Duration.ofHours(1), c.maxLogLinesPerTask(),
                c.logFlush(), c.resourcesPath(), c.remote()));
        h.register("w1", "echo");
        RemoteHarness.PendingPoll poll = h.pollAsync("w1", RemoteHarness.POLL).awaitHeld();
        await("the poll to stay held while there is no work").during(RemoteHarness.QUIET)
                .atMost(RemoteHarness.QUIET.plus(RemoteHarness.WAIT)).until(() -> !poll.result.isDone());

        Task t = h.create(skill("echo", "late").param("k", "v"));
        ObjectNode p = poll.get().orElseThrow();
        assertThat(taskIdOf(p)).isEqualTo(t.id());
        assertThat(p.get("params")).isEqualTo(Json.read("{\"k\":\"v\"}"));
        Task running = h.task(t.id());
        assertThat(running.status()).isEqualTo(TaskStatus.RUNNING);
        assertThat(running.workerId()).isEqualTo("w1");
    }

    @Test
    void aPollThatTimesOutReturnsEmptyAndLeavesNothingClaimed() throws Exception {
        h.start();
        h.register("w1", "echo");
        assertThat(h.remote().poll("w1", Set.of(), Duration.ofMillis(200))).isEmpty();

        Task t = h.create(skill("echo", "t"));
        h.holds(t.id(), "queued: the poll that gave up takes nothing", x -> x.status() == TaskStatus.QUEUED && x.attempt() == 0);
        assertThat(h.poll("w1").get("task_id").asText()).isEqualTo("task-" + t.id() + ".1");
    }

    @Test
    void aPollThatEndedBeforeAnyDispatchPassIsWithdrawn() throws Exception {
        RemoteHarness.Manual m = h.manual(EngineObserver.NONE);
        m.remote.register("w1", registration("w1", "echo"));
        Task t = h.create(skill("echo", "t"));

        assertThat(m.remote.poll("w1", Set.of(), Duration.ofMillis(100))).isEmpty();
        assertThat(m.dispatcher.waitingPolls()).isZero();
        m.dispatcher.runOnce();
        Task still = h.task(t.id());
        assertThat(still.status()).isEqualTo(TaskStatus.QUEUED);
        assertThat(still.attempt()).isZero();
        assertThat(m.requeued.get()).isZero();
    }

    @Test
    void aTaskClaimedForAPollThatGaveUpMeanwhileGoesBackToTheQueue() {
        AtomicReference<RemoteDispatcher.Waiter> givingUp = new AtomicReference<>();
        // The dispatcher reports the start just before it hands the task to the poll: the poll
        // ends right then (its timeout, or its client gone), after the claim committed.
        RemoteHarness.Manual m = h.manual(new EngineObserver() {
            @Override
            public void attemptStarted(Task t, Duration latency) {
                RemoteDispatcher.Waiter w = givingUp.get();
                if (w != null) w.result().cancel(false);
            }
        });
        m.remote.register("w1", registration("w1", "echo"));
        Task t = h.create(skill("echo", "t"));

        RemoteDispatcher.Waiter w = m.dispatcher.enqueue("w1", Set.of());
        givingUp.set(w);
        m.dispatcher.runOnce();
        assertThat(w.result().isCancelled()).isTrue();
        assertThat(m.dispatcher.waitingPolls()).isZero();

        Task back = h.task(t.id());
        assertThat(back.status()).isEqualTo(TaskStatus.QUEUED);
        assertThat(back.workerId()).isNull();
        assertThat(back.leaseUntil()).isNull();
        assertThat(back.retryCount()).isZero();
        assertThat(back.attempt()).isEqualTo(1);
        assertThat(h.logs(t.id())).extracting(TaskLog::message)
                .anyMatch(l -> l.contains("Attempt 1 not delivered: the poll of w1 ended first"));
        assertThat(m.requeued.get()).isEqualTo(1);

        givingUp.set(null);
        ObjectNode p = m.poll("w1");
        assertThat(p.get("task_id").asText()).isEqualTo("task-" + t.id() + ".2");
        assertThat(h.task(t.id()).status()).isEqualTo(TaskStatus.RUNNING);
    }

    @Test
    void aHeldPollOfAWorkerThatWentOfflineEndsAsNotFound() {
        RemoteHarness.Manual m = h.manual(EngineObserver.NONE);
        m.remote.register("w1", registration("w1", "echo"));
        RemoteHarness.PendingPoll p = new RemoteHarness.PendingPoll(m.remote, "w1", RemoteHarness.POLL).awaitHeld();
        m.remote.heartbeat("w1", Json.object().put("status", "offline"));
        m.dispatcher.runOnce();
        assertThatThrownBy(() -> p.result.join()).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(NotFoundException.class);
    }

    @Test
    void shutdownEndsHeldPollsEmptyAndClosesTheSockets() {
        h.start();
        h.register("w1", "echo");
        RemoteTimeoutsTest.FakeChannel socket = new RemoteTimeoutsTest.FakeChannel();
        h.engine.remoteChannels().opened("w1", socket);
        RemoteHarness.PendingPoll held = h.pollAsync("w1", RemoteHarness.POLL).awaitHeld();

        h.engine.shutdown(Duration.ZERO);
        assertThat(held.get()).isEmpty();
        assertThat(socket.closes).containsExactly(1001);
        assertThat(h.engine.remoteChannels().connected("w1")).isFalse();
    }

    // ---- requirements -------------------------------------------------------------------------

    private static ObjectNode gpuWorker(String id, String... skills) {
        ObjectNode b = registration(id, skills);
        b.put("worker_type", "gpu");
        ObjectNode res = b.putObject("resources");
        res.putObject("properties").put("vram_gb", 24).put("cpu_cores", "16");
        res.putArray("devices").addObject().put("id", "SER123").put("type", "camera");
        b.putObject("installed_software").put("python", "3.12").put("cuda", "12.1");
        return b;
    }

    private static ObjectNode cpuWorker(String id, String... skills) {
        ObjectNode b = registration(id, skills);
        b.put("worker_type", "cpu");
        b.putObject("resources").putObject("properties").put("vram_gb", 0).put("cpu_cores", 64);
        b.putObject("installed_software").put("python", "3.11");
        return b;
    }

    @Test
    void routedTasksGoOnlyToWorkersThatMeetTheirRequirements() throws Exception {
        h.start();
        h.remote().register("gpu1", gpuWorker("gpu1", "infer"));
        h.remote().register("cpu1", cpuWorker("cpu1", "infer"));
        Set<Long> forGpu = new HashSet<>();
        forGpu.add(h.create(skill("infer", "type").requirements("{\"worker_type\":\"gpu\"}")).id());
        forGpu.add(h.create(skill("infer", "vram").requirements("{\"resources\":{\"vram_gb\":16,\"cpu_cores\":8}}")).id());
        forGpu.add(h.create(skill("infer", "cuda").requirements("{\"software\":{\"cuda\":\"12.1\",\"python\":null}}")).id());
        forGpu.add(h.create(skill("infer", "camera").requirements("{\"device\":\"SER123\"}")).id());
        forGpu.add(h.create(skill("infer", "pinned").requirements("{\"worker_id\":\"gpu1\"}")).id());
        Task nobody = h.create(skill("infer", "too-big").requirements("{\"resources\":{\"vram_gb\":48}}"));
        Task forCpu = h.create(skill("infer", "cpu-pinned").requirements("{\"worker_id\":\"cpu1\"}").priority(1));
        Task plain = h.create(skill("infer", "anyone").priority(1));

        // The CPU worker meets none of the GPU tasks' requirements; it takes its own, then the plain one.
        assertThat(taskIdOf(h.poll("cpu1"))).isEqualTo(forCpu.id());
        assertThat(taskIdOf(h.poll("cpu1"))).isEqualTo(plain.id());
        h.pollNothing("cpu1");

        Set<Long> gpuGot = new HashSet<>();
        for (int i = 0; i < forGpu.size(); i++) gpuGot.add(taskIdOf(h.poll("gpu1")));
        assertThat(gpuGot).isEqualTo(forGpu);
        h.pollNothing("gpu1");
        for (long id : forGpu) assertThat(h.task(id).workerId()).isEqualTo("gpu1");

        Task left = h.task(nobody.id());
        assertThat(left.status()).isEqualTo(TaskStatus.QUEUED);
        assertThat(left.attempt()).isZero();
    }

    @Test
    void routedAndPlainTasksAreHandedOutByPriority() {
        h.start();
        h.remote().register("gpu1", gpuWorker("gpu1", "infer"));
        Task routedLow = h.create(skill("infer", "routed-low").requirements("{\"worker_type\":\"gpu\"}").priority(2));
        Task plainHigh = h.create(skill("infer", "plain-high").priority(9));
        Task routedHigh = h.create(skill("infer", "routed-high").requirements("{\"worker_type\":\"gpu\"}").priority(9));
        Task plainLow = h.create(skill("infer", "plain-low").priority(2));

        List<Long> order = new ArrayList<>();
        for (int i = 0; i < 4; i++) order.add(taskIdOf(h.poll("gpu1")));
        // Highest priority first, oldest first among equals, whether routed or not.
        assertThat(order).containsExactly(plainHigh.id(), routedHigh.id(), routedLow.id(), plainLow.id());
    }

    @Test
    void theLocalWorkerNeverClaimsARoutedTaskOfItsOwnType() {
        h.start();
        Task routed = h.create(skill("shell", "routed").command("echo routed").requirements("{\"worker_type\":\"gpu\"}"));
        Task plain = h.create(skill("shell", "plain").command("echo plain"));
        Task done = h.awaitStatus(plain.id(), TaskStatus.COMPLETED); // the local worker does claim shell tasks
        assertThat(done.workerId()).isEqualTo(RemoteHarness.LOCAL);
        h.holds(routed.id(), "queued, left to a GPU worker", x -> x.status() == TaskStatus.QUEUED && x.attempt() == 0);

        h.remote().register("gpu1", gpuWorker("gpu1", "shell"));
        ObjectNode p = h.poll("gpu1");
        assertThat(taskIdOf(p)).isEqualTo(routed.id());
        assertThat(p.get("params")).isEqualTo(Json.read("{\"command\":\"echo routed\"}")); // requirements are not the handler's
        h.remote().result("gpu1", success(p, Json.read("{\"stdout\":\"routed\\n\",\"exit_code\":0}")));
        Task remoteDone = h.task(routed.id());
        assertThat(remoteDone.status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(remoteDone.result()).isEqualTo("routed\n");
        assertThat(remoteDone.exitCode()).isZero();
        assertThat(remoteDone.workerId()).isEqualTo("gpu1");
    }

    // ---- capacity -----------------------------------------------------------------------------

    @Test
    void aWorkerHoldsNoMoreTasksThanItsMaxConcurrentTasks() {
        h.start();
        ObjectNode reg = registration("w1", "echo");
        reg.put("max_concurrent_tasks", 2);
        h.remote().register("w1", reg);
        Task t1 = h.create(skill("echo", "1"));
        Task t2 = h.create(skill("echo", "2"));
        Task t3 = h.create(skill("echo", "3"));

        ObjectNode p1 = h.poll("w1");
        ObjectNode p2 = h.poll("w1");
        assertThat(List.of(taskIdOf(p1), taskIdOf(p2))).containsExactly(t1.id(), t2.id());
        h.pollNothing("w1");
        assertThat(h.task(t3.id()).status()).isEqualTo(TaskStatus.QUEUED);

        h.remote().result("w1", success(p1, Json.read("{}")));
        assertThat(taskIdOf(h.poll("w1"))).isEqualTo(t3.id());
        h.pollNothing("w1");

        // The cap may also come in capabilities.extra, as a numeric string.
        ObjectNode reg2 = registration("w2", "echo");
        ((ObjectNode) reg2.get("capabilities")).putObject("extra").put("max_concurrent_tasks", "1");
        h.remote().register("w2", reg2);
        Task t4 = h.create(skill("echo", "4"));
        Task t5 = h.create(skill("echo", "5"));
        assertThat(taskIdOf(h.poll("w2"))).isEqualTo(t4.id());
        h.pollNothing("w2");
        assertThat(h.task(t5.id()).status()).isEqualTo(TaskStatus.QUEUED);
    }

    @Test
    void pollsHeldTogetherByOneWorkerTakeNoMoreThanItsCapacity() {
        h.start();
        ObjectNode reg = registration("w1", "echo");
        reg.put("max_concurrent_tasks", 2);
        h.remote().register("w1", reg);
        List<RemoteHarness.PendingPoll> polls = new ArrayList<>();
        for (int i = 0; i < 3; i++) polls.add(h.pollAsync("w1", Duration.ofSeconds(3)).awaitHeld());

        List<Long> ids = h.engine.tasks().createAll(List.of(skill("echo", "a").build(), skill("echo", "b").build(),
                skill("echo", "c").build()));
        List<Long> got = new ArrayList<>();
        int empty = 0;
        for (RemoteHarness.PendingPoll p : polls) {
            Optional<ObjectNode> r = p.get();
            if (r.isPresent()) got.add(taskIdOf(r.get()));
            else empty++;
        }
        assertThat(got).hasSize(2).doesNotHaveDuplicates();
        assertThat(empty).isEqualTo(1);
        long queued = ids.stream().filter(id -> h.task(id).status() == TaskStatus.QUEUED).count();
        assertThat(queued).isEqualTo(1);
    }
}
