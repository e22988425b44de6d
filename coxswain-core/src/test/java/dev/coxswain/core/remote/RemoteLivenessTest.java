package dev.coxswain.core.remote;

import static dev.coxswain.core.remote.RemoteHarness.registration;
import static dev.coxswain.core.remote.RemoteHarness.skill;
import static dev.coxswain.core.remote.RemoteHarness.taskIdOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.domain.WorkerStatus;
import dev.coxswain.core.engine.Backoff;
import dev.coxswain.core.engine.StoreKind;
import dev.coxswain.core.runtime.EngineObserver;
import dev.coxswain.core.service.NotFoundException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A remote worker that stops heartbeating goes offline after its TTL, and the attempts it ran are
 * lost with it. The liveness check is driven pass by pass here (no lease reaper runs beside it:
 * a remote attempt's lease ends with the worker's TTL, and either would fail it).
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class RemoteLivenessTest extends RemoteTestBase {
    private static final Duration TTL = RemoteSettings.defaults().ttl();

    @Test
    void aSilentWorkerGoesOfflineAfterItsTtlAndItsAttemptsAreRetriedPerTheirPolicy() {
        RemoteHarness.Manual m = h.manual(EngineObserver.NONE);
        m.remote.register("w1", registration("w1", "echo"));
        Task retried = h.create(skill("echo", "retried").maxRetries(1).backoff(Backoff.fixed(5)));
        Task once = h.create(skill("echo", "once"));
        Task after = h.create(skill("echo", "after").dependsOn(once.id()));
        assertThat(taskIdOf(m.poll("w1"))).isEqualTo(retried.id());
        assertThat(taskIdOf(m.poll("w1"))).isEqualTo(once.id());

        // Not before the TTL: at the very end of it the worker still counts.
        h.advance(TTL);
        m.liveness.runOnce();
        assertThat(h.events("worker.offline", null)).isEmpty();
        assertThat(h.engine.workers().get("w1").status()).isEqualTo(WorkerStatus.ACTIVE);
        assertThat(h.task(retried.id()).status()).isEqualTo(TaskStatus.RUNNING);
        assertThat(h.task(once.id()).status()).isEqualTo(TaskStatus.RUNNING);
        assertThat(m.promoted.get()).isZero();

        h.advance(Duration.ofMillis(1));
        m.liveness.runOnce();
        assertThat(h.events("worker.offline", null)).extracting(e -> e[1]).containsExactly("w1");
        assertThat(h.engine.workers().get("w1").status()).isEqualTo(WorkerStatus.OFFLINE);
        Task r = h.task(retried.id());
        assertThat(r.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(r.retryCount()).isEqualTo(1);
        assertThat(r.workerId()).isNull();
        assertThat(r.error()).contains("worker w1 went offline");
        assertThat(r.runAt()).isEqualTo(h.now().plusSeconds(5));
        Task o = h.task(once.id());
        assertThat(o.status()).isEqualTo(TaskStatus.FAILED); // max_retries 0
        assertThat(o.error()).contains("worker w1 went offline");
        assertThat(h.task(after.id()).status()).isEqualTo(TaskStatus.FAILED);
        assertThat(m.promoted.get()).isEqualTo(1);

        // Once: a second pass changes nothing.
        h.advance(Duration.ofSeconds(1));
        m.liveness.runOnce();
        assertThat(h.events("worker.offline", null)).hasSize(1);
        assertThatThrownBy(() -> m.remote.heartbeat("w1", null)).isInstanceOf(NotFoundException.class);

        // The worker comes back, takes the retry, and goes silent again: the last retry is used up.
        h.advance(Duration.ofSeconds(5));
        assertThat(m.promote()).isEqualTo(1);
        m.remote.register("w1", registration("w1", "echo"));
        assertThat(h.events("worker.registered", null)).hasSize(2);
        ObjectNode p2 = m.poll("w1");
        assertThat(p2.get("task_id").asText()).isEqualTo("task-" + retried.id() + ".2");

        h.advance(TTL.plusMillis(1));
        m.liveness.runOnce();
        Task failed = h.task(retried.id());
        assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(failed.retryCount()).isEqualTo(1);
        assertThat(failed.attempt()).isEqualTo(2);
        assertThat(h.events("worker.offline", null)).hasSize(2);
    }

    @Test
    void heartbeatsKeepAWorkerAndItsAttemptsAlivePastTheFirstTtl() {
        RemoteHarness.Manual m = h.manual(EngineObserver.NONE);
        m.remote.register("w1", registration("w1", "echo"));
        Task t = h.create(skill("echo", "long").maxRetries(1));
        ObjectNode p = m.poll("w1");
        for (int i = 0; i < 4; i++) {
            h.advance(TTL.minusSeconds(1));
            m.remote.heartbeat("w1", RemoteHarness.currentTasks(p.get("task_id").asText()));
            m.liveness.runOnce();
        }
        assertThat(h.events("worker.offline", null)).isEmpty();
        Task still = h.task(t.id());
        assertThat(still.status()).isEqualTo(TaskStatus.RUNNING);
        assertThat(still.retryCount()).isZero();
        assertThat(still.leaseUntil()).isEqualTo(h.now().plus(TTL));
    }

    @Test
    void aLocalWorkerPastItsTtlGoesOfflineButKeepsItsAttempts() {
        // Local attempts are left to their leases and node locks: a delayed local heartbeat must
        // not fail what the node still runs.
        RemoteHarness.Manual m = h.manual(EngineObserver.NONE);
        Task t = h.create(skill("shell", "local").command("sleep 1"));
        h.db.write(tx -> {
            m.workers.heartbeat(tx, new dev.coxswain.core.store.WorkerStore.Heartbeat("worker-other", "other-host",
                    "local", 1, "test", java.util.List.of(), null), h.now());
            return m.tasks.claim(tx, "worker-other", java.util.List.of("shell"), 1, h.now(), h.now().plus(Duration.ofHours(1)));
        });
        h.advance(Duration.ofSeconds(16)); // local TTL 15 s
        m.liveness.runOnce();
        assertThat(h.events("worker.offline", null)).extracting(e -> e[1]).contains("worker-other");
        assertThat(h.task(t.id()).status()).isEqualTo(TaskStatus.RUNNING);
        assertThat(h.task(t.id()).workerId()).isEqualTo("worker-other");
    }
}
