package dev.coxswain.core.pganalysis.stats;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Statements running right now for longer than a threshold, and transactions left idle, from
 * pg_stat_activity. Needs no extension, so it is what is left when pg_stat_statements is not.
 * Other roles' query texts read "&lt;insufficient privilege&gt;" unless the role has
 * pg_read_all_stats; that is passed on as is.
 */
final class ActivityReader {
    static final int MAX_QUERY_CHARS = 2000;

    private ActivityReader() {
    }

    static ArrayNode longRunning(Connection c, long minMs, int limit) throws SQLException {
        ArrayNode out = Json.MAPPER.createArrayNode();
        // For "idle in transaction" what matters is how long the transaction has been left open,
        // i.e. since the last state change, not since its last statement started.
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT * FROM (
                  SELECT pid, datname, usename, application_name, state, wait_event_type, wait_event,
                         query_start, xact_start, query,
                         extract(epoch FROM clock_timestamp() - CASE WHEN state LIKE 'idle in transaction%'
                                 THEN state_change ELSE query_start END) * 1000 AS duration_ms
                    FROM pg_stat_activity
                   WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'
                     AND state IS NOT NULL AND state <> 'idle') a
                 WHERE duration_ms >= ?
                 ORDER BY duration_ms DESC
                 LIMIT ?""")) {
            ps.setLong(1, minMs);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ObjectNode q = out.addObject();
                    q.put("pid", rs.getInt("pid")).put("database", rs.getString("datname")).put("user", rs.getString("usename"))
                            .put("application_name", rs.getString("application_name")).put("state", rs.getString("state"))
                            .put("wait_event_type", rs.getString("wait_event_type")).put("wait_event", rs.getString("wait_event"))
                            .put("duration_ms", Math.round(rs.getDouble("duration_ms")));
                    Sql.putTime(q, "query_start", rs, "query_start");
                    Sql.putTime(q, "xact_start", rs, "xact_start");
                    q.put("query", Sql.truncate(rs.getString("query"), MAX_QUERY_CHARS));
                }
            }
        }
        return out;
    }
}
