package dev.coxswain.core.workflow.blueprint;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Reads a {@code when} into a {@link Condition}, reporting every problem at its own path. */
final class ConditionReader {
    private ConditionReader() {
    }

    /** @return the condition, or null when {@code node} has errors (reported in {@code out}) */
    static Condition read(JsonNode node, String path, Problems out) {
        if (node == null || !node.isObject()) {
            out.error(path, "a condition must be an object: {path, <op>: value}, {all: [...]}, {any: [...]} or {not: ...}");
            return null;
        }
        if (node.has("all") || node.has("any")) return group(node, path, out);
        if (node.has("not")) {
            if (!onlyKey(node, "not", path, out)) return null;
            Condition inner = read(node.get("not"), Problems.join(path, "not"), out);
            return inner == null ? null : new Condition.Not(inner);
        }
        return comparison(node, path, out);
    }

    private static Condition group(JsonNode node, String path, Problems out) {
        String key = node.has("all") ? "all" : "any";
        if (!onlyKey(node, key, path, out)) return null;
        JsonNode list = node.get(key);
        String at = Problems.join(path, key);
        if (!list.isArray() || list.isEmpty()) {
            out.error(at, "'" + key + "' must be a non-empty array of conditions");
            return null;
        }
        List<Condition> conditions = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < list.size(); i++) {
            Condition c = read(list.get(i), Problems.index(at, i), out);
            ok &= c != null;
            conditions.add(c);
        }
        if (!ok) return null;
        return key.equals("all") ? new Condition.All(conditions) : new Condition.Any(conditions);
    }

    private static Condition comparison(JsonNode node, String path, Problems out) {
        int before = out.size();
        JsonNode p = node.get("path");
        String target = null;
        if (p == null) {
            out.error(path, "missing field 'path'");
        } else if (!p.isTextual() || !JsonPaths.valid(p.textValue())) {
            out.error(Problems.join(path, "path"), "must be a dotted path such as 'initial_data.count'");
        } else {
            target = p.textValue();
        }
        String opKey = null;
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (key.equals("path")) continue;
            if (!key.equals("exists") && Condition.Op.of(key).isEmpty()) {
                out.error(Problems.join(path, key), "unknown operator '" + key + "'; known: eq ne gt gte lt lte in exists");
            } else if (opKey != null) {
                out.error(path, "a condition has one operator; found '" + opKey + "' and '" + key + "'");
            } else {
                opKey = key;
            }
        }
        if (opKey == null) {
            if (out.size() == before) out.error(path, "missing an operator: eq ne gt gte lt lte in exists");
            return null;
        }
        JsonNode value = node.get(opKey);
        String at = Problems.join(path, opKey);
        if (opKey.equals("exists")) {
            if (!value.isBoolean()) out.error(at, "must be true or false");
            return out.size() == before ? new Condition.Exists(target, value.booleanValue()) : null;
        }
        Condition.Op op = Condition.Op.of(opKey).orElseThrow();
        if (op == Condition.Op.IN && !value.isArray()) out.error(at, "must be an array of values");
        if (isOrdering(op) && !value.isNumber() && !value.isTextual()) out.error(at, "must be a number or a string");
        return out.size() == before ? new Condition.Compare(target, op, value.deepCopy()) : null;
    }

    private static boolean isOrdering(Condition.Op op) {
        return op == Condition.Op.GT || op == Condition.Op.GTE || op == Condition.Op.LT || op == Condition.Op.LTE;
    }

    private static boolean onlyKey(JsonNode node, String key, String path, Problems out) {
        if (node.size() == 1) return true;
        out.error(path, "'" + key + "' must be the condition's only field");
        return false;
    }
}
