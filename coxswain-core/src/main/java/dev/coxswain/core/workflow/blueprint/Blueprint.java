package dev.coxswain.core.workflow.blueprint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A validated workflow definition: a named state machine with one start state. {@code states}
 * keeps definition order (the DOT graph and {@link #definition()} follow it). Built by
 * {@link BlueprintParser} or {@link Blueprints#load}, which only ever build valid ones.
 *
 * @param apiEndpoint the client route it is started at (under {@code /api/<apiVersion>}), or null
 * @param inputSchema the JSON Schema {@code initial_data} must meet, or null
 */
public record Blueprint(String name, String apiEndpoint, String apiVersion, String description, JsonNode inputSchema,
                        Map<String, State> states, String startState) {
    public static final String DEFAULT_API_VERSION = "v1";

    public Blueprint {
        apiVersion = apiVersion == null ? DEFAULT_API_VERSION : apiVersion;
        inputSchema = inputSchema == null || inputSchema.isNull() ? null : inputSchema.deepCopy();
        states = Collections.unmodifiableMap(new LinkedHashMap<>(states));
        if (!states.containsKey(startState)) throw new IllegalArgumentException("start state '" + startState + "' is no state");
    }

    /** @throws NoSuchElementException when there is no such state */
    public State state(String stateName) {
        State s = states.get(stateName);
        if (s == null) throw new NoSuchElementException("blueprint '" + name + "' has no state '" + stateName + "'");
        return s;
    }

    public State start() {
        return states.get(startState);
    }

    /**
     * The whole blueprint as normalized JSON: defaults written out, absent options left out,
     * states in order with {@code start: true} on the start state. Parsing it gives an equal
     * blueprint, so this is what a store keeps.
     */
    public JsonNode definition() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("name", name);
        if (apiEndpoint != null) n.put("api_endpoint", apiEndpoint);
        n.put("api_version", apiVersion);
        if (description != null) n.put("description", description);
        if (inputSchema != null) n.set("input_schema", inputSchema.deepCopy());
        ObjectNode out = n.putObject("states");
        states.forEach((stateName, state) -> {
            ObjectNode s = JsonNodeFactory.instance.objectNode();
            if (stateName.equals(startState)) s.put("start", true);
            s.setAll(state.toJson());
            out.set(stateName, s);
        });
        return n;
    }
}
