package dev.coxswain.core.pganalysis.stats;

import dev.coxswain.core.pganalysis.Lang;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Parameters of a {@code query_analysis} run.
 *
 * @param limit         how many statements per top list (default 10)
 * @param slowMeanMs    mean execution time from which a statement is called slow (default 100 ms)
 * @param minActivityMs how long a statement in pg_stat_activity must have been running (or a
 *                      transaction idle) to be reported (default 1000 ms)
 * @param language      {@code ru} (default) or {@code en}
 */
public record QueryAnalysisParams(int limit, double slowMeanMs, long minActivityMs, Lang language) {
    public QueryAnalysisParams {
        if (limit <= 0) limit = 10;
        if (slowMeanMs <= 0) slowMeanMs = 100;
        if (minActivityMs < 0) minActivityMs = 1000;
        if (language == null) language = Lang.RU;
    }

    public static QueryAnalysisParams defaults() {
        return new QueryAnalysisParams(10, 100, 1000, Lang.RU);
    }

    /** From a task's {@code task_params}: limit, slow_mean_ms, min_activity_ms, language. */
    public static QueryAnalysisParams fromJson(JsonNode p) {
        if (p == null || !p.isObject()) return defaults();
        return new QueryAnalysisParams(p.path("limit").asInt(10), p.path("slow_mean_ms").asDouble(100),
                p.path("min_activity_ms").asLong(1000), Lang.of(p.path("language").asText(null)));
    }
}
