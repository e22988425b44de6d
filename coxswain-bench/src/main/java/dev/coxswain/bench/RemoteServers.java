package dev.coxswain.bench;

import dev.coxswain.server.ConfigLoader;
import dev.coxswain.server.CoxswainServer;
import dev.coxswain.server.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A whole Coxswain server for the remote-worker benchmarks (RemoteWorkerBench, WorkflowBench, DeviceBench),
 * set up the same way for each: no local worker, a shared worker token, signatures on, worker
 * rate limits off; on SQLite in a fresh temporary directory or on a freshly created PostgreSQL
 * database that is dropped afterwards.
 */
final class RemoteServers {
    private RemoteServers() {
    }

    /** Opens a direct look at the server's store (row counts, writer CPU). */
    interface ProbeOpener {
        StoreProbe open() throws SQLException;
    }

    /** One benchmark run against a started server. */
    interface Body<R> {
        R run(String store, CoxswainServer server, ProbeOpener probe) throws Exception;
    }

    /** The deployment both benchmarks measure. */
    record Settings(String adminKey, String workerToken, boolean sqliteFullSync, String dbUrl, String dbUser) {
    }

    static <R> R onSqlite(String tempPrefix, Settings s, Body<R> body) throws Exception {
        Path dir = Files.createTempDirectory(tempPrefix);
        try {
            Map<String, String> flags = flags(s, dir);
            flags.put("sqlite-sync", s.sqliteFullSync() ? "full" : "normal");
            return run("sqlite", flags, () -> StoreProbe.sqlite(dir.resolve("coxswain.db")), body);
        } finally {
            deleteTree(dir);
        }
    }

    static <R> R onPostgres(String tempPrefix, Settings s, Body<R> body) throws Exception {
        String name = "coxswain_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        Properties admin = new Properties();
        if (!s.dbUrl().contains("user=")) admin.setProperty("user", s.dbUser());
        DriverManager.setLoginTimeout(5);
        try (Connection c = DriverManager.getConnection(s.dbUrl(), admin); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        System.out.println("[postgres] created database " + name);
        Path dir = Files.createTempDirectory(tempPrefix);
        try {
            String url = EngineBench.withDatabase(s.dbUrl(), name);
            Map<String, String> flags = flags(s, dir);
            flags.put("db-url", url);
            if (!s.dbUrl().contains("user=")) flags.put("db-user", s.dbUser());
            return run("postgres", flags, () -> StoreProbe.postgres(url, admin), body);
        } finally {
            deleteTree(dir);
            try (Connection c = DriverManager.getConnection(s.dbUrl(), admin); Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
                System.out.println("[postgres] dropped database " + name);
            } catch (SQLException e) {
                System.out.println("[postgres] could not drop database " + name + ": " + e.getMessage());
            }
        }
    }

    /** The server's settings, as flags over its defaults (the environment is not read). */
    private static Map<String, String> flags(Settings s, Path dataDir) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("port", "0");
        f.put("bind", "127.0.0.1");
        f.put("data-dir", dataDir.toString());
        f.put("concurrency", "0"); // --no-local-worker: every task goes to a remote worker
        f.put("worker-id", "bench-node");
        f.put("admin-key", s.adminKey());
        f.put("worker-token", s.workerToken());
        f.put("worker-signatures", "true");
        f.put("worker-rate-limit-poll", "0");
        f.put("worker-rate-limit-heartbeat", "0");
        f.put("worker-rate-limit-other", "0");
        f.put("shutdown-grace-seconds", "5");
        return f;
    }

    private static <R> R run(String store, Map<String, String> flags, ProbeOpener probe, Body<R> body) throws Exception {
        ServerConfig cfg = ConfigLoader.load(null, Map.of(), flags);
        CoxswainServer server = CoxswainServer.start(cfg, Clock.systemUTC());
        try {
            System.out.println("[" + store + "] server on 127.0.0.1:" + server.port());
            return body.run(store, server, probe);
        } finally {
            server.stop(java.time.Duration.ofSeconds(5));
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
