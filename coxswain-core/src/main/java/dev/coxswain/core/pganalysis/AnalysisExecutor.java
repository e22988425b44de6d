package dev.coxswain.core.pganalysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.exec.ExecutionContext;
import dev.coxswain.core.exec.ExecutionResult;
import dev.coxswain.core.exec.TaskExecutor;
import dev.coxswain.core.service.NotFoundException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.LongFunction;

/**
 * Runs one analyzer as a task type: the payload is {@code {"connection_id": n, "params": {...}}};
 * the result is the analyzer's JSON report. A refused statement, a timeout or a connection
 * failure fails the attempt with the analyzer's message (never a password). What no retry can
 * change (a refusal, bad params, a connection that does not exist or cannot be opened, an error the
 * statement meets every time) fails permanently, so the task is not retried minutes later only to
 * be refused again.
 */
public final class AnalysisExecutor implements TaskExecutor {
    /** Every analysis task type; each face that takes a payload checks it with {@link #payloadProblems}. */
    public static final List<String> TYPES = List.of("config_check", "log_analysis", "query_analysis", "table_analysis",
            "custom_sql");

    private final String type;
    private final LongFunction<PgTarget> targets;
    private final BiFunction<PgTarget, JsonNode, ObjectNode> analyzer;

    /**
     * @param targets  the connection's target with its password opened (throws NotFoundException)
     * @param analyzer the report for a target and the task's params
     */
    public AnalysisExecutor(String type, LongFunction<PgTarget> targets, BiFunction<PgTarget, JsonNode, ObjectNode> analyzer) {
        this.type = type;
        this.targets = targets;
        this.analyzer = analyzer;
    }

    /**
     * What is wrong with an analysis payload's form, by field ({@code connection_id},
     * {@code params}); empty when a run can use it. Whether the connection exists is the run's
     * question: it may be deleted after the payload is stored.
     */
    public static Map<String, String> payloadProblems(JsonNode payload) {
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode id = payload == null ? null : payload.get("connection_id");
        if (id == null || !id.isIntegralNumber() || !id.canConvertToLong() || id.asLong() < 1) {
            out.put("connection_id", "is required: the id of a connection (a positive integer)");
        }
        JsonNode params = payload == null ? null : payload.get("params");
        if (params != null && !params.isNull() && !params.isObject()) out.put("params", "must be an object");
        return out;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public ExecutionResult execute(ExecutionContext ctx) {
        JsonNode id = ctx.payload().get("connection_id");
        if (id == null || !id.canConvertToLong()) {
            return ExecutionResult.failedPermanently(null, null, type + " needs a connection_id in its payload");
        }
        PgTarget target;
        try {
            target = targets.apply(id.asLong());
        } catch (NotFoundException e) {
            return ExecutionResult.failedPermanently(null, null, "connection " + id.asLong() + " does not exist");
        } catch (IllegalStateException | IllegalArgumentException e) {
            // A stored row that does not make a target, or a password sealed with another key.
            return ExecutionResult.failedPermanently(null, null, "connection " + id.asLong() + " cannot be used: " + e.getMessage());
        }
        JsonNode params = ctx.payload().path("params").isObject() ? ctx.payload().get("params") : Json.object();
        ctx.log().line(dev.coxswain.core.domain.LogLevel.INFO, type + " on " + target.user() + "@" + target.host() + ":"
                + target.port() + "/" + target.database());
        try {
            return ExecutionResult.ok(null, analyzer.apply(target, params).toString());
        } catch (PgAnalysisException e) {
            String error = e.code() + ": " + e.getMessage();
            return e.permanent() ? ExecutionResult.failedPermanently(null, null, error) : ExecutionResult.failed(null, null, error);
        }
    }
}
