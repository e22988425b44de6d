package dev.coxswain.core.workflow.blueprint;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParallelForksTest {
    private final State.Parallel fanOut = (State.Parallel) BlueprintResources.blueprint("fan_out.yaml").state("resize_all");

    @Test
    void forEachGivesOneBranchPerElementWithItsBindings() {
        JsonNode context = Json.read("""
                {"initial_data": {"width": 300},
                 "state_history": {"images": [{"url": "a.png"}, {"url": "b.png"}]}}""");

        List<State.Parallel.Fork> forks = fanOut.forks(context);

        assertThat(forks).extracting(State.Parallel.Fork::index).containsExactly(0, 1);
        assertThat(forks).allSatisfy(f -> assertThat(f.task()).isSameAs(fanOut.task()));
        assertThat(Templates.render(forks.get(1).task().params(), forks.get(1).context()))
                .isEqualTo(Json.read("{\"url\":\"b.png\",\"position\":1,\"width\":300}"));
        assertThat(forks.get(0).context().get("image")).isEqualTo(Json.read("{\"url\":\"a.png\"}"));
        // The job's own context is left as it was.
        assertThat(context.has("image")).isFalse();
    }

    @Test
    void anEmptyArrayGivesNoBranches() {
        assertThat(fanOut.forks(Json.read("{\"state_history\":{\"images\":[]}}"))).isEmpty();
    }

    @Test
    void forEachThatIsNoArrayIsRefused() {
        assertThatThrownBy(() -> fanOut.forks(Json.read("{\"state_history\":{\"images\":\"a.png\"}}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("for_each rendered string, not an array");
        assertThatThrownBy(() -> fanOut.forks(Json.read("{}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("for_each rendered null, not an array");
    }

    @Test
    void aLiteralForEachArrayIsRenderedToo() {
        State.Parallel p = (State.Parallel) BlueprintParser.parse("""
                {"name":"lit","states":{
                  "p":{"start":true,"type":"parallel","for_each":["x","{{ initial_data.y }}"],"task":{"skill":"s","params":{"v":"{{ item }}"}},"aggregate_into":"finished"},
                  "finished":{"type":"end"}}}""", "json").start();

        List<State.Parallel.Fork> forks = p.forks(Json.read("{\"initial_data\":{\"y\":\"why\"}}"));

        assertThat(forks).extracting(f -> Templates.render(f.task().params(), f.context()).get("v").asText())
                .containsExactly("x", "why");
    }

    @Test
    void fixedTasksAreEachTheirOwnBranch() {
        State.Parallel p = (State.Parallel) BlueprintParser.parse("""
                {"name":"fixed","states":{
                  "p":{"start":true,"type":"parallel","tasks":[{"skill":"a","params":{"i":"{{ index }}"}},{"skill":"b"}],"aggregate_into":"finished"},
                  "finished":{"type":"end"}}}""", "json").start();

        List<State.Parallel.Fork> forks = p.forks(Json.read("{\"initial_data\":{}}"));

        assertThat(forks).extracting(f -> f.task().skill()).containsExactly("a", "b");
        assertThat(Templates.render(forks.get(0).task().params(), forks.get(0).context())).isEqualTo(Json.read("{\"i\":0}"));
        assertThat(forks.get(1).context().get("initial_data")).isEqualTo(Json.read("{}"));
    }
}
