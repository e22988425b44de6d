package dev.coxswain.core.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.EnumSet;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.function.Function;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The store's connections: a read pool, and a {@link GroupCommitter} that owns the writes.
 * Read-your-writes holds because a write returns only after its commit, and every read starts a
 * new transaction that sees it.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Database.class.getName());
    /** Ops per group commit; bounds the time one transaction holds SQLite's write lock. */
    private static final int MAX_BATCH = 256;
    /** Compiled statements the SQLite writer keeps; well above the number of distinct write statements. */
    private static final int STATEMENT_CACHE = 256;
    /**
     * PostgreSQL writer connections: the server cancels a statement running longer than this, and
     * the driver gives up on a socket silent for twice as long (a hung network or server), so a
     * writer thread, and every caller queued behind it, never waits forever.
     */
    static final Duration WRITE_STATEMENT_TIMEOUT = Duration.ofSeconds(30);

    private final SqlDialect dialect;
    private final HikariDataSource readers;
    private final GroupCommitter writer;
    private final String description;
    private final Function<String, ClusterBus> buses;

    private Database(SqlDialect dialect, HikariDataSource readers, GroupCommitter writer, String description,
                     Function<String, ClusterBus> buses) {
        this.dialect = dialect;
        this.readers = readers;
        this.writer = writer;
        this.description = description;
        this.buses = buses;
    }

    /**
     * The embedded store: {@code <dataDir>/coxswain.db} in WAL mode.
     *
     * @param fullSync true: fsync every commit (durable across power loss); false: WAL's NORMAL
     *                 sync (durable across process crashes, may lose the last commits on power loss)
     */
    public static Database sqlite(Path dataDir, boolean fullSync) {
        secureDataDirectory(dataDir);
        Path file = dataDir.resolve("coxswain.db");
        // Created here with mode 0600 before SQLite opens it: SQLite gives the -wal and -shm files
        // the main file's mode, so they follow (and existing ones are tightened below).
        secureFile(file, true);
        secureFile(dataDir.resolve("coxswain.db-wal"), false);
        secureFile(dataDir.resolve("coxswain.db-shm"), false);
        String url = "jdbc:sqlite:" + file.toAbsolutePath();
        SqlDialect dialect = new SqliteDialect();

        SQLiteConfig writeCfg = baseSqliteConfig(fullSync);
        writeCfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
        SQLiteDataSource writeDs = new SQLiteDataSource(writeCfg);
        writeDs.setUrl(url);
        migrate(dialect, writeDs::getConnection);

        SQLiteConfig readCfg = baseSqliteConfig(fullSync);
        readCfg.setReadOnly(true);
        SQLiteDataSource readDs = new SQLiteDataSource(readCfg);
        readDs.setUrl(url);
        HikariConfig hc = new HikariConfig();
        hc.setDataSource(readDs);
        hc.setPoolName("coxswain-sqlite-read");
        hc.setReadOnly(true); // must match the connection's own flag: sqlite-jdbc cannot change it later
        hc.setMaximumPoolSize(Math.max(4, Runtime.getRuntime().availableProcessors() * 2));
        hc.setMinimumIdle(1);
        HikariDataSource readers = new HikariDataSource(hc);

        // The writer reuses its compiled statements (see StatementCache); readers are pooled and shared.
        GroupCommitter writer = new GroupCommitter("sqlite",
                () -> open(() -> StatementCache.wrap(writeDs.getConnection(), STATEMENT_CACHE)), 1, MAX_BATCH,
                Database::sqliteBusy, Database::connectionLost, () -> { });
        return new Database(dialect, readers, writer, "sqlite " + dataDir.resolve("coxswain.db"), workerId -> ClusterBus.NONE);
    }

    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    /**
     * Creates the data directory with mode 0700, or takes group and other access away from an
     * existing one: it holds the embedded store, the secret key and the admin key. Does nothing
     * on a file system without POSIX permissions.
     */
    public static void secureDataDirectory(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                // Only the last level is ours to restrict; parents are created as the umask says.
                Path parent = dir.toAbsolutePath().getParent();
                if (parent != null) Files.createDirectories(parent);
                try {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } catch (FileAlreadyExistsException e) {
                    // created meanwhile; tightened below
                } catch (UnsupportedOperationException e) {
                    Files.createDirectories(dir);
                }
            }
            tighten(dir, "data directory");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + dir, e);
        }
    }

    /** Creates the file (when asked) with mode 0600, or takes group and other access away from it. */
    private static void secureFile(Path file, boolean create) {
        try {
            if (create && !Files.exists(file)) {
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } catch (UnsupportedOperationException e) {
                    return;
                } catch (FileAlreadyExistsException e) {
                    // another process created it first; tighten it below
                }
            }
            if (Files.exists(file)) tighten(file, "database file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create or restrict " + file, e);
        }
    }

    private static void tighten(Path p, String what) throws IOException {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(p);
        } catch (UnsupportedOperationException e) {
            return;
        }
        Set<PosixFilePermission> own = EnumSet.noneOf(PosixFilePermission.class);
        own.addAll(perms);
        if (!own.removeAll(OTHERS)) return;
        Files.setPosixFilePermissions(p, own);
        LOG.warning("restricted the " + what + " " + p + " to its owner (was " + PosixFilePermissions.toString(perms)
                + ", now " + PosixFilePermissions.toString(own) + "): it holds secrets");
    }

    private static SQLiteConfig baseSqliteConfig(boolean fullSync) {
        SQLiteConfig cfg = new SQLiteConfig();
        // WAL is set by the writer and persists in the file; readers must not issue the pragma
        // (it takes a lock, and a reader opened under load made the writer fail with SQLITE_BUSY).
        cfg.setSynchronous(fullSync ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
        cfg.setBusyTimeout(10_000);
        cfg.setTempStore(SQLiteConfig.TempStore.MEMORY);
        return cfg;
    }

    /**
     * The cluster store. {@code url} is a JDBC URL ({@code jdbc:postgresql://host:5432/db}); user
     * and password may be in it or given separately.
     */
    public static Database postgres(String url, String user, String password, int poolSize, int writers) {
        SqlDialect dialect = new PostgresDialect();
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        if (user != null) hc.setUsername(user);
        if (password != null) hc.setPassword(password);
        hc.setPoolName("coxswain-pg");
        hc.setMaximumPoolSize(poolSize + writers);
        hc.setMinimumIdle(2);
        hc.addDataSourceProperty("reWriteBatchedInserts", "true");
        hc.addDataSourceProperty("ApplicationName", "coxswain");
        HikariDataSource pool = new HikariDataSource(hc);
        migrate(dialect, pool::getConnection);
        GroupCommitter writer = new GroupCommitter("pg", () -> open(() -> writerConnection(pool)), writers, MAX_BATCH,
                Database::postgresRetryable, Database::connectionLost, () -> dropIdle(pool));
        Properties direct = new Properties();
        if (user != null) direct.setProperty("user", user);
        if (password != null) direct.setProperty("password", password);
        direct.setProperty("ApplicationName", "coxswain-bus");
        direct.setProperty("tcpKeepAlive", "true");
        return new Database(dialect, pool, writer, "postgres " + redact(url),
                workerId -> new PostgresBus(() -> DriverManager.getConnection(url, direct), pool::getConnection,
                        c -> dialect.tryNodeLock(c, workerId)));
    }

    /**
     * SQLite's "try again": the writer can meet {@code SQLITE_BUSY} from a lock another connection
     * holds for a moment (seen under load as a reader pool grows). Code 5, or an extended BUSY code.
     */
    static boolean sqliteBusy(SQLException e) {
        return (e.getErrorCode() & 0xff) == 5 || String.valueOf(e.getMessage()).contains("SQLITE_BUSY");
    }

    /**
     * PostgreSQL's "try again": a deadlock between two writers (e.g. lease renewal and a batch of
     * completions touching the same rows in another order) or a serialization failure.
     */
    static boolean postgresRetryable(SQLException e) {
        return "40P01".equals(e.getSQLState()) || "40001".equals(e.getSQLState());
    }

    /**
     * The connection is gone (the server ended the session, the network dropped it, the driver
     * closed it): SQLState class 08, the server's shutdown and termination codes (57P01-57P03), or
     * the pool's "connection is closed". Nothing sent on it after the failure reached the
     * database, so work that did not reach its commit may be run again on another connection.
     */
    static boolean connectionLost(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException) return true;
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                        || state.equals("57P03"))) {
                    return true;
                }
                String msg = String.valueOf(sql.getMessage()).toLowerCase(java.util.Locale.ROOT);
                if (msg.contains("connection has been closed") || msg.contains("connection is closed")) return true;
            }
        }
        return false;
    }

    /**
     * One lost connection usually means the server ended them all (a restart, a failover): the
     * pool's idle ones are dead too, and it would lend them without a check when recently used.
     * Evict them so the next borrower gets a new one (those in use are closed when returned).
     */
    private static void dropIdle(HikariDataSource pool) {
        var mx = pool.getHikariPoolMXBean();
        if (mx != null) mx.softEvictConnections();
    }

    /** A pooled connection for a writer thread, with the statement and socket timeouts writers use. */
    private static Connection writerConnection(HikariDataSource pool) throws SQLException {
        Connection c = pool.getConnection();
        try (Statement s = c.createStatement()) {
            s.execute("SET statement_timeout = " + WRITE_STATEMENT_TIMEOUT.toMillis());
            // The driver ignores the executor; the pool resets the timeout when the connection returns.
            c.setNetworkTimeout(Runnable::run, (int) WRITE_STATEMENT_TIMEOUT.multipliedBy(2).toMillis());
            return c;
        } catch (SQLException e) {
            c.close();
            throw e;
        }
    }

    /** The URL without its query string, which may hold a password. */
    static String redact(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    private interface ConnectionSource {
        Connection get() throws SQLException;
    }

    private static Connection open(ConnectionSource src) {
        try {
            Connection c = src.get();
            c.setAutoCommit(false);
            return c;
        } catch (SQLException e) {
            throw new StoreUnavailableException("cannot open a database connection: " + e.getMessage(), e);
        }
    }

    private static void migrate(SqlDialect dialect, ConnectionSource src) {
        try (Connection c = src.get()) {
            new Migrator(dialect).migrate(c);
        } catch (SQLException e) {
            throw new StoreException("schema migration failed: " + e.getMessage(), e);
        }
    }

    /**
     * A new bus to the other nodes on this store (each engine owns and closes its own). Nothing
     * to tell on SQLite; LISTEN/NOTIFY on PostgreSQL, where the bus also holds the node lock of
     * {@code workerId} (see {@link SqlDialect#nodeLocks}).
     */
    public ClusterBus openBus(String workerId) {
        return buses.apply(workerId);
    }

    public SqlDialect dialect() {
        return dialect;
    }

    /**
     * Runs a read on a pooled connection (autocommit). A read that meets a lost connection runs
     * once more on a fresh one (reads change nothing, so this is safe); if that fails too the
     * store is unavailable (faces answer 503), never an internal error.
     */
    public <T> T read(SqlFunction<T> fn) {
        try {
            return readOnce(fn);
        } catch (SQLException e) {
            if (!connectionLost(e)) throw new StoreException("read failed: " + e.getMessage(), e);
            dropIdle(readers);
        }
        try {
            return readOnce(fn);
        } catch (SQLException e) {
            if (connectionLost(e)) throw new StoreUnavailableException("the database is unreachable: " + e.getMessage(), e);
            throw new StoreException("read failed: " + e.getMessage(), e);
        }
    }

    private <T> T readOnce(SqlFunction<T> fn) throws SQLException {
        try (Connection c = readers.getConnection()) {
            return fn.apply(c);
        }
    }

    /** Runs a write in a committed transaction, blocking until it is durable. */
    public <T> T write(TxFunction<T> fn) {
        return writer.run(fn);
    }

    /** Submits a write; the future completes once it is committed. */
    public <T> CompletableFuture<T> writeAsync(TxFunction<T> fn) {
        return writer.submit(fn);
    }

    /** A cheap round trip proving the store answers. */
    public boolean healthy() {
        try {
            return read(c -> {
                try (Statement s = c.createStatement()) {
                    return s.execute("SELECT 1");
                }
            });
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Connections open in the pool (plus the writer's). */
    public int connectionCount() {
        var mx = readers.getHikariPoolMXBean();
        return mx == null ? 0 : mx.getTotalConnections();
    }

    public String description() {
        return description;
    }

    @Override
    public void close() {
        writer.close();
        readers.close();
    }
}
