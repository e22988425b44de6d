package dev.coxswain.core.workflow.blueprint;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BlueprintsTest {
    @Test
    void loadsWithWarnings() {
        Blueprints.Loaded loaded = Blueprints.load(BlueprintResources.text("approval.yaml"), "yaml",
                Set.of("write_draft"), Set.of());

        assertThat(loaded.blueprint().name()).isEqualTo("approval_flow");
        assertThat(loaded.warnings()).extracting(Problem::toString)
                .containsExactly("states.publish.blueprint: no blueprint named 'publisher' is registered yet (warning)");
    }

    @Test
    void loadsCleanWhenEverythingIsKnown() {
        Blueprints.Loaded loaded = Blueprints.load(BlueprintResources.text("three_step.json"), "json",
                Set.of("download", "resize", "publish"), Set.of());

        assertThat(loaded.warnings()).isEmpty();
        assertThat(loaded.blueprint()).isEqualTo(BlueprintResources.blueprint("three_step.yaml"));
    }

    @Test
    void refusesWithEveryErrorAndWarningAndSummarizesTheErrors() {
        String yaml = """
                name: broken
                api_endpoint: /jobs
                states:
                  a: { start: true, type: dispatch, skill: nobody_has_it, transitions: { success: b, failure: c } }
                  finished: { type: end }
                """;

        assertThatThrownBy(() -> Blueprints.load(yaml, "yaml", Set.of(), Set.of()))
                .isInstanceOfSatisfying(BlueprintInvalidException.class, e -> {
                    assertThat(e.getProblems()).extracting(Problem::toString).containsExactly(
                            "api_endpoint: '/api/v1/jobs' would shadow the built-in route /api/v1/jobs (the job list)",
                            "states.a.skill: no worker advertises skill 'nobody_has_it' yet (warning)",
                            "states.a.transitions.success: unknown state 'b'",
                            "states.a.transitions.failure: unknown state 'c'",
                            "states.finished: unreachable from the start state 'a'",
                            "states.a: no end state can be reached from here; a job would loop until its transition limit (warning)");
                    assertThat(e.errors()).hasSize(4);
                    assertThat(e.getMessage()).isEqualTo("invalid blueprint (4 errors): "
                            + "api_endpoint: '/api/v1/jobs' would shadow the built-in route /api/v1/jobs (the job list); "
                            + "states.a.transitions.success: unknown state 'b'; states.a.transitions.failure: unknown state 'c'; "
                            + "states.finished: unreachable from the start state 'a'");
                });
    }

    @Test
    void theMessageShowsFiveErrorsAndCountsTheRest() {
        StringBuilder yaml = new StringBuilder("name: many\nstates:\n  a: { start: true, type: go_to, default: finished }\n  finished: { type: end }\n");
        for (int i = 0; i < 7; i++) yaml.append("  x").append(i).append(": { type: end }\n");

        assertThatThrownBy(() -> Blueprints.load(yaml.toString(), "yaml", null, null))
                .hasMessageStartingWith("invalid blueprint (7 errors): states.x0: unreachable")
                .hasMessageEndingWith("; and 2 more");
    }

    @Test
    void malformedTextIsRefusedTheSameWay() {
        assertThatThrownBy(() -> Blueprints.load("name: [", "yaml", null, null))
                .isInstanceOfSatisfying(BlueprintInvalidException.class,
                        e -> assertThat(e.getProblems()).singleElement().extracting(Problem::path).isEqualTo("$"));
    }
}
