package dev.coxswain.server.ui;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a JSON document (an analysis report, a query's rows) into nested tables a person can read,
 * instead of raw JSON: an object is a two-column field/value table, an array of objects is one
 * table whose columns are the union of their keys, a query result ({@code columns} + {@code rows})
 * is a table headed by its column names, a short list of short values is one line, and anything
 * nested inside a cell is a table in that cell. It builds a model only; the {@code json_node}
 * template writes it, escaping every value (they come from other people's databases).
 *
 * <p>Everything is bounded so a huge report cannot make a huge page: rows per table, columns per
 * table, characters per value, nesting depth, and cells per document; whatever is cut says so.
 */
public final class JsonTables {
    /** One value: text ({@code kind} string, number, boolean, null, empty) or a table. */
    public record Node(String text, String kind, Table table) {
        public boolean isTable() {
            return table != null;
        }
    }

    /**
     * A table. {@code keyValue}: rows are fields of one object ({@code key} set, one cell); otherwise
     * each row has one cell per column. {@code note}: what was left out, or null.
     */
    public record Table(List<String> columns, List<Row> rows, boolean keyValue, String note) {
    }

    public record Row(String key, List<Node> cells) {
    }

    /** The bounds. */
    public record Limits(int rows, int columns, int chars, int depth, int cells) {
        public static final Limits DEFAULT = new Limits(500, 40, 2_000, 8, 20_000);
    }

    private static final int INLINE_ITEMS = 20;
    private static final int INLINE_CHARS = 40;

    private final Limits limits;
    private int cells;

    private JsonTables(Limits limits) {
        this.limits = limits;
    }

    public static Node render(JsonNode json) {
        return render(json, Limits.DEFAULT);
    }

    public static Node render(JsonNode json, Limits limits) {
        return new JsonTables(limits).node(json, 0);
    }

    private Node node(JsonNode n, int depth) {
        if (n == null || n.isNull() || n.isMissingNode()) return text("null", "null");
        if (n.isNumber()) return text(n.asText(), "number");
        if (n.isBoolean()) return text(n.asText(), "boolean");
        if (n.isTextual()) return n.asText().isEmpty() ? text("(empty)", "empty") : text(n.asText(), "string");
        if (n.isBinary() || n.isPojo()) return text(n.asText(), "string");
        if (depth >= limits.depth()) return text(n.toString(), "string");
        if (n.isObject()) return object(n, depth);
        return array(n, depth);
    }

    private Node object(JsonNode n, int depth) {
        if (n.isEmpty()) return text("(no fields)", "empty");
        Table rows = queryRows(n, depth);
        List<Row> out = new ArrayList<>();
        int total = n.size(), shown = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (rows != null && e.getKey().equals("columns")) {
                total--; // its names head the rows' table
                continue;
            }
            if (shown == limits.rows() || !spend(1)) break;
            Node value = rows != null && e.getKey().equals("rows") ? new Node(null, null, rows) : node(e.getValue(), depth + 1);
            out.add(new Row(e.getKey(), List.of(value)));
            shown++;
        }
        return table(List.of("Field", "Value"), out, true, shown < total ? cut(shown, total, "fields") : null);
    }

    /**
     * A query result as the custom SQL analyzer writes it: {@code columns} (objects with a name)
     * and {@code rows} (arrays of values, one per column). Null when {@code n} is not one.
     */
    private Table queryRows(JsonNode n, int depth) {
        JsonNode cols = n.get("columns"), rows = n.get("rows");
        if (cols == null || !cols.isArray() || rows == null || !rows.isArray() || cols.isEmpty()) return null;
        List<String> names = new ArrayList<>();
        for (JsonNode c : cols) {
            if (!c.isObject() || !c.path("name").isTextual()) return null;
            names.add(c.get("name").asText());
        }
        for (JsonNode r : rows) if (!r.isArray() || r.size() != names.size()) return null;
        return arrayRows(names, rows, depth + 1);
    }

    private Node array(JsonNode n, int depth) {
        if (n.isEmpty()) return text("(none)", "empty");
        boolean objects = true, scalars = true, arrays = true;
        for (JsonNode item : n) {
            objects &= item.isObject() || item.isNull();
            scalars &= item.isValueNode();
            arrays &= item.isArray();
        }
        if (scalars && inline(n)) {
            List<String> parts = new ArrayList<>();
            for (JsonNode item : n) parts.add(item.isNull() ? "null" : item.asText());
            return text(String.join(", ", parts), "list");
        }
        if (objects && !allNull(n)) return new Node(null, null, objectRows(n, depth));
        if (arrays) {
            int width = 0;
            for (JsonNode item : n) width = Math.max(width, item.size());
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= width; i++) names.add(String.valueOf(i));
            return new Node(null, null, arrayRows(names, n, depth));
        }
        // Mixed: one value per row.
        List<Row> out = new ArrayList<>();
        int shown = 0;
        for (JsonNode item : n) {
            if (shown == limits.rows() || !spend(1)) break;
            out.add(new Row(null, List.of(node(item, depth + 1))));
            shown++;
        }
        return table(List.of("Value"), out, false, shown < n.size() ? cut(shown, n.size(), "rows") : null);
    }

    /** Rows of objects: one column per key any of them has, in the order keys first appear. */
    private Table objectRows(JsonNode n, int depth) {
        Set<String> keys = new LinkedHashSet<>();
        for (JsonNode item : n) item.fieldNames().forEachRemaining(keys::add);
        List<String> columns = new ArrayList<>(keys);
        String colNote = null;
        if (columns.size() > limits.columns()) {
            colNote = columns.size() - limits.columns() + " more columns not shown.";
            columns = columns.subList(0, limits.columns());
        }
        List<Row> out = new ArrayList<>();
        int shown = 0;
        for (JsonNode item : n) {
            if (shown == limits.rows() || !spend(columns.size())) break;
            List<Node> row = new ArrayList<>();
            for (String k : columns) {
                JsonNode v = item.get(k);
                row.add(v == null ? text("", "missing") : node(v, depth + 1));
            }
            out.add(new Row(null, row));
            shown++;
        }
        return new Table(columns, out, false, join(shown < n.size() ? cut(shown, n.size(), "rows") : null, colNote));
    }

    /** Rows that are arrays, under the given column names (shorter rows are padded). */
    private Table arrayRows(List<String> names, JsonNode rows, int depth) {
        List<String> columns = names.size() > limits.columns() ? names.subList(0, limits.columns()) : names;
        String colNote = names.size() > columns.size() ? names.size() - columns.size() + " more columns not shown." : null;
        List<Row> out = new ArrayList<>();
        int shown = 0;
        for (JsonNode r : rows) {
            if (shown == limits.rows() || !spend(columns.size())) break;
            List<Node> row = new ArrayList<>();
            for (int i = 0; i < columns.size(); i++) row.add(i < r.size() ? node(r.get(i), depth + 1) : text("", "missing"));
            out.add(new Row(null, row));
            shown++;
        }
        return new Table(List.copyOf(columns), out, false, join(shown < rows.size() ? cut(shown, rows.size(), "rows") : null,
                colNote));
    }

    private boolean inline(JsonNode n) {
        if (n.size() > INLINE_ITEMS) return false;
        for (JsonNode item : n) if (item.asText().length() > INLINE_CHARS) return false;
        return true;
    }

    private static boolean allNull(JsonNode n) {
        for (JsonNode item : n) if (!item.isNull()) return false;
        return true;
    }

    /** Counts cells against the document's budget; false once it is spent. */
    private boolean spend(int n) {
        if (cells + Math.max(1, n) > limits.cells()) return false;
        cells += Math.max(1, n);
        return true;
    }

    private Node text(String s, String kind) {
        if (s.length() > limits.chars()) {
            s = s.substring(0, limits.chars()) + "… (" + (s.length() - limits.chars()) + " more characters)";
        }
        return new Node(s, kind, null);
    }

    private static Node table(List<String> columns, List<Row> rows, boolean keyValue, String note) {
        return new Node(null, null, new Table(columns, rows, keyValue, note));
    }

    private static String cut(int shown, int total, String what) {
        return "The first " + shown + " of " + total + " " + what + " shown.";
    }

    private static String join(String a, String b) {
        if (a == null) return b;
        return b == null ? a : a + " " + b;
    }
}
