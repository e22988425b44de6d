package dev.coxswain.core.workflow.blueprint;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class EndpointRulesTest {
    @ParameterizedTest
    @CsvSource({
            "v1, /jobs/simple_flow",
            "v1, /jobs/image_flow",
            "v1, /jobs/job-flow",
            "v2, /jobs/my.flow",
            "v1, /flows/a/b/c",
            "v1, /run",
            "v1, /job",
            "v1, /jobsx",
            "v2, /scheduler/x",
            "v1, /my-flow_1.0"})
    void accepted(String version, String endpoint) {
        assertThat(EndpointRules.problem(version, endpoint)).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "v1 | /jobs                                       | /api/v1/jobs (the job list)",
            "v3 | /jobs                                       | /api/v3/jobs (the job list)",
            "v1 | /jobs/job-12                                | /api/v1/jobs/{id}",
            "v1 | /jobs/0b7d4a1e-6f0c-4b8e-9a51-3c2d1e0f9a8b  | /api/v1/jobs/{id}",
            "v2 | /jobs/x/cancel                              | /api/v2/jobs/{id}/... (job actions, history, files)",
            "v1 | /jobs/my_flow/run                           | /api/v1/jobs/{id}/... (job actions, history, files)",
            "v1 | /blueprints                                 | /api/v1/blueprints...",
            "v1 | /blueprints/x/graph                         | /api/v1/blueprints...",
            "v2 | /workers                                    | /api/v2/workers...",
            "v1 | /workers/catalog                            | /api/v1/workers...",
            "v1 | /dashboard                                  | /api/v1/dashboard...",
            "v1 | /admin/reload-workers                       | /api/v1/admin...",
            "v1 | /tasks                                      | /api/v1/task...",
            "v1 | /task_x                                     | /api/v1/task...",
            "v1 | /license                                    | /api/v1/license...",
            "v1 | /scheduler/tasks                            | /api/v1/scheduler..."})
    void refusedBecauseTheyShadowABuiltIn(String version, String endpoint, String builtIn) {
        assertThat(EndpointRules.problem(version, endpoint))
                .isEqualTo("'/api/" + version + endpoint + "' would shadow the built-in route " + builtIn);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/a/", "//a", "/a//b", "/a b", "/a/../b", "/./a", "/a?x=1", "/a#b", "/ä"})
    void refusedBecauseTheyAreNoCleanPath(String endpoint) {
        assertThat(EndpointRules.problem("v1", endpoint)).contains("is not a path of segments");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jobs/x", "", "x"})
    void refusedWithoutALeadingSlash(String endpoint) {
        assertThat(EndpointRules.problem("v1", endpoint)).isEqualTo("must start with '/'");
    }

    @ParameterizedTest
    @ValueSource(ints = {201, 500})
    void refusedWhenTooLong(int length) {
        assertThat(EndpointRules.problem("v1", "/" + "a".repeat(length - 1))).isEqualTo("must be at most 200 characters");
    }
}
