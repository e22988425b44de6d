package dev.coxswain.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.server.ui.JsonTables.Node;
import dev.coxswain.server.ui.JsonTables.Table;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shapes the analyzers write, as tables; bounded; and escaped once rendered by its template. */
class JsonTablesTest {
    final UiTemplates templates = new UiTemplates();

    @Test
    void anObjectIsAFieldValueTableWithNestedTables() {
        Node n = JsonTables.render(Json.read("""
                {"checks_performed": 3, "ok": true, "note": null, "server": {"version": "17.2"},
                 "files": ["a.log", "b.log"], "empty": [], "blank": ""}"""));
        Table t = n.table();
        assertThat(t.keyValue()).isTrue();
        assertThat(t.rows()).extracting(JsonTables.Row::key).containsExactly("checks_performed", "ok", "note", "server", "files",
                "empty", "blank");
        assertThat(cell(t, 0)).isEqualTo(new Node("3", "number", null));
        assertThat(cell(t, 1).kind()).isEqualTo("boolean");
        assertThat(cell(t, 2).kind()).isEqualTo("null");
        assertThat(cell(t, 3).table().rows().get(0).key()).isEqualTo("version");
        assertThat(cell(t, 4)).isEqualTo(new Node("a.log, b.log", "list", null));
        assertThat(cell(t, 5).kind()).isEqualTo("empty");
        assertThat(cell(t, 6).kind()).isEqualTo("empty");
    }

    @Test
    void anArrayOfObjectsIsOneTableWithTheUnionOfTheirKeys() {
        Node n = JsonTables.render(Json.read("""
                [{"table": "public.a", "dead_ratio": 0.1}, {"table": "public.b", "error": "no such table"}]"""));
        Table t = n.table();
        assertThat(t.keyValue()).isFalse();
        assertThat(t.columns()).containsExactly("table", "dead_ratio", "error");
        assertThat(t.rows().get(0).cells()).extracting(Node::text).containsExactly("public.a", "0.1", "");
        assertThat(t.rows().get(1).cells()).extracting(Node::kind).containsExactly("string", "missing", "string");
    }

    @Test
    void aQueryResultIsHeadedByItsColumnNames() {
        Node n = JsonTables.render(Json.read("""
                {"columns": [{"name": "id", "type": "int4"}, {"name": "name", "type": "text"}],
                 "rows": [[1, "x"], [2, null]], "row_count": 2, "truncated": false}"""));
        Table t = n.table();
        assertThat(t.rows()).extracting(JsonTables.Row::key).containsExactly("rows", "row_count", "truncated");
        Table rows = cell(t, 0).table();
        assertThat(rows.columns()).containsExactly("id", "name");
        assertThat(rows.rows().get(1).cells()).extracting(Node::kind).containsExactly("number", "null");
    }

    @Test
    void longListsAndLongValuesAreOnePerRowOrCut() {
        Node sentences = JsonTables.render(Json.read("[\"shared_buffers is below 25% of RAM: raise it\", \"work_mem is tiny\"]"));
        assertThat(sentences.table().columns()).containsExactly("Value");
        assertThat(sentences.table().rows()).hasSize(2);
        Node longText = JsonTables.render(Json.MAPPER.valueToTree("x".repeat(5000)));
        assertThat(longText.text()).hasSize(2000 + "… (3000 more characters)".length()).endsWith("… (3000 more characters)");
        Node arrays = JsonTables.render(Json.read("[[1, 2], [3]]"));
        assertThat(arrays.table().columns()).containsExactly("1", "2");
        assertThat(arrays.table().rows().get(1).cells().get(1).kind()).isEqualTo("missing");
    }

    @Test
    void rowsColumnsDepthAndCellsAreBounded() {
        ArrayNode many = Json.MAPPER.createArrayNode();
        for (int i = 0; i < 1200; i++) many.addObject().put("i", i);
        Table t = JsonTables.render(many).table();
        assertThat(t.rows()).hasSize(500);
        assertThat(t.note()).isEqualTo("The first 500 of 1200 rows shown.");
        ObjectNode wide = Json.object();
        for (int i = 0; i < 60; i++) wide.put("c" + i, i);
        ArrayNode wideRows = Json.MAPPER.createArrayNode().add(wide);
        Table w = JsonTables.render(wideRows).table();
        assertThat(w.columns()).hasSize(40);
        assertThat(w.note()).isEqualTo("20 more columns not shown.");
        String deep = "{\"a\":".repeat(12) + "1" + "}".repeat(12);
        Node d = JsonTables.render(Json.read(deep));
        for (int i = 0; i < 8; i++) d = d.table().rows().get(0).cells().get(0);
        assertThat(d.isTable()).isFalse();
        assertThat(d.text()).isEqualTo("{\"a\":{\"a\":{\"a\":{\"a\":1}}}}");
        Node budget = JsonTables.render(many, new JsonTables.Limits(5000, 40, 100, 8, 100));
        assertThat(budget.table().rows()).hasSize(100);
    }

    @Test
    void theTemplateEscapesEveryValueAndKey() {
        Node n = JsonTables.render(Json.read("""
                {"<b>key</b>": [{"<i>col</i>": "<script>alert(1)</script>"}], "x": "a & \\"b\\""}"""));
        String html = templates.render("json_node.jte", n);
        assertThat(html).doesNotContain("<script>").doesNotContain("<b>").doesNotContain("<i>")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;").contains("<th scope=\"row\">&lt;b&gt;key&lt;/b&gt;</th>")
                .contains("<th scope=\"col\">&lt;i&gt;col&lt;/i&gt;</th>").contains("a &amp; \"b\"")
                .contains("<table class=\"json json-kv\">");
    }

    private static Node cell(Table t, int row) {
        List<Node> cells = t.rows().get(row).cells();
        return cells.get(0);
    }
}
