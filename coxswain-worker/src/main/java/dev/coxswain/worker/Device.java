package dev.coxswain.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * A device attached to a worker (a phone, a board, a test rig), as the worker declares it in
 * {@code resources.devices}: the Avtomatika SDK's shape {@code {"id", "type", "model"?,
 * "properties"?}}. The {@code id} is the device's serial: the server routes a device task
 * ({@code requirements.device = "<serial>"}) only to the worker that declares that id, and runs
 * one such task per device at a time. Immutable; {@link #properties()} hands out a copy.
 *
 * <pre>{@code
 * Device phone = Device.of("R58M1234", "android").withModel("SM-G991B")
 *         .withProperties(mapper.valueToTree(Map.of("accounts", List.of("alice", "bob"))));
 * }</pre>
 *
 * @param id         the serial: not blank, at most {@value #MAX_ID_LENGTH} characters, no
 *                   surrounding blanks or control characters
 * @param type       the kind of device, for example {@code android}: not blank
 * @param model      the model, or null
 * @param properties a JSON object of anything else the server should know (for example
 *                   {@code accounts}), or null
 */
public record Device(String id, String type, String model, JsonNode properties) {
    /** Longest serial accepted: the server keys its devices table by it and ignores longer ids. */
    public static final int MAX_ID_LENGTH = 200;

    public Device {
        if (id == null || id.isBlank()) throw new IllegalArgumentException("A device needs an id (its serial)");
        if (id.length() > MAX_ID_LENGTH) throw new IllegalArgumentException("Device id is longer than " + MAX_ID_LENGTH + " characters");
        // The server trims ids and skips ones with control characters; tasks would then name a
        // serial this worker does not know, so such ids are refused here.
        if (!id.equals(id.strip()) || id.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("Device id has surrounding blanks or control characters: '" + id + "'");
        }
        if (type == null || type.isBlank()) throw new IllegalArgumentException("Device " + id + " needs a type");
        if (properties != null && properties.isNull()) properties = null;
        if (properties != null && !properties.isObject()) {
            throw new IllegalArgumentException("Properties of device " + id + " must be a JSON object");
        }
        // Copied in: the record must not change under the worker's heartbeat when the caller's node does.
        properties = properties == null ? null : properties.deepCopy();
    }

    /** A device with no model and no properties. */
    public static Device of(String id, String type) {
        return new Device(id, type, null, null);
    }

    /**
     * Reads a device in the wire shape {@code {"id", "type", "model"?, "properties"?}}; other keys
     * (the SDK's {@code metrics}) are ignored.
     *
     * @throws IllegalArgumentException when {@code id} or {@code type} is missing or not a string
     */
    public static Device fromJson(JsonNode json) {
        Objects.requireNonNull(json, "json");
        if (!json.isObject()) throw new IllegalArgumentException("A device must be a JSON object: " + json);
        JsonNode model = json.get("model");
        return new Device(text(json, "id"), text(json, "type"),
                model == null || model.isNull() ? null : model.asText(), json.get("properties"));
    }

    public Device withModel(String model) {
        return new Device(id, type, model, properties);
    }

    public Device withProperties(JsonNode properties) {
        return new Device(id, type, model, properties);
    }

    /** A copy of the properties object ({@code {}} when there are none). */
    @Override
    public JsonNode properties() {
        return properties == null ? JsonNodeFactory.instance.objectNode() : properties.deepCopy();
    }

    /** The wire shape, without null members (the SDK drops them too). */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("id", id);
        json.put("type", type);
        if (model != null) json.put("model", model);
        if (properties != null) json.set("properties", properties.deepCopy());
        return json;
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("A device needs \"" + field + "\" as a string: " + json);
        }
        return value.textValue();
    }
}
