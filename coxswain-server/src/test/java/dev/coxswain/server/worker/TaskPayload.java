package dev.coxswain.server.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A task as the SDK accepts it from {@code GET .../tasks/next}, parsed as strictly as
 * {@code msgspec.convert(data, TaskPayload)} does: unknown keys are ignored, but a wrong type is
 * an error — notably a float {@code timestamp}/{@code deadline} ({@code 1.0} included), which in
 * the real SDK escapes the poll loop and stops polling for good (protocol notes §5.3).
 *
 * @param params         {@code {}} when absent or null
 * @param tracingContext empty when absent or null
 * @param timestamp      null when absent
 * @param deadline       null when absent
 * @param metadata       null when absent
 * @param raw            the object as received, for assertions on the exact wire shape
 */
record TaskPayload(String jobId, String taskId, String type, ObjectNode params, Map<String, String> tracingContext,
                   double priority, Long timestamp, Long deadline, JsonNode metadata, ObjectNode raw) {

    /** The payload breaks the TaskPayload model; the message names the field like msgspec does. */
    static final class Rejected extends IllegalArgumentException {
        /** True when the fault is a non-integer {@code timestamp} or {@code deadline}. */
        final boolean floatTime;

        Rejected(String message, boolean floatTime) {
            super(message);
            this.floatTime = floatTime;
        }
    }

    /** A 200 whose body is {@code {}} (or nothing) means "no task" to the SDK. */
    static boolean noTask(JsonNode body) {
        return body == null || body.isNull() || body.isMissingNode() || (body.isObject() && body.isEmpty());
    }

    static TaskPayload parse(JsonNode body) {
        if (!body.isObject()) throw new Rejected("Expected `object`, got `" + kind(body) + "`", false);
        ObjectNode o = (ObjectNode) body;
        String jobId = requiredString(o, "job_id");
        String taskId = requiredString(o, "task_id");
        String type = requiredString(o, "type");
        ObjectNode params = optionalObject(o, "params");
        Map<String, String> tracing = tracing(o);
        double priority = 0;
        if (o.has("priority")) {
            JsonNode p = o.get("priority");
            if (!p.isNumber()) throw new Rejected("Expected `float`, got `" + kind(p) + "` - at `$.priority`", false);
            priority = p.doubleValue();
        }
        Long timestamp = optionalInt(o, "timestamp", true);
        Long deadline = optionalInt(o, "deadline", true);
        optionalInt(o, "step", false);
        optionalInt(o, "depth", false);
        optionalObject(o, "security");
        optionalObject(o, "policy");
        optionalString(o, "sig");
        optionalString(o, "parent_hash");
        paramsMetadata(o);
        JsonNode metadata = o.get("metadata");
        if (metadata != null && !metadata.isNull() && !metadata.isObject()) {
            throw new Rejected("Expected `object | null`, got `" + kind(metadata) + "` - at `$.metadata`", false);
        }
        return new TaskPayload(jobId, taskId, type, params == null ? o.objectNode() : params, tracing, priority, timestamp,
                deadline, metadata == null || metadata.isNull() ? null : metadata, o.deepCopy());
    }

    private static String requiredString(ObjectNode o, String k) {
        JsonNode v = o.get(k);
        if (v == null) throw new Rejected("Object missing required field `" + k + "`", false);
        if (!v.isTextual()) throw new Rejected("Expected `str`, got `" + kind(v) + "` - at `$." + k + "`", false);
        return v.textValue();
    }

    private static void optionalString(ObjectNode o, String k) {
        JsonNode v = o.get(k);
        if (v != null && !v.isNull() && !v.isTextual()) {
            throw new Rejected("Expected `str | null`, got `" + kind(v) + "` - at `$." + k + "`", false);
        }
    }

    private static ObjectNode optionalObject(ObjectNode o, String k) {
        JsonNode v = o.get(k);
        if (v == null || v.isNull()) return null;
        if (!v.isObject()) throw new Rejected("Expected `object | null`, got `" + kind(v) + "` - at `$." + k + "`", false);
        return (ObjectNode) v;
    }

    /** An {@code int | None} field: 5 is fine, 5.0 and 5.5 are not (msgspec has no lax mode here). */
    private static Long optionalInt(ObjectNode o, String k, boolean nullable) {
        JsonNode v = o.get(k);
        if (v == null) return null;
        if (v.isNull()) {
            if (nullable) return null;
            throw new Rejected("Expected `int`, got `null` - at `$." + k + "`", false);
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            boolean time = k.equals("timestamp") || k.equals("deadline");
            throw new Rejected("Expected `int" + (nullable ? " | null" : "") + "`, got `" + kind(v) + "` - at `$." + k + "`",
                    time && v.isNumber());
        }
        return v.longValue();
    }

    private static Map<String, String> tracing(ObjectNode o) {
        ObjectNode t = optionalObject(o, "tracing_context");
        if (t == null) return Map.of();
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) t::fields) {
            if (!e.getValue().isTextual()) {
                throw new Rejected("Expected `str`, got `" + kind(e.getValue()) + "` - at `$.tracing_context[...]`", false);
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return Collections.unmodifiableMap(out);
    }

    private static void paramsMetadata(ObjectNode o) {
        ObjectNode pm = optionalObject(o, "params_metadata");
        if (pm == null) return;
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) pm::fields) {
            JsonNode f = e.getValue();
            if (!f.isObject()) throw new Rejected("Expected `object`, got `" + kind(f) + "` - at `$.params_metadata[...]`", false);
            if (!f.path("uri").isTextual()) throw new Rejected("Object missing required field `uri` - at `$.params_metadata[...]`", false);
            JsonNode size = f.get("size");
            if (size != null && !size.isIntegralNumber()) {
                throw new Rejected("Expected `int`, got `" + kind(size) + "` - at `$.params_metadata[...].size`", false);
            }
        }
    }

    private static String kind(JsonNode v) {
        if (v.isIntegralNumber()) return "int";
        if (v.isNumber()) return "float";
        if (v.isTextual()) return "str";
        if (v.isBoolean()) return "bool";
        if (v.isNull()) return "null";
        if (v.isArray()) return "array";
        if (v.isObject()) return "object";
        return v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The wire task ids of {@code payloads}, in order. */
    static List<String> taskIds(List<TaskPayload> payloads) {
        return payloads.stream().map(TaskPayload::taskId).toList();
    }
}
