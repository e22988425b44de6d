package dev.coxswain.core.pganalysis.stats;

import dev.coxswain.core.pganalysis.Lang;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Parameters of a {@code table_analysis} run.
 *
 * @param targetTables     {@code schema.table} or {@code table} names (resolved like PostgreSQL
 *                         does, through {@code to_regclass} and the search_path); empty means all
 *                         user tables
 * @param detailedAnalysis also report columns and index definitions
 * @param maxTables        when no targets are given, the largest this many tables are analysed
 * @param language         {@code ru} (default) or {@code en}
 */
public record TableAnalysisParams(List<String> targetTables, boolean detailedAnalysis, int maxTables, Lang language) {
    public static final int DEFAULT_MAX_TABLES = 200;

    public TableAnalysisParams {
        targetTables = targetTables == null ? List.of() : List.copyOf(targetTables);
        if (maxTables <= 0) maxTables = DEFAULT_MAX_TABLES;
        if (language == null) language = Lang.RU;
    }

    public static TableAnalysisParams defaults() {
        return new TableAnalysisParams(List.of(), false, DEFAULT_MAX_TABLES, Lang.RU);
    }

    /** From a task's {@code task_params}: target_tables, detailed_analysis, max_tables, language. */
    public static TableAnalysisParams fromJson(JsonNode p) {
        if (p == null || !p.isObject()) return defaults();
        List<String> targets = new ArrayList<>();
        JsonNode t = p.path("target_tables");
        if (t.isArray()) t.forEach(n -> { if (n.isTextual() && !n.asText().isBlank()) targets.add(n.asText().trim()); });
        else if (t.isTextual()) for (String s : t.asText().split(",")) if (!s.isBlank()) targets.add(s.trim());
        return new TableAnalysisParams(targets, p.path("detailed_analysis").asBoolean(false),
                p.path("max_tables").asInt(DEFAULT_MAX_TABLES), Lang.of(p.path("language").asText(null)));
    }
}
