package dev.coxswain.core.pganalysis.stats;

import java.util.List;
import java.util.Locale;

/**
 * Severity order as the server uses it for log_min_messages: LOG ranks above ERROR there
 * (checkpoint and connection chatter is "important for the log", not for the client).
 */
final class LogLevels {
    static final List<String> ORDER = List.of("DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "LOG", "FATAL", "PANIC");

    private LogLevels() {
    }

    /** DEBUG1…DEBUG5 all rank as DEBUG; unknown (or continuation labels like DETAIL) give -1. */
    static int rank(String level) {
        return level == null ? -1 : ORDER.indexOf(canonical(level));
    }

    static String canonical(String level) {
        String u = level.trim().toUpperCase(Locale.ROOT);
        return u.startsWith("DEBUG") ? "DEBUG" : u;
    }
}
