package dev.coxswain.server.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.server.device.DeviceServer.Resp;
import dev.coxswain.worker.protocol.Signatures;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A remote worker that owns devices, speaking {@code /_worker} as the Avtomatika SDK does
 * (headers, signed bodies with the server clock's timestamp) and declaring its devices the SDK's
 * way: {@code resources.devices} of {@code {id, type, model, properties}}, at registration and,
 * as Coxswain's extension, in every heartbeat (the full list).
 */
final class DeviceWorker {
    final DeviceServer srv;
    final String id;
    private final String token;
    private String[] skills = new String[0];

    DeviceWorker(DeviceServer srv, String id, String token) {
        this.srv = srv;
        this.id = id;
        this.token = token;
    }

    /** {@code {"id", "type": "phone", "model", "properties": {"accounts": [...]}}}. */
    static ObjectNode device(String serial, String model, String... accounts) {
        ObjectNode d = Json.object().put("id", serial).put("type", "phone").put("model", model);
        ArrayNode a = d.putObject("properties").putArray("accounts");
        for (String acc : accounts) a.add(acc);
        return d;
    }

    private Resp send(String method, String path, ObjectNode body) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("X-Worker-Token", token);
        h.put("X-Worker-ID", id);
        h.put("X-RXON-Version", "1.0b15");
        if (body != null) h.put("Content-Type", "application/json");
        return srv.raw(method, path, h, body == null ? null : body.toString().getBytes(StandardCharsets.UTF_8));
    }

    private ObjectNode signed(ObjectNode body, boolean event) {
        body.put("worker_id", id);
        body.put("timestamp", srv.clock.instant().getEpochSecond());
        body.remove("security");
        body.putObject("security").put("signature", Signatures.sign(body, event, token)).put("signer_id", id);
        return body;
    }

    /** Registers with these devices and skills (the scripts it runs); expects 200. */
    void register(List<ObjectNode> devices, String... skillNames) {
        this.skills = skillNames;
        ObjectNode b = Json.object().put("worker_id", id).put("worker_type", "device-farm");
        ArrayNode sup = b.putArray("supported_skills");
        ArrayNode av = b.putArray("available_skills");
        for (String s : skillNames) {
            ObjectNode skill = sup.addObject().put("name", s).put("type", s).put("description", "device script " + s);
            skill.putObject("input_schema").put("type", "object");
            av.add(s);
        }
        ObjectNode caps = b.putObject("capabilities").put("hostname", "farm-host").put("ip_address", "127.0.0.1");
        caps.putObject("cost_per_skill");
        caps.putObject("extra").put("websockets", false);
        ObjectNode res = b.putObject("resources");
        res.putObject("properties").put("cpu_cores", 4).put("ram_gb", 8);
        res.set("devices", Json.MAPPER.valueToTree(devices));
        b.putObject("installed_software").put("python", "3.11");
        b.putArray("installed_artifacts");
        b.put("skills_hash", "hash-" + String.join("-", skillNames));
        Resp r = send("POST", "/_worker/workers/register", signed(b, false));
        assertThat(r.status()).as("%s", r).isEqualTo(200);
    }

    /** A heartbeat reporting these devices (the full list) and running wire task ids; returns the answer. */
    JsonNode heartbeat(List<ObjectNode> devices, String... current) {
        ObjectNode b = Json.object().put("worker_id", id).put("status", "idle");
        ArrayNode c = b.putArray("current_tasks");
        for (String t : current) c.add(t);
        b.put("skills_hash", "hash-" + String.join("-", skills));
        b.putObject("usage").put("cpu_load_percent", 1).put("ram_used_gb", 1);
        if (devices != null) b.putObject("resources").set("devices", Json.MAPPER.valueToTree(devices));
        Resp r = send("PATCH", "/_worker/workers/" + id, signed(b, false));
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        return r.json();
    }

    /** One long poll for its skills; the task payload, or null when none came within {@code timeout} seconds. */
    JsonNode poll(double timeout) {
        Resp r = send("GET", "/_worker/workers/" + id + "/tasks/next?timeout=" + timeout + "&available_skills="
                + String.join(",", skills) + "&hot_skills=", null);
        assertThat(r.status()).as("%s", r).isIn(200, 204);
        return r.status() == 204 ? null : r.json();
    }

    /** Polls until a task comes (at most {@code attempts} polls of a second); fails when none does. */
    JsonNode take(int attempts) {
        for (int i = 0; i < attempts; i++) {
            JsonNode t = poll(1.0);
            if (t != null) return t;
        }
        throw new AssertionError("worker " + id + " got no task in " + attempts + " polls");
    }

    void succeed(JsonNode task, JsonNode data) {
        ObjectNode b = Json.object().put("job_id", task.get("job_id").asText()).put("task_id", task.get("task_id").asText());
        b.set("data", data == null ? Json.object() : data);
        b.put("origin_worker_id", id);
        Resp r = send("POST", "/_worker/tasks/result", signed(b, false));
        assertThat(r.status()).as("%s", r).isEqualTo(200);
    }

    void fail(JsonNode task, String code, String message) {
        ObjectNode b = Json.object().put("job_id", task.get("job_id").asText()).put("task_id", task.get("task_id").asText())
                .put("status", "failure");
        b.putObject("data");
        b.putObject("error").put("code", code).put("message", message);
        b.put("origin_worker_id", id);
        Resp r = send("POST", "/_worker/tasks/result", signed(b, false));
        assertThat(r.status()).as("%s", r).isEqualTo(200);
    }
}
