package dev.coxswain.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Task payloads may carry an environment ({@code "env": {"NAME": "value"}}) whose values are
 * secrets: every response shows them as {@code ******}, and a write that sends {@code ******}
 * back keeps the stored value.
 */
public final class SecretMask {
    public static final String MASK = "******";

    private SecretMask() {
    }

    /** A copy of the payload with every env value masked. */
    public static JsonNode mask(JsonNode payload) {
        if (payload == null || !payload.isObject() || !payload.path("env").isObject()) return payload;
        ObjectNode copy = payload.deepCopy();
        ObjectNode env = (ObjectNode) copy.get("env");
        env.fieldNames().forEachRemaining(k -> env.put(k, MASK));
        return copy;
    }

    /** The new payload with each masked env value replaced by the stored one (when there is one). */
    public static JsonNode unmask(JsonNode incoming, JsonNode stored) {
        if (incoming == null || !incoming.isObject() || !incoming.path("env").isObject()) return incoming;
        ObjectNode copy = incoming.deepCopy();
        ObjectNode env = (ObjectNode) copy.get("env");
        JsonNode old = stored == null ? null : stored.path("env");
        env.fields().forEachRemaining(e -> {
            if (MASK.equals(e.getValue().asText()) && old != null && old.hasNonNull(e.getKey())) {
                env.set(e.getKey(), old.get(e.getKey()));
            }
        });
        return copy;
    }
}
