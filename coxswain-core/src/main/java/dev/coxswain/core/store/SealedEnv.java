package dev.coxswain.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;

/**
 * A payload's {@code env} object as stored: its values are secrets (the faces show only the
 * names), so the whole object is sealed into one {@value #FIELD} field in its place. Everything
 * else in the payload stays readable (the command, a connection id that queries look for).
 * Payloads without the field — written before sealing, or without a key — read as they are.
 */
public final class SealedEnv {
    public static final String FIELD = "_sealed_env";
    private static final String ENV = "env";

    private final Sealer sealer;

    public SealedEnv(Sealer sealer) {
        this.sealer = sealer;
    }

    /** The payload as it is stored: {@code env} sealed in place. */
    public JsonNode seal(JsonNode payload) {
        if (sealer == Sealer.NONE || !(payload instanceof ObjectNode o) || !o.path(ENV).isObject()) return payload;
        return replace(o, ENV, FIELD, Json.MAPPER.getNodeFactory().textNode(sealer.seal(Json.write(o.get(ENV)))));
    }

    /** The payload with its {@code env} in clear again. @throws IllegalStateException without the right key */
    public JsonNode open(JsonNode payload) {
        if (!(payload instanceof ObjectNode o) || !o.path(FIELD).isTextual()) return payload;
        return replace(o, FIELD, ENV, Json.read(sealer.open(o.get(FIELD).textValue())));
    }

    /**
     * {@link #open}, or the payload as stored when this key cannot open it: a schedule sealed with
     * another key stays readable (its names and values hidden) and its runs carry the sealed
     * environment to {@code UnsealingExecutor}, which fails them with a message that says why.
     */
    public JsonNode openIfPossible(JsonNode payload) {
        try {
            return open(payload);
        } catch (IllegalStateException e) {
            return payload;
        }
    }

    /** Whether the payload holds an {@code env} in clear that {@link #seal} would seal. */
    public boolean needsSealing(JsonNode payload) {
        return sealer != Sealer.NONE && payload instanceof ObjectNode o && o.path(ENV).isObject();
    }

    /** A copy with field {@code from} replaced by {@code to} at the same place. */
    private static ObjectNode replace(ObjectNode o, String from, String to, JsonNode value) {
        ObjectNode out = Json.object();
        o.fields().forEachRemaining(e -> {
            if (e.getKey().equals(from)) out.set(to, value);
            else if (!e.getKey().equals(to)) out.set(e.getKey(), e.getValue());
        });
        return out;
    }
}
