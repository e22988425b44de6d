package dev.coxswain.core.workflow.blueprint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TemplatesTest {
    private static final JsonNode CONTEXT = Json.read("""
            {"initial_data": {"url": "http://x/a.png", "n": 3, "ratio": 1.5, "ok": true, "none": null,
                              "tags": ["a", "b"], "size": {"w": 10, "h": 20}},
             "steps": {"split": [{"part": "p0"}, {"part": "p1"}]},
             "job_id": "j-1"}""");

    private static JsonNode render(String json) {
        return Templates.render(Json.read(json), CONTEXT);
    }

    @Test
    void aLoneReferenceIsTheRawValue() {
        assertThat(render("\"{{ initial_data.n }}\"")).isEqualTo(Json.read("3"));
        assertThat(render("\"{{initial_data.ratio}}\"")).isEqualTo(Json.read("1.5"));
        assertThat(render("\"{{ initial_data.ok }}\"")).isEqualTo(Json.read("true"));
        assertThat(render("\"{{ initial_data.tags }}\"")).isEqualTo(Json.read("[\"a\",\"b\"]"));
        assertThat(render("\"{{ initial_data.size }}\"")).isEqualTo(Json.read("{\"w\":10,\"h\":20}"));
        assertThat(render("\"  {{ initial_data.url }}  \"")).isEqualTo(Json.read("\"http://x/a.png\""));
        assertThat(render("\"{{ initial_data }}\"").get("n").asInt()).isEqualTo(3);
    }

    @Test
    void aMissingPathIsNullAloneAndEmptyInText() {
        assertThat(render("\"{{ initial_data.absent }}\"")).isEqualTo(NullNode.getInstance());
        assertThat(render("\"{{ nothing.at.all }}\"")).isEqualTo(NullNode.getInstance());
        assertThat(render("\"{{ initial_data.none }}\"")).isEqualTo(NullNode.getInstance());
        assertThat(render("\"[{{ initial_data.absent }}]\"").asText()).isEqualTo("[]");
        assertThat(render("\"[{{ initial_data.none }}]\"").asText()).isEqualTo("[]");
        assertThat(render("\"{{ initial_data.url.deeper }}\"")).isEqualTo(NullNode.getInstance());
    }

    @Test
    void embeddedReferencesAreInterpolated() {
        assertThat(render("\"get {{ initial_data.url }} x{{ initial_data.n }} at {{ initial_data.ratio }}\"").asText())
                .isEqualTo("get http://x/a.png x3 at 1.5");
        assertThat(render("\"{{ initial_data.n }}{{ initial_data.n }}\"").asText()).isEqualTo("33");
        assertThat(render("\"tags={{ initial_data.tags }} size={{ initial_data.size }} ok={{ initial_data.ok }}\"").asText())
                .isEqualTo("tags=[\"a\",\"b\"] size={\"w\":10,\"h\":20} ok=true");
    }

    @Test
    void numericSegmentsIndexArrays() {
        assertThat(render("\"{{ initial_data.tags.1 }}\"").asText()).isEqualTo("b");
        assertThat(render("\"{{ steps.split.0.part }}\"").asText()).isEqualTo("p0");
        assertThat(render("\"{{ steps.split.2.part }}\"")).isEqualTo(NullNode.getInstance());
        assertThat(render("\"{{ steps.split.x }}\"")).isEqualTo(NullNode.getInstance());
        assertThat(render("\"{{ steps.split.01 }}\"")).isEqualTo(NullNode.getInstance());
    }

    @Test
    void objectsAndArraysAreRenderedMemberByMember() {
        JsonNode out = render("""
                {"url": "{{ initial_data.url }}", "n": 5, "flag": false, "nil": null,
                 "nested": {"list": ["{{ job_id }}", {"w": "{{ initial_data.size.w }}"}, 7], "text": "job {{ job_id }}"}}""");

        assertThat(out).isEqualTo(Json.read("""
                {"url": "http://x/a.png", "n": 5, "flag": false, "nil": null,
                 "nested": {"list": ["j-1", {"w": 10}, 7], "text": "job j-1"}}"""));
    }

    @Test
    void renderingNeitherChangesTheTemplateNorSharesTheContext() {
        JsonNode template = Json.read("{\"size\": \"{{ initial_data.size }}\"}");
        JsonNode before = template.deepCopy();

        JsonNode out = Templates.render(template, CONTEXT);
        ((ObjectNode) out.get("size")).put("w", 99);

        assertThat(template).isEqualTo(before);
        assertThat(CONTEXT.at("/initial_data/size/w").asInt()).isEqualTo(10);
        assertThat(Templates.render(null, CONTEXT)).isNull();
    }

    @Test
    void stringsWithoutReferencesAndBrokenOnesPassThrough() {
        assertThat(render("\"plain } text {\"").asText()).isEqualTo("plain } text {");
        assertThat(render("\"stray }} close\"").asText()).isEqualTo("stray }} close");
        assertThat(render("\"{{ unclosed\"").asText()).isEqualTo("{{ unclosed");
        assertThat(render("\"{{ a b }}\"").asText()).isEqualTo("{{ a b }}");
    }

    @Test
    void textAlwaysInterpolates() {
        assertThat(Templates.text("{{ initial_data.tags }}", CONTEXT)).isEqualTo("[\"a\",\"b\"]");
        assertThat(Templates.text("{{ initial_data.absent }}", CONTEXT)).isEmpty();
        assertThat(Templates.text("Publish {{ initial_data.url }}?", CONTEXT)).isEqualTo("Publish http://x/a.png?");
    }

    @Test
    void pathsListsEveryReferenceInOrder() {
        assertThat(Templates.paths(Json.read("""
                {"a": "{{ initial_data.url }} and {{ job_id }}", "b": ["{{ steps.x.0 }}", 5, {"c": "{{ job_id }}"}], "d": "{{ bad"}""")))
                .containsExactly("initial_data.url", "job_id", "steps.x.0");
    }

    @Test
    void syntaxErrors() {
        assertThat(Templates.syntaxError("no templates")).isNull();
        assertThat(Templates.syntaxError("{{ a.b-c.0 }} {{_x}}")).isNull();
        assertThat(Templates.syntaxError("x {{ a")).isEqualTo("unclosed '{{' at character 3 of 'x {{ a'");
        assertThat(Templates.syntaxError("{{}}")).isEqualTo("empty '{{ }}' in '{{}}'");
        assertThat(Templates.syntaxError("{{ a..b }}")).startsWith("'{{ a..b }}' is not a dotted path");
        assertThat(Templates.syntaxError("{{ 0.a }}")).startsWith("'{{ 0.a }}' is not a dotted path");
        assertThat(Templates.syntaxError("{{ a['b'] }}")).startsWith("'{{ a['b'] }}' is not a dotted path");
        assertThat(Templates.syntaxError("{{ {{ a }} }}")).startsWith("'{{ {{ a }}' is not a dotted path");
    }
}
