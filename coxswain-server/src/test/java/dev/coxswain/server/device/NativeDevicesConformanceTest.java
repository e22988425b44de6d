package dev.coxswain.server.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Scopes;
import dev.coxswain.core.domain.Tier;
import dev.coxswain.server.device.DeviceServer.Resp;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native {@code /api/devices}: the devices workers declare the Avtomatika SDK's way, with the
 * worker that owns each, whether it is online, its accounts and the task it runs, in the native
 * envelope; checked against {@code /openapi.json}.
 */
class NativeDevicesConformanceTest {
    static final String LIST = "/api/devices";
    static final String ONE = "/api/devices/{serial}";

    @TempDir
    static Path dir;
    static DeviceServer srv;
    static String reader;
    static DeviceWorker farm;
    static DeviceWorker other;

    static final ObjectNode SERIAL1 = (ObjectNode) Json.read("""
            {"id": "SERIAL1", "type": "phone", "model": "Pixel 7", "properties": {"accounts": ["alice", "bob"]}}""");

    @BeforeAll
    static void start() {
        srv = DeviceServer.start(dir);
        reader = srv.key("reader", Set.of(Scopes.READ), Tier.STARTER);
        farm = srv.worker("farm-a");
        farm.register(List.of(SERIAL1, DeviceWorker.device("SERIAL2", "Pixel 8")), "post");
        other = srv.worker("farm-b");
        // The SDK also reports devices without an id (its GPUs): no task can name them, so they are not listed.
        other.register(List.of(DeviceWorker.device("SERIAL3", "Galaxy S24"),
                (ObjectNode) Json.read("{\"type\": \"gpu\", \"model\": \"RTX 4090\"}")), "post");
    }

    @AfterAll
    static void stop() {
        if (srv != null) srv.close();
    }

    static JsonNode device(String serial) {
        Resp r = srv.send("GET", "/api/devices/" + serial, reader, (String) null);
        srv.fits(r, ONE, "get", 200);
        return r.data();
    }

    @Test
    void listsEveryDeclaredDeviceWithItsWorker() {
        Resp r = srv.send("GET", LIST, reader, (String) null);
        srv.fits(r, LIST, "get", 200);
        // Other tests add devices of their own; these three are listed, by serial, the GPU without an id is not.
        List<String> serials = r.data().findValuesAsText("serial");
        assertThat(serials).contains("SERIAL1", "SERIAL2", "SERIAL3").isSorted().hasSize(r.json().get("meta").get("total").asInt());
        assertThat(r.data().findValuesAsText("model")).doesNotContain("RTX 4090");
        JsonNode s1 = r.data().get(serials.indexOf("SERIAL1"));
        assertThat(s1.get("worker_id").asText()).isEqualTo("farm-a");
        assertThat(s1.get("type").asText()).isEqualTo("phone");
        assertThat(s1.get("model").asText()).isEqualTo("Pixel 7");
        assertThat(s1.get("accounts").toString()).isEqualTo("[\"alice\",\"bob\"]");
        assertThat(s1.get("properties").get("accounts").size()).isEqualTo(2);
        assertThat(s1.get("present").asBoolean()).isTrue();
        assertThat(s1.get("online").asBoolean()).isTrue();
        assertThat(s1.get("first_seen_at").asText()).isEqualTo("2026-03-02T01:00:00Z");

        Resp mine = srv.send("GET", LIST + "?worker_id=farm-b&limit=1", reader, (String) null);
        srv.fits(mine, LIST, "get", 200);
        assertThat(mine.data().findValuesAsText("serial")).containsExactly("SERIAL3");
        Resp paged = srv.send("GET", LIST + "?worker_id=farm-a&limit=1&page=2", reader, (String) null);
        srv.fits(paged, LIST, "get", 200);
        assertThat(paged.data().findValuesAsText("serial")).containsExactly("SERIAL2");
        assertThat(paged.json().get("meta").get("pages").asInt()).isEqualTo(2);
    }

    @Test
    void aDeviceShowsTheTaskItRuns() {
        String admin = DeviceServer.ADMIN_KEY;
        Resp made = srv.send("POST", "/api/v1/task", admin, "{\"serials\": [\"SERIAL2\"], \"script_name\": \"post\", "
                + "\"min_interval\": 0, \"max_interval\": 0}");
        assertThat(made.status()).as("%s", made).isEqualTo(200);
        long id = made.data().get("task_ids").get(0).asLong();
        JsonNode payload = farm.take(10);
        assertThat(device("SERIAL2").get("current_task_id").asText()).isEqualTo("task-" + id);
        farm.succeed(payload, null);
        assertThat(device("SERIAL2").get("current_task_id").isNull()).isTrue();
    }

    @Test
    void aDeviceMissingFromAHeartbeatIsNoLongerPresent() {
        DeviceWorker w = srv.worker("farm-c");
        w.register(List.of(DeviceWorker.device("SERIAL9", "Pixel 6"), DeviceWorker.device("SERIAL10", "Pixel 6")), "post");
        assertThat(device("SERIAL9").get("online").asBoolean()).isTrue();
        w.heartbeat(List.of(DeviceWorker.device("SERIAL10", "Pixel 6")));
        JsonNode gone = device("SERIAL9");
        assertThat(gone.get("present").asBoolean()).isFalse();
        assertThat(gone.get("online").asBoolean()).isFalse();
        Resp offline = srv.send("GET", LIST + "?online=false", reader, (String) null);
        srv.fits(offline, LIST, "get", 200);
        assertThat(offline.data().findValuesAsText("serial")).contains("SERIAL9").doesNotContain("SERIAL10");
    }

    @Test
    void refusalsInTheNativeEnvelope() {
        Resp missing = srv.send("GET", "/api/devices/NOPE", reader, (String) null);
        srv.fits(missing, ONE, "get", 404);
        assertThat(missing.json().get("error").get("code").asText()).isEqualTo("not_found");
        Resp bad = srv.send("GET", LIST + "?online=maybe", reader, (String) null);
        srv.fits(bad, LIST, "get", 400);
        assertThat(bad.json().get("error").get("details").has("online")).isTrue();
        srv.fits(srv.send("GET", LIST + "?limit=0", reader, (String) null), LIST, "get", 400);
        srv.fits(srv.send("GET", LIST, null, (String) null), LIST, "get", 401);
        String scopeless = srv.key("scopeless", Set.of(Scopes.WORKERS), Tier.PRO);
        srv.fits(srv.send("GET", LIST, scopeless, (String) null), LIST, "get", 403);
        srv.fits(srv.send("GET", "/api/devices/SERIAL1", reader, (String) null, "Accept", "application/json; version=2.0"), ONE, "get", 406);
    }
}
