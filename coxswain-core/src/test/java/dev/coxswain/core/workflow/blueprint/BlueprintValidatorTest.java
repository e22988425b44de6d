package dev.coxswain.core.workflow.blueprint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Each rule of the "Blueprint format" with the path its problem is reported at. */
class BlueprintValidatorTest {
    /** A valid blueprint; the cases below change one part of it. */
    private static final String OK = """
            name: flow
            states:
              fetch:
                start: true
                type: dispatch
                skill: download
                params: { url: "{{ initial_data.url }}" }
                transitions: { success: finished, failure: failed }
              finished: { type: end }
              failed: { type: end }
            """;

    private static List<Problem> problems(String yaml) {
        return BlueprintValidator.validate(BlueprintParser.read(yaml, "yaml"), null, null);
    }

    private static List<String> errors(String yaml) {
        return problems(yaml).stream().filter(Problem::isError).map(p -> p.path() + ": " + p.message()).toList();
    }

    private static List<String> warnings(String yaml, Set<String> skills, Set<String> blueprints) {
        return BlueprintValidator.validate(BlueprintParser.read(yaml, "yaml"), skills, blueprints).stream()
                .filter(p -> !p.isError()).map(p -> p.path() + ": " + p.message()).toList();
    }

    /** {@link #OK} with its states replaced. */
    private static String withStates(String states) {
        return "name: flow\nstates:\n" + states.stripIndent().indent(2);
    }

    @Test
    void theExamplesAndTheBaseAreValid() {
        assertThat(problems(OK)).isEmpty();
        for (String file : List.of("three_step.yaml", "three_step.json", "fan_out.yaml", "approval.yaml")) {
            String format = file.endsWith(".json") ? "json" : "yaml";
            assertThat(BlueprintValidator.validate(BlueprintParser.read(BlueprintResources.text(file), format),
                    Set.of("download", "resize", "publish", "list_images", "write_draft"), Set.of("publisher")))
                    .as(file).isEmpty();
        }
    }

    @Test
    void notAnObject() {
        assertThat(errors("- a\n- b\n")).containsExactly("$: a blueprint must be an object with name and states");
    }

    @Test
    void topLevelFields() {
        assertThat(errors("states: { finished: { type: end, start: true } }"))
                .containsExactly("$: missing field 'name'");
        assertThat(errors(OK.replace("name: flow", "name: 'a flow'")))
                .containsExactly("name: must be 1 to 128 letters, digits, '_' or '-'");
        assertThat(errors(OK.replace("name: flow", "name: " + "x".repeat(129))))
                .containsExactly("name: must be 1 to 128 letters, digits, '_' or '-'");
        assertThat(errors(OK + "api_version: 1\n")).containsExactly("api_version: must be 'v' and a number, such as v1");
        assertThat(errors(OK + "api_version: version2\n")).containsExactly("api_version: must be 'v' and a number, such as v1");
        assertThat(errors(OK + "description: [a]\n")).containsExactly("description: must be a string");
        assertThat(errors(OK + "api_endpoint: 5\n")).containsExactly("api_endpoint: must be a string such as /jobs/my_flow");
        assertThat(errors(OK + "colour: red\n")).singleElement().asString()
                .startsWith("colour: unknown field for a blueprint; known: api_endpoint, api_version, description");
        assertThat(errors("name: flow\n")).containsExactly("$: missing field 'states'");
        assertThat(errors("name: flow\nstates: {}\n"))
                .containsExactly("states: must be an object of {state name: state} with at least one state");
        assertThat(errors("name: flow\nstates: [a]\n"))
                .containsExactly("states: must be an object of {state name: state} with at least one state");
    }

    @Test
    void badApiEndpoints() {
        assertThat(errors(OK + "api_endpoint: jobs/x\n")).containsExactly("api_endpoint: must start with '/'");
        assertThat(errors(OK + "api_endpoint: /jobs//x\n")).singleElement().asString().startsWith("api_endpoint: '/jobs//x' is not a path");
        assertThat(errors(OK + "api_endpoint: /jobs\n"))
                .containsExactly("api_endpoint: '/api/v1/jobs' would shadow the built-in route /api/v1/jobs (the job list)");
        assertThat(errors(OK + "api_endpoint: /workers/x\napi_version: v3\n"))
                .containsExactly("api_endpoint: '/api/v3/workers/x' would shadow the built-in route /api/v3/workers...");
        assertThat(errors(OK + "api_endpoint: /jobs/flow\n")).isEmpty();
    }

    @Test
    void anInvalidInputSchema() {
        assertThat(errors(OK + "input_schema: { type: strnig }\n")).singleElement().asString()
                .startsWith("input_schema: not a valid JSON Schema: ");
        assertThat(errors(OK + "input_schema: 5\n")).containsExactly("input_schema: must be a JSON Schema (an object)");
        assertThat(errors(OK + "input_schema: { type: object, properties: { n: { type: integer } } }\n")).isEmpty();
    }

    @Test
    void startStates() {
        assertThat(errors(OK.replace("start: true", "start: false")))
                .containsExactly("states: no state has start: true; exactly one must");
        assertThat(errors(OK.replace("finished: { type: end }", "finished: { type: end, start: true }")))
                .containsExactly("states: exactly one state may have start: true; 2 do: fetch, finished");
        assertThat(errors(OK.replace("start: true", "start: 'yes'")))
                .contains("states.fetch.start: must be true or false", "states: no state has start: true; exactly one must");
    }

    @Test
    void unknownTargets() {
        assertThat(errors(OK.replace("success: finished", "success: x")))
                .containsExactly("states.fetch.transitions.success: unknown state 'x'", "states.finished: unreachable from the start state 'fetch'");
        assertThat(errors(withStates("""
                a: { start: true, type: go_to, branches: [ { when: { path: initial_data.n, gt: 1 }, to: b } ], default: c }
                d: { type: parallel, tasks: [ { skill: s } ], aggregate_into: e }
                """))).contains(
                "states.a.branches[0].to: unknown state 'b'",
                "states.a.default: unknown state 'c'",
                "states.d.aggregate_into: unknown state 'e'",
                "states.d: unreachable from the start state 'a'");
    }

    @Test
    void unreachableStates() {
        assertThat(errors(OK + "  orphan: { type: end }\n"))
                .containsExactly("states.orphan: unreachable from the start state 'fetch'");
    }

    @Test
    void aStateThatCannotEndIsAWarning() {
        String loop = withStates("""
                a: { start: true, type: go_to, branches: [ { when: { path: initial_data.stop, eq: true }, to: done } ], default: b }
                b: { type: go_to, default: c }
                c: { type: go_to, default: b }
                done: { type: end }
                """);
        assertThat(errors(loop)).isEmpty();
        assertThat(warnings(loop, null, null)).containsExactly(
                "states.b: no end state can be reached from here; a job would loop until its transition limit",
                "states.c: no end state can be reached from here; a job would loop until its transition limit");
    }

    @Test
    void stateShapesAndNames() {
        assertThat(errors(OK + "  'bad name': { type: end }\n")).contains(
                "states.bad name: 'bad name' is not a valid state name: it must be 1 to 128 letters, digits, '_' or '-'");
        assertThat(errors(OK + "  other: 5\n")).contains("states.other: a state must be an object with a type");
        assertThat(errors(OK.replace("finished: { type: end }", "finished: { }"))).containsExactly("states.finished: missing field 'type'");
        assertThat(errors(OK.replace("finished: { type: end }", "finished: { type: wait }"))).containsExactly(
                "states.finished.type: unknown state type 'wait'; known: approval, dispatch, end, go_to, parallel, sub_blueprint");
        assertThat(errors(OK.replace("finished: { type: end }", "finished: { type: 3 }"))).containsExactly(
                "states.finished.type: must be one of approval, dispatch, end, go_to, parallel, sub_blueprint");
    }

    @Test
    void dispatchFields() {
        String bad = OK.replace("skill: download", """
                skill: 'down load'
                    retries: -1
                    timeout_seconds: 0
                    dispatch_timeout_seconds: 1.5
                    result_timeout_seconds: x
                    priority: 11
                    requirements: { gpu: true }
                    retires: 2""");
        assertThat(errors(bad)).containsExactlyInAnyOrder(
                "states.fetch.retires: unknown field for a dispatch state; known: dispatch_timeout_seconds, params, priority, "
                        + "requirements, result_timeout_seconds, retries, skill, start, timeout_seconds, transitions, type",
                "states.fetch.skill: must be a skill name: letters, digits, '_' or '-'",
                "states.fetch.retries: must be an integer from 0 to 100",
                "states.fetch.timeout_seconds: must be an integer from 1 to 604800",
                "states.fetch.dispatch_timeout_seconds: must be an integer from 1 to 604800",
                "states.fetch.result_timeout_seconds: must be an integer from 1 to 604800",
                "states.fetch.priority: must be an integer from 1 to 10",
                "states.fetch.requirements: unknown requirement 'gpu'; known: device, resources, software, worker_id, worker_type");
        assertThat(errors(OK.replace("skill: download", "skill: download\n    requirements: { worker_type: gpu }"))).isEmpty();
        assertThat(errors(OK.replace("    skill: download\n", ""))).containsExactly("states.fetch: missing field 'skill'");
        assertThat(errors(OK.replace("params: { url: \"{{ initial_data.url }}\" }", "params: [1]")))
                .containsExactly("states.fetch.params: must be an object");
    }

    @Test
    void transitionsAreRequiredWellFormedAndNonEmpty() {
        assertThat(errors(OK.replace("    transitions: { success: finished, failure: failed }\n", ""))).containsExactly(
                "states.fetch: missing field 'transitions' (a dispatch state goes on by its task's result status)",
                "states.finished: unreachable from the start state 'fetch'",
                "states.failed: unreachable from the start state 'fetch'");
        assertThat(errors(OK.replace("transitions: { success: finished, failure: failed }", "transitions: {}"))).contains(
                "states.fetch.transitions: needs at least one transition (a dispatch state goes on by its task's result status)");
        assertThat(errors(OK.replace("transitions: { success: finished, failure: failed }", "transitions: [finished]")))
                .contains("states.fetch.transitions: must be an object of {status: state}");
        assertThat(errors(OK.replace("failure: failed", "failure: [failed]")))
                .containsExactly("states.fetch.transitions.failure: must name a state", "states.failed: unreachable from the start state 'fetch'");
        assertThat(errors(OK.replace("failure: failed", "'not found': failed")))
                .contains("states.fetch.transitions.not found: 'not found' is not a valid status: it must be 1 to 128 letters, digits, '_' or '-'");
    }

    @Test
    void endStates() {
        assertThat(errors(OK.replace("failed: { type: end }", "failed: { type: end, transitions: { x: finished } }")))
                .containsExactly("states.failed.transitions: an end state has no transitions");
        assertThat(errors(OK.replace("failed: { type: end }", "failed: { type: end, outcome: lost }")))
                .containsExactly("states.failed.outcome: must be 'finished' or 'failed'");
        assertThat(errors(OK.replace("finished: { type: end }", "finished: { type: end, outcome: failed }")))
                .containsExactly("states.finished.outcome: a state named 'finished' always ends the job finished");
        assertThat(errors(OK.replace("failed: { type: end }", "failed: { type: end, result: \"{{ state_history }}\" }"))).isEmpty();
    }

    @Test
    void parallelStates() {
        String both = withStates("""
                p: { start: true, type: parallel, for_each: "{{ initial_data.xs }}", task: { skill: s }, tasks: [ { skill: s } ], aggregate_into: done }
                done: { type: end }
                """);
        assertThat(errors(both)).containsExactly("states.p.tasks: give either for_each with task, or tasks, not both");

        assertThat(errors(withStates("""
                p: { start: true, type: parallel, for_each: "{{ initial_data.xs }}", aggregate_into: done }
                done: { type: end }
                """))).containsExactly("states.p: missing field 'task' (the branch run for each element of for_each)");
        assertThat(errors(withStates("""
                p: { start: true, type: parallel, aggregate_into: done }
                done: { type: end }
                """))).containsExactly("states.p: missing field 'for_each' (with 'task') or 'tasks'");
        assertThat(errors(withStates("""
                p: { start: true, type: parallel, tasks: [], as: x, task: { skill: s } }
                done: { type: end }
                """))).containsExactlyInAnyOrder(
                "states.p.as: 'as' names the for_each element; there is no for_each",
                "states.p.task: 'task' is the for_each branch; without for_each give 'tasks'",
                "states.p.tasks: must be a non-empty array of tasks",
                "states.p: missing field 'aggregate_into'",
                "states.done: unreachable from the start state 'p'");
        assertThat(errors(withStates("""
                p: { start: true, type: parallel, tasks: [ 5, { skill: s, transitions: { a: done } } ], aggregate_into: done }
                done: { type: end }
                """))).containsExactlyInAnyOrder(
                "states.p.tasks[0]: must be an object {skill, params, ...}",
                "states.p.tasks[1].transitions: unknown field for a task; known: dispatch_timeout_seconds, params, priority, "
                        + "requirements, result_timeout_seconds, retries, skill, timeout_seconds");
        assertThat(errors(withStates("""
                p: { start: true, type: parallel, for_each: "{{ initial_data.xs }} and more", task: { skill: s }, aggregate_into: done }
                done: { type: end }
                """))).containsExactly("states.p.for_each: must be exactly one '{{ path }}' reference (to an array)");
        assertThat(errors(withStates("""
                p: { start: true, type: parallel, for_each: 5, task: { skill: s }, aggregate_into: done }
                done: { type: end }
                """))).containsExactly("states.p.for_each: must be a '{{ path }}' reference to an array, or an array");
        assertThat(errors(withStates("""
                p: { start: true, type: parallel, for_each: "{{ initial_data.xs }}", as: steps, task: { skill: s }, aggregate_into: done }
                done: { type: end }
                """))).containsExactly("states.p.as: 'steps' would hide a context key of the same name");
        assertThat(errors(withStates("""
                p: { start: true, type: parallel, for_each: [1, 2], task: { skill: s, params: { n: "{{ item }}" } }, aggregate_into: done }
                done: { type: end }
                """))).isEmpty();
    }

    @Test
    void approvalStates() {
        assertThat(errors(withStates("""
                a: { start: true, type: approval, message: [x], transitions: { approved: done } }
                done: { type: end }
                """))).containsExactly("states.a.message: must be a string");
        assertThat(errors(withStates("""
                a: { start: true, type: approval, message: hi }
                done: { type: end }
                """))).containsExactly(
                "states.a: missing field 'transitions' (an approval state goes on by the decision)",
                "states.done: unreachable from the start state 'a'");
    }

    @Test
    void subBlueprintStates() {
        assertThat(errors(withStates("""
                a: { start: true, type: sub_blueprint, transitions: { success: done, done: done } }
                done: { type: end }
                """))).containsExactly(
                "states.a: missing field 'blueprint'",
                "states.a.transitions.done: a sub_blueprint's transitions are 'success' and 'failure'");
    }

    @Test
    void goToStates() {
        assertThat(errors(withStates("""
                a: { start: true, type: go_to, branches: { when: x } }
                done: { type: end }
                """))).containsExactly(
                "states.a.branches: must be an array of {when, to}",
                "states.a: missing field 'default'",
                "states.done: unreachable from the start state 'a'");
        assertThat(errors(withStates("""
                a: { start: true, type: go_to, branches: [ 1, { to: done }, { when: { path: x, foo: 1 }, to: done, extra: 1 } ], default: done }
                done: { type: end }
                """))).containsExactlyInAnyOrder(
                "states.a.branches[0]: must be an object {when, to}",
                "states.a.branches[1]: missing field 'when'",
                "states.a.branches[2].extra: unknown field for a branch; known: to, when",
                "states.a.branches[2].when.foo: unknown operator 'foo'; known: eq ne gt gte lt lte in exists");
    }

    @Test
    void conditionProblems() {
        String template = withStates("""
                a: { start: true, type: go_to, branches: [ { when: WHEN, to: done } ], default: done }
                done: { type: end }
                """);
        assertThat(errors(template.replace("WHEN", "5"))).containsExactly(
                "states.a.branches[0].when: a condition must be an object: {path, <op>: value}, {all: [...]}, {any: [...]} or {not: ...}");
        assertThat(errors(template.replace("WHEN", "{ eq: 1 }"))).containsExactly("states.a.branches[0].when: missing field 'path'");
        assertThat(errors(template.replace("WHEN", "{ path: 'a b', eq: 1 }")))
                .containsExactly("states.a.branches[0].when.path: must be a dotted path such as 'initial_data.count'");
        assertThat(errors(template.replace("WHEN", "{ path: x }")))
                .containsExactly("states.a.branches[0].when: missing an operator: eq ne gt gte lt lte in exists");
        assertThat(errors(template.replace("WHEN", "{ path: x, eq: 1, ne: 2 }")))
                .containsExactly("states.a.branches[0].when: a condition has one operator; found 'eq' and 'ne'");
        assertThat(errors(template.replace("WHEN", "{ path: x, in: 1 }"))).containsExactly("states.a.branches[0].when.in: must be an array of values");
        assertThat(errors(template.replace("WHEN", "{ path: x, gt: [1] }"))).containsExactly("states.a.branches[0].when.gt: must be a number or a string");
        assertThat(errors(template.replace("WHEN", "{ path: x, exists: 1 }"))).containsExactly("states.a.branches[0].when.exists: must be true or false");
        assertThat(errors(template.replace("WHEN", "{ all: [] }"))).containsExactly("states.a.branches[0].when.all: 'all' must be a non-empty array of conditions");
        assertThat(errors(template.replace("WHEN", "{ any: [ { path: x, eq: 1 }, 7 ] }"))).containsExactly(
                "states.a.branches[0].when.any[1]: a condition must be an object: {path, <op>: value}, {all: [...]}, {any: [...]} or {not: ...}");
        assertThat(errors(template.replace("WHEN", "{ not: { path: x, lt: true } }"))).containsExactly("states.a.branches[0].when.not.lt: must be a number or a string");
        assertThat(errors(template.replace("WHEN", "{ not: { path: x, eq: 1 }, path: y }"))).containsExactly("states.a.branches[0].when: 'not' must be the condition's only field");
        assertThat(errors(template.replace("WHEN", "{ all: [ { path: x, eq: 1 } ], any: [] }"))).containsExactly("states.a.branches[0].when: 'all' must be the condition's only field");
    }

    @Test
    void templateSyntaxIsCheckedEverywhereTemplatesAre() {
        assertThat(errors(OK.replace("{{ initial_data.url }}", "{{ initial_data.url"))).containsExactly(
                "states.fetch.params.url: unclosed '{{' at character 1 of '{{ initial_data.url'");
        assertThat(errors(OK.replace("params: { url: \"{{ initial_data.url }}\" }", "params: { list: [ ok, \"{{ a | upper }}\" ] }")))
                .containsExactly("states.fetch.params.list[1]: '{{ a | upper }}' is not a dotted path (names of letters, digits, _ or -, "
                        + "joined by dots) in '{{ a | upper }}'");
        assertThat(errors(withStates("""
                a: { start: true, type: approval, message: "ok {{ }}", transitions: { approved: b } }
                b: { type: sub_blueprint, blueprint: x, initial_data: { v: "{{ 1x..y }}" }, transitions: { success: done } }
                p: { type: parallel, for_each: "{{ steps.a", task: { skill: s }, aggregate_into: done }
                done: { type: end, result: { r: "{{" } }
                """))).containsExactly(
                "states.a.message: empty '{{ }}' in 'ok {{ }}'",
                "states.b.initial_data.v: '{{ 1x..y }}' is not a dotted path (names of letters, digits, _ or -, joined by dots) in '{{ 1x..y }}'",
                "states.p.for_each: unclosed '{{' at character 1 of '{{ steps.a'",
                "states.done.result.r: unclosed '{{' at character 1 of '{{'",
                "states.p: unreachable from the start state 'a'");
    }

    @Test
    void warningsForUnknownSkillsBlueprintsAndContextKeys() {
        String yaml = withStates("""
                a: { start: true, type: dispatch, skill: known, params: { x: "{{ nowhere.x }}" }, transitions: { success: b } }
                b: { type: parallel, for_each: "{{ initial_data.xs }}", as: row, task: { skill: unknown_skill, params: { r: "{{ row.id }}", i: "{{ index }}", z: "{{ item }}" } }, aggregate_into: c }
                c: { type: sub_blueprint, blueprint: child, transitions: { success: done } }
                done: { type: end }
                """);
        assertThat(errors(yaml)).isEmpty();
        assertThat(warnings(yaml, Set.of("known"), Set.of("other"))).containsExactly(
                "states.a.params: '{{ nowhere.x }}' starts from 'nowhere', which is not in the job's context "
                        + "(aggregation, decision, initial_data, job_id, state_history, steps)",
                "states.b.task.skill: no worker advertises skill 'unknown_skill' yet",
                "states.b.task.params: '{{ item }}' starts from 'item', which is not in the job's context "
                        + "(aggregation, decision, index, initial_data, job_id, row, state_history, steps)",
                "states.c.blueprint: no blueprint named 'child' is registered yet");
        // Null sets mean "do not check".
        assertThat(warnings(yaml, null, null)).hasSize(2);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "dispatch | states.s: missing field 'skill'",
            "approval | states.s: missing field 'transitions' (an approval state goes on by the decision)",
            "go_to | states.s: missing field 'default'",
            "parallel | states.s: missing field 'for_each' (with 'task') or 'tasks'",
            "sub_blueprint | states.s: missing field 'blueprint'"})
    void aNonEndStateWithNoWayOutIsAnError(String type, String expected) {
        assertThat(errors(withStates("s: { start: true, type: " + type + " }\n"))).contains(expected);
    }

    @Test
    void severitiesAndTheirWireNames() {
        Problem e = Problem.error("a", "b");
        Problem w = Problem.warning("a", "b");
        assertThat(e.severity().wire()).isEqualTo("error");
        assertThat(w.severity().wire()).isEqualTo("warning");
        assertThat(e.toString()).isEqualTo("a: b");
        assertThat(w.toString()).isEqualTo("a: b (warning)");
    }
}
