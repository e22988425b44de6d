package dev.coxswain.core.workflow.blueprint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code {{ path }}} templates in any JSON string of a blueprint (params, messages, initial data,
 * results, for_each). A string that is one reference and nothing else renders to the raw JSON
 * value at that path (null when absent), so {@code "{{ initial_data.images }}"} passes an array
 * on as an array; a reference inside other text is interpolated (absent → empty, objects and
 * arrays as compact JSON). Objects and arrays are rendered member by member; other values pass
 * through. Syntax is checked at validation ({@link #syntaxError}); rendering never throws and
 * leaves a string whose syntax is broken as it is.
 */
public final class Templates {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Templates() {
    }

    /** @return a new tree: {@code template} with every reference replaced from {@code context} */
    public static JsonNode render(JsonNode template, JsonNode context) {
        if (template == null) return null;
        if (template.isTextual()) return renderString(template.textValue(), context);
        if (template.isObject()) {
            ObjectNode out = NODES.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = template.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.set(e.getKey(), render(e.getValue(), context));
            }
            return out;
        }
        if (template.isArray()) {
            ArrayNode out = NODES.arrayNode();
            for (JsonNode element : template) out.add(render(element, context));
            return out;
        }
        return template;
    }

    /** Interpolates {@code template} as text, even when it is one lone reference. */
    public static String text(String template, JsonNode context) {
        List<Part> parts = partsOrNull(template);
        if (parts == null) return template;
        StringBuilder out = new StringBuilder();
        for (Part p : parts) out.append(p.path == null ? p.literal : interpolated(JsonPaths.resolve(context, p.path)));
        return out.toString();
    }

    /** @return every path referenced anywhere in {@code template}, in order of appearance */
    public static Set<String> paths(JsonNode template) {
        Set<String> out = new LinkedHashSet<>();
        collectPaths(template, out);
        return out;
    }

    /** @return null when every {@code {{ }}} in {@code text} is well formed, else what is wrong */
    public static String syntaxError(String text) {
        try {
            parts(text);
            return null;
        } catch (SyntaxError e) {
            return e.getMessage();
        }
    }

    /** Reports a syntax error for each broken string in {@code template}, at its own path. */
    static void check(JsonNode template, String path, Problems out) {
        if (template == null) return;
        if (template.isTextual()) {
            String error = syntaxError(template.textValue());
            if (error != null) out.error(path, error);
        } else if (template.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = template.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                check(e.getValue(), Problems.join(path, e.getKey()), out);
            }
        } else if (template.isArray()) {
            for (int i = 0; i < template.size(); i++) check(template.get(i), Problems.index(path, i), out);
        }
    }

    /** @return the lone path when {@code text} is exactly one reference (blank around it allowed) */
    static String lonePath(String text) {
        List<Part> parts = partsOrNull(text);
        if (parts == null) return null;
        String path = null;
        for (Part p : parts) {
            if (p.path == null) {
                if (!p.literal.isBlank()) return null;
            } else if (path != null) {
                return null;
            } else {
                path = p.path;
            }
        }
        return path;
    }

    private static JsonNode renderString(String text, JsonNode context) {
        if (!text.contains("{{")) return TextNode.valueOf(text);
        String lone = lonePath(text);
        if (lone != null) {
            JsonNode value = JsonPaths.resolve(context, lone);
            return value == null ? NullNode.getInstance() : value.deepCopy();
        }
        return TextNode.valueOf(text(text, context));
    }

    private static String interpolated(JsonNode value) {
        if (value == null || value.isNull()) return "";
        if (value.isTextual()) return value.textValue();
        if (value.isValueNode()) return value.asText();
        return value.toString();
    }

    private static void collectPaths(JsonNode template, Set<String> out) {
        if (template == null) return;
        if (template.isTextual()) {
            List<Part> parts = partsOrNull(template.textValue());
            if (parts != null) for (Part p : parts) if (p.path != null) out.add(p.path);
        } else {
            for (JsonNode child : template) collectPaths(child, out);
        }
    }

    private record Part(String literal, String path) {
    }

    private static List<Part> partsOrNull(String text) {
        try {
            return parts(text);
        } catch (SyntaxError e) {
            return null;
        }
    }

    private static List<Part> parts(String text) {
        List<Part> parts = new ArrayList<>();
        int from = 0;
        while (true) {
            int open = text.indexOf("{{", from);
            if (open < 0) break;
            int close = text.indexOf("}}", open + 2);
            if (close < 0) throw new SyntaxError("unclosed '{{' at character " + (open + 1) + " of '" + text + "'");
            String inner = text.substring(open + 2, close).trim();
            if (inner.isEmpty()) throw new SyntaxError("empty '{{ }}' in '" + text + "'");
            if (!JsonPaths.valid(inner)) {
                throw new SyntaxError("'{{ " + inner + " }}' is not a dotted path (names of letters, digits, _ or -, "
                        + "joined by dots) in '" + text + "'");
            }
            if (open > from) parts.add(new Part(text.substring(from, open), null));
            parts.add(new Part(null, inner));
            from = close + 2;
        }
        if (from < text.length()) parts.add(new Part(text.substring(from), null));
        return parts;
    }

    private static final class SyntaxError extends RuntimeException {
        SyntaxError(String message) {
            super(message, null, false, false);
        }
    }
}
