package dev.coxswain.server.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates the scale test's device tasks as a client of the device API does: one
 * {@code POST /api/v1/task} with every serial, the {@code follow} script and the target users,
 * which fans out to one task per serial and target, all due at once.
 */
final class DeviceTaskCreator {
    private final ScaleClient client;

    DeviceTaskCreator(ScaleClient client) {
        this.client = client;
    }

    /** @return the ids the face answered, in its order */
    List<Long> follow(List<String> serials, List<String> targets) {
        ObjectNode b = JsonNodeFactory.instance.objectNode();
        ArrayNode s = b.putArray("serials");
        serials.forEach(s::add);
        b.put("script_name", DeviceWorkers.SCRIPT);
        ArrayNode t = b.putObject("script_config").putArray("target_users");
        targets.forEach(t::add);
        b.put("min_interval", 0);
        b.put("max_interval", 0);
        JsonNode body = client.post("/api/v1/task", b).expect(200);
        if (body.get("code").asInt() != 0) throw new AssertionError("POST /api/v1/task answered " + body);
        JsonNode data = body.get("data");
        List<Long> ids = new ArrayList<>();
        for (JsonNode id : data.get("task_ids")) ids.add(id.asLong());
        if (data.get("created_count").asInt() != ids.size()) throw new AssertionError("created_count differs: " + data);
        return ids;
    }
}
