package dev.coxswain.core.pganalysis;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads typed task_params with defaults, failing with a message that names the parameter. */
final class TaskParams {
    private final JsonNode params;

    TaskParams(JsonNode params) {
        this.params = params == null || params.isNull() ? com.fasterxml.jackson.databind.node.NullNode.instance : params;
    }

    String text(String name) {
        JsonNode n = params.get(name);
        if (n == null || n.isNull()) return null;
        if (!n.isTextual()) throw invalid(name + " must be a string");
        return n.asText();
    }

    int positiveInt(String name, int dflt, int max) {
        JsonNode n = params.get(name);
        if (n == null || n.isNull()) return dflt;
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 1 || n.asInt() > max) {
            throw invalid(name + " must be an integer between 1 and " + max);
        }
        return n.asInt();
    }

    boolean bool(String name, boolean dflt) {
        JsonNode n = params.get(name);
        if (n == null || n.isNull()) return dflt;
        if (!n.isBoolean()) throw invalid(name + " must be true or false");
        return n.asBoolean();
    }

    private static PgAnalysisException invalid(String message) {
        return new PgAnalysisException(PgAnalysisException.INVALID_PARAMS, message);
    }
}
