package dev.coxswain.core.workflow.blueprint;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BlueprintParserTest {
    @Test
    void readsTheThreeStepFlowWithEveryField() {
        Blueprint bp = BlueprintResources.blueprint("three_step.yaml");

        assertThat(bp.name()).isEqualTo("three_step");
        assertThat(bp.apiEndpoint()).isEqualTo("/jobs/three_step");
        assertThat(bp.apiVersion()).isEqualTo("v1");
        assertThat(bp.description()).isEqualTo("Download an image, resize it, publish it");
        assertThat(bp.inputSchema().get("required").get(0).asText()).isEqualTo("url");
        assertThat(bp.startState()).isEqualTo("fetch");
        assertThat(bp.states().keySet()).containsExactly("fetch", "resize", "publish", "finished", "failed");

        State.Dispatch fetch = (State.Dispatch) bp.start();
        assertThat(fetch.skill()).isEqualTo("download");
        assertThat(fetch.params()).isEqualTo(Json.read("{\"url\":\"{{ initial_data.url }}\"}"));
        assertThat(fetch.retries()).isEqualTo(2);
        assertThat(fetch.timeoutSeconds()).isEqualTo(60);
        assertThat(fetch.dispatchTimeoutSeconds()).isNull();
        assertThat(fetch.priority()).isNull();
        assertThat(fetch.transitions()).containsExactly(Map.entry("success", "resize"), Map.entry("failure", "failed"));
        assertThat(fetch.exits()).containsExactly(new Edge("success", "resize"), new Edge("failure", "failed"));
        assertThat(fetch.targets()).containsExactly("resize", "failed");

        State.Dispatch resize = (State.Dispatch) bp.state("resize");
        assertThat(resize.retries()).isEqualTo(TaskTemplate.DEFAULT_RETRIES);
        assertThat(resize.priority()).isEqualTo(7);
        State.Dispatch publish = (State.Dispatch) bp.state("publish");
        assertThat(publish.dispatchTimeoutSeconds()).isEqualTo(30);
        assertThat(publish.resultTimeoutSeconds()).isEqualTo(120);
        assertThat(publish.task().skill()).isEqualTo("publish");

        State.End finished = (State.End) bp.state("finished");
        assertThat(finished.outcome()).isEqualTo("finished");
        assertThat(finished.finished()).isTrue();
        assertThat(finished.result().asText()).isEqualTo("{{ steps.publish }}");
        assertThat(((State.End) bp.state("failed")).finished()).isFalse();
        assertThat(finished.exits()).isEmpty();
    }

    @Test
    void yamlAndJsonOfTheSameBlueprintAreEqual() {
        Blueprint yaml = BlueprintResources.blueprint("three_step.yaml");
        Blueprint json = BlueprintResources.blueprint("three_step.json");

        assertThat(json).isEqualTo(yaml);
        assertThat(json.definition()).isEqualTo(yaml.definition());
    }

    @ParameterizedTest
    @ValueSource(strings = {"three_step.yaml", "fan_out.yaml", "approval.yaml"})
    void theDefinitionParsesBackToAnEqualBlueprint(String file) {
        Blueprint bp = BlueprintResources.blueprint(file);

        Blueprint again = BlueprintParser.parse(bp.definition());
        Blueprint fromText = BlueprintParser.parse(Json.write(bp.definition()), "json");

        assertThat(again).isEqualTo(bp);
        assertThat(fromText).isEqualTo(bp);
        assertThat(again.definition()).isEqualTo(bp.definition());
    }

    @Test
    void theDefinitionWritesDefaultsAndTheStartFlag() {
        Blueprint bp = BlueprintParser.parse("""
                name: tiny
                states:
                  go: { start: true, type: dispatch, skill: s, transitions: { success: finished } }
                  finished: { type: end }
                """, "yaml");

        assertThat(bp.definition()).isEqualTo(Json.read("""
                {"name":"tiny","api_version":"v1","states":{
                  "go":{"start":true,"type":"dispatch","skill":"s","params":{},"retries":3,"transitions":{"success":"finished"}},
                  "finished":{"type":"end","outcome":"finished"}}}"""));
        assertThat(bp.apiEndpoint()).isNull();
        assertThat(bp.description()).isNull();
        assertThat(bp.inputSchema()).isNull();
    }

    @Test
    void readsTheFanOut() {
        Blueprint bp = BlueprintResources.blueprint("fan_out.yaml");

        State.Parallel p = (State.Parallel) bp.state("resize_all");
        assertThat(p.forEach().asText()).isEqualTo("{{ state_history.images }}");
        assertThat(p.as()).isEqualTo("image");
        assertThat(p.task().skill()).isEqualTo("resize");
        assertThat(p.task().retries()).isEqualTo(1);
        assertThat(p.tasks()).isEmpty();
        assertThat(p.exits()).containsExactly(new Edge("aggregate_into", "collect"));

        State.GoTo collect = (State.GoTo) bp.state("collect");
        assertThat(collect.branches()).hasSize(2);
        assertThat(collect.defaultTo()).isEqualTo("finished");
        assertThat(collect.exits()).containsExactly(new Edge("when", "failed"), new Edge("when", "failed"),
                new Edge("default", "finished"));
        assertThat(collect.targets()).containsExactly("failed", "finished");
        assertThat(collect.next(Json.read("{\"aggregation\":{\"failed\":1,\"total\":3}}"))).isEqualTo("failed");
        assertThat(collect.next(Json.read("{\"aggregation\":{\"failed\":0,\"total\":0}}"))).isEqualTo("failed");
        assertThat(collect.next(Json.read("{\"aggregation\":{\"failed\":0,\"total\":0},\"initial_data\":{\"allow_empty\":true}}")))
                .isEqualTo("finished");
        assertThat(collect.next(Json.read("{\"aggregation\":{\"failed\":0,\"total\":2}}"))).isEqualTo("finished");
        // The end state not named finished fails by default.
        assertThat(((State.End) bp.state("failed")).outcome()).isEqualTo("failed");
    }

    @Test
    void readsTheApprovalFlow() {
        Blueprint bp = BlueprintResources.blueprint("approval.yaml");

        assertThat(bp.apiVersion()).isEqualTo("v2");
        State.Approval review = (State.Approval) bp.state("review");
        assertThat(review.message()).isEqualTo("Publish the draft about {{ initial_data.topic }}?");
        assertThat(review.transitions()).containsExactly(Map.entry("approved", "publish"), Map.entry("rejected", "rejected"));
        State.SubBlueprint publish = (State.SubBlueprint) bp.state("publish");
        assertThat(publish.blueprint()).isEqualTo("publisher");
        assertThat(publish.initialData().get("by").asText()).isEqualTo("{{ job_id }}");
        assertThat(publish.exits()).containsExactly(new Edge("success", "finished"), new Edge("failure", "failed"));
    }

    @Test
    void aFixedTaskListParallel() {
        Blueprint bp = BlueprintParser.parse("""
                {"name":"fixed","states":{
                  "both":{"start":true,"type":"parallel","tasks":[{"skill":"a"},{"skill":"b","priority":2}],"aggregate_into":"finished"},
                  "finished":{"type":"end"}}}""", "json");

        State.Parallel p = (State.Parallel) bp.start();
        assertThat(p.forEach()).isNull();
        assertThat(p.as()).isNull();
        assertThat(p.task()).isNull();
        assertThat(p.tasks()).extracting(TaskTemplate::skill).containsExactly("a", "b");
        assertThat(p.tasks().get(1).priority()).isEqualTo(2);
        assertThat(BlueprintParser.parse(bp.definition())).isEqualTo(bp);
    }

    @Test
    void malformedJsonIsOneProblemAtTheRootWithItsLine() {
        assertThatThrownBy(() -> BlueprintParser.parse("{\"name\": \"x\",\n \"states\": {,}}", "json"))
                .isInstanceOfSatisfying(BlueprintInvalidException.class, e -> {
                    assertThat(e.getProblems()).hasSize(1);
                    Problem p = e.getProblems().getFirst();
                    assertThat(p.path()).isEqualTo("$");
                    assertThat(p.isError()).isTrue();
                    assertThat(p.message()).startsWith("not valid json: ").contains("line 2, column");
                    assertThat(e.getMessage()).contains("$: not valid json");
                });
    }

    @Test
    void malformedYamlIsOneProblemAtTheRootWithItsLine() {
        assertThatThrownBy(() -> BlueprintParser.parse("name: x\nstates:\n  a: [unclosed\n  b: 1\n", "yaml"))
                .isInstanceOfSatisfying(BlueprintInvalidException.class, e -> {
                    assertThat(e.getProblems()).singleElement().satisfies(p -> {
                        assertThat(p.path()).isEqualTo("$");
                        assertThat(p.message()).startsWith("not valid yaml: ").contains("line ");
                    });
                });
    }

    @Test
    void aDuplicateStateNameIsAParseError() {
        assertThatThrownBy(() -> BlueprintParser.parse("name: x\nstates:\n  a: {type: end}\n  a: {type: end}\n", "yaml"))
                .isInstanceOfSatisfying(BlueprintInvalidException.class,
                        e -> assertThat(e.getProblems().getFirst().message()).contains("Duplicate field 'a'"));
        assertThatThrownBy(() -> BlueprintParser.parse("{\"name\":\"x\",\"name\":\"y\",\"states\":{}}", "json"))
                .isInstanceOfSatisfying(BlueprintInvalidException.class,
                        e -> assertThat(e.getProblems().getFirst().message()).contains("Duplicate field 'name'"));
    }

    @Test
    void trailingJsonIsAParseError() {
        assertThatThrownBy(() -> BlueprintParser.read("{\"name\":\"x\"} {}", "json"))
                .isInstanceOf(BlueprintInvalidException.class);
    }

    @Test
    void emptyTextAndUnknownFormatsAreRefused() {
        for (String[] c : List.of(new String[]{"", "json"}, new String[]{"  \n", "yaml"}, new String[]{"# only a comment\n", "yaml"},
                new String[]{"{}", "toml"}, new String[]{"{}", null})) {
            assertThatThrownBy(() -> BlueprintParser.parse(c[0], c[1]))
                    .isInstanceOfSatisfying(BlueprintInvalidException.class,
                            e -> assertThat(e.getProblems()).singleElement().extracting(Problem::path).isEqualTo("$"));
        }
    }

    @Test
    void formatNamesAreCaseInsensitiveAndYmlIsYaml() {
        String yaml = BlueprintResources.text("three_step.yaml");
        assertThat(BlueprintParser.parse(yaml, "YML")).isEqualTo(BlueprintParser.parse(yaml, "yaml"));
        assertThat(BlueprintParser.parse(BlueprintResources.text("three_step.json"), "JSON").name()).isEqualTo("three_step");
    }

    @Test
    void aTreeWithErrorsIsRefusedWithAllOfThem() {
        JsonNode raw = Json.read("{\"name\":\"bad name\",\"states\":{\"a\":{\"start\":true,\"type\":\"dispatch\",\"transitions\":{\"ok\":\"nowhere\"}}}}");

        assertThatThrownBy(() -> BlueprintParser.parse(raw))
                .isInstanceOfSatisfying(BlueprintInvalidException.class, e -> {
                    assertThat(e.getProblems()).extracting(Problem::path)
                            .contains("name", "states.a", "states.a.transitions.ok");
                    assertThat(e.getMessage()).startsWith("invalid blueprint (3 errors): ");
                });
    }

    @Test
    void lookingUpAMissingStateSaysWhich() {
        Blueprint bp = BlueprintResources.blueprint("three_step.yaml");
        assertThatThrownBy(() -> bp.state("nope")).hasMessageContaining("no state 'nope'");
    }
}
