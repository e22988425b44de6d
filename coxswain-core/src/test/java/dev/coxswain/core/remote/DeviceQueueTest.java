package dev.coxswain.core.remote;

import static dev.coxswain.core.remote.RemoteHarness.registration;
import static dev.coxswain.core.remote.RemoteHarness.skill;
import static dev.coxswain.core.remote.RemoteHarness.success;
import static dev.coxswain.core.remote.RemoteHarness.taskIdOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.engine.StoreKind;
import dev.coxswain.core.service.ValidationException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Device tasks: routed only to the worker that owns the serial, one running per device, the rest
 * waiting in order; devices that vanish fail their running task and hold their queue.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class DeviceQueueTest extends RemoteTestBase {

    static ObjectNode withDevices(ObjectNode body, String... serials) {
        ArrayNode d = ((ObjectNode) body.get("resources")).putArray("devices");
        for (String s : serials) {
            ObjectNode o = d.addObject().put("id", s).put("type", "phone").put("model", "Pixel 7");
            o.putObject("properties").putArray("accounts").add("alice-" + s);
        }
        return body;
    }

    void registerWithDevices(String worker, String... serials) {
        h.remote().register(worker, withDevices(registration(worker, "post"), serials));
    }

    static ObjectNode heartbeatWithDevices(String... serials) {
        ObjectNode b = Json.object().put("status", "idle");
        ArrayNode d = b.putObject("resources").putArray("devices");
        for (String s : serials) d.addObject().put("id", s).put("type", "phone");
        return b;
    }

    Task deviceTask(String serial, String name) {
        return h.create(skill("post", name).device(serial));
    }

    @Test
    void aDeviceRunsOneTaskAtATimeInOrderAndOnlyOnItsOwner() {
        h.start();
        registerWithDevices("w1", "A", "B");
        h.register("w2", "post");
        Task a1 = deviceTask("A", "a1");
        Task a2 = deviceTask("A", "a2");
        Task b1 = deviceTask("B", "b1");

        ObjectNode first = h.poll("w1");
        ObjectNode second = h.poll("w1");
        assertThat(List.of(taskIdOf(first), taskIdOf(second))).containsExactlyInAnyOrder(a1.id(), b1.id());
        h.pollNothing("w1"); // a2 waits for a1: device A is busy
        h.pollNothing("w2"); // never another worker's device
        assertThat(h.task(a2.id()).status()).isEqualTo(TaskStatus.QUEUED);

        ObjectNode a1Payload = taskIdOf(first) == a1.id() ? first : second;
        assertThat(h.remote().result("w1", success(a1Payload, Json.object())).accepted()).isTrue();
        assertThat(taskIdOf(h.poll("w1"))).isEqualTo(a2.id());
        assertThat(h.engine.devices().find("A").orElseThrow().currentTaskId()).isEqualTo(a2.id());
    }

    @Test
    void registryShowsOwnerOnlineStateAccountsAndCurrentTask() {
        h.start();
        registerWithDevices("w1", "A");
        DeviceRegistry.DeviceView v = h.engine.devices().find("A").orElseThrow();
        assertThat(v.workerId()).isEqualTo("w1");
        assertThat(v.online()).isTrue();
        assertThat(v.present()).isTrue();
        assertThat(v.model()).isEqualTo("Pixel 7");
        assertThat(v.accounts()).containsExactly("alice-A");
        assertThat(v.currentTaskId()).isNull();
        assertThat(h.engine.devices().deviceSkills()).containsExactly("post");
        assertThat(h.engine.devices().findAll(List.of("A", "nope")).keySet()).containsExactly("A");
        assertThat(h.engine.devices().find("nope")).isEmpty();
        // the device moves to the worker that reports it last
        registerWithDevices("w2", "A");
        assertThat(h.engine.devices().find("A").orElseThrow().workerId()).isEqualTo("w2");
    }

    @Test
    void aDeviceMissingFromAHeartbeatFailsItsRunningTaskAndHoldsItsQueue() {
        h.start();
        registerWithDevices("w1", "A", "B");
        Task b1 = h.create(skill("post", "b1").device("B").maxRetries(1).backoff("fixed:0"));
        Task b2 = deviceTask("B", "b2");
        ObjectNode got = h.poll("w1");
        assertThat(taskIdOf(got)).isEqualTo(b1.id());

        ObjectNode beat = heartbeatWithDevices("A");
        beat.putArray("current_tasks").add(got.get("task_id").asText());
        var answer = h.remote().heartbeat("w1", beat);
        assertThat(answer.cancelTaskIds()).containsExactly(got.get("task_id").asText());
        Task failed = h.task(b1.id());
        assertThat(failed.status()).isIn(TaskStatus.PENDING, TaskStatus.QUEUED); // a retry is left
        assertThat(failed.error()).contains("device B disappeared from worker w1");
        assertThat(h.engine.devices().find("B").orElseThrow().present()).isFalse();
        h.awaitStatus(b1.id(), TaskStatus.QUEUED);
        h.pollNothing("w1"); // B's queue waits while B is gone
        assertThat(h.task(b2.id()).status()).isEqualTo(TaskStatus.QUEUED);

        // back, but the worker still runs the lost attempt: the device stays busy until it lets go
        ObjectNode back = heartbeatWithDevices("A", "B");
        back.putArray("current_tasks").add(got.get("task_id").asText());
        h.remote().heartbeat("w1", back);
        h.pollNothing("w1");
        ObjectNode letGo = heartbeatWithDevices("A", "B");
        letGo.putArray("current_tasks");
        h.remote().heartbeat("w1", letGo);
        assertThat(taskIdOf(h.poll("w1"))).isEqualTo(b1.id());
    }

    @Test
    void aStoppedTaskHoldsItsDeviceUntilTheWorkerLetsGo() {
        h.start();
        registerWithDevices("w1", "A");
        Task a1 = deviceTask("A", "a1");
        Task a2 = deviceTask("A", "a2");
        ObjectNode got = h.poll("w1");
        h.engine.tasks().cancel(a1.id());
        h.pollNothing("w1"); // the script may still run: a2 must not start beside it
        assertThat(h.engine.devices().find("A").orElseThrow().currentTaskId()).isEqualTo(a1.id());
        var answer = h.remote().result("w1", success(got, Json.object()));
        assertThat(answer.accepted()).isFalse(); // a stopped attempt's result is ignored, but it lets go
        assertThat(taskIdOf(h.poll("w1"))).isEqualTo(a2.id());
    }

    @Test
    void aHeartbeatThatNoLongerListsAStoppedAttemptFreesItsDevice() {
        h.start();
        registerWithDevices("w1", "A");
        Task a1 = deviceTask("A", "a1");
        Task a2 = deviceTask("A", "a2");
        ObjectNode got = h.poll("w1");
        h.engine.tasks().cancel(a1.id());
        ObjectNode still = Json.object().put("status", "busy");
        still.putArray("current_tasks").add(got.get("task_id").asText());
        assertThat(h.remote().heartbeat("w1", still).cancelTaskIds()).containsExactly(got.get("task_id").asText());
        h.pollNothing("w1");
        ObjectNode done = Json.object().put("status", "idle");
        done.putArray("current_tasks");
        h.remote().heartbeat("w1", done);
        assertThat(taskIdOf(h.poll("w1"))).isEqualTo(a2.id());
    }

    @Test
    void aWorkerGoingOfflineLetsGoOfItsDevices() {
        h.start();
        registerWithDevices("w1", "A");
        Task a1 = h.create(skill("post", "a1").device("A").maxRetries(1).backoff("fixed:0"));
        h.poll("w1");
        h.remote().heartbeat("w1", Json.object().put("status", "offline"));
        assertThat(h.engine.devices().find("A").orElseThrow().currentTaskId()).isNull();
        assertThat(h.engine.devices().find("A").orElseThrow().online()).isFalse();
        h.awaitStatus(a1.id(), TaskStatus.QUEUED);
        registerWithDevices("w1", "A");
        assertThat(taskIdOf(h.poll("w1"))).isEqualTo(a1.id());
    }

    @Test
    void anOwnersPlanCapsItsRunningDeviceTasks() {
        h.start();
        registerWithDevices("w1", "A", "B", "C");
        Task a = h.create(skill("post", "a").device("A").owner("key-1", 2));
        Task b = h.create(skill("post", "b").device("B").owner("key-1", 2));
        Task c = h.create(skill("post", "c").device("C").owner("key-1", 2));
        Task other = h.create(skill("post", "other").device("C").owner("key-2", null));
        assertThat(List.of(taskIdOf(h.poll("w1")), taskIdOf(h.poll("w1")))).containsExactly(a.id(), b.id());
        // key-1 is at its limit: C's head (c) is skipped, and C's later task does not overtake it
        h.pollNothing("w1");
        assertThat(h.task(c.id()).status()).isEqualTo(TaskStatus.QUEUED);
        assertThat(h.task(other.id()).status()).isEqualTo(TaskStatus.QUEUED);
    }

    @Test
    void theStoreRefusesASecondRunningTaskOnOneDevice() {
        h.start();
        Task x = deviceTask("A", "x");
        Task y = deviceTask("A", "y");
        assertThatThrownBy(() -> h.db.write(tx -> {
            try (var ps = tx.connection().prepareStatement("UPDATE tasks SET status = 'running' WHERE id = ?")) {
                for (long id : List.of(x.id(), y.id())) {
                    ps.setLong(1, id);
                    ps.executeUpdate();
                }
            }
            return null;
        })).isNotNull();
        assertThat(h.task(x.id()).status()).isEqualTo(TaskStatus.QUEUED);
    }

    @Test
    void reportsAreValidatedAndUnaddressableDevicesSkipped() {
        h.start();
        ObjectNode body = registration("w1", "post");
        ArrayNode d = ((ObjectNode) body.get("resources")).putArray("devices");
        d.addObject().put("type", "gpu").put("model", "RTX 4090"); // the SDK's GPU entry: no id
        d.addObject().put("id", "  ").put("type", "phone");
        d.addObject().put("id", "R58M").put("type", "phone");
        h.remote().register("w1", body);
        assertThat(h.engine.devices().list()).extracting(DeviceRegistry.DeviceView::serial).containsExactly("R58M");
        h.remote().register("w1", registration("w1", "post"));
        assertThat(h.engine.devices().find("R58M").orElseThrow().present()).isFalse();
        assertThatThrownBy(() -> h.remote().heartbeat("w1", Json.object().put("status", "idle")
                .set("resources", Json.object().put("devices", "x")))).isInstanceOf(ValidationException.class);
    }
}
