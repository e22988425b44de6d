package dev.coxswain.core.schedule;

import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parsed expressions by (expression, zone), least recently used evicted past {@code capacity},
 * so a firing does not parse the same text again.
 *
 * <p>Firings run on the group-commit writer threads, several at once on PostgreSQL, and an
 * access-ordered map changes its links on every lookup: each access holds the lock. Parsing is
 * done outside it (two threads may both parse a new expression; either result is the same).
 */
final class ParsedCronCache {
    private final Map<String, CronExpression> parsed;

    ParsedCronCache(int capacity) {
        this.parsed = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CronExpression> e) {
                return size() > capacity;
            }
        };
    }

    CronExpression get(String expression, String zone) {
        String key = expression + '\u0000' + zone;
        CronExpression cron;
        synchronized (parsed) {
            cron = parsed.get(key);
        }
        if (cron == null) {
            cron = CronExpression.parse(expression, ZoneId.of(zone));
            synchronized (parsed) {
                parsed.put(key, cron);
            }
        }
        return cron;
    }

    int size() {
        synchronized (parsed) {
            return parsed.size();
        }
    }
}
