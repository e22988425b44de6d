package dev.coxswain.server.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.device.BatchDeleted;
import dev.coxswain.core.device.Created;
import dev.coxswain.core.device.DeviceTask;
import dev.coxswain.core.device.License;
import dev.coxswain.core.device.Stats;
import dev.coxswain.core.domain.Page;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceJsonTest {
    final DeviceJson json = new DeviceJson(ZoneId.of("Asia/Tokyo"));

    @Test
    void aTaskInTheProductsShapeWithLocalTimes() {
        DeviceTask t = new DeviceTask(7, "SERIAL1", "follow", Json.object().put("target_user", "bob"), "alice", 2,
                Instant.parse("2026-03-01T23:30:05.900Z"), Instant.parse("2026-03-01T23:31:00Z"), Instant.parse("2026-03-01T23:29:00Z"),
                "done", "api", 1, "completed");
        JsonNode n = json.task(t);
        assertThat(n.toString()).isEqualTo("{\"id\":7,\"serial\":\"SERIAL1\",\"script_name\":\"follow\","
                + "\"script_config\":{\"target_user\":\"bob\"},\"username\":\"alice\",\"status\":2,"
                + "\"start_time\":\"2026-03-02 08:30:05\",\"end_time\":\"2026-03-02 08:31:00\",\"remark\":\"done\","
                + "\"source\":\"api\",\"retry_count\":1,\"created_at\":\"2026-03-02 08:29:00\"}");
    }

    @Test
    void absentValuesAreNullsAndAnEmptyRemark() {
        DeviceTask t = new DeviceTask(8, "S", "post", null, null, 0, Instant.EPOCH, null, Instant.EPOCH, null, "api", 0, "pending");
        JsonNode n = json.task(t);
        assertThat(n.get("script_config").toString()).isEqualTo("{}");
        assertThat(n.get("username").isNull()).isTrue();
        assertThat(n.get("end_time").isNull()).isTrue();
        assertThat(n.get("remark").asText()).isEmpty();
    }

    @Test
    void envelopesAndData() {
        assertThat(DeviceJson.success(DeviceJson.created(new Created(List.of(101L, 102L)))).toString())
                .isEqualTo("{\"code\":0,\"message\":\"success\",\"data\":{\"task_ids\":[101,102],\"created_count\":2}}");
        assertThat(DeviceJson.deleted(new BatchDeleted(List.of(1L, 2L), List.of(9L))).toString())
                .isEqualTo("{\"deleted_count\":2,\"task_ids\":[1,2],\"not_found\":[9]}");
        assertThat(DeviceJson.stats(new Stats(10, 1, 2, 3, 4)).toString())
                .isEqualTo("{\"total\":10,\"pending\":1,\"running\":2,\"completed\":3,\"failed\":4}");
        assertThat(DeviceJson.retried(3).toString()).isEqualTo("{\"retried_count\":3}");
        assertThat(DeviceJson.license(new License("Pro", true, 20, 20, "API access enabled")).toString())
                .isEqualTo("{\"plan_name\":\"Pro\",\"api_enabled\":true,\"device_limit\":20,\"max_concurrent_tasks\":20,"
                        + "\"message\":\"API access enabled\"}");
        assertThat(DeviceJson.license(new License("Unlimited", true, null, null, "API access enabled")).get("device_limit").isNull()).isTrue();
    }

    @Test
    void aPage() {
        DeviceTask t = new DeviceTask(8, "S", "post", null, null, 0, Instant.EPOCH, null, Instant.EPOCH, "", "api", 0, "pending");
        JsonNode n = json.page(new Page<>(List.of(t), 41), new DeviceListQuery(null, null, null, null, 3, 20));
        assertThat(n.get("list").size()).isEqualTo(1);
        assertThat(n.get("total").asLong()).isEqualTo(41);
        assertThat(n.get("page").asInt()).isEqualTo(3);
        assertThat(n.get("page_size").asInt()).isEqualTo(20);
    }
}
