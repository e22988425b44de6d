package dev.coxswain.core.workflow.blueprint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One state of a blueprint. Every state knows its ways out ({@link #exits()}, in definition
 * order), which validation follows for reachability and the DOT graph draws, and writes itself
 * back as normalized JSON ({@link #toJson()}, without {@code start}). Template fields hold the
 * unrendered JSON; {@link Templates} renders them against a job's context.
 */
public sealed interface State {
    /** The wire type: dispatch, parallel, approval, sub_blueprint, go_to or end. */
    String type();

    List<Edge> exits();

    default Set<String> targets() {
        Set<String> out = new LinkedHashSet<>();
        exits().forEach(e -> out.add(e.to()));
        return out;
    }

    ObjectNode toJson();

    /** Sends one task to a worker with {@code skill}; its result status picks the transition. */
    record Dispatch(String skill, JsonNode params, int retries, Integer timeoutSeconds, Integer dispatchTimeoutSeconds,
                    Integer resultTimeoutSeconds, Integer priority, JsonNode requirements,
                    Map<String, String> transitions) implements State {
        public Dispatch {
            TaskTemplate t = new TaskTemplate(skill, params, retries, timeoutSeconds, dispatchTimeoutSeconds,
                    resultTimeoutSeconds, priority, requirements);
            params = t.params();
            requirements = t.requirements();
            transitions = ordered(transitions);
        }

        public TaskTemplate task() {
            return new TaskTemplate(skill, params, retries, timeoutSeconds, dispatchTimeoutSeconds, resultTimeoutSeconds,
                    priority, requirements);
        }

        @Override
        public String type() {
            return "dispatch";
        }

        @Override
        public List<Edge> exits() {
            return edges(transitions);
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode n = typed(type());
            task().writeTo(n);
            n.set("transitions", transitionsJson(transitions));
            return n;
        }
    }

    /**
     * Fans out branch tasks and waits for them all, then goes to {@code aggregateInto}. Either
     * {@code forEach} (a template rendering to an array; {@code task} is run once per element,
     * bound as {@code as} with its {@code index}) or a fixed list {@code tasks}.
     */
    record Parallel(JsonNode forEach, String as, TaskTemplate task, List<TaskTemplate> tasks, String aggregateInto)
            implements State {
        public static final String DEFAULT_AS = "item";

        public Parallel {
            forEach = forEach == null ? null : forEach.deepCopy();
            as = forEach == null ? null : (as == null ? DEFAULT_AS : as);
            task = forEach == null ? null : task;
            tasks = forEach == null ? List.copyOf(tasks) : List.of();
        }

        /** One branch to dispatch: its task template and the context its params render against. */
        public record Fork(int index, TaskTemplate task, JsonNode context) {
        }

        /**
         * @return the branches in order, each with {@code context} plus {@code index} (and the
         * for_each element as {@link #as()})
         * @throws IllegalArgumentException when for_each does not render to an array
         */
        public List<Fork> forks(JsonNode context) {
            List<Fork> out = new ArrayList<>();
            if (forEach == null) {
                for (int i = 0; i < tasks.size(); i++) out.add(new Fork(i, tasks.get(i), bind(context, null, null, i)));
                return out;
            }
            JsonNode items = Templates.render(forEach, context);
            if (items == null || !items.isArray()) {
                throw new IllegalArgumentException("for_each rendered " + (items == null ? "nothing" : items.getNodeType()
                        .toString().toLowerCase(java.util.Locale.ROOT)) + ", not an array");
            }
            for (int i = 0; i < items.size(); i++) out.add(new Fork(i, task, bind(context, as, items.get(i), i)));
            return out;
        }

        private static JsonNode bind(JsonNode context, String name, JsonNode item, int index) {
            ObjectNode n = JsonNodeFactory.instance.objectNode();
            if (context != null && context.isObject()) n.setAll((ObjectNode) context);
            if (name != null) n.set(name, item);
            n.put("index", index);
            return n;
        }

        @Override
        public String type() {
            return "parallel";
        }

        @Override
        public List<Edge> exits() {
            return List.of(new Edge("aggregate_into", aggregateInto));
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode n = typed(type());
            if (forEach != null) {
                n.set("for_each", forEach.deepCopy());
                n.put("as", as);
                n.set("task", task.toJson());
            } else {
                tasks.forEach(t -> n.withArray("tasks").add(t.toJson()));
            }
            n.put("aggregate_into", aggregateInto);
            return n;
        }
    }

    /** Waits for a human decision; the decision picks the transition. */
    record Approval(String message, Map<String, String> transitions) implements State {
        public Approval {
            transitions = ordered(transitions);
        }

        @Override
        public String type() {
            return "approval";
        }

        @Override
        public List<Edge> exits() {
            return edges(transitions);
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode n = typed(type());
            if (message != null) n.put("message", message);
            n.set("transitions", transitionsJson(transitions));
            return n;
        }
    }

    /** Runs another blueprint as a child job; its end ({@code success} or {@code failure}) picks the transition. */
    record SubBlueprint(String blueprint, JsonNode initialData, Map<String, String> transitions) implements State {
        public SubBlueprint {
            initialData = initialData == null ? null : initialData.deepCopy();
            transitions = ordered(transitions);
        }

        @Override
        public String type() {
            return "sub_blueprint";
        }

        @Override
        public List<Edge> exits() {
            return edges(transitions);
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode n = typed(type());
            n.put("blueprint", blueprint);
            if (initialData != null) n.set("initial_data", initialData.deepCopy());
            n.set("transitions", transitionsJson(transitions));
            return n;
        }
    }

    /** Moves on at once: to the first branch whose condition holds, else to {@code defaultTo}. */
    record GoTo(List<Branch> branches, String defaultTo) implements State {
        public record Branch(Condition when, String to) {
        }

        public GoTo {
            branches = List.copyOf(branches);
        }

        /** @return the state to move to for {@code context} */
        public String next(JsonNode context) {
            for (Branch b : branches) if (b.when().test(context)) return b.to();
            return defaultTo;
        }

        @Override
        public String type() {
            return "go_to";
        }

        @Override
        public List<Edge> exits() {
            List<Edge> out = new ArrayList<>();
            branches.forEach(b -> out.add(new Edge("when", b.to())));
            out.add(new Edge("default", defaultTo));
            return out;
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode n = typed(type());
            for (Branch b : branches) {
                ObjectNode branch = n.withArray("branches").addObject();
                branch.set("when", b.when().toJson());
                branch.put("to", b.to());
            }
            n.put("default", defaultTo);
            return n;
        }
    }

    /** Ends the job: {@code outcome} is finished or failed; {@code result} (a template) or null. */
    record End(String outcome, JsonNode result) implements State {
        public static final String FINISHED = "finished";
        public static final String FAILED = "failed";

        public End {
            result = result == null || result.isNull() ? null : result.deepCopy();
        }

        public boolean finished() {
            return FINISHED.equals(outcome);
        }

        @Override
        public String type() {
            return "end";
        }

        @Override
        public List<Edge> exits() {
            return List.of();
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode n = typed(type());
            n.put("outcome", outcome);
            if (result != null) n.set("result", result.deepCopy());
            return n;
        }
    }

    private static Map<String, String> ordered(Map<String, String> transitions) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(transitions));
    }

    private static List<Edge> edges(Map<String, String> transitions) {
        List<Edge> out = new ArrayList<>();
        transitions.forEach((label, to) -> out.add(new Edge(label, to)));
        return out;
    }

    private static ObjectNode typed(String type) {
        return JsonNodeFactory.instance.objectNode().put("type", type);
    }

    private static ObjectNode transitionsJson(Map<String, String> transitions) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        transitions.forEach(n::put);
        return n;
    }
}
