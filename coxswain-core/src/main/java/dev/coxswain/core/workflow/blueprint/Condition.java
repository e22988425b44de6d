package dev.coxswain.core.workflow.blueprint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A go_to branch's {@code when}: {@code {path, <op>: value}} with ops eq ne gt gte lt lte in
 * exists, or {@code {all: [...]}}, {@code {any: [...]}}, {@code {not: ...}}. {@link #test} never
 * throws: an absent path is null to eq/ne/in and makes every ordering false; numbers compare by
 * value, strings lexicographically, anything else (a type mismatch) is false.
 */
public sealed interface Condition {
    boolean test(JsonNode context);

    /** The condition as it is written in a blueprint. */
    JsonNode toJson();

    /** @throws IllegalArgumentException with the first problem when {@code node} is no condition */
    static Condition parse(JsonNode node) {
        Problems problems = new Problems();
        Condition c = ConditionReader.read(node, "when", problems);
        if (problems.hasErrors()) throw new IllegalArgumentException(problems.list().getFirst().toString());
        return c;
    }

    enum Op {
        EQ("eq"), NE("ne"), GT("gt"), GTE("gte"), LT("lt"), LTE("lte"), IN("in");

        final String key;

        Op(String key) {
            this.key = key;
        }

        static Optional<Op> of(String key) {
            for (Op op : values()) if (op.key.equals(key)) return Optional.of(op);
            return Optional.empty();
        }
    }

    record Compare(String path, Op op, JsonNode value) implements Condition {
        @Override
        public boolean test(JsonNode context) {
            JsonNode found = JsonPaths.resolve(context, path);
            JsonNode actual = found == null ? NullNode.getInstance() : found;
            return switch (op) {
                case EQ -> same(actual, value);
                case NE -> !same(actual, value);
                case IN -> value.isArray() && anySame(actual, value);
                case GT -> order(actual, value).map(c -> c > 0).orElse(false);
                case GTE -> order(actual, value).map(c -> c >= 0).orElse(false);
                case LT -> order(actual, value).map(c -> c < 0).orElse(false);
                case LTE -> order(actual, value).map(c -> c <= 0).orElse(false);
            };
        }

        @Override
        public JsonNode toJson() {
            ObjectNode n = JsonNodeFactory.instance.objectNode();
            n.put("path", path);
            n.set(op.key, value);
            return n;
        }

        private static boolean anySame(JsonNode actual, JsonNode candidates) {
            for (JsonNode c : candidates) if (same(actual, c)) return true;
            return false;
        }

        /** Deep equality in which 1, 1.0 and 1L are the same number. */
        private static boolean same(JsonNode a, JsonNode b) {
            return a.equals(NUMERIC_EQUALITY, b);
        }

        private static final Comparator<JsonNode> NUMERIC_EQUALITY = (x, y) -> {
            if (x.isNumber() && y.isNumber()) return x.decimalValue().compareTo(y.decimalValue());
            return x.equals(y) ? 0 : 1;
        };

        private static Optional<Integer> order(JsonNode a, JsonNode b) {
            if (a.isNumber() && b.isNumber()) return Optional.of(a.decimalValue().compareTo(b.decimalValue()));
            if (a.isTextual() && b.isTextual()) return Optional.of(a.textValue().compareTo(b.textValue()));
            return Optional.empty();
        }
    }

    /** {@code exists: true} holds when the path leads to a value that is not JSON null. */
    record Exists(String path, boolean expected) implements Condition {
        @Override
        public boolean test(JsonNode context) {
            JsonNode found = JsonPaths.resolve(context, path);
            return (found != null && !found.isNull()) == expected;
        }

        @Override
        public JsonNode toJson() {
            return JsonNodeFactory.instance.objectNode().put("path", path).put("exists", expected);
        }
    }

    record All(List<Condition> conditions) implements Condition {
        public All {
            conditions = List.copyOf(conditions);
        }

        @Override
        public boolean test(JsonNode context) {
            return conditions.stream().allMatch(c -> c.test(context));
        }

        @Override
        public JsonNode toJson() {
            ObjectNode n = JsonNodeFactory.instance.objectNode();
            conditions.forEach(c -> n.withArray("all").add(c.toJson()));
            return n;
        }
    }

    record Any(List<Condition> conditions) implements Condition {
        public Any {
            conditions = List.copyOf(conditions);
        }

        @Override
        public boolean test(JsonNode context) {
            return conditions.stream().anyMatch(c -> c.test(context));
        }

        @Override
        public JsonNode toJson() {
            ObjectNode n = JsonNodeFactory.instance.objectNode();
            conditions.forEach(c -> n.withArray("any").add(c.toJson()));
            return n;
        }
    }

    record Not(Condition condition) implements Condition {
        @Override
        public boolean test(JsonNode context) {
            return !condition.test(context);
        }

        @Override
        public JsonNode toJson() {
            ObjectNode n = JsonNodeFactory.instance.objectNode();
            n.set("not", condition.toJson());
            return n;
        }
    }
}
