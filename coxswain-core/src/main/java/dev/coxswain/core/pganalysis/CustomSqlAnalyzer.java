package dev.coxswain.core.pganalysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The {@code custom_sql} task: one read-only query with a timeout and a row cap. Three walls stand
 * in front of the server: {@link ReadOnlySqlGuard} (one query, no function that acts outside the
 * transaction), the read-only session, and a transaction that is rolled back, never committed.
 *
 * <p>Params: {@code custom_sql} (required), {@code query_timeout} seconds (default 300, as the
 * seed), {@code max_rows} (default 1000). Result:
 * {@code {columns:[{name,type}], rows:[[...]], row_count, truncated, max_rows, duration_ms}} plus
 * a {@code notice} when rows were cut off.
 */
public final class CustomSqlAnalyzer {
    public static final int DEFAULT_QUERY_TIMEOUT_SECONDS = 300;
    public static final int DEFAULT_MAX_ROWS = 1000;
    /** A cap on the cap: results are stored as a task result, which is not meant to hold a table dump. */
    public static final int MAX_MAX_ROWS = 100_000;
    static final int MAX_QUERY_TIMEOUT_SECONDS = 24 * 3600;

    public ObjectNode run(PgTarget target, JsonNode params) {
        TaskParams p = new TaskParams(params);
        String sql = p.text("custom_sql");
        if (sql == null || sql.isBlank()) {
            throw new PgAnalysisException(PgAnalysisException.INVALID_PARAMS, "custom_sql is required (Не указан SQL запрос для выполнения)");
        }
        int timeout = p.positiveInt("query_timeout", DEFAULT_QUERY_TIMEOUT_SECONDS, MAX_QUERY_TIMEOUT_SECONDS);
        int maxRows = p.positiveInt("max_rows", DEFAULT_MAX_ROWS, MAX_MAX_ROWS);
        ReadOnlySqlGuard.check(sql); // before a connection is even opened
        try (PgSession session = PgSession.open(target, timeout)) {
            return execute(session, sql, maxRows);
        }
    }

    /**
     * Runs the statement inside a transaction that is always rolled back: whatever a function
     * writes below the read-only check (a large object, say) is never committed.
     */
    static ObjectNode execute(PgSession session, String sql, int maxRows) {
        Connection c = session.connection();
        try {
            c.setAutoCommit(false);
        } catch (SQLException e) {
            throw session.failure(e);
        }
        try {
            return query(session, sql, maxRows);
        } finally {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // A broken connection commits nothing either; the session is closed next.
            }
        }
    }

    private static ObjectNode query(PgSession session, String sql, int maxRows) {
        long start = System.nanoTime();
        try (Statement st = session.connection().createStatement()) {
            // One row past the cap tells us whether there were more, without fetching them all.
            st.setMaxRows(maxRows + 1);
            // A client-side backstop in case the server-side statement_timeout cannot fire.
            st.setQueryTimeout(session.statementTimeoutSeconds() + 5);
            ObjectNode out = Json.object();
            ArrayNode rows = Json.MAPPER.createArrayNode();
            boolean truncated = false;
            if (st.execute(sql)) {
                try (ResultSet rs = st.getResultSet()) {
                    ResultSetMetaData md = rs.getMetaData();
                    out.set("columns", ResultSetJson.columns(md));
                    while (rs.next()) {
                        if (rows.size() == maxRows) {
                            truncated = true;
                            break;
                        }
                        rows.add(ResultSetJson.row(rs, md));
                    }
                }
            } else {
                out.set("columns", Json.MAPPER.createArrayNode());
            }
            out.set("rows", rows);
            out.put("row_count", rows.size());
            out.put("truncated", truncated);
            out.put("max_rows", maxRows);
            if (truncated) out.put("notice", "result truncated to the first " + maxRows + " rows (max_rows)");
            out.put("duration_ms", (System.nanoTime() - start) / 1_000_000);
            return out;
        } catch (SQLException e) {
            throw session.failure(e);
        }
    }
}
