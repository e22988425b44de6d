package dev.coxswain.core.workflow.blueprint;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.remote.Requirements;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks one state's fields by its type and returns its ways out (with the path of each target,
 * for the graph checks). Skills and sub-blueprints nobody knows are warnings: a worker or a
 * blueprint may come later.
 */
final class StateChecks {
    static final Set<String> TYPES = Set.of("dispatch", "parallel", "approval", "sub_blueprint", "go_to", "end");
    /** The keys of a job's context (see the brief's "Templates"). */
    static final Set<String> CONTEXT = Set.of("initial_data", "state_history", "steps", "aggregation", "job_id", "decision");
    static final Set<String> TASK_FIELDS = Set.of("skill", "params", "retries", "timeout_seconds",
            "dispatch_timeout_seconds", "result_timeout_seconds", "priority", "requirements");
    private static final Pattern SKILL = Pattern.compile("[a-zA-Z0-9_-]+");
    private static final int DAY = 86_400;

    /** A way out of a state, with the path where its target is written. */
    record Exit(String label, String to, String path) {
    }

    private final Problems out;
    private final Set<String> knownSkills;
    private final Set<String> knownBlueprints;

    StateChecks(Problems out, Set<String> knownSkills, Set<String> knownBlueprints) {
        this.out = out;
        this.knownSkills = knownSkills;
        this.knownBlueprints = knownBlueprints;
    }

    List<Exit> check(String name, JsonNode node, String path) {
        Fields f = new Fields(node, path, out);
        f.bool("start");
        String type = f.text("type", true, null, "must be one of " + String.join(", ", TYPES.stream().sorted().toList()));
        if (type == null) return List.of();
        if (!TYPES.contains(type)) {
            out.error(f.at("type"), "unknown state type '" + type + "'; known: "
                    + String.join(", ", TYPES.stream().sorted().toList()));
            return List.of();
        }
        return switch (type) {
            case "dispatch" -> dispatch(f, path);
            case "parallel" -> parallel(f, path);
            case "approval" -> approval(f);
            case "sub_blueprint" -> subBlueprint(f);
            case "go_to" -> goTo(f);
            default -> end(name, f);
        };
    }

    private List<Exit> dispatch(Fields f, String path) {
        f.onlyThese(with(TASK_FIELDS, "transitions"), "a dispatch state");
        task(f, path, CONTEXT);
        return exits(f, f.transitions("a dispatch state goes on by its task's result status"));
    }

    private List<Exit> parallel(Fields f, String path) {
        f.onlyThese(with(Set.of(), "for_each", "as", "task", "tasks", "aggregate_into"), "a parallel state");
        Set<String> roots = new HashSet<>(CONTEXT);
        roots.add("index");
        if (f.has("for_each")) {
            forEach(f);
            String as = f.has("as") ? f.name("as", false) : State.Parallel.DEFAULT_AS;
            if (as != null && (CONTEXT.contains(as) || as.equals("index"))) {
                out.error(f.at("as"), "'" + as + "' would hide a context key of the same name");
            }
            if (as != null) roots.add(as);
            if (f.has("tasks")) out.error(f.at("tasks"), "give either for_each with task, or tasks, not both");
            JsonNode task = f.object("task");
            if (task == null && !f.has("task")) out.error(path, "missing field 'task' (the branch run for each element of for_each)");
            if (task != null) taskObject(task, f.at("task"), roots);
        } else {
            if (f.has("as")) out.error(f.at("as"), "'as' names the for_each element; there is no for_each");
            if (f.has("task")) out.error(f.at("task"), "'task' is the for_each branch; without for_each give 'tasks'");
            JsonNode tasks = f.get("tasks");
            if (tasks == null) {
                out.error(path, "missing field 'for_each' (with 'task') or 'tasks'");
            } else if (!tasks.isArray() || tasks.isEmpty()) {
                out.error(f.at("tasks"), "must be a non-empty array of tasks");
            } else {
                for (int i = 0; i < tasks.size(); i++) {
                    String at = Problems.index(f.at("tasks"), i);
                    if (tasks.get(i).isObject()) taskObject(tasks.get(i), at, roots);
                    else out.error(at, "must be an object {skill, params, ...}");
                }
            }
        }
        String target = f.name("aggregate_into", true);
        if (target == null) return List.of();
        return List.of(new Exit("aggregate_into", target, f.at("aggregate_into")));
    }

    private void forEach(Fields f) {
        JsonNode v = f.get("for_each");
        if (v.isArray()) {
            templates(v, f.at("for_each"), CONTEXT);
        } else if (!v.isTextual()) {
            out.error(f.at("for_each"), "must be a '{{ path }}' reference to an array, or an array");
        } else if (Templates.syntaxError(v.textValue()) != null) {
            out.error(f.at("for_each"), Templates.syntaxError(v.textValue()));
        } else if (Templates.lonePath(v.textValue()) == null) {
            out.error(f.at("for_each"), "must be exactly one '{{ path }}' reference (to an array)");
        } else {
            templates(v, f.at("for_each"), CONTEXT);
        }
    }

    private void taskObject(JsonNode task, String path, Set<String> roots) {
        Fields t = new Fields(task, path, out);
        t.onlyThese(TASK_FIELDS, "a task");
        task(t, path, roots);
    }

    /** The fields a dispatch state shares with a parallel branch. */
    private void task(Fields f, String path, Set<String> roots) {
        String skill = f.text("skill", true, SKILL, "must be a skill name: letters, digits, '_' or '-'");
        if (skill != null && knownSkills != null && !knownSkills.contains(skill)) {
            out.warning(f.at("skill"), "no worker advertises skill '" + skill + "' yet");
        }
        JsonNode params = f.object("params");
        if (params != null) templates(params, f.at("params"), roots);
        f.integer("retries", 0, 100);
        f.integer("timeout_seconds", 1, 7 * DAY);
        f.integer("dispatch_timeout_seconds", 1, 7 * DAY);
        f.integer("result_timeout_seconds", 1, 7 * DAY);
        f.integer("priority", 1, 10);
        JsonNode req = f.get("requirements");
        String problem = req == null ? null : Requirements.problem(req);
        if (problem != null) out.error(f.at("requirements"), problem);
    }

    private List<Exit> approval(Fields f) {
        f.onlyThese(with(Set.of(), "message", "transitions"), "an approval state");
        JsonNode message = f.get("message");
        if (message != null && !message.isTextual()) out.error(f.at("message"), "must be a string");
        else if (message != null) templates(message, f.at("message"), CONTEXT);
        return exits(f, f.transitions("an approval state goes on by the decision"));
    }

    private List<Exit> subBlueprint(Fields f) {
        f.onlyThese(with(Set.of(), "blueprint", "initial_data", "transitions"), "a sub_blueprint state");
        String blueprint = f.name("blueprint", true);
        if (blueprint != null && knownBlueprints != null && !knownBlueprints.contains(blueprint)) {
            out.warning(f.at("blueprint"), "no blueprint named '" + blueprint + "' is registered yet");
        }
        JsonNode initial = f.get("initial_data");
        if (initial != null) templates(initial, f.at("initial_data"), CONTEXT);
        Map<String, String> transitions = f.transitions("a sub_blueprint state goes on by the child job's end");
        if (transitions != null) {
            for (String label : transitions.keySet()) {
                if (!label.equals("success") && !label.equals("failure")) {
                    out.error(Problems.join(f.at("transitions"), label), "a sub_blueprint's transitions are 'success' and 'failure'");
                }
            }
        }
        return exits(f, transitions);
    }

    private List<Exit> goTo(Fields f) {
        f.onlyThese(with(Set.of(), "branches", "default"), "a go_to state");
        List<Exit> exits = new ArrayList<>();
        JsonNode branches = f.get("branches");
        if (branches != null && !branches.isArray()) {
            out.error(f.at("branches"), "must be an array of {when, to}");
        } else if (branches != null) {
            for (int i = 0; i < branches.size(); i++) {
                String at = Problems.index(f.at("branches"), i);
                JsonNode b = branches.get(i);
                if (!b.isObject()) {
                    out.error(at, "must be an object {when, to}");
                    continue;
                }
                Fields bf = new Fields(b, at, out);
                bf.onlyThese(Set.of("when", "to"), "a branch");
                if (!bf.has("when")) out.error(at, "missing field 'when'");
                else ConditionReader.read(b.get("when"), bf.at("when"), out);
                String to = bf.name("to", true);
                if (to != null) exits.add(new Exit("when", to, bf.at("to")));
            }
        }
        String fallback = f.name("default", true);
        if (fallback != null) exits.add(new Exit("default", fallback, f.at("default")));
        return exits;
    }

    private List<Exit> end(String name, Fields f) {
        if (f.has("transitions")) out.error(f.at("transitions"), "an end state has no transitions");
        f.onlyThese(with(Set.of(), "outcome", "result", "transitions"), "an end state");
        String outcome = f.text("outcome", false, Pattern.compile("finished|failed"), "must be 'finished' or 'failed'");
        if (State.End.FINISHED.equals(name) && State.End.FAILED.equals(outcome)) {
            out.error(f.at("outcome"), "a state named 'finished' always ends the job finished");
        }
        JsonNode result = f.get("result");
        if (result != null) templates(result, f.at("result"), CONTEXT);
        return List.of();
    }

    /** Syntax errors, and a warning for a reference to nothing the job's context can hold. */
    private void templates(JsonNode template, String path, Set<String> roots) {
        int before = out.size();
        Templates.check(template, path, out);
        if (out.size() > before) return;
        for (String p : Templates.paths(template)) {
            String root = JsonPaths.root(p);
            if (!roots.contains(root)) {
                out.warning(path, "'{{ " + p + " }}' starts from '" + root + "', which is not in the job's context ("
                        + String.join(", ", roots.stream().sorted().toList()) + ")");
            }
        }
    }

    private static List<Exit> exits(Fields f, Map<String, String> transitions) {
        if (transitions == null) return List.of();
        List<Exit> exits = new ArrayList<>();
        transitions.forEach((label, to) -> exits.add(new Exit(label, to, Problems.join(f.at("transitions"), label))));
        return exits;
    }

    private static Set<String> with(Set<String> base, String... more) {
        Set<String> all = new HashSet<>(base);
        all.add("type");
        all.add("start");
        all.addAll(List.of(more));
        return all;
    }
}
