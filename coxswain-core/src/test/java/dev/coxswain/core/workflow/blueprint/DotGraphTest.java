package dev.coxswain.core.workflow.blueprint;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DotGraphTest {
    @Test
    void rendersEveryKindOfEdgeInDefinitionOrder() {
        Blueprint bp = BlueprintParser.parse("""
                name: small
                states:
                  fetch:
                    start: true
                    type: dispatch
                    skill: download
                    transitions: { success: fan, failure: failed }
                  fan:
                    type: parallel
                    tasks: [ { skill: a }, { skill: b } ]
                    aggregate_into: check
                  check:
                    type: go_to
                    branches: [ { when: { path: aggregation.failed, gt: 0 }, to: review } ]
                    default: finished
                  review:
                    type: approval
                    transitions: { approved: finished, rejected: failed }
                  finished: { type: end }
                  failed: { type: end }
                """, "yaml");

        assertThat(DotGraph.render(bp)).isEqualTo("""
                // State Machine for small
                digraph {
                \tnode [shape=box style=rounded]
                \t"fetch" -> "fan" [label="success"]
                \t"fetch" -> "failed" [label="failure"]
                \t"fan" -> "check" [label="aggregate_into"]
                \t"check" -> "review" [label="when"]
                \t"check" -> "finished" [label="default"]
                \t"review" -> "finished" [label="approved"]
                \t"review" -> "failed" [label="rejected"]
                \t"fetch" [label="fetch" peripheries=2]
                \t"fan" [label="fan"]
                \t"check" [label="check"]
                \t"review" [label="review"]
                \t"finished" [label="finished" style="rounded,bold"]
                \t"failed" [label="failed" style="rounded,bold"]
                }
                """);
    }

    @Test
    void aStartStateThatEndsAtOnceIsBoth() {
        Blueprint bp = BlueprintParser.parse("{\"name\":\"noop\",\"states\":{\"finished\":{\"start\":true,\"type\":\"end\"}}}", "json");

        assertThat(DotGraph.render(bp)).isEqualTo("""
                // State Machine for noop
                digraph {
                \tnode [shape=box style=rounded]
                \t"finished" [label="finished" peripheries=2 style="rounded,bold"]
                }
                """);
    }

    @Test
    void theSameBlueprintAlwaysGivesTheSameText() {
        Blueprint bp = BlueprintResources.blueprint("fan_out.yaml");
        assertThat(DotGraph.render(BlueprintParser.parse(bp.definition()))).isEqualTo(DotGraph.render(bp));
    }

    @Test
    void quotesEscape() {
        assertThat(DotGraph.quote("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
    }
}
