package dev.coxswain.core.connection;

import dev.coxswain.core.domain.Page;
import dev.coxswain.core.domain.TargetConnection;
import dev.coxswain.core.pganalysis.PgAnalysisException;
import dev.coxswain.core.pganalysis.PgSession;
import dev.coxswain.core.pganalysis.PgTarget;
import dev.coxswain.core.service.ConflictException;
import dev.coxswain.core.service.NotFoundException;
import dev.coxswain.core.service.ValidationException;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.InTx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Connections to the PostgreSQL servers users analyse: validation, encrypted passwords, the
 * connection test, and a guard against deleting one that schedules still use.
 */
public final class ConnectionService {
    static final int CONNECT_TIMEOUT_SECONDS = 10;
    /** The privilege check on create and update: short, as the request waits for it. */
    static final int PROBE_TIMEOUT_SECONDS = 3;
    private static final Logger LOG = Logger.getLogger(ConnectionService.class.getName());

    private final Database db;
    private final ConnectionStore store;
    private final SecretBox box;
    private final Clock clock;

    public ConnectionService(Database db, ConnectionStore store, SecretBox box, Clock clock) {
        this.db = db;
        this.store = store;
        this.box = box;
        this.clock = clock;
    }

    /** What a client sends; {@code password} null on an update keeps the stored one. */
    public record Spec(String name, String host, Integer port, String database, String username, String password,
                       String sslmode, String environment, List<String> tags) {
        @Override
        public String toString() {
            return "Spec[" + name + " " + username + "@" + host + ":" + port + "/" + database + "]";
        }
    }

    /**
     * The outcome of a connection test: the server's version, or the exact error; {@code warnings}
     * say what the role may do beyond reading (empty when it is ordinary or the test failed).
     */
    public record TestResult(boolean ok, String serverVersion, String error, long millis, List<String> warnings) {
    }

    public TargetConnection create(Spec s, String source) {
        return create(s, source, InTx.none());
    }

    /** As {@link #create(Spec, String)}, running {@code then} in the creating transaction. */
    public TargetConnection create(Spec s, String source, InTx<? super TargetConnection> then) {
        Map<String, String> bad = validate(s);
        if (!bad.isEmpty()) throw new ValidationException(bad);
        return db.write(tx -> {
            if (store.findByName(tx.connection(), s.name().trim()) != null) {
                throw new ConflictException("a connection named '" + s.name().trim() + "' already exists");
            }
            TargetConnection made = store.find(tx.connection(), store.insert(tx, row(s, box.seal(s.password()), source),
                    clock.instant()));
            then.accept(tx, made);
            return made;
        });
    }

    public TargetConnection get(long id) {
        TargetConnection c = db.read(cn -> store.find(cn, id));
        if (c == null) throw new NotFoundException("connection " + id + " not found");
        return c;
    }

    public TargetConnection findByName(String name) {
        return db.read(cn -> store.findByName(cn, name));
    }

    public Page<TargetConnection> list(int offset, int limit) {
        return db.read(c -> store.list(c, offset, limit));
    }

    /** Fields left null keep their value (the password too). */
    public TargetConnection update(long id, Spec p) {
        TargetConnection cur = get(id);
        Spec merged = new Spec(p.name() != null ? p.name() : cur.name(), p.host() != null ? p.host() : cur.host(),
                p.port() != null ? p.port() : cur.port(), p.database() != null ? p.database() : cur.database(),
                p.username() != null ? p.username() : cur.username(), p.password(),
                p.sslmode() != null ? p.sslmode() : cur.sslmode(), p.environment() != null ? p.environment() : cur.environment(),
                p.tags() != null ? p.tags() : cur.tags());
        Map<String, String> bad = validate(merged);
        if (!bad.isEmpty()) throw new ValidationException(bad);
        db.write(tx -> {
            TargetConnection other = store.findByName(tx.connection(), merged.name().trim());
            if (other != null && other.id() != id) {
                throw new ConflictException("a connection named '" + merged.name().trim() + "' already exists");
            }
            return store.update(tx, id, row(merged, box.seal(merged.password()), cur.source()), merged.password() == null,
                    clock.instant());
        });
        return get(id);
    }

    public void delete(long id) {
        get(id);
        List<String> users = db.read(c -> store.usedBy(c, id));
        if (!users.isEmpty()) {
            throw new ConflictException("connection " + id + " is used by schedule" + (users.size() == 1 ? " " : "s ")
                    + String.join(", ", users));
        }
        db.write(tx -> store.delete(tx, id));
    }

    /** The target with the password opened; only for code that connects. */
    public PgTarget target(long id) {
        TargetConnection c = get(id);
        String sealed = db.read(cn -> store.sealedPassword(cn, id));
        return new PgTarget(c.host(), c.port(), c.database(), c.username(), box.open(sealed), c.sslmode(),
                CONNECT_TIMEOUT_SECONDS, 0);
    }

    /**
     * Connects (read-only session), asks the server's version and checks the role's privileges; a
     * failure reports the exact error, never the password.
     */
    public TestResult test(long id) {
        PgTarget t = target(id);
        long t0 = System.nanoTime();
        try (PgSession session = PgSession.open(t)) {
            String version;
            try (Statement s = session.connection().createStatement();
                 ResultSet rs = s.executeQuery("SELECT current_setting('server_version')")) {
                rs.next();
                version = rs.getString(1);
            }
            long millis = (System.nanoTime() - t0) / 1_000_000;
            return new TestResult(true, version, null, millis, roleWarnings(session, "connection " + id, t));
        } catch (PgAnalysisException e) {
            return new TestResult(false, null, e.getMessage(), (System.nanoTime() - t0) / 1_000_000, List.of());
        } catch (SQLException e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (t.password() != null && !t.password().isEmpty()) msg = msg.replace(t.password(), "******");
            return new TestResult(false, null, msg, (System.nanoTime() - t0) / 1_000_000, List.of());
        }
    }

    /**
     * What the connection's role may do beyond reading, checked by connecting now (a short
     * timeout: it runs inside a create or update request). Empty when the server cannot be reached
     * yet: creating a connection never depends on it, and the test endpoint checks again.
     */
    public List<String> privilegeWarnings(long id) {
        PgTarget full;
        try {
            full = target(id);
        } catch (IllegalStateException | IllegalArgumentException e) {
            return List.of(); // a password sealed with another key: every run will say so
        }
        return probe(full, "connection " + id);
    }

    /**
     * The same check for a connection about to be created, from what the client sent: run before
     * the create, so the probe (up to {@value #PROBE_TIMEOUT_SECONDS} s) never holds the write.
     */
    public List<String> privilegeWarnings(Spec s) {
        if (!validate(s).isEmpty()) return List.of(); // the create refuses it anyway
        PgTarget t = new PgTarget(s.host().trim(), s.port(), s.database(), s.username(), s.password(),
                s.sslmode() == null ? "prefer" : s.sslmode(), CONNECT_TIMEOUT_SECONDS, 0);
        return probe(t, "connection '" + s.name().trim() + "'");
    }

    private static List<String> probe(PgTarget full, String label) {
        PgTarget t = new PgTarget(full.host(), full.port(), full.database(), full.user(), full.password(), full.sslmode(),
                PROBE_TIMEOUT_SECONDS, PROBE_TIMEOUT_SECONDS);
        try (PgSession session = PgSession.open(t)) {
            return roleWarnings(session, label, t);
        } catch (PgAnalysisException e) {
            return List.of();
        }
    }

    /** The warnings, each also logged (the target's address and role, never its password). */
    private static List<String> roleWarnings(PgSession session, String label, PgTarget t) {
        List<String> warnings;
        try {
            warnings = RoleWarnings.of(session.connection());
        } catch (SQLException e) {
            LOG.log(Level.INFO, label + ": the role's privileges could not be checked: "
                    + session.failure(e).getMessage());
            return List.of();
        }
        for (String w : warnings) {
            LOG.warning(label + " (" + t.user() + "@" + t.host() + ":" + t.port() + "/" + t.database() + "): " + w);
        }
        return warnings;
    }

    private static ConnectionStore.Row row(Spec s, String sealedPassword, String source) {
        return new ConnectionStore.Row(s.name().trim(), s.host().trim(), s.port(), s.database(), s.username(), sealedPassword,
                s.sslmode() == null ? "prefer" : s.sslmode(), s.environment(), s.tags() == null ? List.of() : s.tags(), source);
    }

    private static Map<String, String> validate(Spec s) {
        Map<String, String> bad = new LinkedHashMap<>();
        if (s.name() == null || s.name().isBlank()) bad.put("name", "is required");
        else if (s.name().length() > 200) bad.put("name", "must be at most 200 characters");
        if (s.host() == null || s.host().isBlank()) bad.put("host", "is required");
        else if (!s.host().matches("[A-Za-z0-9._:\\[\\]-]{1,253}")) bad.put("host", "must be a host name or an IP address");
        if (s.port() == null) bad.put("port", "is required");
        else if (s.port() < 1 || s.port() > 65535) bad.put("port", "must be between 1 and 65535");
        if (s.database() == null || s.database().isBlank()) bad.put("database", "is required");
        else if (s.database().length() > 63 || s.database().contains("/") || s.database().contains("?")) {
            bad.put("database", "must be a database name (at most 63 characters, no '/' or '?')");
        }
        if (s.username() == null || s.username().isBlank()) bad.put("user", "is required");
        if (s.sslmode() != null && !TargetConnection.SSLMODES.contains(s.sslmode())) {
            bad.put("sslmode", "must be one of " + String.join(", ", TargetConnection.SSLMODES));
        }
        if (s.tags() != null && s.tags().size() > 50) bad.put("tags", "at most 50 tags");
        for (String f : new String[]{s.name(), s.host(), s.database(), s.username(), s.password(), s.environment()}) {
            if (f != null && f.indexOf('\u0000') >= 0) bad.put("body", "text must not contain NUL characters");
        }
        return bad;
    }
}
