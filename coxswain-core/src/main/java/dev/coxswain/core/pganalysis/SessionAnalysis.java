package dev.coxswain.core.pganalysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Adapts an analyzer that reads from a JDBC connection (table, query and log analysis) to a
 * target: opens a read-only {@link PgSession}, reads the params, runs it, and turns SQL errors and
 * bad params into {@link PgAnalysisException}s.
 */
public final class SessionAnalysis<P> implements BiFunction<PgTarget, JsonNode, ObjectNode> {
    /** An analyzer over an open connection. */
    @FunctionalInterface
    public interface Analyzer<P> {
        ObjectNode analyze(Connection c, P params) throws SQLException;
    }

    private final Function<JsonNode, P> params;
    private final Analyzer<P> analyzer;

    public SessionAnalysis(Function<JsonNode, P> params, Analyzer<P> analyzer) {
        this.params = params;
        this.analyzer = analyzer;
    }

    @Override
    public ObjectNode apply(PgTarget target, JsonNode json) {
        P p;
        try {
            p = params.apply(json);
        } catch (IllegalArgumentException e) {
            throw new PgAnalysisException(PgAnalysisException.INVALID_PARAMS, e.getMessage());
        }
        try (PgSession session = PgSession.open(target)) {
            try {
                return analyzer.analyze(session.connection(), p);
            } catch (SQLException e) {
                throw session.failure(e);
            }
        }
    }
}
