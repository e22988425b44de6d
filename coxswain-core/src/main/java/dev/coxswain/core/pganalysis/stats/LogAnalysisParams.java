package dev.coxswain.core.pganalysis.stats;

import dev.coxswain.core.pganalysis.Lang;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Parameters of a {@code log_analysis} run.
 *
 * @param timeRangeHours how far back from the server's now() to look (default 24)
 * @param logLevel       lowest severity counted, in PostgreSQL's log order DEBUG &lt; INFO &lt;
 *                       NOTICE &lt; WARNING &lt; ERROR &lt; LOG &lt; FATAL &lt; PANIC (default WARNING)
 * @param logFile        a log file path on the database server, read through pg_read_binary_file;
 *                       needed when logging_collector is off (Debian: /var/log/postgresql/…)
 * @param maxBytes       at most this many bytes from the end of the log(s) are read (default 16 MiB)
 * @param language       {@code ru} (default) or {@code en}
 */
public record LogAnalysisParams(int timeRangeHours, String logLevel, String logFile, long maxBytes, Lang language) {
    public static final long DEFAULT_MAX_BYTES = 16L << 20;

    public LogAnalysisParams {
        if (timeRangeHours <= 0) timeRangeHours = 24;
        logLevel = LogLevels.rank(logLevel) < 0 ? "WARNING" : LogLevels.canonical(logLevel);
        if (logFile != null && logFile.isBlank()) logFile = null;
        if (maxBytes <= 0) maxBytes = DEFAULT_MAX_BYTES;
        if (language == null) language = Lang.RU;
    }

    public static LogAnalysisParams defaults() {
        return new LogAnalysisParams(24, "WARNING", null, DEFAULT_MAX_BYTES, Lang.RU);
    }

    /** From a task's {@code task_params}: time_range_hours, log_level, log_file, max_bytes, language. */
    public static LogAnalysisParams fromJson(JsonNode p) {
        if (p == null || !p.isObject()) return defaults();
        // A typo must be an error, not a silently different report.
        if (p.hasNonNull("log_level") && !java.util.Set.of("DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "LOG", "FATAL", "PANIC")
                .contains(p.get("log_level").asText().toUpperCase(java.util.Locale.ROOT))) {
            throw new IllegalArgumentException("log_level must be one of DEBUG, INFO, NOTICE, WARNING, ERROR, LOG, FATAL, PANIC");
        }
        if (p.has("time_range_hours") && !p.get("time_range_hours").canConvertToInt()) {
            throw new IllegalArgumentException("time_range_hours must be an integer");
        }
        return new LogAnalysisParams(p.path("time_range_hours").asInt(24), p.path("log_level").asText("WARNING"),
                p.path("log_file").asText(null), p.path("max_bytes").asLong(DEFAULT_MAX_BYTES), Lang.of(p.path("language").asText(null)));
    }
}
