package dev.coxswain.core.workflow.blueprint;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks of the state graph as a whole: exactly one start, every target names a state,
 * every state reachable from the start, and (a warning) every reachable state can still reach
 * an end.
 */
final class GraphChecks {
    private GraphChecks() {
    }

    /**
     * @param exits every state's ways out, in definition order
     * @param starts the states with {@code start: true}
     * @param ends the end states
     */
    static void check(Map<String, List<StateChecks.Exit>> exits, List<String> starts, Set<String> ends, Problems out) {
        if (starts.isEmpty()) out.error("states", "no state has start: true; exactly one must");
        if (starts.size() > 1) {
            out.error("states", "exactly one state may have start: true; " + starts.size() + " do: " + String.join(", ", starts));
        }
        for (List<StateChecks.Exit> list : exits.values()) {
            for (StateChecks.Exit e : list) {
                if (!exits.containsKey(e.to())) out.error(e.path(), "unknown state '" + e.to() + "'");
            }
        }
        if (starts.size() != 1) return;
        String start = starts.getFirst();
        Set<String> reached = reachable(start, exits);
        for (String state : exits.keySet()) {
            if (!reached.contains(state)) {
                out.error(Problems.join("states", state), "unreachable from the start state '" + start + "'");
            }
        }
        Set<String> canEnd = canReach(ends, exits);
        for (String state : exits.keySet()) {
            if (reached.contains(state) && !canEnd.contains(state)) {
                out.warning(Problems.join("states", state), "no end state can be reached from here; a job would loop "
                        + "until its transition limit");
            }
        }
    }

    private static Set<String> reachable(String start, Map<String, List<StateChecks.Exit>> exits) {
        Set<String> seen = new HashSet<>(Set.of(start));
        Deque<String> todo = new ArrayDeque<>(List.of(start));
        while (!todo.isEmpty()) {
            for (StateChecks.Exit e : exits.getOrDefault(todo.pop(), List.of())) {
                if (exits.containsKey(e.to()) && seen.add(e.to())) todo.push(e.to());
            }
        }
        return seen;
    }

    /** The states from which some state in {@code targets} can be reached (walking the edges backwards). */
    private static Set<String> canReach(Set<String> targets, Map<String, List<StateChecks.Exit>> exits) {
        Map<String, Set<String>> into = new LinkedHashMap<>();
        exits.forEach((from, list) -> list.forEach(e -> into.computeIfAbsent(e.to(), k -> new HashSet<>()).add(from)));
        Set<String> seen = new HashSet<>(targets);
        Deque<String> todo = new ArrayDeque<>(targets);
        while (!todo.isEmpty()) {
            for (String from : into.getOrDefault(todo.pop(), Set.of())) if (seen.add(from)) todo.push(from);
        }
        return seen;
    }
}
