package dev.coxswain.server;

import dev.coxswain.core.connection.ConnectionService;
import dev.coxswain.core.device.DeviceSettings;
import dev.coxswain.core.webhook.WebhookSettings;
import dev.coxswain.server.http.ConnectionLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;

/**
 * Everything the server is started with, after defaults, the config file, environment variables
 * and command-line flags have been merged (in that order of precedence, lowest first).
 *
 * @param dbUrl      null: the embedded SQLite store under {@code dataDir}; a PostgreSQL JDBC URL
 *                   switches to the PostgreSQL store
 * @param adminKey   null: generate one on first start (when no key exists)
 * @param workerId   null: {@code worker-<hostname>-<node id>}
 * @param sqliteFullSync fsync every SQLite commit (survives power loss) instead of WAL's NORMAL
 * @param http       header and idle timeouts and the cap on HTTP connections
 * @param files      where job files are stored (local directory, S3 or off)
 * @param blueprintsDir null: none; else every blueprint file in it is registered at start
 * @param devMode    development conveniences that must never be on in production (the
 *                   orchestrator face's {@code POST /_public/debug/flush_db}, which deletes every job)
 * @param devices    device tasks: accepted scripts, retries, timeout, plans, the zone of the device face
 */
public record ServerConfig(int port, String bind, Path dataDir, String dbUrl, String dbUser, String dbPassword,
                           String adminKey, int concurrency, Duration shutdownGrace, ZoneId timezone,
                           long maxBodyBytes, int logMaxLinesPerTask, boolean sqliteFullSync, String workerId,
                           Duration lease, SecurityConfig security, WebhookSettings webhooks,
                           java.util.List<ConnectionService.Spec> connections, ConnectionLimits http,
                           dev.coxswain.server.worker.WorkerProtocolConfig workers,
                           dev.coxswain.server.files.FilesConfig files, Path blueprintsDir, boolean devMode,
                           DeviceSettings devices) {

    /** With the default device task settings, their zone the server's {@code timezone}. */
    public ServerConfig(int port, String bind, Path dataDir, String dbUrl, String dbUser, String dbPassword,
                        String adminKey, int concurrency, Duration shutdownGrace, ZoneId timezone,
                        long maxBodyBytes, int logMaxLinesPerTask, boolean sqliteFullSync, String workerId,
                        Duration lease, SecurityConfig security, WebhookSettings webhooks,
                        java.util.List<ConnectionService.Spec> connections, ConnectionLimits http,
                        dev.coxswain.server.worker.WorkerProtocolConfig workers,
                        dev.coxswain.server.files.FilesConfig files, Path blueprintsDir, boolean devMode) {
        this(port, bind, dataDir, dbUrl, dbUser, dbPassword, adminKey, concurrency, shutdownGrace, timezone,
                maxBodyBytes, logMaxLinesPerTask, sqliteFullSync, workerId, lease, security, webhooks, connections, http,
                workers, files, blueprintsDir, devMode, DeviceSettings.defaults().withZone(timezone));
    }

    /** With these device task settings (the API at {@code /api/v1/task}). */
    public ServerConfig withDevices(DeviceSettings d) {
        return new ServerConfig(port, bind, dataDir, dbUrl, dbUser, dbPassword, adminKey, concurrency, shutdownGrace,
                timezone, maxBodyBytes, logMaxLinesPerTask, sqliteFullSync, workerId, lease, security, webhooks, connections,
                http, workers, files, blueprintsDir, devMode, d);
    }

    /** Without development mode. */
    public ServerConfig(int port, String bind, Path dataDir, String dbUrl, String dbUser, String dbPassword,
                        String adminKey, int concurrency, Duration shutdownGrace, ZoneId timezone,
                        long maxBodyBytes, int logMaxLinesPerTask, boolean sqliteFullSync, String workerId,
                        Duration lease, SecurityConfig security, WebhookSettings webhooks,
                        java.util.List<ConnectionService.Spec> connections, ConnectionLimits http,
                        dev.coxswain.server.worker.WorkerProtocolConfig workers,
                        dev.coxswain.server.files.FilesConfig files, Path blueprintsDir) {
        this(port, bind, dataDir, dbUrl, dbUser, dbPassword, adminKey, concurrency, shutdownGrace, timezone,
                maxBodyBytes, logMaxLinesPerTask, sqliteFullSync, workerId, lease, security, webhooks, connections, http,
                workers, files, blueprintsDir, false);
    }

    /** With development mode on or off. */
    public ServerConfig withDevMode(boolean on) {
        return new ServerConfig(port, bind, dataDir, dbUrl, dbUser, dbPassword, adminKey, concurrency, shutdownGrace,
                timezone, maxBodyBytes, logMaxLinesPerTask, sqliteFullSync, workerId, lease, security, webhooks, connections,
                http, workers, files, blueprintsDir, on, devices);
    }

    /** With the default file storage (local, under the data directory). */
    public ServerConfig(int port, String bind, Path dataDir, String dbUrl, String dbUser, String dbPassword,
                        String adminKey, int concurrency, Duration shutdownGrace, ZoneId timezone,
                        long maxBodyBytes, int logMaxLinesPerTask, boolean sqliteFullSync, String workerId,
                        Duration lease, SecurityConfig security, WebhookSettings webhooks,
                        java.util.List<ConnectionService.Spec> connections, ConnectionLimits http,
                        dev.coxswain.server.worker.WorkerProtocolConfig workers) {
        this(port, bind, dataDir, dbUrl, dbUser, dbPassword, adminKey, concurrency, shutdownGrace, timezone,
                maxBodyBytes, logMaxLinesPerTask, sqliteFullSync, workerId, lease, security, webhooks, connections, http,
                workers, dev.coxswain.server.files.FilesConfig.defaults(), null);
    }

    /** With these file storage settings. */
    public ServerConfig withFiles(dev.coxswain.server.files.FilesConfig f) {
        return new ServerConfig(port, bind, dataDir, dbUrl, dbUser, dbPassword, adminKey, concurrency, shutdownGrace,
                timezone, maxBodyBytes, logMaxLinesPerTask, sqliteFullSync, workerId, lease, security, webhooks, connections,
                http, workers, f, blueprintsDir, devMode, devices);
    }

    public ServerConfig(int port, String bind, Path dataDir, String dbUrl, String dbUser, String dbPassword,
                        String adminKey, int concurrency, Duration shutdownGrace, ZoneId timezone,
                        long maxBodyBytes, int logMaxLinesPerTask, boolean sqliteFullSync, String workerId,
                        Duration lease, SecurityConfig security, WebhookSettings webhooks,
                        java.util.List<ConnectionService.Spec> connections, ConnectionLimits http) {
        this(port, bind, dataDir, dbUrl, dbUser, dbPassword, adminKey, concurrency, shutdownGrace, timezone,
                maxBodyBytes, logMaxLinesPerTask, sqliteFullSync, workerId, lease, security, webhooks, connections, http,
                dev.coxswain.server.worker.WorkerProtocolConfig.defaults());
    }

    /** With these settings of the remote-worker protocol. */
    public ServerConfig withWorkers(dev.coxswain.server.worker.WorkerProtocolConfig w) {
        return new ServerConfig(port, bind, dataDir, dbUrl, dbUser, dbPassword, adminKey, concurrency, shutdownGrace,
                timezone, maxBodyBytes, logMaxLinesPerTask, sqliteFullSync, workerId, lease, security, webhooks, connections,
                http, w, files, blueprintsDir, devMode, devices);
    }

    /** With the default security settings (no JWT, no shared worker token, default rate limits) and webhook settings. */
    public ServerConfig(int port, String bind, Path dataDir, String dbUrl, String dbUser, String dbPassword,
                        String adminKey, int concurrency, Duration shutdownGrace, ZoneId timezone,
                        long maxBodyBytes, int logMaxLinesPerTask, boolean sqliteFullSync, String workerId,
                        Duration lease) {
        this(port, bind, dataDir, dbUrl, dbUser, dbPassword, adminKey, concurrency, shutdownGrace, timezone,
                maxBodyBytes, logMaxLinesPerTask, sqliteFullSync, workerId, lease, SecurityConfig.defaults(),
                WebhookSettings.defaults(), java.util.List.of(), ConnectionLimits.defaults());
    }

    public ServerConfig withSecurity(SecurityConfig s) {
        return new ServerConfig(port, bind, dataDir, dbUrl, dbUser, dbPassword, adminKey, concurrency, shutdownGrace,
                timezone, maxBodyBytes, logMaxLinesPerTask, sqliteFullSync, workerId, lease, s, webhooks, connections, http, workers, files, blueprintsDir, devMode, devices);
    }

    public ServerConfig withWebhooks(WebhookSettings w) {
        return new ServerConfig(port, bind, dataDir, dbUrl, dbUser, dbPassword, adminKey, concurrency, shutdownGrace,
                timezone, maxBodyBytes, logMaxLinesPerTask, sqliteFullSync, workerId, lease, security, w, connections, http, workers, files, blueprintsDir, devMode, devices);
    }

    /** With connections declared in the configuration file (created or updated at start, source {@code config}). */
    public ServerConfig withConnections(java.util.List<ConnectionService.Spec> c) {
        return new ServerConfig(port, bind, dataDir, dbUrl, dbUser, dbPassword, adminKey, concurrency, shutdownGrace,
                timezone, maxBodyBytes, logMaxLinesPerTask, sqliteFullSync, workerId, lease, security, webhooks, c, http, workers, files, blueprintsDir, devMode, devices);
    }

    /** With these limits on HTTP connections (header and idle timeouts, connection cap). */
    public ServerConfig withHttp(ConnectionLimits h) {
        return new ServerConfig(port, bind, dataDir, dbUrl, dbUser, dbPassword, adminKey, concurrency, shutdownGrace,
                timezone, maxBodyBytes, logMaxLinesPerTask, sqliteFullSync, workerId, lease, security, webhooks, connections, h, workers, files, blueprintsDir, devMode, devices);
    }

    /**
     * With a directory of blueprint files ({@code *.json}, {@code *.yaml}, {@code *.yml}) registered
     * at start; null for none.
     */
    public ServerConfig withBlueprintsDir(Path dir) {
        return new ServerConfig(port, bind, dataDir, dbUrl, dbUser, dbPassword, adminKey, concurrency, shutdownGrace,
                timezone, maxBodyBytes, logMaxLinesPerTask, sqliteFullSync, workerId, lease, security, webhooks, connections,
                http, workers, files, dir, devMode, devices);
    }

    /** Never prints the secrets. */
    @Override
    public String toString() {
        return "ServerConfig[port=" + port + ", bind=" + bind + ", dataDir=" + dataDir + ", store="
                + (dbUrl == null ? "sqlite" : "postgres") + ", concurrency=" + concurrency + ", shutdownGrace="
                + shutdownGrace + ", timezone=" + timezone + ", security=" + security + ", http=" + http + ", files=" + files
                + (blueprintsDir == null ? "" : ", blueprintsDir=" + blueprintsDir) + (devMode ? ", devMode" : "") + "]";
    }
}
