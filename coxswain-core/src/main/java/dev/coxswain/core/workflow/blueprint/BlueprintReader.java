package dev.coxswain.core.workflow.blueprint;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the model from a tree that {@link BlueprintValidator} found free of errors, filling in
 * the defaults. It checks nothing itself: the validator is the one place the rules live.
 */
final class BlueprintReader {
    private BlueprintReader() {
    }

    static Blueprint read(JsonNode raw) {
        Map<String, State> states = new LinkedHashMap<>();
        String start = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = raw.get("states").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().path("start").asBoolean(false)) start = e.getKey();
            states.put(e.getKey(), state(e.getKey(), e.getValue()));
        }
        return new Blueprint(raw.get("name").textValue(), text(raw, "api_endpoint"), text(raw, "api_version"),
                text(raw, "description"), value(raw, "input_schema"), states, start);
    }

    private static State state(String name, JsonNode n) {
        return switch (n.get("type").textValue()) {
            case "dispatch" -> {
                TaskTemplate t = task(n);
                yield new State.Dispatch(t.skill(), t.params(), t.retries(), t.timeoutSeconds(), t.dispatchTimeoutSeconds(),
                        t.resultTimeoutSeconds(), t.priority(), t.requirements(), transitions(n));
            }
            case "parallel" -> {
                List<TaskTemplate> tasks = new ArrayList<>();
                if (n.has("tasks")) n.get("tasks").forEach(t -> tasks.add(task(t)));
                yield new State.Parallel(value(n, "for_each"), text(n, "as"),
                        n.has("task") ? task(n.get("task")) : null, tasks, text(n, "aggregate_into"));
            }
            case "approval" -> new State.Approval(text(n, "message"), transitions(n));
            case "sub_blueprint" -> new State.SubBlueprint(text(n, "blueprint"), value(n, "initial_data"), transitions(n));
            case "go_to" -> {
                List<State.GoTo.Branch> branches = new ArrayList<>();
                for (JsonNode b : n.path("branches")) {
                    branches.add(new State.GoTo.Branch(Condition.parse(b.get("when")), b.get("to").textValue()));
                }
                yield new State.GoTo(branches, text(n, "default"));
            }
            default -> {
                String outcome = text(n, "outcome");
                if (outcome == null) outcome = State.End.FINISHED.equals(name) ? State.End.FINISHED : State.End.FAILED;
                yield new State.End(outcome, value(n, "result"));
            }
        };
    }

    private static TaskTemplate task(JsonNode n) {
        JsonNode retries = value(n, "retries");
        return new TaskTemplate(text(n, "skill"), value(n, "params"),
                retries == null ? TaskTemplate.DEFAULT_RETRIES : retries.intValue(), integer(n, "timeout_seconds"),
                integer(n, "dispatch_timeout_seconds"), integer(n, "result_timeout_seconds"), integer(n, "priority"),
                value(n, "requirements"));
    }

    private static Map<String, String> transitions(JsonNode n) {
        Map<String, String> map = new LinkedHashMap<>();
        n.get("transitions").fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().textValue()));
        return map;
    }

    /** The field, or null when it is absent or JSON null. */
    private static JsonNode value(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = value(n, field);
        return v == null ? null : v.textValue();
    }

    private static Integer integer(JsonNode n, String field) {
        JsonNode v = value(n, field);
        return v == null ? null : v.intValue();
    }
}
