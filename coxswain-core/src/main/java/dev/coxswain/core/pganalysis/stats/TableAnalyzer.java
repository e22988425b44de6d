package dev.coxswain.core.pganalysis.stats;

import dev.coxswain.core.pganalysis.Lang;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code table_analysis}: sizes, tuple counts, bloat, maintenance history and index health of user
 * tables, with findings and recommendations. Read-only: it only queries catalogs and statistics
 * views, so any role that can see the tables can run it.
 */
public final class TableAnalyzer {
    /** Dead-tuple ratio from which a table counts as bloated (with at least {@link #MIN_DEAD_TUPLES}). */
    static final double DEAD_RATIO_BLOATED = 0.2;
    static final long MIN_DEAD_TUPLES = 1_000;
    /** Size-estimate threshold: half the heap is empty space, and that is at least 1 MiB. */
    static final double EST_BLOAT_RATIO = 0.5;
    static final long EST_BLOAT_MIN_BYTES = 1L << 20;
    /** Sequential scans only matter on tables big enough that an index would help. */
    static final long SEQ_SCAN_MIN_LIVE = 10_000;
    static final long SEQ_SCAN_MIN_COUNT = 100;

    private record Target(String requested, Long oid, String error) {
    }

    public ObjectNode analyze(Connection c, TableAnalysisParams p) throws SQLException {
        Lang l = p.language();
        try (Statement s = c.createStatement()) {
            // Statistics views are snapshotted per transaction; start from a fresh snapshot.
            s.execute("SELECT pg_stat_clear_snapshot()");
        }
        List<Target> targets = p.targetTables().isEmpty() ? allTables(c, p.maxTables()) : resolve(c, p.targetTables());
        Findings findings = new Findings();
        ArrayNode tables = Json.MAPPER.createArrayNode();
        for (Target t : targets) {
            if (t.oid() == null) {
                tables.addObject().put("table", t.requested()).put("error", t.error());
                continue;
            }
            try {
                tables.add(Sql.guarded(c, () -> table(c, t.oid(), p, findings)));
            } catch (SQLException e) {
                tables.addObject().put("table", t.requested()).put("error", Sql.describe(e));
            }
        }
        autovacuumGlobal(c, l, findings);

        ObjectNode out = Json.object();
        out.put("message", l.t("Анализ таблиц выполнен", "Table analysis completed"));
        out.put("timestamp", OffsetDateTime.now().toString());
        out.put("language", l.code());
        out.put("detailed_analysis", p.detailedAnalysis());
        out.put("analyzed_tables_count", tables.size());
        out.put("bloat_method", BloatEstimate.METHOD);
        out.set("tables", tables);
        out.set("findings", findings.items());
        if (findings.items().isEmpty()) findings.sentence(l.t("Проблем с таблицами и индексами не найдено.", "No table or index problems found."));
        out.set("recommendations", findings.recommendations());
        return out;
    }

    private static List<Target> allTables(Connection c, int max) throws SQLException {
        List<Target> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT c.oid, format('%I.%I', n.nspname, c.relname) AS name
                  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.relkind IN ('r', 'p')
                   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                   AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
                 ORDER BY pg_total_relation_size(c.oid) DESC, n.nspname, c.relname
                 LIMIT ?""")) {
            ps.setInt(1, max);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(new Target(rs.getString("name"), rs.getLong("oid"), null));
            }
        }
        return out;
    }

    /** to_regclass resolves names exactly like SQL does (search_path, quoting) and gives null, not an error, when missing. */
    private static List<Target> resolve(Connection c, List<String> names) throws SQLException {
        List<Target> out = new ArrayList<>();
        for (String name : names) {
            try {
                out.add(Sql.guarded(c, () -> {
                    try (PreparedStatement ps = c.prepareStatement(
                            "SELECT c.oid, c.relkind FROM pg_class c WHERE c.oid = to_regclass(?)")) {
                        ps.setString(1, name);
                        try (ResultSet rs = ps.executeQuery()) {
                            if (!rs.next()) return new Target(name, null, "table not found");
                            String kind = rs.getString("relkind");
                            if (!kind.equals("r") && !kind.equals("p")) return new Target(name, null, "not a table (relkind " + kind + ")");
                            return new Target(name, rs.getLong("oid"), null);
                        }
                    }
                }));
            } catch (SQLException e) {
                out.add(new Target(name, null, Sql.describe(e)));
            }
        }
        return out;
    }

    private static ObjectNode table(Connection c, long oid, TableAnalysisParams p, Findings findings) throws SQLException {
        Lang l = p.language();
        ObjectNode t = Json.object();
        String name;
        long liveTup, deadTup, seqScan, idxScan, relpages;
        double reltuples;
        int blockSize, fillfactor = 100;
        boolean autovacuumOff = false, hasPk;
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT n.nspname, c.relname, format('%I.%I', n.nspname, c.relname) AS qname,
                       pg_get_userbyid(c.relowner) AS owner, c.relkind, c.reltuples, c.relpages, c.reloptions,
                       c.relhasindex, c.relhastriggers,
                       pg_total_relation_size(c.oid) AS total_bytes, pg_table_size(c.oid) AS table_bytes,
                       pg_indexes_size(c.oid) AS index_bytes,
                       pg_size_pretty(pg_total_relation_size(c.oid)) AS total_size,
                       pg_size_pretty(pg_table_size(c.oid)) AS table_size,
                       pg_size_pretty(pg_indexes_size(c.oid)) AS indexes_size,
                       EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p') AS has_pk,
                       coalesce(s.n_live_tup, 0) AS n_live_tup, coalesce(s.n_dead_tup, 0) AS n_dead_tup,
                       coalesce(s.seq_scan, 0) AS seq_scan, coalesce(s.seq_tup_read, 0) AS seq_tup_read,
                       coalesce(s.idx_scan, 0) AS idx_scan, s.n_mod_since_analyze,
                       s.n_tup_ins, s.n_tup_upd, s.n_tup_del,
                       s.last_vacuum, s.last_autovacuum, s.last_analyze, s.last_autoanalyze,
                       s.vacuum_count, s.autovacuum_count, s.analyze_count, s.autoanalyze_count,
                       current_setting('block_size')::int AS block_size
                  FROM pg_class c
                  JOIN pg_namespace n ON n.oid = c.relnamespace
                  LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
                 WHERE c.oid = ?""")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) throw new SQLException("table disappeared during analysis");
                name = rs.getString("qname");
                t.put("table", name).put("schema", rs.getString("nspname")).put("name", rs.getString("relname"));
                t.put("owner", rs.getString("owner")).put("partitioned", "p".equals(rs.getString("relkind")));
                t.put("total_size", rs.getString("total_size")).put("table_size", rs.getString("table_size"))
                        .put("indexes_size", rs.getString("indexes_size"));
                t.put("total_bytes", rs.getLong("total_bytes")).put("table_bytes", rs.getLong("table_bytes"))
                        .put("index_bytes", rs.getLong("index_bytes"));
                reltuples = rs.getDouble("reltuples");
                relpages = rs.getLong("relpages");
                t.put("estimated_rows", (long) Math.max(reltuples, 0));
                liveTup = rs.getLong("n_live_tup");
                deadTup = rs.getLong("n_dead_tup");
                t.put("live_tuples", liveTup).put("dead_tuples", deadTup);
                double deadRatio = liveTup + deadTup == 0 ? 0 : (double) deadTup / (liveTup + deadTup);
                t.put("dead_ratio", Sql.round(deadRatio, 3));
                t.put("has_primary_key", hasPk = rs.getBoolean("has_pk"));
                t.put("has_indexes", rs.getBoolean("relhasindex")).put("has_triggers", rs.getBoolean("relhastriggers"));
                seqScan = rs.getLong("seq_scan");
                idxScan = rs.getLong("idx_scan");
                t.put("seq_scan", seqScan).put("seq_tup_read", rs.getLong("seq_tup_read")).put("idx_scan", idxScan);
                Sql.putLong(t, "n_mod_since_analyze", rs, "n_mod_since_analyze");
                Sql.putLong(t, "inserted", rs, "n_tup_ins");
                Sql.putLong(t, "updated", rs, "n_tup_upd");
                Sql.putLong(t, "deleted", rs, "n_tup_del");
                for (String k : List.of("last_vacuum", "last_autovacuum", "last_analyze", "last_autoanalyze")) Sql.putTime(t, k, rs, k);
                for (String k : List.of("vacuum_count", "autovacuum_count", "analyze_count", "autoanalyze_count")) Sql.putLong(t, k, rs, k);
                blockSize = rs.getInt("block_size");
                ObjectNode opts = t.putObject("reloptions");
                Array arr = rs.getArray("reloptions");
                if (arr != null) {
                    for (Object o : (Object[]) arr.getArray()) {
                        String kv = String.valueOf(o);
                        int eq = kv.indexOf('=');
                        String k = eq < 0 ? kv : kv.substring(0, eq), v = eq < 0 ? "" : kv.substring(eq + 1);
                        opts.put(k, v);
                        if (k.equals("autovacuum_enabled") && isOff(v)) autovacuumOff = true;
                        if (k.equals("fillfactor")) fillfactor = Integer.parseInt(v);
                    }
                }
                t.put("autovacuum_enabled", !autovacuumOff);
                ObjectNode bloat = BloatEstimate.estimate(c, oid, relpages, reltuples, blockSize, fillfactor);
                bloat.put("dead_tuple_ratio", Sql.round(deadRatio, 3));
                t.set("bloat", bloat);

                if (!hasPk) {
                    findings.add("table", name, "no_primary_key",
                            l.t("У таблицы %s нет первичного ключа", "Table %s has no primary key", name),
                            l.t("Добавьте первичный ключ в %s: без него строки нельзя надёжно адресовать, не работает логическая репликация UPDATE/DELETE, легко появляются дубли.",
                                    "Add a primary key to %s: without one rows cannot be addressed reliably, logical replication of UPDATE/DELETE fails and duplicates creep in.", name));
                }
                long estBloatBytes = bloat.path("estimated_bloat_bytes").asLong(0);
                double estBloatRatio = bloat.path("estimated_bloat_ratio").asDouble(0);
                if ((deadTup >= MIN_DEAD_TUPLES && deadRatio >= DEAD_RATIO_BLOATED)
                        || (estBloatRatio >= EST_BLOAT_RATIO && estBloatBytes >= EST_BLOAT_MIN_BYTES)) {
                    findings.add("table", name, "bloated",
                            l.t("%s: мёртвых строк %d (%.0f%%), оценка пустого места %s байт (%.0f%% страниц)",
                                    "%s: %d dead tuples (%.0f%%), estimated empty space %s bytes (%.0f%% of pages)",
                                    name, deadTup, deadRatio * 100, estBloatBytes, estBloatRatio * 100),
                            l.t("Выполните VACUUM (ANALYZE) %s; если место нужно вернуть ОС — pg_repack или VACUUM FULL (блокирует таблицу). Проверьте, что autovacuum успевает за этой таблицей.",
                                    "Run VACUUM (ANALYZE) %s; to give space back to the OS use pg_repack or VACUUM FULL (locks the table). Check that autovacuum keeps up with this table.", name))
                            .put("dead_ratio", Sql.round(deadRatio, 3)).put("estimated_bloat_bytes", estBloatBytes);
                }
                if (autovacuumOff) {
                    findings.add("table", name, "autovacuum_disabled",
                            l.t("Для %s отключён autovacuum (autovacuum_enabled=false)", "Autovacuum is disabled for %s (autovacuum_enabled=false)", name),
                            l.t("Включите autovacuum для %s: ALTER TABLE %s RESET (autovacuum_enabled); иначе мёртвые строки копятся, а статистика устаревает.",
                                    "Re-enable autovacuum on %s: ALTER TABLE %s RESET (autovacuum_enabled); otherwise dead tuples pile up and statistics go stale.", name, name));
                }
                if (liveTup >= SEQ_SCAN_MIN_LIVE && seqScan >= SEQ_SCAN_MIN_COUNT && seqScan > 10 * idxScan) {
                    findings.add("table", name, "seq_scan_heavy",
                            l.t("%s: %d последовательных сканирований против %d индексных при %d строках", "%s: %d sequential scans vs %d index scans over %d rows",
                                    name, seqScan, idxScan, liveTup),
                            l.t("Найдите запросы к %s, читающие таблицу целиком (pg_stat_statements, EXPLAIN), и добавьте индексы под их условия WHERE/JOIN.",
                                    "Find the queries that read %s in full (pg_stat_statements, EXPLAIN) and add indexes for their WHERE/JOIN conditions.", name));
                }
            }
        }

        List<IndexReview.Index> indexes = IndexReview.read(c, oid);
        t.set("indexes", IndexReview.toJson(indexes, p.detailedAnalysis()));
        Map<IndexReview.Index, IndexReview.Index> dups = IndexReview.duplicates(indexes);
        ArrayNode unusedNames = t.putArray("unused_indexes");
        for (IndexReview.Index i : IndexReview.unused(indexes)) {
            unusedNames.add(i.name());
            findings.add("table", name, "unused_index",
                    l.t("Индекс %s не использовался ни разу с последнего сброса статистики (размер %d байт)",
                            "Index %s has not been scanned since the last statistics reset (%d bytes)", i.name(), i.bytes()),
                    l.t("Проверьте индекс %s на репликах и за полный бизнес-цикл; если он не нужен — DROP INDEX CONCURRENTLY %s: он замедляет запись и занимает место.",
                            "Check index %s on replicas and over a full business cycle; if it is not needed, DROP INDEX CONCURRENTLY %s: it slows writes and takes space.", i.name(), i.name()))
                    .put("index", i.name());
        }
        ArrayNode dupNames = t.putArray("duplicate_indexes");
        for (Map.Entry<IndexReview.Index, IndexReview.Index> e : dups.entrySet()) {
            String drop = e.getKey().name(), keep = e.getValue().name();
            dupNames.addObject().put("index", drop).put("duplicate_of", keep);
            findings.add("table", name, "duplicate_index",
                    l.t("Индекс %s дублирует %s (те же столбцы/выражения, классы операторов и условие)",
                            "Index %s duplicates %s (same columns/expressions, operator classes and predicate)", drop, keep),
                    l.t("Удалите дублирующий индекс: DROP INDEX CONCURRENTLY %s (остаётся %s).",
                            "Drop the duplicate index: DROP INDEX CONCURRENTLY %s (keeping %s).", drop, keep))
                    .put("index", drop).put("duplicate_of", keep);
        }
        if (p.detailedAnalysis()) t.set("columns", columns(c, oid));
        return t;
    }

    private static boolean isOff(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "false", "off", "no", "0", "f", "n" -> true;
            default -> false;
        };
    }

    private static ArrayNode columns(Connection c, long oid) throws SQLException {
        ArrayNode arr = Json.MAPPER.createArrayNode();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable,
                       pg_get_expr(d.adbin, d.adrelid) AS dflt
                  FROM pg_attribute a
                  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                 WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped
                 ORDER BY a.attnum""")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ObjectNode col = arr.addObject();
                    col.put("name", rs.getString("attname")).put("type", rs.getString("type")).put("nullable", rs.getBoolean("nullable"));
                    col.put("default", rs.getString("dflt"));
                }
            }
        }
        return arr;
    }

    /** The global switch beats every table setting, so it is a finding of its own. */
    private static void autovacuumGlobal(Connection c, Lang l, Findings findings) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_setting('autovacuum')")) {
            if (rs.next() && "off".equals(rs.getString(1))) {
                findings.add("table", null, "autovacuum_disabled",
                        l.t("autovacuum выключен для всего сервера", "autovacuum is switched off for the whole server"),
                        l.t("Включите autovacuum = on в postgresql.conf: без него таблицы раздуваются, а счётчик транзакций может дойти до wraparound.",
                                "Set autovacuum = on in postgresql.conf: without it tables bloat and transaction IDs can approach wraparound."));
            }
        }
    }
}
