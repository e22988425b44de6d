package dev.coxswain.server.ui;

import dev.coxswain.core.workflow.blueprint.Blueprint;
import dev.coxswain.core.workflow.blueprint.Edge;
import dev.coxswain.core.workflow.blueprint.State;
import dev.coxswain.core.workflow.blueprint.TaskTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A blueprint's state machine as a drawing: one box per state (its kind as the box's class), one
 * labelled arrow per way out, from the same {@link State#exits()} the DOT graph of
 * {@code /api/blueprints/{name}/graph} is drawn from. For a job, the states it went through and the
 * one it is in are marked.
 */
final class BlueprintGraph {
    private final GraphSvg svg;

    BlueprintGraph(GraphSvg svg) {
        this.svg = svg;
    }

    /** The blueprint alone. */
    String draw(Blueprint bp) {
        return draw(bp, Set.of(), null, null);
    }

    /**
     * @param visited  states the job has been in
     * @param current  the state it is in now (for an ended job, the state it ended in), or null
     * @param status   the job's status (a class for the current state's box: an end reached by a
     *                 failed job is drawn failed, not as a state passed through), or null
     */
    String draw(Blueprint bp, Set<String> visited, String current, String status) {
        List<GraphSvg.Node> nodes = new ArrayList<>();
        List<GraphSvg.Edge> edges = new ArrayList<>();
        for (Map.Entry<String, State> e : bp.states().entrySet()) {
            String name = e.getKey();
            State s = e.getValue();
            String cls = "kind-" + s.type() + (name.equals(bp.startState()) ? " kind-start" : "");
            if (name.equals(current)) cls = "status-" + status + " is-current";
            else if (visited.contains(name)) cls = "status-completed";
            String href = s instanceof State.SubBlueprint sub ? "/ui/workflows/blueprints/" + sub.blueprint() : null;
            nodes.add(new GraphSvg.Node(name, name, cls, href, name + " (" + describe(s) + ")"
                    + (name.equals(bp.startState()) ? ", start" : "")));
            for (Edge x : s.exits()) edges.add(new GraphSvg.Edge(name, x.to(), null, x.label()));
        }
        return svg.render(current == null ? "blueprint-graph" : "job-graph", "States of blueprint " + bp.name(), nodes, edges);
    }

    /** What a state does, in a few words: its kind and the skill, message or child it names. */
    static String describe(State s) {
        return switch (s) {
            case State.Dispatch d -> "dispatch to skill " + d.skill();
            case State.Parallel p -> "parallel: " + (p.task() != null ? "for each item, skill " + p.task().skill()
                    : p.tasks().size() + " tasks, skills " + String.join(", ", p.tasks().stream().map(TaskTemplate::skill).toList()));
            case State.Approval a -> "approval" + (a.message() == null ? "" : ": " + a.message());
            case State.SubBlueprint sub -> "sub-blueprint " + sub.blueprint();
            case State.GoTo g -> "go to (" + g.branches().size() + " condition" + (g.branches().size() == 1 ? "" : "s") + ")";
            case State.End end -> "end, " + end.outcome();
        };
    }
}
