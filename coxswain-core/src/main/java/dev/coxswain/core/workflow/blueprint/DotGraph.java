package dev.coxswain.core.workflow.blueprint;

import java.util.Map;

/**
 * A blueprint as Graphviz DOT source, in the shape the original orchestrator serves: a
 * {@code // State Machine for <name>} comment, {@code digraph {}, the node defaults, one edge
 * per way out (labelled with its status, {@code when}/{@code default} or {@code aggregate_into}),
 * one node line per state (start: {@code peripheries=2}; end: bold), {@code }}. States and edges
 * follow definition order, so the same blueprint always gives the same text. Every id is quoted.
 */
public final class DotGraph {
    private DotGraph() {
    }

    public static String render(Blueprint bp) {
        StringBuilder out = new StringBuilder();
        out.append("// State Machine for ").append(bp.name().replace('\n', ' ')).append('\n');
        out.append("digraph {\n");
        out.append("\tnode [shape=box style=rounded]\n");
        for (Map.Entry<String, State> e : bp.states().entrySet()) {
            for (Edge edge : e.getValue().exits()) {
                out.append('\t').append(quote(e.getKey())).append(" -> ").append(quote(edge.to()))
                        .append(" [label=").append(quote(edge.label())).append("]\n");
            }
        }
        for (Map.Entry<String, State> e : bp.states().entrySet()) {
            out.append('\t').append(quote(e.getKey())).append(" [label=").append(quote(e.getKey()));
            if (e.getKey().equals(bp.startState())) out.append(" peripheries=2");
            if (e.getValue() instanceof State.End) out.append(" style=\"rounded,bold\"");
            out.append("]\n");
        }
        return out.append("}\n").toString();
    }

    static String quote(String id) {
        return '"' + id.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }
}
