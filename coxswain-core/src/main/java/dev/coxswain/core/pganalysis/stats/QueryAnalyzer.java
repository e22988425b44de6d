package dev.coxswain.core.pganalysis.stats;

import dev.coxswain.core.pganalysis.Lang;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code query_analysis}: the heaviest statements from pg_stat_statements when it is usable, and
 * in every case what is running long right now from pg_stat_activity. Each section names its
 * {@code source}, because the two answer different questions (history since the last reset vs.
 * this instant).
 */
public final class QueryAnalyzer {
    static final double LOW_HIT_RATIO = 0.9;
    static final long LOW_HIT_MIN_BLOCKS = 1_000;
    static final long FREQUENT_CALLS = 10_000;
    static final double CHEAP_MEAN_MS = 1.0;

    public ObjectNode analyze(Connection c, QueryAnalysisParams p) throws SQLException {
        Lang l = p.language();
        Findings findings = new Findings();
        ObjectNode out = Json.object();
        StatementStats.Probe probe = StatementStats.probe(c);
        out.put("message", probe.available()
                ? l.t("Анализ запросов выполнен", "Query analysis completed")
                : l.t("pg_stat_statements недоступно, анализ по pg_stat_activity", "pg_stat_statements is unavailable; analysed pg_stat_activity"));
        out.put("timestamp", OffsetDateTime.now().toString());
        out.put("language", l.code());
        ObjectNode pss = out.putObject("pg_stat_statements");
        pss.put("available", probe.available()).put("status", probe.status());
        if (probe.reason() != null) pss.put("reason", probe.reason());

        if (probe.available()) {
            ArrayNode byTotal = StatementStats.top(c, probe, "total", p.limit());
            ArrayNode byMean = StatementStats.top(c, probe, "mean", p.limit());
            out.putObject("top_by_total_time").put("source", "pg_stat_statements").set("queries", byTotal);
            out.putObject("top_by_mean_time").put("source", "pg_stat_statements").set("queries", byMean);
            Set<String> seen = new HashSet<>();
            for (ArrayNode list : new ArrayNode[] {byTotal, byMean}) {
                for (JsonNode q : list) if (seen.add(q.path("queryid").asText() + "/" + q.path("database").asText() + "/" + q.path("user").asText())) judge(q, p, findings);
            }
        } else {
            pss.set("how_to_enable", StatementStats.howToEnable(l));
            findings.sentence(l.t("Включите pg_stat_statements, чтобы видеть самые тяжёлые запросы за период: shared_preload_libraries = 'pg_stat_statements', перезапуск сервера, затем CREATE EXTENSION pg_stat_statements.",
                    "Enable pg_stat_statements to see the heaviest statements over time: shared_preload_libraries = 'pg_stat_statements', restart the server, then CREATE EXTENSION pg_stat_statements."));
        }

        ArrayNode running = ActivityReader.longRunning(c, p.minActivityMs(), p.limit());
        out.putObject("long_running").put("source", "pg_stat_activity").put("min_duration_ms", p.minActivityMs()).set("queries", running);
        for (JsonNode q : running) {
            String pid = q.path("pid").asText();
            long ms = q.path("duration_ms").asLong();
            if (q.path("state").asText().startsWith("idle in transaction")) {
                findings.add("query", q.path("query").asText(), "idle_in_transaction",
                        l.t("Сессия %s простаивает в открытой транзакции %d мс", "Session %s has been idle in an open transaction for %d ms", pid, ms),
                        l.t("Завершайте транзакции в приложении; задайте idle_in_transaction_session_timeout: открытая транзакция держит блокировки и мешает VACUUM.",
                                "Make the application end its transactions; set idle_in_transaction_session_timeout: an open transaction holds locks and holds back VACUUM."))
                        .put("source", "pg_stat_activity").put("pid", q.path("pid").asInt());
            } else {
                String wait = q.path("wait_event_type").isNull() ? "" : " (" + q.path("wait_event_type").asText() + "/" + q.path("wait_event").asText() + ")";
                findings.add("query", q.path("query").asText(), "long_running",
                        l.t("Запрос в сессии %s выполняется уже %d мс%s", "The statement in session %s has been running for %d ms%s", pid, ms, wait),
                        l.t("Проверьте план долгого запроса (EXPLAIN (ANALYZE, BUFFERS)) и ожидания блокировок; ограничьте время statement_timeout.",
                                "Check the long statement's plan (EXPLAIN (ANALYZE, BUFFERS)) and lock waits; bound it with statement_timeout."))
                        .put("source", "pg_stat_activity").put("pid", q.path("pid").asInt());
            }
        }
        out.set("findings", findings.items());
        if (findings.items().isEmpty() && findings.recommendations().isEmpty()) {
            findings.sentence(l.t("Проблемных запросов не найдено.", "No problem statements found."));
        }
        out.set("recommendations", findings.recommendations());
        return out;
    }

    /** Rule-of-thumb checks on one pg_stat_statements row. */
    static void judge(JsonNode q, QueryAnalysisParams p, Findings f) {
        Lang l = p.language();
        String text = q.path("query").asText();
        double mean = q.path("mean_exec_time_ms").asDouble();
        long calls = q.path("calls").asLong();
        long blocks = q.path("shared_blks_hit").asLong() + q.path("shared_blks_read").asLong();
        if (mean >= p.slowMeanMs()) {
            f.add("query", text, "high_mean_time",
                    l.t("Среднее время %.1f мс при %d вызовах", "Mean time %.1f ms over %d calls", mean, calls),
                    l.t("Разберите план медленного запроса (EXPLAIN (ANALYZE, BUFFERS)): недостающие индексы, устаревшая статистика, лишние строки.",
                            "Examine the slow statement's plan (EXPLAIN (ANALYZE, BUFFERS)): missing indexes, stale statistics, rows read for nothing."))
                    .put("source", "pg_stat_statements").set("queryid", q.path("queryid"));
        }
        if (blocks >= LOW_HIT_MIN_BLOCKS && !q.path("shared_hit_ratio").isNull() && q.path("shared_hit_ratio").asDouble() < LOW_HIT_RATIO) {
            f.add("query", text, "low_cache_hit_ratio",
                    l.t("Доля попаданий в shared_buffers %.1f%%", "shared_buffers hit ratio %.1f%%", q.path("shared_hit_ratio").asDouble() * 100),
                    l.t("Запрос много читает с диска: сузьте выборку индексом или увеличьте shared_buffers, если рабочий набор данных не помещается в память.",
                            "The statement reads a lot from disk: narrow it with an index, or raise shared_buffers if the working set does not fit in memory."))
                    .put("source", "pg_stat_statements").set("queryid", q.path("queryid"));
        }
        if (calls >= FREQUENT_CALLS && mean < CHEAP_MEAN_MS) {
            f.add("query", text, "frequent_cheap",
                    l.t("%d вызовов по %.3f мс", "%d calls at %.3f ms each", calls, mean),
                    l.t("Очень частый дешёвый запрос: кэшируйте результат в приложении или объединяйте вызовы в пакеты (N+1?).",
                            "A very frequent cheap statement: cache its result in the application or batch the calls (N+1?)."))
                    .put("source", "pg_stat_statements").set("queryid", q.path("queryid"));
        }
        if (q.path("temp_blks_written").asLong() > 0) {
            f.add("query", text, "temp_files",
                    l.t("Запрос пишет временные файлы (%d блоков)", "The statement writes temporary files (%d blocks)", q.path("temp_blks_written").asLong()),
                    l.t("Сортировки/хэши не помещаются в work_mem: увеличьте work_mem для этой сессии/роли или уменьшите объём сортируемых данных.",
                            "Sorts/hashes do not fit in work_mem: raise work_mem for this session/role or sort less data."))
                    .put("source", "pg_stat_statements").set("queryid", q.path("queryid"));
        }
    }
}
