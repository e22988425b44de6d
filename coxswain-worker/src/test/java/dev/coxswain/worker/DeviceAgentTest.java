package dev.coxswain.worker;

import static dev.coxswain.worker.Workers.MAPPER;
import static dev.coxswain.worker.Workers.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link DeviceAgent} against the mock server: scripts as skills, device params, one task per device, stops, withdrawals. */
class DeviceAgentTest {
    private MockWorkerServer server;
    private DeviceAgent agent;

    @BeforeEach
    void startServer() throws Exception {
        server = new MockWorkerServer();
    }

    @AfterEach
    void stop() {
        if (agent != null) agent.close();
        server.close();
        assertThat(server.exchanges()).as("every signed body verifies with the master token")
                .allSatisfy(e -> assertThat(e.signatureValid()).as(e.route() + " " + e.text()).isNotEqualTo(Boolean.FALSE));
    }

    @Test
    void aScriptRunsWithItsDeviceConfigAndUsername() throws Exception {
        server.enqueueTask(deviceTask(1, "post", "R1", json("{\"video\":\"a.mp4\"}"), "alice"));
        server.enqueueTask(deviceTask(2, "post", "R2", null, null));
        List<List<Object>> calls = new CopyOnWriteArrayList<>();
        agent = DeviceAgent.builder(Workers.builder(server))
                .device(Device.of("R1", "android").withModel("Pixel 8"))
                .device(Device.of("R2", "android"))
                .script("post", "Posts a video", (device, config, ctx) -> {
                    calls.add(List.of(device.id(), String.valueOf(device.model()), config, String.valueOf(ctx.username()),
                            ctx.serial(), ctx.script(), ctx.task().taskId(), agent.busyDevices().get(device.id())));
                    ctx.log("posting on " + device.id());
                    ctx.progress(1, "posted");
                    return Map.of("remark", "posted " + config.path("video").asText("nothing"));
                })
                .script("follow", (device, config, ctx) -> null)
                .build().start();

        await().atMost(Duration.ofSeconds(5)).until(() -> server.requests("result").size() == 2);

        assertThat(calls).containsExactlyInAnyOrder(
                List.of("R1", "Pixel 8", json("{\"video\":\"a.mp4\"}"), "alice", "R1", "post", "task-1.1", "task-1.1"),
                List.of("R2", "null", json("{}"), "null", "R2", "post", "task-2.1", "task-2.1"));
        Map<String, JsonNode> results = byTask();
        assertThat(results.get("task-1.1").path("data")).isEqualTo(json("{\"remark\":\"posted a.mp4\"}"));
        assertThat(results.get("task-2.1").path("data")).isEqualTo(json("{\"remark\":\"posted nothing\"}"));
        assertThat(agent.busyDevices()).isEmpty();

        JsonNode registration = server.bodies("register").getFirst();
        assertThat(registration.path("supported_skills")).isEqualTo(json("""
                [{"name":"post","type":"post","description":"Posts a video"},{"name":"follow","type":"follow"}]"""));
        assertThat(registration.path("max_concurrent_tasks").asInt()).as("one slot per device").isEqualTo(2);
        assertThat(registration.path("resources").path("devices"))
                .isEqualTo(json("[{\"id\":\"R1\",\"type\":\"android\",\"model\":\"Pixel 8\"},{\"id\":\"R2\",\"type\":\"android\"}]"));
        assertThat(agent.scripts()).containsExactly("post", "follow");
    }

    @Test
    void badDeviceParamsFailTheTaskWithoutRunningTheScript() throws Exception {
        server.enqueueTask(deviceTask(1, "post", "NOT-MINE", null, null));
        server.enqueueTask(Workers.task(2, "post", json("{\"script_config\":{}}")));
        server.enqueueTask(deviceTask(3, "post", "R1", json("[1,2]"), null));
        server.enqueueTask(Workers.task(4, "post", json("{\"serial\":\"R1\",\"username\":7}")));
        AtomicBoolean ran = new AtomicBoolean();
        agent = DeviceAgent.builder(Workers.builder(server))
                .device(Device.of("R1", "android"))
                .concurrency(4)
                .script("post", (device, config, ctx) -> {
                    ran.set(true);
                    return null;
                })
                .build().start();

        await().atMost(Duration.ofSeconds(5)).until(() -> server.requests("result").size() == 4);

        Map<String, JsonNode> results = byTask();
        assertThat(results.get("task-1.1").path("error")).as("a retry would reach the same worker: permanent")
                .isEqualTo(json("{\"code\":\"PERMANENT_ERROR\",\"message\":\"Device NOT-MINE is not attached to worker java-worker-1 (it has 1 device(s))\"}"));
        assertThat(results.get("task-2.1").path("error").path("code").asText()).isEqualTo("INVALID_INPUT_ERROR");
        assertThat(results.get("task-2.1").path("error").path("message").asText()).contains("params.serial");
        assertThat(results.get("task-3.1").path("error").path("message").asText()).contains("params.script_config must be a JSON object");
        assertThat(results.get("task-4.1").path("error").path("message").asText()).contains("params.username must be a string");
        assertThat(ran).isFalse();
    }

    @Test
    void aSecondTaskForABusyDeviceFailsWhileOtherDevicesRunAlongside() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch bothRunning = new CountDownLatch(2);
        agent = DeviceAgent.builder(Workers.builder(server))
                .device(Device.of("R1", "android"))
                .device(Device.of("R2", "android"))
                .concurrency(3)
                .script("warm", (device, config, ctx) -> {
                    bothRunning.countDown();
                    release.await();
                    return Map.of("on", device.id());
                })
                .build().start();

        server.enqueueTask(deviceTask(1, "warm", "R1", null, null));
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.busyDevices().equals(Map.of("R1", "task-1.1")));
        server.enqueueTask(deviceTask(2, "warm", "R1", null, null));
        server.enqueueTask(deviceTask(3, "warm", "R2", null, null));

        await().atMost(Duration.ofSeconds(5)).until(() -> server.requests("result").size() == 1);
        JsonNode refused = server.bodies("result").getFirst();
        assertThat(refused.path("task_id").asText()).isEqualTo("task-2.1");
        assertThat(refused.path("error")).isEqualTo(json("""
                {"code":"TRANSIENT_ERROR","message":"Device R1 is busy with task task-1.1; a device runs one task at a time"}"""));
        assertThat(bothRunning.await(5, java.util.concurrent.TimeUnit.SECONDS)).as("R2 runs beside R1").isTrue();
        assertThat(agent.busyDevices()).isEqualTo(Map.of("R1", "task-1.1", "R2", "task-3.1"));

        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.requests("result").size() == 3);
        assertThat(byTask().get("task-1.1").path("data")).isEqualTo(json("{\"on\":\"R1\"}"));
        assertThat(byTask().get("task-3.1").path("data")).isEqualTo(json("{\"on\":\"R2\"}"));
    }

    @Test
    void aStopInterruptsTheScriptAndTheDevicesNextTaskWaitsForItToWindDown() throws Exception {
        CountDownLatch unwind = new CountDownLatch(1);
        AtomicReference<Boolean> stoppedSeen = new AtomicReference<>();
        List<String> order = new CopyOnWriteArrayList<>();
        agent = DeviceAgent.builder(Workers.builder(server).heartbeatInterval(Duration.ofMillis(100)))
                .device(Device.of("R1", "android"))
                .concurrency(2)
                .script("post", (device, config, ctx) -> {
                    order.add("start " + ctx.task().taskId());
                    if (ctx.task().taskId().equals("task-1.1")) {
                        try {
                            Thread.sleep(60_000);
                        } catch (InterruptedException e) {
                            stoppedSeen.set(ctx.isStopped());
                            // Cleaning up the device takes a while, and no interrupt cuts it short.
                            while (unwind.getCount() > 0) {
                                try {
                                    unwind.await();
                                } catch (InterruptedException again) {
                                    // keep winding down
                                }
                            }
                        }
                    }
                    order.add("end " + ctx.task().taskId());
                    return null;
                })
                .build().start();
        server.enqueueTask(deviceTask(1, "post", "R1", null, null));
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.busyDevices().containsKey("R1"));

        server.cancelOnNextHeartbeat("task-1.1");
        await().atMost(Duration.ofSeconds(5)).until(() -> Boolean.TRUE.equals(stoppedSeen.get()));
        // The server counts the stopped task as over and sends the device's next one.
        server.enqueueTask(deviceTask(2, "post", "R1", null, null));
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.handoversWaiting() == 1);
        assertThat(order).as("the next task waits while the stopped one winds down").containsExactly("start task-1.1");

        unwind.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.requests("result").size() == 2);
        assertThat(order).containsExactly("start task-1.1", "end task-1.1", "start task-2.1", "end task-2.1");
        Map<String, JsonNode> results = byTask();
        assertThat(results.get("task-1.1").path("status").asText()).isEqualTo("cancelled");
        assertThat(results.get("task-2.1").has("status")).as("success").isFalse();
    }

    @Test
    void withdrawingADeviceDropsItFromTheHeartbeatAndTheServersCancelStopsItsScript() throws Exception {
        AtomicReference<Boolean> stoppedSeen = new AtomicReference<>();
        agent = DeviceAgent.builder(Workers.builder(server).heartbeatInterval(Duration.ofMinutes(10)))
                .device(Device.of("R1", "android"))
                .device(Device.of("R2", "android"))
                .script("post", (device, config, ctx) -> {
                    stoppedSeen.set(ctx.awaitStop(Duration.ofMinutes(1)) && ctx.isStopped());
                    ctx.throwIfStopped();
                    return null;
                })
                .build().start();
        server.enqueueTask(deviceTask(1, "post", "R1", null, null));
        await().atMost(Duration.ofSeconds(5)).until(() -> server.bodies("heartbeat").stream()
                .anyMatch(h -> h.path("current_tasks").toString().equals("[\"task-1.1\"]")));
        int beats = server.requests("heartbeat").size();
        // What the server does with a heartbeat that no longer lists the device: fail its task, cancel it.
        server.cancelOnNextHeartbeat("task-1.1");

        assertThat(agent.removeDevice("R1")).isTrue();

        await().atMost(Duration.ofSeconds(5)).until(() -> server.requests("result").size() == 1);
        JsonNode withdrawal = server.bodies("heartbeat").get(beats);
        assertThat(withdrawal.path("resources").path("devices")).isEqualTo(json("[{\"id\":\"R2\",\"type\":\"android\"}]"));
        assertThat(withdrawal.path("current_tasks")).isEqualTo(json("[\"task-1.1\"]"));
        assertThat(stoppedSeen.get()).isTrue();
        assertThat(server.bodies("result").getFirst().path("status").asText()).isEqualTo("cancelled");
        assertThat(agent.devices()).extracting(Device::id).containsExactly("R2");
        assertThat(agent.busyDevices()).isEmpty();

        // Sent for R1 before the server heard: handed back to wait in R1's queue. A serial the
        // agent never had is a routing error: permanent.
        server.enqueueTask(deviceTask(2, "post", "R1", null, null));
        server.enqueueTask(deviceTask(3, "post", "NEVER", null, null));
        await().atMost(Duration.ofSeconds(5)).until(() -> server.requests("result").size() == 3);
        assertThat(byTask().get("task-2.1").path("status").asText()).isEqualTo("released");
        assertThat(byTask().get("task-2.1").has("error")).isFalse();
        assertThat(byTask().get("task-3.1").path("error").path("code").asText()).isEqualTo("PERMANENT_ERROR");

        agent.addDevice(Device.of("R3", "android"));
        server.enqueueTask(deviceTask(4, "post", "R3", null, null));
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.busyDevices().containsKey("R3"));
        assertThat(agent.removeDevice("nope")).isFalse();
    }

    @Test
    void aTaskForAJustWithdrawnDeviceIsHandedBackOnlyOnceTheServerHasTheNewList() throws Exception {
        agent = DeviceAgent.builder(Workers.builder(server).heartbeatInterval(Duration.ofMinutes(10)))
                .device(Device.of("R1", "android"))
                .device(Device.of("R2", "android"))
                .script("post", (device, config, ctx) -> null)
                .build().start();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.requests("heartbeat").size() == 1);
        server.script("heartbeat", 503, "{\"error\":\"Service unavailable\"}");

        agent.removeDevice("R1");
        server.enqueueTask(deviceTask(1, "post", "R1", null, null));

        await().atMost(Duration.ofSeconds(5)).until(() -> server.requests("result").size() == 1);
        assertThat(server.bodies("result").getFirst().path("status").asText()).isEqualTo("released");
        List<MockWorkerServer.Exchange> all = server.exchanges();
        int refused = all.indexOf(server.requests("heartbeat").get(1));
        int taken = all.indexOf(server.requests("heartbeat").stream().skip(2).filter(h -> h.status() == 200).findFirst().orElseThrow());
        int released = all.indexOf(server.requests("result").getFirst());
        assertThat(all.get(refused).status()).isEqualTo(503);
        assertThat(all.get(taken).json().path("resources").path("devices")).isEqualTo(json("[{\"id\":\"R2\",\"type\":\"android\"}]"));
        assertThat(taken).as("the hand-back waits for a heartbeat the server took").isLessThan(released);
    }

    @Test
    void concurrencyIsTheNumberOfDevicesUnlessSetAndScriptsAreRequired() throws Exception {
        DeviceAgent none = DeviceAgent.builder(Workers.builder(server)).script("post", (d, c, x) -> null).build();
        DeviceAgent set = DeviceAgent.builder(Workers.builder(server)).device(Device.of("A", "t")).concurrency(5)
                .script("post", (d, c, x) -> null).build();
        DeviceAgent onWorker = DeviceAgent.builder(Workers.builder(server).concurrency(7)).device(Device.of("A", "t"))
                .script("post", (d, c, x) -> null).build();
        try {
            assertThat(concurrencyOf(none)).as("at least one").isEqualTo(1);
            assertThat(concurrencyOf(set)).isEqualTo(5);
            assertThat(concurrencyOf(onWorker)).isEqualTo(7);
        } finally {
            none.close();
            set.close();
            onWorker.close();
        }
        assertThatThrownBy(() -> DeviceAgent.builder(Workers.builder(server)).build()).hasMessageContaining("at least one script");
        assertThatThrownBy(() -> DeviceAgent.builder(Workers.builder(server)).script("a.b", (d, c, x) -> null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DeviceAgent.builder(Workers.builder(server).skill("post", ctx -> null))
                .script("post", (d, c, x) -> null).build()).hasMessageContaining("declared twice");
    }

    private static int concurrencyOf(DeviceAgent agent) {
        return agent.worker().concurrency();
    }

    private Map<String, JsonNode> byTask() {
        Map<String, JsonNode> out = new ConcurrentHashMap<>();
        server.bodies("result").forEach(r -> out.put(r.path("task_id").asText(), r));
        return out;
    }

    /** A device task as the server sends it: params {serial, script_name, script_config, username?}. */
    static ObjectNode deviceTask(int n, String script, String serial, JsonNode config, String username) {
        ObjectNode params = MAPPER.createObjectNode().put("serial", serial).put("script_name", script);
        if (config != null) params.set("script_config", config);
        if (username != null) params.put("username", username);
        return Workers.task(n, script, params);
    }
}
