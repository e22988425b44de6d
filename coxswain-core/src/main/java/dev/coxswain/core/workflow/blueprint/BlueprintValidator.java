package dev.coxswain.core.workflow.blueprint;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a parsed blueprint tree and reports ALL its problems at once, each at its path
 * ({@code states.fetch.transitions.success}). Errors stop registration; warnings (a skill no
 * worker advertises, an unknown sub-blueprint, a template reference outside the job's context,
 * a state that cannot reach an end) do not.
 */
public final class BlueprintValidator {
    static final Set<String> TOP_FIELDS = Set.of("name", "api_endpoint", "api_version", "description", "input_schema", "states");
    private static final Pattern VERSION = Pattern.compile("v[0-9]{1,9}");

    private BlueprintValidator() {
    }

    /**
     * @param knownSkills the skills some worker advertises, or null not to check
     * @param knownBlueprints the names of registered blueprints, or null not to check
     */
    public static List<Problem> validate(JsonNode raw, Set<String> knownSkills, Set<String> knownBlueprints) {
        Problems out = new Problems();
        if (raw == null || !raw.isObject()) {
            out.error("$", "a blueprint must be an object with name and states");
            return out.list();
        }
        Fields top = new Fields(raw, "", out);
        top.onlyThese(TOP_FIELDS, "a blueprint");
        top.name("name", true);
        String version = top.text("api_version", false, VERSION, "must be 'v' and a number, such as v1");
        String endpoint = top.text("api_endpoint", false, null, "must be a string such as /jobs/my_flow");
        if (endpoint != null) {
            String problem = EndpointRules.problem(version == null ? Blueprint.DEFAULT_API_VERSION : version, endpoint);
            if (problem != null) out.error("api_endpoint", problem);
        }
        top.text("description", false, null, "must be a string");
        if (top.has("input_schema")) {
            String problem = InputSchema.problem(raw.get("input_schema"));
            if (problem != null) out.error("input_schema", problem);
        }
        states(raw.get("states"), new StateChecks(out, knownSkills, knownBlueprints), out);
        return out.list();
    }

    private static void states(JsonNode states, StateChecks checks, Problems out) {
        if (states == null || states.isNull()) {
            out.error("$", "missing field 'states'");
            return;
        }
        if (!states.isObject() || states.isEmpty()) {
            out.error("states", "must be an object of {state name: state} with at least one state");
            return;
        }
        Map<String, List<StateChecks.Exit>> exits = new LinkedHashMap<>();
        List<String> starts = new ArrayList<>();
        Set<String> ends = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = states.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            String path = Problems.join("states", name);
            if (!Fields.NAME.matcher(name).matches()) out.error(path, "'" + name + "' is not a valid state name: it " + Fields.NAME_RULE);
            JsonNode node = e.getValue();
            if (!node.isObject()) {
                out.error(path, "a state must be an object with a type");
                exits.put(name, List.of());
                continue;
            }
            if (node.path("start").asBoolean(false) && node.path("start").isBoolean()) starts.add(name);
            if ("end".equals(node.path("type").asText())) ends.add(name);
            exits.put(name, checks.check(name, node, path));
        }
        GraphChecks.check(exits, starts, ends, out);
    }
}
