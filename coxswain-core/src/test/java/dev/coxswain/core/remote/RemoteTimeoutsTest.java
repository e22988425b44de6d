package dev.coxswain.core.remote;

import static dev.coxswain.core.remote.RemoteHarness.T0;
import static dev.coxswain.core.remote.RemoteHarness.skill;
import static dev.coxswain.core.remote.RemoteHarness.success;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.engine.Backoff;
import dev.coxswain.core.engine.StoreKind;
import dev.coxswain.core.remote.RemoteWorkers.ResultAnswer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code timeout_seconds} of attempts on remote workers, enforced by the engine's RemoteTimeouts
 * duty (a pass a second, real time; what is overdue follows the test's clock).
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class RemoteTimeoutsTest extends RemoteTestBase {
    /** Longer than a pass of the timeouts duty (1 s), for "nothing happens". */
    private static final Duration TWO_PASSES = Duration.ofMillis(2_500);

    /** A worker's socket as the HTTP layer would expose it: keeps what was sent. */
    static final class FakeChannel implements RemoteChannels.PushChannel {
        final List<String> frames = new CopyOnWriteArrayList<>();
        final List<Integer> closes = new CopyOnWriteArrayList<>();

        @Override
        public boolean send(String text) {
            frames.add(text);
            return true;
        }

        @Override
        public void close(int code, String reason) {
            closes.add(code);
        }

        final java.util.concurrent.atomic.AtomicInteger pings = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public boolean ping() {
            pings.incrementAndGet();
            return closes.isEmpty();
        }

        boolean got(JsonNode frame) {
            return frames.stream().map(Json::read).anyMatch(frame::equals);
        }
    }

    @org.junit.jupiter.api.Test
    void openSocketsArePingedAndADeadOneIsForgotten() {
        RemoteChannels channels = new RemoteChannels(null, null);
        FakeChannel live = new FakeChannel();
        FakeChannel dead = new FakeChannel();
        channels.opened("w-live", live);
        channels.opened("w-dead", dead);
        dead.close(1006, "gone");
        new SocketPinger(channels, Duration.ofSeconds(20)).runOnce();
        org.assertj.core.api.Assertions.assertThat(live.pings.get()).isEqualTo(1);
        org.assertj.core.api.Assertions.assertThat(channels.connected("w-live")).isTrue();
        org.assertj.core.api.Assertions.assertThat(channels.connected("w-dead")).isFalse();
    }

    private static JsonNode cancelFrame(long taskId, int attempt) {
        return Json.object().put("command", "cancel_task").put("task_id", "task-" + taskId + "." + attempt)
                .put("job_id", "task-" + taskId);
    }

    @Test
    void anOverdueRemoteAttemptTimesOutIsRetriedAndItsWorkerIsToldToStopIt() {
        h.start();
        h.register("w1", "echo");
        FakeChannel ch = new FakeChannel();
        h.engine.remoteChannels().opened("w1", ch);
        Task t = h.create(skill("echo", "slow").timeout(10).maxRetries(1).backoff(Backoff.fixed(5)));
        ObjectNode p1 = h.poll("w1");
        assertThat(p1.get("deadline").asLong()).isEqualTo(T0.getEpochSecond() + 10);

        // At its deadline it may still finish.
        h.advance(Duration.ofSeconds(10));
        await("running at its deadline").during(TWO_PASSES).atMost(TWO_PASSES.plus(RemoteHarness.WAIT))
                .until(() -> h.task(t.id()).status() == TaskStatus.RUNNING);
        assertThat(ch.frames).isEmpty();

        h.advance(Duration.ofSeconds(1));
        Task timedOut = h.awaitStatus(t.id(), TaskStatus.PENDING);
        assertThat(timedOut.retryCount()).isEqualTo(1);
        assertThat(timedOut.error()).startsWith("Task timed out").contains("10 s").contains("w1");
        assertThat(timedOut.errorCode()).isEqualTo("TIMEOUT_ERROR");
        assertThat(timedOut.workerId()).isNull();
        assertThat(timedOut.runAt()).isEqualTo(T0.plusSeconds(11 + 5));
        await("cancel pushed").atMost(RemoteHarness.WAIT).until(() -> ch.got(cancelFrame(t.id(), 1)));

        // Its result, arriving late, is ignored and changes nothing.
        Task before = h.task(t.id());
        ResultAnswer late = h.remote().result("w1", success(p1, Json.read("{\"late\":true}")));
        assertThat(late.accepted()).isFalse();
        assertThat(late.transitionOrReason()).isEqualTo("deadline_exceeded");
        assertThat(h.task(t.id())).isEqualTo(before);
        // A worker without the socket learns it from its heartbeat answer.
        assertThat(h.remote().heartbeat("w1", RemoteHarness.currentTasks(p1.get("task_id").asText())).cancelTaskIds())
                .containsExactly(p1.get("task_id").asText());

        // The retry times out too: no retries left, the task fails.
        h.advance(Duration.ofSeconds(5));
        ObjectNode p2 = h.poll("w1");
        assertThat(p2.get("task_id").asText()).isEqualTo("task-" + t.id() + ".2");
        h.advance(Duration.ofSeconds(11));
        Task failed = h.awaitStatus(t.id(), TaskStatus.FAILED);
        assertThat(failed.retryCount()).isEqualTo(1);
        assertThat(failed.errorCode()).isEqualTo("TIMEOUT_ERROR");
        assertThat(failed.error()).startsWith("Task timed out");
        await("cancel of attempt 2 pushed").atMost(RemoteHarness.WAIT).until(() -> ch.got(cancelFrame(t.id(), 2)));
        ResultAnswer late2 = h.remote().result("w1", success(p2, Json.read("{}")));
        assertThat(late2.transitionOrReason()).isEqualTo("deadline_exceeded");
        assertThat(h.task(t.id()).status()).isEqualTo(TaskStatus.FAILED);
        // A late result for the first attempt is stale now that a later one ran.
        assertThat(h.remote().result("w1", success(p1, Json.read("{}"))).transitionOrReason()).isEqualTo("stale_task");
    }

    @Test
    void aNewSocketOfTheSameWorkerReplacesTheOldOne() {
        h.start();
        h.register("w1", "echo");
        FakeChannel old = new FakeChannel();
        FakeChannel fresh = new FakeChannel();
        h.engine.remoteChannels().opened("w1", old);
        h.engine.remoteChannels().opened("w1", fresh);
        assertThat(old.closes).containsExactly(1008);

        Task t = h.create(skill("echo", "t").timeout(5));
        h.poll("w1");
        h.advance(Duration.ofSeconds(6));
        h.awaitStatus(t.id(), TaskStatus.FAILED);
        await("cancel pushed to the newer socket").atMost(RemoteHarness.WAIT).until(() -> fresh.got(cancelFrame(t.id(), 1)));
        assertThat(old.frames).isEmpty();
    }

    @Test
    void aTaskCancelledWhileOnARemoteWorkerIsPushedToItsSocket() {
        h.start();
        h.register("w1", "echo");
        FakeChannel ch = new FakeChannel();
        h.engine.remoteChannels().opened("w1", ch);
        Task t = h.create(skill("echo", "t"));
        h.poll("w1");
        h.engine.tasks().cancel(t.id());
        await("cancel pushed").atMost(RemoteHarness.WAIT).until(() -> ch.got(cancelFrame(t.id(), 1)));
    }
}
