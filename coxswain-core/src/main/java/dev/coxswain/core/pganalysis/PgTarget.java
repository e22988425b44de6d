package dev.coxswain.core.pganalysis;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A PostgreSQL server and database to analyse. The password is write-only in spirit: it is used to
 * connect and never rendered, so {@link #toString()} masks it (records would print it otherwise).
 */
public record PgTarget(String host, int port, String database, String user, String password,
                       String sslmode, int connectTimeoutSeconds, int statementTimeoutSeconds) {
    public static final int DEFAULT_PORT = 5432;
    public static final String DEFAULT_SSLMODE = "prefer";
    public static final int DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;
    public static final int DEFAULT_STATEMENT_TIMEOUT_SECONDS = 30;
    /** The values libpq and pgjdbc both understand; anything else is a typo we should not pass on. */
    static final Set<String> SSLMODES = Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    public PgTarget {
        if (host == null || host.isBlank()) throw new IllegalArgumentException("host is required");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port must be 1..65535, got " + port);
        if (database == null || database.isBlank()) throw new IllegalArgumentException("database is required");
        if (user == null || user.isBlank()) throw new IllegalArgumentException("user is required");
        sslmode = sslmode == null || sslmode.isBlank() ? DEFAULT_SSLMODE : sslmode;
        if (!SSLMODES.contains(sslmode)) throw new IllegalArgumentException("sslmode must be one of " + SSLMODES + ", got " + sslmode);
        connectTimeoutSeconds = connectTimeoutSeconds <= 0 ? DEFAULT_CONNECT_TIMEOUT_SECONDS : connectTimeoutSeconds;
        statementTimeoutSeconds = statementTimeoutSeconds <= 0 ? DEFAULT_STATEMENT_TIMEOUT_SECONDS : statementTimeoutSeconds;
    }

    /** A target with the default sslmode and timeouts. */
    public static PgTarget of(String host, int port, String database, String user, String password) {
        return new PgTarget(host, port, database, user, password, null, 0, 0);
    }

    /**
     * Reads {@code jdbc:postgresql://host[:port]/database?user=..&password=..&sslmode=..}: the form
     * test fixtures and connection strings come in. Only one host is supported.
     */
    public static PgTarget fromJdbcUrl(String url) {
        String prefix = "jdbc:postgresql://";
        if (url == null || !url.startsWith(prefix)) throw new IllegalArgumentException("not a jdbc:postgresql:// URL");
        String rest = url.substring(prefix.length());
        int q = rest.indexOf('?');
        String query = q < 0 ? "" : rest.substring(q + 1);
        String hostPortDb = q < 0 ? rest : rest.substring(0, q);
        int slash = hostPortDb.indexOf('/');
        String hostPort = slash < 0 ? hostPortDb : hostPortDb.substring(0, slash);
        String database = slash < 0 ? "" : decode(hostPortDb.substring(slash + 1));
        String host = hostPort;
        int port = DEFAULT_PORT;
        int colon = hostPort.lastIndexOf(':');
        if (colon > 0 && hostPort.indexOf(']') < colon) {
            host = hostPort.substring(0, colon);
            port = Integer.parseInt(hostPort.substring(colon + 1));
        }
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        Map<String, String> params = new HashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            params.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return new PgTarget(host, port, database.isEmpty() ? params.getOrDefault("user", "postgres") : database,
                params.getOrDefault("user", "postgres"), params.get("password"), params.get("sslmode"), 0, 0);
    }

    public PgTarget withStatementTimeoutSeconds(int seconds) {
        return new PgTarget(host, port, database, user, password, sslmode, connectTimeoutSeconds, seconds);
    }

    /** The JDBC URL without credentials; they travel as connection properties. */
    String jdbcUrl() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + h + ":" + port + "/" + java.net.URLEncoder.encode(database, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "PgTarget[host=" + host + ", port=" + port + ", database=" + database + ", user=" + user
                + ", password=" + (password == null || password.isEmpty() ? "(none)" : "***")
                + ", sslmode=" + sslmode + ", connectTimeoutSeconds=" + connectTimeoutSeconds
                + ", statementTimeoutSeconds=" + statementTimeoutSeconds + "]";
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
