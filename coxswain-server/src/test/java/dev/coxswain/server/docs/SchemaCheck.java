package dev.coxswain.server.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a real JSON answer against the schema the document gives for that operation and status:
 * the subset of JSON Schema the document uses ($ref, allOf, type, enum, const, format date-time,
 * minimum/maximum, required, properties, items, additionalProperties). Stricter than JSON Schema
 * in one way, on purpose: an object schema that lists {@code properties} rejects properties it
 * does not list, so a field added to the code but not to the document is caught.
 */
public final class SchemaCheck {
    private final JsonNode doc;

    public SchemaCheck(JsonNode doc) {
        this.doc = doc;
    }

    /** The JSON schema of an operation's answer; fails when that status or media type is not documented. */
    public JsonNode responseSchema(String path, String method, int status) {
        JsonNode response = resolve(doc.path("paths").path(path).path(method).path("responses").path(Integer.toString(status)));
        if (response.isMissingNode()) throw new AssertionError(method.toUpperCase() + " " + path + " does not document status " + status);
        JsonNode schema = response.path("content").path("application/json").path("schema");
        if (schema.isMissingNode()) throw new AssertionError(method.toUpperCase() + " " + path + " " + status + " has no application/json schema");
        return schema;
    }

    /** A component schema, with allOf merged. */
    public JsonNode schema(String name) {
        return flatten(doc.path("components").path("schemas").path(name));
    }

    /** @return every difference, each with the JSON path where it is; empty when the value fits */
    public List<String> problems(JsonNode value, JsonNode schema) {
        List<String> out = new ArrayList<>();
        check(value, schema, "$", out);
        return out;
    }

    private void check(JsonNode v, JsonNode rawSchema, String at, List<String> out) {
        JsonNode s = flatten(rawSchema);
        if (s.has("type") && !typeMatches(v, s.get("type"))) {
            out.add(at + ": " + kind(v) + " is not " + s.get("type"));
            return;
        }
        if (s.has("enum") && !contains(s.get("enum"), v)) out.add(at + ": " + v + " is not one of " + s.get("enum"));
        if (s.has("const") && !s.get("const").equals(v)) out.add(at + ": " + v + " is not " + s.get("const"));
        if (v.isTextual() && "date-time".equals(s.path("format").asText())) {
            try {
                OffsetDateTime.parse(v.asText());
            } catch (DateTimeParseException e) {
                out.add(at + ": '" + v.asText() + "' is not an RFC 3339 date-time");
            }
        }
        if (v.isNumber() && s.has("minimum") && v.decimalValue().compareTo(s.get("minimum").decimalValue()) < 0) {
            out.add(at + ": " + v + " is below the minimum " + s.get("minimum"));
        }
        if (v.isNumber() && s.has("maximum") && v.decimalValue().compareTo(s.get("maximum").decimalValue()) > 0) {
            out.add(at + ": " + v + " is above the maximum " + s.get("maximum"));
        }
        if (v.isObject()) {
            for (JsonNode r : s.path("required")) {
                if (!v.has(r.asText())) out.add(at + ": required property '" + r.asText() + "' is missing");
            }
            JsonNode props = s.path("properties");
            JsonNode extra = s.path("additionalProperties");
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                String where = at + "." + f.getKey();
                if (props.has(f.getKey())) check(f.getValue(), props.get(f.getKey()), where, out);
                else if (extra.isObject()) check(f.getValue(), extra, where, out);
                else if (props.isObject() || extra.isBoolean() && !extra.asBoolean()) out.add(where + ": not declared in the document");
            }
        }
        if (v.isArray() && s.has("items")) {
            for (int i = 0; i < v.size(); i++) check(v.get(i), s.get("items"), at + "[" + i + "]", out);
        }
    }

    /** Resolves $ref and merges allOf parts into one schema (properties and required united). */
    private JsonNode flatten(JsonNode schema) {
        JsonNode s = resolve(schema);
        if (!s.has("allOf")) return s;
        ObjectNode merged = ((ObjectNode) s).deepCopy();
        merged.remove("allOf");
        ObjectNode props = merged.has("properties") ? (ObjectNode) merged.get("properties") : merged.putObject("properties");
        Set<String> required = new LinkedHashSet<>();
        merged.path("required").forEach(r -> required.add(r.asText()));
        for (JsonNode part : s.get("allOf")) {
            JsonNode p = flatten(part);
            if (p.has("type") && !merged.has("type")) merged.set("type", p.get("type"));
            if (p.has("properties")) props.setAll((ObjectNode) p.get("properties"));
            p.path("required").forEach(r -> required.add(r.asText()));
        }
        ArrayNode req = merged.putArray("required");
        required.forEach(req::add);
        return merged;
    }

    /** Follows local {@code #/...} references, including chains. */
    public JsonNode resolve(JsonNode node) {
        JsonNode n = node;
        for (int hops = 0; n.has("$ref"); hops++) {
            if (hops > 20) throw new AssertionError("reference loop at " + node);
            String ref = n.get("$ref").asText();
            if (!ref.startsWith("#/")) throw new AssertionError("only local references are expected: " + ref);
            n = doc.at(ref.substring(1));
            if (n.isMissingNode()) throw new AssertionError("dangling reference " + ref);
        }
        return n;
    }

    private static boolean typeMatches(JsonNode v, JsonNode type) {
        if (type.isArray()) {
            for (JsonNode t : type) if (typeMatches(v, t)) return true;
            return false;
        }
        return switch (type.asText()) {
            case "null" -> v.isNull();
            case "string" -> v.isTextual();
            case "boolean" -> v.isBoolean();
            case "integer" -> v.isIntegralNumber() || v.isNumber() && v.decimalValue().stripTrailingZeros().scale() <= 0;
            case "number" -> v.isNumber();
            case "array" -> v.isArray();
            case "object" -> v.isObject();
            default -> throw new AssertionError("unknown type " + type);
        };
    }

    private static boolean contains(JsonNode values, JsonNode v) {
        for (JsonNode e : values) if (e.equals(v)) return true;
        return false;
    }

    private static String kind(JsonNode v) {
        return v.isNull() ? "null" : v.getNodeType().name().toLowerCase() + " " + Json.write(v);
    }
}
