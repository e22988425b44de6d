package dev.coxswain.core.pganalysis.stats;

import dev.coxswain.core.pganalysis.Lang;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneId;

/**
 * {@code log_analysis}: reads the server's log for the last {@code time_range_hours} and reports
 * counts, top messages and known problems. When the log cannot be read (no privilege,
 * logging_collector off and no path) it says so ({@code log_access: unavailable} plus the reason)
 * and falls back to the cumulative counters that tell a similar story: pg_stat_database and, when
 * usable, pg_stat_statements. Every section carries its {@code source}.
 */
public final class LogAnalyzer {
    public ObjectNode analyze(Connection c, LogAnalysisParams p) throws SQLException {
        Lang l = p.language();
        Findings findings = new Findings();
        ObjectNode out = Json.object();
        out.put("message", l.t("Анализ логов выполнен", "Log analysis completed"));
        out.put("timestamp", OffsetDateTime.now().toString());
        out.put("language", l.code());
        out.put("time_range_hours", p.timeRangeHours()).put("log_level", p.logLevel());

        LogFileReader.Result log = LogFileReader.read(c, p);
        if (log.text() != null) {
            out.put("log_access", "available");
            String prefix = LogFileReader.setting(c, "log_line_prefix");
            ObjectNode src = out.putObject("log_source");
            src.put("source", "server_log").put("via", "pg_read_binary_file").set("files", log.files());
            src.put("log_line_prefix", prefix);
            src.put("patterns_language", "en");
            src.put("lc_messages", LogFileReader.setting(c, "lc_messages"));
            LogLineParser parser = new LogLineParser(prefix, zone(LogFileReader.setting(c, "log_timezone")));
            var entries = parser.parse(log.text());
            src.put("parsed_entries", entries.size()).put("unparsed_lines", parser.unparsedLines);
            OffsetDateTime since = serverNow(c).minusHours(p.timeRangeHours());
            ObjectNode digest = LogDigest.digest(entries, since, p.logLevel(), l, findings);
            out.setAll(digest);
            if (entries.isEmpty() && !log.text().isBlank()) {
                findings.sentence(l.t("Строки журнала не распознаны: проверьте, что log_line_prefix сервера совпадает с форматом файла (stderr, не csvlog/jsonlog).",
                        "No log lines were recognised: check that the server's log_line_prefix matches the file (stderr format, not csvlog/jsonlog)."));
            }
        } else {
            out.put("log_access", "unavailable");
            out.put("log_access_reason", log.reason());
            findings.sentence(l.t("Журнал сервера недоступен (%s). Для чтения журнала роли нужны права суперпользователя или pg_read_server_files (и pg_monitor для pg_ls_logdir); при logging_collector = off укажите путь к файлу журнала в log_file.",
                    "The server log is not readable (%s). Reading it needs superuser or pg_read_server_files (and pg_monitor for pg_ls_logdir); with logging_collector = off give the log file path as log_file.",
                    log.reason()));
            ObjectNode fb = out.putObject("fallback");
            fb.putObject("database_stats").put("source", "pg_stat_database").set("databases", DatabaseStats.read(c, l, findings));
            StatementStats.Probe probe = StatementStats.probe(c);
            ObjectNode st = fb.putObject("statements");
            st.put("source", "pg_stat_statements").put("available", probe.available()).put("status", probe.status());
            if (probe.available()) {
                var top = StatementStats.top(c, probe, "total", 10);
                st.set("top_by_total_time", top);
                QueryAnalysisParams qp = new QueryAnalysisParams(10, 100, 1000, l);
                top.forEach(q -> QueryAnalyzer.judge(q, qp, findings));
            } else if (probe.reason() != null) {
                st.put("reason", probe.reason());
            }
        }
        out.set("findings", findings.items());
        if (findings.recommendations().isEmpty()) findings.sentence(l.t("Проблем в журнале не найдено.", "No problems found in the log."));
        out.set("recommendations", findings.recommendations());
        return out;
    }

    private static OffsetDateTime serverNow(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT now()")) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class);
        }
    }

    private static ZoneId zone(String name) {
        try {
            return name == null ? null : ZoneId.of(name);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
