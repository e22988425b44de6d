package dev.coxswain.core.pganalysis.stats;

import dev.coxswain.core.pganalysis.Lang;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The log's stand-in when the log cannot be read: pg_stat_database counters, readable by any
 * role. They are cumulative since stats_reset, not for the requested time range; the result says
 * so through {@code stats_reset}.
 */
final class DatabaseStats {
    static final double ROLLBACK_RATIO = 0.05;
    static final long MIN_XACTS = 1_000;
    static final long TEMP_BYTES = 1L << 30;

    private DatabaseStats() {
    }

    static ArrayNode read(Connection c, Lang l, Findings findings) throws SQLException {
        ArrayNode out = Json.MAPPER.createArrayNode();
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_stat_clear_snapshot()");
            try (ResultSet rs = s.executeQuery("""
                    SELECT datname, xact_commit, xact_rollback, deadlocks, conflicts, temp_files, temp_bytes,
                           checksum_failures, stats_reset
                      FROM pg_stat_database WHERE datname IS NOT NULL AND datname NOT IN ('template0', 'template1')
                     ORDER BY datname""")) {
                while (rs.next()) {
                    String db = rs.getString("datname");
                    ObjectNode d = out.addObject();
                    long commit = rs.getLong("xact_commit"), rollback = rs.getLong("xact_rollback");
                    double ratio = commit + rollback == 0 ? 0 : (double) rollback / (commit + rollback);
                    long deadlocks = rs.getLong("deadlocks"), conflicts = rs.getLong("conflicts"), tempBytes = rs.getLong("temp_bytes");
                    long checksum = rs.getLong("checksum_failures");
                    d.put("database", db).put("xact_commit", commit).put("xact_rollback", rollback).put("rollback_ratio", Sql.round(ratio, 4))
                            .put("deadlocks", deadlocks).put("conflicts", conflicts).put("temp_files", rs.getLong("temp_files"))
                            .put("temp_bytes", tempBytes).put("checksum_failures", checksum);
                    Sql.putTime(d, "stats_reset", rs, "stats_reset");
                    if (deadlocks > 0) add(findings, db, "deadlock", l.t("%d взаимоблокировок с момента сброса статистики", "%d deadlocks since the statistics reset", deadlocks),
                            l.t("Взаимоблокировки: обновляйте строки во всех транзакциях в одном порядке и делайте транзакции короче.",
                                    "Deadlocks: make all transactions touch rows in the same order and keep transactions short."));
                    if (commit + rollback >= MIN_XACTS && ratio >= ROLLBACK_RATIO) add(findings, db, "high_rollback_ratio",
                            l.t("Доля откатов %.1f%%", "Rollback ratio %.1f%%", ratio * 100),
                            l.t("Много откатов: проверьте ошибки приложения и журнал сервера.", "Many rollbacks: check application errors and the server log."));
                    if (tempBytes >= TEMP_BYTES) add(findings, db, "temp_files", l.t("Временные файлы: %d байт", "Temporary files: %d bytes", tempBytes),
                            l.t("Сортировки и хэши уходят на диск: увеличьте work_mem для тяжёлых запросов.", "Sorts and hashes spill to disk: raise work_mem for the heavy queries."));
                    if (conflicts > 0) add(findings, db, "replication_conflicts", l.t("%d конфликтов с репликацией", "%d recovery conflicts", conflicts),
                            l.t("Запросы на реплике отменяются: рассмотрите hot_standby_feedback или max_standby_streaming_delay.",
                                    "Queries on the standby are cancelled: consider hot_standby_feedback or max_standby_streaming_delay."));
                    if (checksum > 0) add(findings, db, "checksum_failures", l.t("%d ошибок контрольных сумм страниц", "%d page checksum failures", checksum),
                            l.t("Ошибки контрольных сумм означают повреждение данных: проверьте диски и восстановите из резервной копии.",
                                    "Checksum failures mean data corruption: check the storage and restore from backup."));
                }
            }
        }
        return out;
    }

    private static void add(Findings f, String db, String kind, String detail, String rec) {
        f.add("database", db, kind, detail, rec).put("source", "pg_stat_database");
    }
}
