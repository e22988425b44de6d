package dev.coxswain.core.pganalysis.stats;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One logical log message: its first line plus the DETAIL/HINT/STATEMENT/CONTEXT lines and the
 * continuation lines of a multi-line statement that follow it.
 */
final class LogEntry {
    final OffsetDateTime time;
    final String level;
    final String pid;
    final String user;
    final String database;
    final String sqlstate;
    final String message;
    /** detail/hint/statement/context/query/location → text */
    final Map<String, String> extra = new LinkedHashMap<>();
    private String lastKey;

    LogEntry(OffsetDateTime time, String level, String pid, String user, String database, String sqlstate, String message) {
        this.time = time;
        this.level = level;
        this.pid = pid;
        this.user = user;
        this.database = database;
        this.sqlstate = sqlstate;
        this.message = message;
    }

    void addExtra(String label, String text) {
        lastKey = label.toLowerCase(java.util.Locale.ROOT);
        extra.merge(lastKey, text, (a, b) -> a + "\n" + b);
    }

    /** A line without prefix continues whatever came last (usually a multi-line STATEMENT). */
    void continueLast(String line) {
        if (lastKey == null) lastKey = "continuation";
        extra.merge(lastKey, line.strip(), (a, b) -> a + "\n" + b);
    }
}
