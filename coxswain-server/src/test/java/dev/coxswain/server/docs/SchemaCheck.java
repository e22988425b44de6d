package dev.coxswain.server.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import dev.coxswain.core.Json;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a real JSON answer against the schema the document gives for that operation and status,
 * with a real JSON Schema 2020-12 validator (OpenAPI 3.1's dialect; formats asserted).
 *
 * <p>It validates against a <em>strict view</em> of the document, on purpose: every object schema
 * that lists {@code properties} and says nothing of others gets {@code additionalProperties:
 * false} (allOf parts are merged first, so a part does not reject its sibling's properties). A
 * field added to the code but not to the document is then caught, where plain JSON Schema would
 * let it pass.
 */
public final class SchemaCheck {
    private static final String BASE = "urn:coxswain:openapi";

    private final JsonNode doc;
    private final JsonNode strict;
    private final SchemaRegistry registry;
    private final Map<JsonNode, Schema> compiled = new IdentityHashMap<>();
    private final Map<JsonNode, String> pointers = new IdentityHashMap<>();

    public SchemaCheck(JsonNode doc) {
        this.doc = doc;
        this.strict = strictView(doc);
        String text = Json.write(strict);
        this.registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, b -> b
                .schemas(Map.of(BASE, text))
                .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
    }

    /** The JSON schema of an operation's answer (strict view); fails when that status or media type is not documented. */
    public JsonNode responseSchema(String path, String method, int status) {
        String pointer = "/paths/" + escape(path) + "/" + method + "/responses/" + status;
        JsonNode response = strict.at(pointer);
        if (response.has("$ref")) {
            pointer = response.get("$ref").asText().substring(1);
            response = strict.at(pointer);
        }
        if (response.isMissingNode()) throw new AssertionError(method.toUpperCase() + " " + path + " does not document status " + status);
        pointer += "/content/application~1json/schema";
        JsonNode schema = strict.at(pointer);
        if (schema.isMissingNode()) throw new AssertionError(method.toUpperCase() + " " + path + " " + status + " has no application/json schema");
        return located(schema, pointer);
    }

    /** Every difference between the body and the documented answer; empty when it fits. */
    public List<String> responseProblems(String path, String method, int status, JsonNode body) {
        return problems(body, responseSchema(path, method, status));
    }

    /** A component schema, with allOf merged (strict view). */
    public JsonNode schema(String name) {
        return located(strict.path("components").path("schemas").path(name), "/components/schemas/" + escape(name));
    }

    /**
     * @param schema a schema node of this document (as {@link #responseSchema} or {@link #schema} give)
     * @return every difference, each with the JSON path where it is; empty when the value fits
     */
    public synchronized List<String> problems(JsonNode value, JsonNode schema) {
        String pointer = pointers.get(schema);
        if (pointer == null) throw new IllegalArgumentException("not a schema this check handed out: " + schema);
        // By its place in the document, so its references resolve there.
        Schema s = compiled.computeIfAbsent(schema, n -> registry.getSchema(SchemaLocation.of(BASE + "#" + pointer)));
        List<String> out = new ArrayList<>();
        for (Error e : s.validate(value)) out.add(e.getInstanceLocation() + ": " + e.getMessage() + " (" + e.getKeyword() + ")");
        return out;
    }

    private synchronized JsonNode located(JsonNode schema, String pointer) {
        pointers.put(schema, pointer);
        return schema;
    }

    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    /** Follows local {@code #/...} references, including chains. */
    public JsonNode resolve(JsonNode node) {
        return resolveIn(doc, node);
    }

    /** Like {@link #resolve}, in the strict view. */
    public JsonNode resolveStrict(JsonNode node) {
        return resolveIn(strict, node);
    }

    private static JsonNode resolveIn(JsonNode root, JsonNode node) {
        JsonNode n = node;
        for (int hops = 0; n.has("$ref"); hops++) {
            if (hops > 20) throw new AssertionError("reference loop at " + node);
            String ref = n.get("$ref").asText();
            if (!ref.startsWith("#/")) throw new AssertionError("only local references are expected: " + ref);
            n = root.at(ref.substring(1));
            if (n.isMissingNode()) throw new AssertionError("dangling reference " + ref);
        }
        return n;
    }

    /** The document with allOf merged and undeclared properties refused (see the class comment). */
    static JsonNode strictView(JsonNode doc) {
        JsonNode copy = doc.deepCopy();
        tighten(copy, copy);
        return copy;
    }

    private static void tighten(JsonNode root, JsonNode node) {
        if (node.isArray()) {
            for (JsonNode e : node) tighten(root, e);
            return;
        }
        if (!node.isObject()) return;
        ObjectNode o = (ObjectNode) node;
        if (o.has("allOf")) mergeAllOf(root, o);
        if (o.has("properties") && o.get("properties").isObject() && !o.has("additionalProperties")
                && !o.has("unevaluatedProperties")) {
            o.put("additionalProperties", false);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            // Examples are data, not schemas.
            if (!f.getKey().equals("example") && !f.getKey().equals("examples")) tighten(root, f.getValue());
        }
    }

    /** Replaces allOf by one schema with the parts' properties and required united. */
    private static void mergeAllOf(JsonNode root, ObjectNode o) {
        JsonNode parts = o.remove("allOf");
        ObjectNode props = o.has("properties") ? (ObjectNode) o.get("properties") : o.putObject("properties");
        Set<String> required = new LinkedHashSet<>();
        o.path("required").forEach(r -> required.add(r.asText()));
        for (JsonNode raw : parts) {
            ObjectNode p = (ObjectNode) resolveIn(root, raw).deepCopy();
            if (p.has("allOf")) mergeAllOf(root, p);
            if (p.has("type") && !o.has("type")) o.set("type", p.get("type"));
            if (p.has("properties")) props.setAll((ObjectNode) p.get("properties"));
            p.path("required").forEach(r -> required.add(r.asText()));
        }
        ArrayNode req = o.putArray("required");
        required.forEach(req::add);
    }
}
