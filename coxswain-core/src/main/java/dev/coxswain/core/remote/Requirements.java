package dev.coxswain.core.remote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.store.WorkerStore.RemoteProfile;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * What a task may ask of the worker that runs it ({@code requirements} in its payload), checked
 * against what the worker reported when it registered or last beat:
 * <ul>
 *   <li>{@code worker_id}: exactly this worker;</li>
 *   <li>{@code worker_type}: the worker's {@code worker_type};</li>
 *   <li>{@code resources}: {name: minimum}, compared with the numbers in {@code resources.properties};</li>
 *   <li>{@code software}: {name: version or null}, found in {@code installed_software};</li>
 *   <li>{@code device}: a device id (serial) among {@code resources.devices}.</li>
 * </ul>
 */
public final class Requirements {
    static final Set<String> KEYS = Set.of("worker_id", "worker_type", "resources", "software", "device");

    private Requirements() {
    }

    /** @return null when {@code req} is a valid requirements object, otherwise the problem */
    public static String problem(JsonNode req) {
        if (req == null || req.isNull()) return null;
        if (!req.isObject()) return "must be an object";
        for (Iterator<String> it = req.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) return "unknown requirement '" + k + "'; known: device, resources, software, worker_id, worker_type";
        }
        for (String k : new String[]{"worker_id", "worker_type", "device"}) {
            if (req.has(k) && !req.get(k).isTextual()) return k + " must be a string";
        }
        if (req.has("resources")) {
            JsonNode r = req.get("resources");
            if (!r.isObject()) return "resources must be an object of minimum numbers";
            for (Iterator<Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext(); ) {
                if (!it.next().getValue().isNumber()) return "resources must be an object of minimum numbers";
            }
        }
        if (req.has("software")) {
            JsonNode s = req.get("software");
            if (!s.isObject()) return "software must be an object of versions (or null for any)";
            for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext(); ) {
                JsonNode v = it.next().getValue();
                if (!v.isNull() && !v.isTextual()) return "software must be an object of versions (or null for any)";
            }
        }
        return null;
    }

    /** Whether the worker meets every requirement (an absent or invalid set of requirements is never met). */
    public static boolean met(JsonNode req, RemoteProfile w) {
        if (req == null || req.isNull()) return true;
        if (problem(req) != null) return false;
        JsonNode info = w.info() == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : w.info();
        if (req.has("worker_id") && !req.get("worker_id").asText().equals(w.id())) return false;
        if (req.has("worker_type") && !req.get("worker_type").asText().equals(info.path("worker_type").asText(null))) return false;
        if (req.has("resources")) {
            JsonNode props = info.path("resources").path("properties");
            for (Iterator<Map.Entry<String, JsonNode>> it = req.get("resources").fields(); it.hasNext(); ) {
                var e = it.next();
                JsonNode have = props.path(e.getKey());
                double v;
                if (have.isNumber()) v = have.asDouble();
                else if (have.isTextual()) {
                    try {
                        v = Double.parseDouble(have.asText());
                    } catch (NumberFormatException ex) {
                        return false;
                    }
                } else return false;
                if (v < e.getValue().asDouble()) return false;
            }
        }
        if (req.has("software")) {
            JsonNode sw = info.path("installed_software");
            for (Iterator<Map.Entry<String, JsonNode>> it = req.get("software").fields(); it.hasNext(); ) {
                var e = it.next();
                if (!sw.has(e.getKey())) return false;
                if (!e.getValue().isNull() && !e.getValue().asText().equals(sw.get(e.getKey()).asText())) return false;
            }
        }
        if (req.has("device")) {
            String serial = req.get("device").asText();
            boolean found = false;
            for (JsonNode d : info.path("resources").path("devices")) {
                if (serial.equals(d.path("id").asText(null))) found = true;
            }
            if (!found) return false;
        }
        return true;
    }
}
