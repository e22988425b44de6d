package dev.coxswain.core.workflow.blueprint;

import java.util.ArrayList;
import java.util.List;

/** Collects the problems of one validation run, in the order they are found. */
final class Problems {
    private final List<Problem> list = new ArrayList<>();

    void error(String path, String message) {
        list.add(Problem.error(path, message));
    }

    void warning(String path, String message) {
        list.add(Problem.warning(path, message));
    }

    boolean hasErrors() {
        return list.stream().anyMatch(Problem::isError);
    }

    int size() {
        return list.size();
    }

    List<Problem> list() {
        return List.copyOf(list);
    }

    /** {@code base.name}, or {@code name} at the top level. */
    static String join(String base, String name) {
        return base.isEmpty() ? name : base + "." + name;
    }

    static String index(String base, int i) {
        return base + "[" + i + "]";
    }
}
