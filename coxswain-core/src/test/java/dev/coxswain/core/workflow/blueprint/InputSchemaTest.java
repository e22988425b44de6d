package dev.coxswain.core.workflow.blueprint;

import dev.coxswain.core.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InputSchemaTest {
    private static final String SCHEMA = """
            {"type": "object", "required": ["url"],
             "properties": {"url": {"type": "string", "minLength": 1}, "n": {"type": "integer", "minimum": 1},
                            "tags": {"type": "array", "items": {"type": "string"}}}}""";

    @Test
    void acceptsValidInput() {
        InputSchema schema = InputSchema.compile(Json.read(SCHEMA));
        assertThat(schema.validate(Json.read("{\"url\":\"x\",\"n\":2,\"tags\":[\"a\"]}"))).isEmpty();
    }

    @Test
    void reportsEveryViolationWithWhereItIs() {
        InputSchema schema = InputSchema.compile(Json.read(SCHEMA));

        assertThat(schema.validate(Json.read("{\"n\":0,\"tags\":[\"a\",2]}"))).containsExactlyInAnyOrder(
                "required property 'url' not found",
                "/n: must have a minimum value of 1",
                "/tags/1: integer found, string expected");
        assertThat(schema.validate(Json.read("[1]"))).containsExactly("array found, object expected");
        assertThat(schema.validate(Json.read("null"))).containsExactly("null found, object expected");
    }

    @Test
    void draft2020FeaturesApplyByDefault() {
        InputSchema schema = InputSchema.compile(Json.read("""
                {"type": "array", "prefixItems": [{"type": "string"}], "items": {"type": "integer"}}"""));
        assertThat(schema.validate(Json.read("[\"a\", 1, 2]"))).isEmpty();
        assertThat(schema.validate(Json.read("[\"a\", \"b\"]"))).hasSize(1);
    }

    @Test
    void anotherDeclaredDraftIsHonoured() {
        assertThat(InputSchema.problem(Json.read("{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"object\"}"))).isNull();
        assertThat(InputSchema.problem(Json.read("{\"$schema\":\"http://example.com/my-draft\"}")))
                .isEqualTo("unknown $schema 'http://example.com/my-draft'");
    }

    @Test
    void invalidSchemasAreProblemsNotExceptions() {
        assertThat(InputSchema.problem(Json.read("{\"type\":\"strnig\"}"))).startsWith("not a valid JSON Schema: ");
        assertThat(InputSchema.problem(Json.read("{\"minimum\":\"x\"}"))).startsWith("not a valid JSON Schema: ");
        assertThat(InputSchema.problem(Json.read("{\"required\":\"url\"}"))).startsWith("not a valid JSON Schema: ");
        assertThat(InputSchema.problem(Json.read("{\"pattern\":\"(\"}"))).startsWith("not a usable JSON Schema: ")
                .doesNotContain("\n");
        assertThat(InputSchema.problem(Json.read("{\"$ref\":\"#/$defs/missing\"}"))).startsWith("not a usable JSON Schema: ");
        assertThat(InputSchema.problem(Json.read("[1]"))).isEqualTo("must be a JSON Schema (an object)");
        assertThat(InputSchema.problem(null)).isEqualTo("must be a JSON Schema (an object)");
        assertThatThrownBy(() -> InputSchema.compile(Json.read("{\"type\":5}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not a valid JSON Schema: ");
    }

    @Test
    void aRemoteReferenceIsNeverFetched() {
        // Port 9 (discard) on loopback: were it fetched, the problem would be a refused connection.
        assertThat(InputSchema.problem(Json.read("{\"$ref\":\"http://127.0.0.1:9/schema.json\"}")))
                .startsWith("not a usable JSON Schema: ").doesNotContainIgnoringCase("connect");
    }

    @Test
    void trueAcceptsAnything() {
        assertThat(InputSchema.compile(Json.read("true")).validate(Json.read("{\"x\":1}"))).isEmpty();
    }
}
