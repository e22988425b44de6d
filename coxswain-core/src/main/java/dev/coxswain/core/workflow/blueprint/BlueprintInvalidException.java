package dev.coxswain.core.workflow.blueprint;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A blueprint that cannot be used: its text does not parse, or validation found errors.
 * {@link #getProblems()} holds every problem found (errors and warnings), so the caller can show
 * them all at once; the message summarizes the errors.
 */
public class BlueprintInvalidException extends RuntimeException {
    /** How many errors the message spells out before it says "and N more". */
    private static final int SHOWN = 5;

    private final List<Problem> problems;

    public BlueprintInvalidException(List<Problem> problems) {
        super(summary(problems));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> getProblems() {
        return problems;
    }

    public List<Problem> errors() {
        return problems.stream().filter(Problem::isError).toList();
    }

    private static String summary(List<Problem> problems) {
        List<Problem> errors = problems.stream().filter(Problem::isError).toList();
        String shown = errors.stream().limit(SHOWN).map(p -> p.path() + ": " + p.message())
                .collect(Collectors.joining("; "));
        int more = errors.size() - SHOWN;
        return "invalid blueprint (" + errors.size() + (errors.size() == 1 ? " error" : " errors") + "): " + shown
                + (more > 0 ? "; and " + more + " more" : "");
    }
}
