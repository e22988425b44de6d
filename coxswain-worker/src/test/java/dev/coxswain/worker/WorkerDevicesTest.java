package dev.coxswain.worker;

import static dev.coxswain.worker.Workers.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Devices on the wire: {@code resources.devices} in the registration and every heartbeat, changed at runtime. */
class WorkerDevicesTest {
    private static final JsonNode PROPERTIES = json("{\"cpu_cores\":4,\"ram_gb\":15.5}");

    private MockWorkerServer server;
    private CoxswainWorker worker;

    @BeforeEach
    void startServer() throws Exception {
        server = new MockWorkerServer();
    }

    @AfterEach
    void stop() {
        if (worker != null) worker.close();
        server.close();
        assertThat(server.exchanges()).as("every signed body verifies with the master token")
                .allSatisfy(e -> assertThat(e.signatureValid()).as(e.route() + " " + e.text()).isNotEqualTo(Boolean.FALSE));
    }

    @Test
    void theRegistrationAndEveryHeartbeatCarryTheFullDeviceList() throws Exception {
        worker = Workers.builder(server)
                .heartbeatInterval(Duration.ofMillis(100))
                .device(Device.of("R58M1", "android").withModel("SM-G991B").withProperties(json("{\"accounts\":[\"alice\"]}")))
                .device(Map.of("id", "192.168.1.5:5555", "type", "android", "metrics", Map.of("battery", 80)))
                .skill("echo", ctx -> ctx.params())
                .build().start();

        await().atMost(Duration.ofSeconds(5)).until(() -> server.requests("heartbeat").size() >= 2);

        JsonNode devices = json("""
                [{"id":"R58M1","type":"android","model":"SM-G991B","properties":{"accounts":["alice"]}},
                 {"id":"192.168.1.5:5555","type":"android"}]""");
        assertThat(server.bodies("register").getFirst().path("resources"))
                .isEqualTo(json("{\"properties\":" + PROPERTIES + ",\"devices\":" + devices + "}"));
        assertThat(server.bodies("heartbeat")).as("the whole resources object: the server merges the report shallowly")
                .allSatisfy(h -> assertThat(h.path("resources")).isEqualTo(json("{\"properties\":" + PROPERTIES + ",\"devices\":" + devices + "}")));
        assertThat(worker.devices()).extracting(Device::id).containsExactly("R58M1", "192.168.1.5:5555");
        assertThat(worker.device("R58M1").orElseThrow().model()).isEqualTo("SM-G991B");
    }

    @Test
    void aChangeGoesOutInAHeartbeatAtOnceAndAnEmptyListSaysEveryDeviceIsGone() throws Exception {
        worker = Workers.builder(server)
                .heartbeatInterval(Duration.ofMinutes(10))
                .device(Device.of("A", "android"))
                .skill("echo", ctx -> ctx.params())
                .build().start();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.requests("heartbeat").size() == 1);

        assertThat(worker.addDevice(Device.of("B", "ios"))).isTrue();
        assertThat(worker.addDevice(Device.of("B", "ios"))).as("an equal device changes nothing").isFalse();

        // Long before the 10-minute interval: the change rings the heartbeat.
        await().atMost(Duration.ofSeconds(5)).until(() -> deviceIdsOfLastHeartbeat().equals(List.of("A", "B")));

        assertThat(worker.addDevice(Device.of("B", "ios").withModel("iPhone 15"))).as("a changed device is a change").isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> lastHeartbeat().path("resources").path("devices").get(1)
                .path("model").asText().equals("iPhone 15"));

        assertThat(worker.removeDevice("A")).isTrue();
        assertThat(worker.removeDevice("A")).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> deviceIdsOfLastHeartbeat().equals(List.of("B")));

        worker.removeDevice("B");
        await().atMost(Duration.ofSeconds(5)).until(() -> lastHeartbeat().path("resources").path("devices").isArray()
                && lastHeartbeat().path("resources").path("devices").isEmpty());
        assertThat(lastHeartbeat().path("resources").path("properties")).isEqualTo(PROPERTIES);

        // A registration after the server lost the worker carries the list of now.
        worker.addDevice(Device.of("C", "android"));
        await().atMost(Duration.ofSeconds(5)).until(() -> deviceIdsOfLastHeartbeat().equals(List.of("C")));
        server.script("heartbeat", 404, "{\"error\":\"Worker not found\"}");
        worker.addDevice(Device.of("D", "android"));
        await().atMost(Duration.ofSeconds(5)).until(() -> server.requests("register").size() == 2);
        assertThat(server.bodies("register").get(1).path("resources").path("devices"))
                .isEqualTo(json("[{\"id\":\"C\",\"type\":\"android\"},{\"id\":\"D\",\"type\":\"android\"}]"));
    }

    @Test
    void aWorkerThatNeverDeclaredADeviceSendsNoDeviceListButOneAddedLaterDoes() throws Exception {
        worker = Workers.builder(server)
                .heartbeatInterval(Duration.ofMinutes(10))
                .skill("echo", ctx -> ctx.params())
                .build().start();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.requests("heartbeat").size() == 1);

        assertThat(server.bodies("register").getFirst().path("resources")).isEqualTo(json("{\"properties\":" + PROPERTIES + "}"));
        assertThat(server.bodies("heartbeat").getFirst().has("resources"))
                .as("no list means no change to the server, as for an SDK worker").isFalse();

        worker.addDevice(Device.of("late", "board"));
        await().atMost(Duration.ofSeconds(5)).until(() -> deviceIdsOfLastHeartbeat().equals(List.of("late")));
    }

    @Test
    void devicesAreCheckedWhenDeclared() {
        assertThatThrownBy(() -> Device.of(" ", "android")).hasMessageContaining("id");
        assertThatThrownBy(() -> Device.of("x".repeat(201), "android")).hasMessageContaining("200");
        assertThatThrownBy(() -> Device.of(" R1", "android")).hasMessageContaining("blanks");
        assertThatThrownBy(() -> Device.of("R\n1", "android")).hasMessageContaining("control");
        assertThatThrownBy(() -> Device.of("A", null)).hasMessageContaining("type");
        assertThatThrownBy(() -> Device.of("A", "t").withProperties(json("[1]"))).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> Device.fromJson(json("{\"type\":\"gpu\",\"model\":\"A100\"}")))
                .as("an SDK GPU entry without an id is no Coxswain device").hasMessageContaining("\"id\"");
        assertThatThrownBy(() -> Workers.builder(server).device(Device.of("A", "t")).device(Device.of("A", "u")))
                .hasMessageContaining("declared twice");

        Device read = Device.fromJson(json("{\"type\":\"android\",\"model\":\"M\",\"id\":\"S1\",\"properties\":{\"k\":1},\"metrics\":{}}"));
        assertThat(read).isEqualTo(new Device("S1", "android", "M", json("{\"k\":1}")));
        assertThat(read.toJson()).isEqualTo(json("{\"id\":\"S1\",\"type\":\"android\",\"model\":\"M\",\"properties\":{\"k\":1}}"));
        ((com.fasterxml.jackson.databind.node.ObjectNode) read.properties()).put("k", 2);
        assertThat(read.properties()).as("a device cannot be changed through its properties").isEqualTo(json("{\"k\":1}"));
    }

    private JsonNode lastHeartbeat() {
        return server.bodies("heartbeat").getLast();
    }

    private List<String> deviceIdsOfLastHeartbeat() {
        List<JsonNode> beats = server.bodies("heartbeat");
        if (beats.isEmpty()) return List.of();
        return java.util.stream.StreamSupport.stream(beats.getLast().path("resources").path("devices").spliterator(), false)
                .map(d -> d.path("id").asText()).toList();
    }
}
