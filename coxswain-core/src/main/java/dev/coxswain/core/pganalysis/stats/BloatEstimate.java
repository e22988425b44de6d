package dev.coxswain.core.pganalysis.stats;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A cheap, statistics-only table bloat estimate (no pgstattuple, no full scan), so it is safe to
 * run on a schedule against production.
 *
 * <p>Expected heap pages = reltuples × tuple size ÷ usable bytes per page, where tuple size is
 * MAXALIGN(24-byte header + Σ avg_width × (1 − null_frac) from pg_stats) + a 4-byte line pointer
 * and usable bytes are (block_size − 24-byte page header) × fillfactor. Bloat is what relpages has
 * beyond that. It ignores null bitmaps, padding between columns and TOAST, so it is rough: good for
 * "this table is mostly empty space", not for exact byte counts. Needs the table to be ANALYZEd.
 */
final class BloatEstimate {
    static final String METHOD = "statistics: relpages vs. pages expected from reltuples x (MAXALIGN(24-byte tuple header"
            + " + sum(avg_width x (1 - null_frac)) from pg_stats) + 4-byte line pointer) at the table's fillfactor;"
            + " rough (ignores null bitmaps, column padding, TOAST); plus the dead-tuple ratio from pg_stat_user_tables";

    private BloatEstimate() {
    }

    /**
     * @return {estimated_bloat_bytes, estimated_bloat_ratio, expected_pages, actual_pages}, or
     *         {available:false, reason} when the table has no statistics yet
     */
    static ObjectNode estimate(Connection c, long oid, long relpages, double reltuples, int blockSize, int fillfactor)
            throws SQLException {
        ObjectNode out = Json.object();
        if (reltuples < 0) {
            out.put("available", false).put("reason", "table was never analyzed (reltuples = -1)");
            return out;
        }
        Double width = null;
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT sum(s.avg_width * (1 - s.null_frac)) AS width, count(*) AS n
                  FROM pg_stats s
                  JOIN pg_class c ON c.relname = s.tablename
                  JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = s.schemaname
                 WHERE c.oid = ? AND NOT s.inherited""")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getLong("n") > 0) width = rs.getDouble("width");
            }
        }
        if (width == null) {
            out.put("available", false).put("reason", "no pg_stats rows for the table (not analyzed, or no column privilege)");
            return out;
        }
        long tuple = ((24 + (long) Math.ceil(width) + 7) / 8) * 8 + 4;
        double usable = (blockSize - 24) * (fillfactor / 100.0);
        long expectedPages = (long) Math.ceil(reltuples * tuple / usable);
        long extraPages = Math.max(0, relpages - expectedPages);
        out.put("available", true);
        out.put("actual_pages", relpages);
        out.put("expected_pages", expectedPages);
        out.put("estimated_bloat_bytes", extraPages * blockSize);
        out.put("estimated_bloat_ratio", relpages == 0 ? 0.0 : Sql.round((double) extraPages / relpages, 3));
        return out;
    }
}
