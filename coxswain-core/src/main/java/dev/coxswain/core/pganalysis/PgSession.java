package dev.coxswain.core.pganalysis;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * One read-only connection to a {@link PgTarget}. Read-only is set at the session level
 * ({@code SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY} and
 * {@code default_transaction_read_only}), not just for the current transaction, so a
 * {@code COMMIT} smuggled into user SQL only starts another read-only transaction.
 */
public final class PgSession implements AutoCloseable {
    public static final String APPLICATION_NAME = "coxswain-analysis";
    /** The SQLSTATE PostgreSQL uses for a statement cancelled by statement_timeout or a cancel request. */
    static final String QUERY_CANCELED = "57014";

    private final Connection connection;
    private final PgTarget target;
    private final int statementTimeoutSeconds;

    private PgSession(Connection connection, PgTarget target, int statementTimeoutSeconds) {
        this.connection = connection;
        this.target = target;
        this.statementTimeoutSeconds = statementTimeoutSeconds;
    }

    /** Opens a session whose statement_timeout is the target's. */
    public static PgSession open(PgTarget target) {
        return open(target, target.statementTimeoutSeconds());
    }

    /** Opens a session with its own statement_timeout (a task's query_timeout). */
    public static PgSession open(PgTarget target, int statementTimeoutSeconds) {
        Properties props = new Properties();
        props.setProperty("user", target.user());
        if (target.password() != null) props.setProperty("password", target.password());
        props.setProperty("sslmode", target.sslmode());
        props.setProperty("connectTimeout", Integer.toString(target.connectTimeoutSeconds()));
        props.setProperty("loginTimeout", Integer.toString(target.connectTimeoutSeconds()));
        props.setProperty("ApplicationName", APPLICATION_NAME);
        // A dead network must not hang a worker forever; the server-side timeout fires well before this.
        props.setProperty("socketTimeout", Integer.toString(statementTimeoutSeconds + 30));
        Connection c;
        try {
            c = DriverManager.getConnection(target.jdbcUrl(), props);
        } catch (SQLException e) {
            throw new PgAnalysisException(PgAnalysisException.CONNECT_FAILED,
                    "cannot connect to " + target.host() + ":" + target.port() + "/" + target.database()
                            + " as " + target.user() + ": " + describe(e, target));
        }
        try {
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
                s.execute("SET default_transaction_read_only = on");
                // An int, so concatenation cannot inject anything.
                s.execute("SET statement_timeout = " + Math.multiplyExact(statementTimeoutSeconds, 1000));
            }
            c.setReadOnly(true);
        } catch (SQLException e) {
            closeQuietly(c);
            throw new PgAnalysisException(PgAnalysisException.CONNECT_FAILED,
                    "cannot prepare a read-only session: " + describe(e, target));
        }
        return new PgSession(c, target, statementTimeoutSeconds);
    }

    public Connection connection() {
        return connection;
    }

    public int statementTimeoutSeconds() {
        return statementTimeoutSeconds;
    }

    /** Turns a driver error into the analysis error a user sees: the server's own words, no password. */
    public PgAnalysisException failure(SQLException e) {
        if (QUERY_CANCELED.equals(e.getSQLState())) {
            return new PgAnalysisException(PgAnalysisException.TIMEOUT,
                    "query timed out after " + statementTimeoutSeconds + " s and was cancelled (PostgreSQL: "
                            + describe(e, target) + ")");
        }
        return new PgAnalysisException(PgAnalysisException.SQL_ERROR, "PostgreSQL error: " + describe(e, target),
                permanent(e.getSQLState()));
    }

    /**
     * Errors the same statement meets on every run: a syntax error, an unknown table or column, a
     * missing privilege (class 42), bad data (22), or a write refused by the read-only session
     * (25006). Lost connections, lock conflicts and resource shortages may pass, so they are retried.
     */
    static boolean permanent(String sqlState) {
        if (sqlState == null || sqlState.length() != 5) return false;
        return sqlState.startsWith("42") || sqlState.startsWith("22") || sqlState.equals("25006");
    }

    /**
     * The exact PostgreSQL message with its SQLSTATE. The password is scrubbed in case a driver or
     * server ever echoes it (e.g. inside a connection string in an error).
     */
    static String describe(SQLException e, PgTarget target) {
        String text = e.getMessage();
        if (e instanceof PSQLException p) {
            ServerErrorMessage m = p.getServerErrorMessage();
            if (m != null && m.getMessage() != null) {
                text = m.getMessage() + (m.getDetail() == null ? "" : " (" + m.getDetail() + ")");
            }
        }
        if (text == null) text = e.getClass().getSimpleName();
        if (e.getSQLState() != null) text = text + " [SQLSTATE " + e.getSQLState() + "]";
        String password = target.password();
        if (password != null && !password.isEmpty()) text = text.replace(password, "***");
        return text;
    }

    @Override
    public void close() {
        closeQuietly(connection);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // Closing is best effort: the session is read-only, so nothing can be lost.
        }
    }
}
