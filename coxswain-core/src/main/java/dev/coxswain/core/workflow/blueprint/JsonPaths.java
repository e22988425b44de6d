package dev.coxswain.core.workflow.blueprint;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;

/**
 * Dotted paths into a JSON context ({@code initial_data.images.0.url}): a segment names an
 * object's field, a numeric segment indexes an array. Used by templates and conditions alike.
 */
public final class JsonPaths {
    /** A first segment that names a context key, then any number of field names or indexes. */
    static final Pattern SYNTAX = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*(\\.[A-Za-z0-9_-]+)*");
    private static final Pattern INDEX = Pattern.compile("0|[1-9][0-9]{0,8}");

    private JsonPaths() {
    }

    public static boolean valid(String path) {
        return path != null && SYNTAX.matcher(path).matches();
    }

    /** @return the node at {@code path}, or null when any segment is absent (never throws) */
    public static JsonNode resolve(JsonNode context, String path) {
        JsonNode at = context;
        for (String segment : path.split("\\.", -1)) {
            if (at == null) return null;
            if (at.isObject()) {
                at = at.get(segment);
            } else if (at.isArray() && INDEX.matcher(segment).matches()) {
                at = at.get(Integer.parseInt(segment));
            } else {
                return null;
            }
        }
        return at == null || at.isMissingNode() ? null : at;
    }

    /** The context key a path starts from: {@code initial_data} for {@code initial_data.url}. */
    static String root(String path) {
        int dot = path.indexOf('.');
        return dot < 0 ? path : path.substring(0, dot);
    }
}
