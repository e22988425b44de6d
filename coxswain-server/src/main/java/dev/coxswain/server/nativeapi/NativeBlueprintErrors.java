package dev.coxswain.server.nativeapi;

import dev.coxswain.core.workflow.blueprint.BlueprintInvalidException;
import dev.coxswain.core.workflow.blueprint.Problem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A refused blueprint in the native error shape. Text that does not parse as the declared format,
 * or is no object, is the native 400 ({@code bad_request}, like malformed JSON or a body that is
 * no object anywhere else); a blueprint that parses but breaks rules is the native 422 ({@code validation_error}) whose {@code details} map
 * every problem's path to its message, as every other native 422 maps fields. Problems sharing a
 * path are joined with "; " (the map holds one string per key); warnings are listed too, marked
 * "(warning)", so the caller sees everything at once.
 */
final class NativeBlueprintErrors {
    private NativeBlueprintErrors() {
    }

    /** The text does not parse as its format (or is empty): no rule was even checked. */
    static NativeError unparsable(BlueprintInvalidException e) {
        List<Problem> problems = e.getProblems();
        return new NativeError(400, "bad_request", problems.isEmpty() ? e.getMessage() : problems.get(0).message(),
                details(problems));
    }

    static NativeError invalid(BlueprintInvalidException e) {
        List<Problem> problems = e.getProblems();
        Map<String, String> details = details(problems);
        long errors = problems.stream().filter(Problem::isError).count();
        return new NativeError(422, "validation_error", "Blueprint is invalid: " + errors
                + (errors == 1 ? " error" : " errors"), details);
    }

    static Map<String, String> details(List<Problem> problems) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Problem p : problems) {
            String text = p.isError() ? p.message() : p.message() + " (warning)";
            out.merge(p.path(), text, (a, b) -> a + "; " + b);
        }
        return out;
    }
}
