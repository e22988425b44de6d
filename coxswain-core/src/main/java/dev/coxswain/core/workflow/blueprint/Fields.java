package dev.coxswain.core.workflow.blueprint;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Typed reads of one JSON object's fields for validation; each bad field is reported at its own path. */
final class Fields {
    static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,128}");
    static final String NAME_RULE = "must be 1 to 128 letters, digits, '_' or '-'";

    private final JsonNode object;
    private final String path;
    private final Problems out;

    Fields(JsonNode object, String path, Problems out) {
        this.object = object;
        this.path = path;
        this.out = out;
    }

    String at(String field) {
        return Problems.join(path, field);
    }

    /** Where a problem of the object itself (a missing field) is reported; {@code $} for the blueprint. */
    String self() {
        return path.isEmpty() ? "$" : path;
    }

    JsonNode get(String field) {
        JsonNode v = object.get(field);
        return v == null || v.isNull() ? null : v;
    }

    boolean has(String field) {
        return get(field) != null;
    }

    /** Reports every field not in {@code allowed} (a typo such as {@code retires} would otherwise pass unnoticed). */
    void onlyThese(Set<String> allowed, String what) {
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) out.error(at(f), "unknown field for " + what + "; known: " + String.join(", ", new TreeSet<>(allowed)));
        }
    }

    /** @return the field's text when present and matching {@code pattern}, else null (reported) */
    String text(String field, boolean required, Pattern pattern, String rule) {
        JsonNode v = get(field);
        if (v == null) {
            if (required) out.error(self(), "missing field '" + field + "'");
            return null;
        }
        if (!v.isTextual() || (pattern != null && !pattern.matcher(v.textValue()).matches())) {
            out.error(at(field), rule);
            return null;
        }
        return v.textValue();
    }

    String name(String field, boolean required) {
        return text(field, required, NAME, NAME_RULE);
    }

    Integer integer(String field, int min, int max) {
        JsonNode v = get(field);
        if (v == null) return null;
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min || v.intValue() > max) {
            out.error(at(field), "must be an integer from " + min + " to " + max);
            return null;
        }
        return v.intValue();
    }

    Boolean bool(String field) {
        JsonNode v = get(field);
        if (v == null) return null;
        if (!v.isBoolean()) {
            out.error(at(field), "must be true or false");
            return null;
        }
        return v.booleanValue();
    }

    JsonNode object(String field) {
        JsonNode v = get(field);
        if (v != null && !v.isObject()) {
            out.error(at(field), "must be an object");
            return null;
        }
        return v;
    }

    /**
     * Reads {@code transitions}: {label: state}. Labels are names; the targets are returned for the
     * graph checks, each with its path.
     *
     * @return label → target (bad entries left out), or null when the field is absent or not an object
     */
    Map<String, String> transitions(String why) {
        JsonNode v = get("transitions");
        if (v == null) {
            out.error(self(), "missing field 'transitions' (" + why + ")");
            return null;
        }
        if (!v.isObject()) {
            out.error(at("transitions"), "must be an object of {status: state}");
            return null;
        }
        if (v.isEmpty()) out.error(at("transitions"), "needs at least one transition (" + why + ")");
        Map<String, String> map = new LinkedHashMap<>();
        String base = at("transitions");
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String entry = Problems.join(base, e.getKey());
            if (!NAME.matcher(e.getKey()).matches()) {
                out.error(entry, "'" + e.getKey() + "' is not a valid status: it " + NAME_RULE);
            } else if (!e.getValue().isTextual()) {
                out.error(entry, "must name a state");
            } else {
                map.put(e.getKey(), e.getValue().textValue());
            }
        }
        return map;
    }
}
