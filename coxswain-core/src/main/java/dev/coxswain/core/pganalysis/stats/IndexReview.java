package dev.coxswain.core.pganalysis.stats;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads one table's indexes and finds the unused and the duplicate ones. */
final class IndexReview {
    /** One index of the table, as read from pg_index. */
    record Index(String name, String definition, long bytes, long scans, boolean unique, boolean primary,
                 boolean backsConstraint, boolean valid, String sameKey) {
        /** Indexes that enforce something must stay even when nobody scans them. */
        boolean enforces() {
            return unique || primary || backsConstraint;
        }
    }

    private IndexReview() {
    }

    static List<Index> read(Connection c, long tableOid) throws SQLException {
        List<Index> out = new ArrayList<>();
        // Two indexes are duplicates when everything that decides what they can answer is equal:
        // access method, key columns (indkey), operator classes (indclass), collations, key
        // expressions and the partial-index predicate. Names and sizes do not matter.
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT ic.relname AS name, pg_get_indexdef(i.indexrelid) AS def,
                       pg_relation_size(i.indexrelid) AS bytes, coalesce(s.idx_scan, 0) AS scans,
                       i.indisunique, i.indisprimary, i.indisvalid,
                       EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) AS backs_constraint,
                       concat_ws(' | ', am.amname, i.indkey::text, i.indclass::text, i.indcollation::text,
                                 coalesce(pg_get_expr(i.indexprs, i.indrelid), ''),
                                 coalesce(pg_get_expr(i.indpred, i.indrelid), '')) AS same_key
                  FROM pg_index i
                  JOIN pg_class ic ON ic.oid = i.indexrelid
                  JOIN pg_am am ON am.oid = ic.relam
                  LEFT JOIN pg_stat_user_indexes s ON s.indexrelid = i.indexrelid
                 WHERE i.indrelid = ?
                 ORDER BY ic.relname""")) {
            ps.setLong(1, tableOid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Index(rs.getString("name"), rs.getString("def"), rs.getLong("bytes"), rs.getLong("scans"),
                            rs.getBoolean("indisunique"), rs.getBoolean("indisprimary"), rs.getBoolean("backs_constraint"),
                            rs.getBoolean("indisvalid"), rs.getString("same_key")));
                }
            }
        }
        return out;
    }

    /** idx_scan = 0 since the last stats reset, and nothing (PK, UNIQUE, constraint) depends on it. */
    static List<Index> unused(List<Index> indexes) {
        return indexes.stream().filter(i -> i.scans() == 0 && !i.enforces()).toList();
    }

    /**
     * For each group of identical indexes, the ones that can go: the group keeps its primary key,
     * else a unique/constraint index, else the most-scanned one (ties: first by name).
     *
     * @return redundant index → the index it duplicates
     */
    static Map<Index, Index> duplicates(List<Index> indexes) {
        Map<String, List<Index>> groups = new LinkedHashMap<>();
        for (Index i : indexes) groups.computeIfAbsent(i.sameKey(), k -> new ArrayList<>()).add(i);
        Map<Index, Index> out = new LinkedHashMap<>();
        for (List<Index> g : groups.values()) {
            if (g.size() < 2) continue;
            Index keep = g.get(0);
            for (Index i : g) if (rank(i) > rank(keep)) keep = i;
            for (Index i : g) if (i != keep) out.put(i, keep);
        }
        return out;
    }

    private static long rank(Index i) {
        return (i.primary() ? 4L << 40 : 0) + (i.unique() || i.backsConstraint() ? 2L << 40 : 0) + Math.min(i.scans(), 1L << 39);
    }

    static ArrayNode toJson(List<Index> indexes, boolean withDefinition) {
        ArrayNode arr = Json.MAPPER.createArrayNode();
        for (Index i : indexes) {
            ObjectNode n = arr.addObject();
            n.put("name", i.name()).put("size_bytes", i.bytes()).put("idx_scan", i.scans())
                    .put("unique", i.unique()).put("primary", i.primary()).put("valid", i.valid());
            if (withDefinition) n.put("definition", i.definition());
        }
        return arr;
    }
}
