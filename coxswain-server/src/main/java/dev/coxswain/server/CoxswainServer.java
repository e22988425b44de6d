package dev.coxswain.server;

import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.connection.ConnectionService;
import dev.coxswain.core.connection.ConnectionStore;
import dev.coxswain.core.connection.SecretBox;
import dev.coxswain.core.node.Engine;
import dev.coxswain.core.exec.TaskExecutor;
import dev.coxswain.core.pganalysis.AnalysisExecutor;
import dev.coxswain.core.pganalysis.ConfigCheckAnalyzer;
import dev.coxswain.core.pganalysis.CustomSqlAnalyzer;
import dev.coxswain.core.pganalysis.SessionAnalysis;
import dev.coxswain.core.pganalysis.stats.LogAnalysisParams;
import dev.coxswain.core.pganalysis.stats.LogAnalyzer;
import dev.coxswain.core.pganalysis.stats.QueryAnalysisParams;
import dev.coxswain.core.pganalysis.stats.QueryAnalyzer;
import dev.coxswain.core.pganalysis.stats.TableAnalysisParams;
import dev.coxswain.core.pganalysis.stats.TableAnalyzer;
import dev.coxswain.core.node.EngineConfig;
import dev.coxswain.core.exec.ShellExecutor;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.files.BlobStore;
import dev.coxswain.core.files.LocalBlobStore;
import dev.coxswain.server.auth.Authenticator;
import dev.coxswain.server.files.FileStores;
import dev.coxswain.server.files.LocalFileRoutes;
import dev.coxswain.server.auth.Gatekeeper;
import dev.coxswain.server.auth.JwtVerifier;
import dev.coxswain.server.ratelimit.RateLimiter;
import dev.coxswain.server.chadburn.ChadburnApi;
import dev.coxswain.server.device.DeviceApi;
import dev.coxswain.server.scheduler.SchedulerApi;
import dev.coxswain.server.http.Bodies;
import dev.coxswain.server.http.ConnectionGuard;
import dev.coxswain.server.http.RouteTable;
import dev.coxswain.server.metrics.ServerMetrics;
import dev.coxswain.server.nativeapi.NativeApi;
import dev.coxswain.server.orchestrator.OrchestratorApi;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.websocket.WsRouting;
import dev.coxswain.core.remote.RemoteSettings;
import dev.coxswain.server.worker.WorkerApi;
import dev.coxswain.worker.protocol.Signatures;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * One Coxswain node: store, engine and HTTP server, started and stopped together. The CLI runs
 * one per process; tests start them in-process on port 0.
 */
public final class CoxswainServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CoxswainServer.class.getName());
    static final String ADMIN_KEY_FILE = "admin.key";

    private final ServerConfig cfg;
    private final Database db;
    private final Engine engine;
    private final WebServer web;
    private final ConnectionGuard guard;
    private final String generatedAdminKey;
    private boolean stopped;

    private final ServerMetrics metrics;
    private final RouteTable routes;

    private final ConnectionService connections;
    private final BlobStore files;
    /** The dashboard: its live streams are ended before the HTTP server stops. */
    private final dev.coxswain.server.ui.UiApi ui;

    private CoxswainServer(ServerConfig cfg, Database db, Engine engine, WebServer web, ConnectionGuard guard,
                           String generatedAdminKey, ServerMetrics metrics, RouteTable routes, ConnectionService connections,
                           BlobStore files, dev.coxswain.server.ui.UiApi ui) {
        this.ui = ui;
        this.files = files;
        this.guard = guard;
        this.connections = connections;
        this.metrics = metrics;
        this.routes = routes;
        this.cfg = cfg;
        this.db = db;
        this.engine = engine;
        this.web = web;
        this.generatedAdminKey = generatedAdminKey;
    }

    private static Duration min(Duration a, Duration b) {
        Duration m = a.compareTo(b) <= 0 ? a : b;
        return m.isZero() ? Duration.ofMillis(100) : m;
    }

    public static CoxswainServer start(ServerConfig cfg, Clock clock) {
        Database.secureDataDirectory(cfg.dataDir()); // mode 0700: it holds the store and the keys
        Database db = cfg.dbUrl() == null ? Database.sqlite(cfg.dataDir(), cfg.sqliteFullSync())
                : Database.postgres(cfg.dbUrl(), cfg.dbUser(), cfg.dbPassword(), 10, 2);
        BlobStore files = null;
        dev.coxswain.server.ui.UiApi ui = null;
        try {
            String version = version();
            String host = hostname();
            String nodeId = nodeId(cfg.dataDir());
            String workerId = cfg.workerId() != null ? cfg.workerId() : "worker-" + host + "-" + nodeId;
            EngineConfig ec = EngineConfig.defaults(workerId, host, version, cfg.dataDir())
                    .withConcurrency(cfg.concurrency())
                    .withLease(cfg.lease(), cfg.lease().dividedBy(6).isZero() ? Duration.ofSeconds(1) : cfg.lease().dividedBy(6))
                    .withMaxLogLines(cfg.logMaxLinesPerTask())
                    .withDevices(cfg.devices())
                    .withRemote(new RemoteSettings(cfg.workers().ttl(), cfg.workers().maxPoll(),
                            RemoteSettings.defaults().missingGrace(),
                            // Well inside the idle timeout, which would otherwise close a quiet socket.
                            min(Duration.ofSeconds(20), cfg.http().idleTimeout().dividedBy(3))));
            ServerMetrics metrics = new ServerMetrics();
            // One key for every secret at rest: connection passwords, webhook secrets, environment values.
            SecretBox box = SecretBox.of(cfg.security().secretKey(), cfg.dataDir());
            ConnectionService connections = new ConnectionService(db, new ConnectionStore(), box, clock);
            // Analyses are task types like shell: schedulable, retried, logged the same way.
            List<TaskExecutor> executors = List.of(new ShellExecutor(),
                    new AnalysisExecutor("config_check", connections::target, new ConfigCheckAnalyzer()::run),
                    new AnalysisExecutor("custom_sql", connections::target, new CustomSqlAnalyzer()::run),
                    new AnalysisExecutor("table_analysis", connections::target,
                            new SessionAnalysis<>(TableAnalysisParams::fromJson, new TableAnalyzer()::analyze)),
                    new AnalysisExecutor("query_analysis", connections::target,
                            new SessionAnalysis<>(QueryAnalysisParams::fromJson, new QueryAnalyzer()::analyze)),
                    new AnalysisExecutor("log_analysis", connections::target,
                            new SessionAnalysis<>(LogAnalysisParams::fromJson, new LogAnalyzer()::analyze)));
            Engine engine = new Engine(db, ec, executors, clock, cfg.timezone(), new SplittableRandom(),
                    metrics, cfg.webhooks(), box);
            metrics.readStatusFrom(engine.system()::status);
            metrics.gauge("coxswain.tasks.running", "attempts running on this node's local worker",
                    engine.localWorker(), w -> w.running().size());
            String generated = bootstrapAdminKey(engine, cfg);

            Bodies bodies = new Bodies(cfg.maxBodyBytes());
            SecurityConfig sec = cfg.security();
            JwtVerifier jwt = sec.jwt().enabled() ? new JwtVerifier(sec.jwt(), clock) : null;
            Authenticator authenticator = new Authenticator(engine.apiKeys(), jwt, sec.workerToken());
            RateLimiter limiter = new RateLimiter(sec.perMinute(), sec.anonymousPerMinute(), clock);
            Gatekeeper gate = new Gatekeeper(authenticator, limiter);
            HttpRouting.Builder routing = HttpRouting.builder();
            RouteTable routes = new RouteTable(routing, metrics, gate::chargeAnonymous);
            // Job files (null when off). The local store's links are signed with a key derived from
            // the secret key, so every node of a cluster accepts the others' links.
            AtomicReference<String> listening = new AtomicReference<>();
            files = FileStores.open(cfg.files(), cfg.dataDir(), box.derive("coxswain file links v1"), listening::get, clock);
            // The worker face first: Helidon tries routes in the order they were added, and a remote
            // worker sends two requests per task (poll, result); behind the other faces' ~60 routes
            // each of them paid for matching all of those first. No other face's path starts with
            // /_worker, so the order changes no answer.
            WorkerApi workerApi = new WorkerApi(engine.remote(), engine.workerTokens(), authenticator, limiter, cfg.workers(),
                    bodies, clock, Signatures::verify);
            workerApi.register(routes);
            routing.addFilter(workerApi.socketGate());
            new HealthRoutes(db).register(routes);
            new MetricsRoutes(metrics).register(routes);
            new OpenApiRoutes(version).register(routes);
            if (files instanceof LocalBlobStore local) new LocalFileRoutes(local, cfg.files().maxBytes()).register(routes);
            declareConnections(connections, cfg.connections());
            // Before the port opens: an invalid blueprint file stops the start (BlueprintsDirectory.LoadException).
            if (cfg.blueprintsDir() != null) new BlueprintsDirectory(engine.workflows(), cfg.blueprintsDir()).load();
            // The dashboard (HTML pages at /ui, and / sends a browser there): before the API faces'
            // catch-all 404s.
            ui = new dev.coxswain.server.ui.UiApi(engine, connections, authenticator, limiter, bodies, jwt != null, version, clock,
                    cfg.timezone());
            ui.register(routes);
            new NativeApi(engine, connections, gate, bodies, version, workerId.startsWith("worker-") ? workerId.substring(7) : workerId)
                    .register(routes);
            // Before Chadburn: its catch-all covers /api/v1/*, and /api/v1/scheduler is ours.
            new SchedulerApi(engine.schedules(), engine.tasks(), connections, engine.idempotency(), gate, bodies, clock).register(routes);
            // Before Chadburn too: the device task API lives under /api/v1 (/task…, /license…).
            new DeviceApi(engine.deviceTasks(), gate, bodies, cfg.devices().zone()).register(routes);
            // Before Chadburn as well: the orchestrator's client routes live under /api/v1 too, and
            // serve a part of two of Chadburn's paths (UUID jobs, a client's job list).
            OrchestratorApi orchestrator = new OrchestratorApi(engine.workflows(), engine.workers(), gate, bodies, cfg.timezone(),
                    cfg.devMode(), files, cfg.files().maxBytes());
            orchestrator.register(routes);
            ChadburnApi chadburn = new ChadburnApi(engine.schedules(), engine.idempotency(), gate, bodies);
            chadburn.register(routes);
            // Blueprint endpoints are any POST under /api/v<n>/: after every built-in route, so
            // none is ever shadowed, and before the 404s that catch the rest.
            orchestrator.registerEndpoints(routes);
            chadburn.registerFallback(routes);
            NativeApi.registerFallback(routes);

            // Listen before the engine starts: a port that cannot be bound must stop the start
            // before anything is claimed, or the claimed attempts would run on headless.
            ConnectionGuard guard = new ConnectionGuard(cfg.http());
            WebServer web;
            try {
                web = listen(cfg, routing, workerApi.socketRouting(engine.remoteChannels()), guard);
            } catch (RuntimeException e) {
                guard.close();
                throw e;
            }
            listening.set(FileStores.baseUrl(cfg.bind(), web.port()));
            // Logged once the port answers (tests and operators wait for this line), before the
            // engine starts claiming.
            LOG.info("Coxswain " + version + " listening on http://" + cfg.bind() + ":" + web.port() + " (" + db.description() + ")");
            try {
                engine.start();
            } catch (RuntimeException e) {
                engine.shutdown(Duration.ZERO);
                ui.close();
                web.stop();
                guard.close();
                throw e;
            }
            return new CoxswainServer(cfg, db, engine, web, guard, generated, metrics, routes, connections, files, ui);
        } catch (RuntimeException e) {
            if (files != null) files.close();
            db.close();
            throw e;
        }
    }

    /**
     * Starts the HTTP listener or throws. Helidon does not throw when the port cannot be bound: it
     * logs, stops itself and reports port -1, so that is checked here.
     */
    private static WebServer listen(ServerConfig cfg, HttpRouting.Builder routing, WsRouting.Builder sockets, ConnectionGuard guard) {
        WebServer web = WebServer.builder()
                .host(cfg.bind())
                .port(cfg.port())
                .shutdownHook(false)
                .update(guard::applyTo)
                .maxTcpConnections(cfg.http().maxConnections())
                // Our body reader enforces max-body-bytes with each face's own 413; Helidon's
                // own limit would answer first, in no face's format.
                .maxPayloadSize(-1)
                .routing(routing)
                .addRouting(sockets)
                .build()
                .start();
        if (web.isRunning() && web.port() > 0) return web;
        web.stop();
        throw new ListenException("cannot listen on " + cfg.bind() + ":" + cfg.port() + ": " + bindFailure(cfg));
    }

    /** Why the address cannot be bound, found by trying it (Helidon only logs the reason). */
    private static String bindFailure(ServerConfig cfg) {
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.bind(new java.net.InetSocketAddress(cfg.bind(), cfg.port()));
            return "the HTTP server did not start (see the log above)";
        } catch (java.net.BindException e) {
            return "address already in use or not available (" + e.getMessage() + ")";
        } catch (IOException | RuntimeException e) {
            return e.getMessage();
        }
    }

    /** The HTTP listener could not be started; nothing else was started. */
    public static final class ListenException extends RuntimeException {
        ListenException(String message) {
            super(message);
        }
    }

    /**
     * With {@code admin-key} set, that key is accepted, even when it was disabled or revoked
     * through the API meanwhile (the configuration is the operator's way back in). Otherwise, when no key exists at all, one
     * is generated, written to {@code <data-dir>/admin.key} (mode 0600) and returned so the CLI
     * can print it once.
     */
    private static String bootstrapAdminKey(Engine engine, ServerConfig cfg) {
        Set<String> admin = Set.of(Principal.ADMIN);
        if (cfg.adminKey() != null) {
            if (engine.apiKeys().ensure(cfg.adminKey(), "admin (configured)", admin, "unlimited")) {
                LOG.warning("the configured admin key had been disabled, revoked or narrowed; it is an enabled admin key again");
            }
            return null;
        }
        if (engine.apiKeys().countActive() > 0) return null;
        var created = engine.apiKeys().create("admin", admin, "unlimited");
        Path file = cfg.dataDir().resolve(ADMIN_KEY_FILE);
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, created.secret() + "\n");
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return created.secret();
    }

    /** Creates or updates the connections the config file declares (by name; a missing password keeps the stored one). */
    private static void declareConnections(ConnectionService connections, List<ConnectionService.Spec> declared) {
        for (ConnectionService.Spec s : declared) {
            var existing = s.name() == null ? null : connections.findByName(s.name());
            try {
                if (existing == null) connections.create(s, "config");
                else connections.update(existing.id(), s);
            } catch (dev.coxswain.core.service.ValidationException e) {
                throw new IllegalStateException("connection '" + s.name() + "' in the config file: " + e.fields());
            }
        }
        if (!declared.isEmpty()) LOG.info("connections from the config file: " + declared.size());
    }

    private static String nodeId(Path dataDir) {
        Path f = dataDir.resolve("node.id");
        try {
            if (Files.exists(f)) return Files.readString(f).trim();
            byte[] b = new byte[3];
            new java.security.SecureRandom().nextBytes(b);
            String id = HexFormat.of().formatHex(b);
            Files.writeString(f, id + "\n");
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + f, e);
        }
    }

    private static String hostname() {
        String h = System.getenv("HOSTNAME");
        if (h != null && !h.isBlank()) return h;
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    static String version() {
        try (InputStream in = CoxswainServer.class.getResourceAsStream("/coxswain/version.txt")) {
            return in == null ? "dev" : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "dev";
        }
    }

    public int port() {
        return web.port();
    }

    /** Every registered route (for the OpenAPI check and the anonymous-access walk). */
    public java.util.List<RouteTable.Route> routes() {
        return routes.routes();
    }

    public ConnectionService connections() {
        return connections;
    }

    /** Where job files are kept; null when {@code files: off}. */
    public BlobStore files() {
        return files;
    }

    public Engine engine() {
        return engine;
    }

    public ServerConfig config() {
        return cfg;
    }

    /** The admin key generated at this start, or null when none was generated. */
    public String generatedAdminKey() {
        return generatedAdminKey;
    }

    /**
     * Graceful stop: the engine stops claiming and gives running tasks the grace period while the
     * API still answers; then the HTTP server and the store close.
     */
    public synchronized void stop(Duration grace) {
        if (stopped) return;
        stopped = true;
        LOG.info("shutting down (grace " + grace.toSeconds() + " s)");
        engine.shutdown(grace);
        ui.close();
        web.stop();
        guard.close();
        if (files != null) files.close();
        db.close();
        metrics.close();
        LOG.info("shutdown complete");
    }

    @Override
    public void close() {
        stop(Duration.ZERO);
    }
}
