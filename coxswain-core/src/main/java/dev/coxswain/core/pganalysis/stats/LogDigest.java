package dev.coxswain.core.pganalysis.stats;

import dev.coxswain.core.pganalysis.Lang;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns parsed log entries into counts, the most frequent (normalised) messages and known problem
 * groups. Problems are matched on the SQLSTATE when the prefix logs %e and otherwise on the
 * English message text, so a server with a non-English lc_messages only gets counts and top
 * messages, not problem groups (the result says which language the patterns expect).
 */
final class LogDigest {
    static final int TOP_MESSAGES = 10;
    static final int MAX_EXAMPLE_CHARS = 500;

    /** A known problem: how to recognise it and what to do about it. */
    record Kind(String name, Pattern pattern, Set<String> sqlstates, String ru, String en) {
    }

    static final List<Kind> KINDS = List.of(
            new Kind("authentication_failure", Pattern.compile("password authentication failed|no pg_hba\\.conf entry|authentication failed for user", Pattern.CASE_INSENSITIVE),
                    Set.of("28P01", "28000"),
                    "Неудачные попытки аутентификации: проверьте пароли и pg_hba.conf у клиентов; при множестве попыток с чужих адресов — ограничьте доступ (pg_hba.conf, firewall).",
                    "Authentication failures: check client passwords and pg_hba.conf; many attempts from unknown addresses call for tighter access (pg_hba.conf, firewall)."),
            new Kind("deadlock", Pattern.compile("deadlock detected", Pattern.CASE_INSENSITIVE), Set.of("40P01"),
                    "Взаимоблокировки: обновляйте строки во всех транзакциях в одном порядке и делайте транзакции короче.",
                    "Deadlocks: make all transactions touch rows in the same order and keep transactions short."),
            new Kind("lock_timeout", Pattern.compile("canceling statement due to lock timeout", Pattern.CASE_INSENSITIVE), Set.of("55P03"),
                    "Запросы отменяются по lock_timeout: найдите долгие транзакции, держащие блокировки (pg_locks, pg_stat_activity).",
                    "Statements are cancelled by lock_timeout: find the long transactions holding the locks (pg_locks, pg_stat_activity)."),
            new Kind("statement_timeout", Pattern.compile("canceling statement due to statement timeout", Pattern.CASE_INSENSITIVE), Set.of(),
                    "Запросы отменяются по statement_timeout: оптимизируйте их (EXPLAIN ANALYZE) или пересмотрите лимит.",
                    "Statements are cancelled by statement_timeout: optimise them (EXPLAIN ANALYZE) or revisit the limit."),
            new Kind("checkpoints_too_frequent", Pattern.compile("checkpoints are occurring too frequently", Pattern.CASE_INSENSITIVE), Set.of(),
                    "Контрольные точки слишком частые: увеличьте max_wal_size (и при необходимости checkpoint_timeout).",
                    "Checkpoints are too frequent: raise max_wal_size (and checkpoint_timeout if needed)."),
            new Kind("out_of_memory", Pattern.compile("out of memory", Pattern.CASE_INSENSITIVE), Set.of("53200"),
                    "Нехватка памяти: проверьте work_mem × число соединений, maintenance_work_mem и память сервера; рассмотрите пул соединений.",
                    "Out of memory: check work_mem × connections, maintenance_work_mem and server RAM; consider a connection pooler."),
            new Kind("too_many_connections", Pattern.compile("too many clients already|remaining connection slots are reserved", Pattern.CASE_INSENSITIVE),
                    Set.of("53300"),
                    "Исчерпан лимит соединений: используйте пул соединений (PgBouncer) или увеличьте max_connections с учётом памяти.",
                    "The connection limit is exhausted: use a connection pooler (PgBouncer) or raise max_connections with memory in mind."));

    private static final Pattern QUOTED = Pattern.compile("'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"");
    private static final Pattern NUMBER = Pattern.compile("(?<![A-Za-z_])-?\\d+(?:\\.\\d+)?");

    private LogDigest() {
    }

    /** Quoted literals become '?', numbers N, so "relation 17 of user 'a'" and "… 18 … 'b'" count as one message. */
    static String normalise(String message) {
        String s = QUOTED.matcher(message).replaceAll("?");
        return NUMBER.matcher(s).replaceAll("N").trim();
    }

    static Kind kindOf(LogEntry e) {
        for (Kind k : KINDS) {
            if ((e.sqlstate != null && k.sqlstates().contains(e.sqlstate)) || k.pattern().matcher(e.message).find()) return k;
        }
        return null;
    }

    /**
     * @param since entries before this instant (or without a time) are left out
     * @return {entries_in_range, counts_by_level, top_messages, problems}
     */
    static ObjectNode digest(List<LogEntry> entries, OffsetDateTime since, String minLevel, Lang l, Findings findings) {
        int min = LogLevels.rank(minLevel);
        Map<String, Integer> byLevel = new LinkedHashMap<>();
        for (String lv : LogLevels.ORDER) if (LogLevels.rank(lv) >= min) byLevel.put(lv, 0);
        Map<String, ObjectNode> top = new LinkedHashMap<>();
        Map<String, ObjectNode> problems = new LinkedHashMap<>();
        int inRange = 0;
        for (LogEntry e : entries) {
            if (e.time == null || e.time.isBefore(since) || LogLevels.rank(e.level) < min) continue;
            inRange++;
            String level = LogLevels.canonical(e.level);
            byLevel.merge(level, 1, Integer::sum);
            String norm = normalise(e.message);
            ObjectNode t = top.computeIfAbsent(level + "\u0000" + norm, k -> {
                ObjectNode n = Json.object();
                n.put("level", level).put("message", Sql.truncate(norm, MAX_EXAMPLE_CHARS)).put("count", 0);
                return n;
            });
            t.put("count", t.path("count").asInt() + 1);
            Kind k = kindOf(e);
            if (k != null) {
                ObjectNode p = problems.computeIfAbsent(k.name(), n -> {
                    ObjectNode o = Json.object();
                    o.put("kind", n).put("count", 0).put("first_seen", e.time.toString());
                    o.put("example", Sql.truncate(e.message, MAX_EXAMPLE_CHARS));
                    if (e.extra.containsKey("detail")) o.put("example_detail", Sql.truncate(e.extra.get("detail"), MAX_EXAMPLE_CHARS));
                    o.put("recommendation", l.t(k.ru(), k.en()));
                    return o;
                });
                p.put("count", p.path("count").asInt() + 1).put("last_seen", e.time.toString());
                if (e.sqlstate != null) p.put("sqlstate", e.sqlstate);
            }
        }
        ObjectNode out = Json.object();
        out.put("entries_in_range", inRange);
        ObjectNode levels = out.putObject("counts_by_level");
        byLevel.forEach(levels::put);
        ArrayNode topArr = out.putArray("top_messages");
        top.values().stream().sorted(Comparator.comparingInt((ObjectNode n) -> n.path("count").asInt()).reversed())
                .limit(TOP_MESSAGES).forEach(topArr::add);
        ArrayNode probArr = out.putArray("problems");
        for (ObjectNode p : problems.values()) {
            p.put("source", "server_log");
            probArr.add(p);
            findings.add("database", null, p.path("kind").asText(),
                    l.t("%s: %d раз в журнале (%s — %s)", "%s: %d times in the log (%s to %s)",
                            p.path("kind").asText(), p.path("count").asInt(), p.path("first_seen").asText(), p.path("last_seen").asText()),
                    p.path("recommendation").asText()).put("source", "server_log").put("count", p.path("count").asInt());
        }
        return out;
    }
}
