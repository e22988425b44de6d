package dev.coxswain.bench;

import dev.coxswain.core.store.Database;
import dev.coxswain.server.CoxswainServer;
import dev.coxswain.server.ServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Times every list, status and metrics route of every API face through real HTTP on a server
 * whose store holds a million tasks ({@link MillionTasks}): each route is requested
 * {@code --runs} times after {@value #WARMUP} warm-ups, and the median, the 95th percentile and
 * the slowest are printed (wall time of the whole request; a route that has taken 45 s in all
 * stops after the runs made by then, at least 3, and says how many; its warm-up stops
 * after 15 s, at least 1). SQLite in a temporary directory,
 * PostgreSQL in a fresh database, both removed afterwards. It asserts nothing about speed.
 */
public final class ReadRoutesBench {
    private static final String ADMIN = "bench-admin-key-read-routes-0123456789";
    private static final String WORKER = "worker-read-bench";
    private static final int WARMUP = 3;
    /** A route slower than this in all stops early (after at least 3 timed runs): the before-figures run to seconds a request. */
    private static final long BUDGET_NANOS = Duration.ofSeconds(45).toNanos();

    private ReadRoutesBench() {
    }

    /** A route and the header its face reads the API key from. */
    private record Route(String face, String path, String header, String prefix) {
        static Route nativeApi(String path) {
            return new Route("native", path, "Authorization", "ApiKey ");
        }

        static Route open(String face, String path) {
            return new Route(face, path, null, null);
        }
    }

    public static void main(String[] args) throws Exception {
        DashboardQueryBench.Options o;
        try {
            o = DashboardQueryBench.Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("read-routes-bench: " + e.getMessage());
            System.err.println(DashboardQueryBench.Options.USAGE.replace("DashboardQueryBench", "ReadRoutesBench"));
            System.exit(2);
            return;
        }
        if (o.help) {
            System.out.println(DashboardQueryBench.Options.USAGE.replace("DashboardQueryBench", "ReadRoutesBench"));
            return;
        }
        Logger.getLogger("").setLevel(Level.WARNING);
        System.out.printf(Locale.ROOT, "read routes bench: %,d tasks, %d runs per route (after %d warm-up), JDK %s, %d cores%n",
                o.tasks, o.runs, WARMUP, Runtime.version(), Runtime.getRuntime().availableProcessors());
        if (o.sqlite) onSqlite(o);
        if (o.postgres) onPostgres(o);
    }

    private static void onSqlite(DashboardQueryBench.Options o) throws Exception {
        Path dir = Files.createTempDirectory("coxswain-read-bench-");
        try {
            try (Database db = Database.sqlite(dir, false)) {
                report("sqlite", MillionTasks.fill(db, o.tasks, Clock.systemUTC()));
            }
            run("sqlite", config(dir, null), o);
        } finally {
            RemoteServers.deleteTree(dir);
        }
    }

    private static void onPostgres(DashboardQueryBench.Options o) throws Exception {
        String name = "coxswain_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        DriverManager.setLoginTimeout(5);
        try (Connection c = DriverManager.getConnection(o.pgUrl); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            System.out.println("[postgres] skipped: not reachable at " + EngineBench.redact(o.pgUrl) + " (" + e.getMessage() + ")");
            return;
        }
        Path dir = Files.createTempDirectory("coxswain-read-bench-pg-");
        String url = EngineBench.withDatabase(o.pgUrl, name);
        try {
            try (Database db = Database.postgres(url, null, null, 4, 1)) {
                report("postgres", MillionTasks.fill(db, o.tasks, Clock.systemUTC()));
            }
            run("postgres", config(dir, url), o);
        } finally {
            RemoteServers.deleteTree(dir);
            try (Connection c = DriverManager.getConnection(o.pgUrl); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (SQLException e) {
                System.out.println("[postgres] could not drop database " + name + ": " + e.getMessage());
            }
        }
    }

    private static void report(String store, MillionTasks.Filled f) {
        System.out.printf(Locale.ROOT, "%n[%s] filled %,d tasks in %.1f s: %s%n", store, f.tasks(), f.took().toMillis() / 1000.0, f.byStatus());
    }

    /** No local worker runs tasks (concurrency 0): the store stays as filled while the routes are timed. */
    private static ServerConfig config(Path dir, String dbUrl) {
        return new ServerConfig(0, "127.0.0.1", dir, dbUrl, null, null, ADMIN, 0, Duration.ZERO, ZoneOffset.UTC, 1 << 20, 1000,
                false, WORKER, Duration.ofSeconds(30));
    }

    static List<Route> routes(long scheduleId) {
        Route chadburn = new Route("chadburn", "/api/v1/jobs", "X-API-Key", "");
        Route orchestrator = new Route("orchestrator", "/api/v1/jobs", "X-Client-Token", "");
        return List.of(
                Route.nativeApi("/api/tasks"),
                Route.nativeApi("/api/tasks?sort=priority&order=desc"),
                Route.nativeApi("/api/tasks?sort=priority&order=asc"),
                Route.nativeApi("/api/tasks?sort=id&order=desc"),
                Route.nativeApi("/api/tasks?sort=completed_at&order=desc"),
                Route.nativeApi("/api/tasks?sort=started_at&order=desc"),
                Route.nativeApi("/api/tasks?sort=updated_at&order=desc"),
                Route.nativeApi("/api/tasks?sort=scheduled_at&order=desc"),
                Route.nativeApi("/api/tasks?sort=name"),
                Route.nativeApi("/api/tasks?sort=status"),
                Route.nativeApi("/api/tasks?page=200"),
                Route.nativeApi("/api/tasks?status=completed"),
                Route.nativeApi("/api/tasks?status=failed"),
                Route.nativeApi("/api/tasks?status=queued&sort=priority&order=desc"),
                Route.nativeApi("/api/tasks?tag=nightly"),
                Route.nativeApi("/api/tasks?tag=urgent"),
                Route.nativeApi("/api/workers"),
                Route.nativeApi("/api/workers/" + WORKER + "/tasks"),
                Route.nativeApi("/api/system/status"),
                Route.nativeApi("/api/system/metrics"),
                Route.nativeApi("/api/system/metrics?period=hour"),
                Route.nativeApi("/api/system/metrics?period=day"),
                Route.nativeApi("/api/system/metrics?period=week"),
                Route.nativeApi("/api/system/metrics?period=month"),
                Route.nativeApi("/api/schedules"),
                Route.nativeApi("/api/schedules/sch-" + scheduleId + "/runs"),
                Route.nativeApi("/api/jobs"),
                Route.nativeApi("/api/devices"),
                Route.nativeApi("/api/webhooks"),
                Route.nativeApi("/api/keys"),
                Route.nativeApi("/api/connections"),
                Route.nativeApi("/api/blueprints"),
                Route.open("prometheus", "/metrics"),
                chadburn,
                new Route("scheduler", "/scheduler/tasks", "X-API-Key", ""),
                new Route("scheduler", "/scheduler/executions", "X-API-Key", ""),
                new Route("scheduler", "/scheduler/stats", "X-API-Key", ""),
                new Route("scheduler", "/scheduler/queue/status", "X-API-Key", ""),
                orchestrator,
                new Route("orchestrator", "/api/v1/workers", "X-Client-Token", ""),
                new Route("orchestrator", "/api/v1/dashboard", "X-Client-Token", ""),
                new Route("orchestrator", "/_public/jobs/quarantined", "X-Client-Token", ""),
                new Route("device", "/api/v1/task", "X-API-Key", ""),
                new Route("device", "/api/v1/task?status=2", "X-API-Key", ""),
                new Route("device", "/api/v1/task/stats", "X-API-Key", ""));
    }

    private static void run(String store, ServerConfig cfg, DashboardQueryBench.Options o) throws Exception {
        try (CoxswainServer server = CoxswainServer.start(cfg, Clock.systemUTC())) {
            String base = "http://127.0.0.1:" + server.port();
            HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
            long scheduleId = server.engine().database().read(c -> {
                try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT MIN(id) FROM schedules")) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
            System.out.printf(Locale.ROOT, "%n[%s] %-13s %-48s %6s %4s %9s %9s %9s %8s%n", store, "face", "route", "status",
                    "runs", "median ms", "p95 ms", "max ms", "bytes");
            for (Route r : routes(scheduleId)) {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + r.path())).GET();
                if (r.header() != null) b.header(r.header(), r.prefix() + ADMIN);
                HttpRequest req = b.build();
                HttpResponse<String> last = null;
                long warm = System.nanoTime();
                for (int i = 0; i < WARMUP && (i == 0 || System.nanoTime() - warm < BUDGET_NANOS / 3); i++) {
                    last = http.send(req, HttpResponse.BodyHandlers.ofString());
                }
                double[] all = new double[o.runs];
                int n = 0;
                long started = System.nanoTime();
                while (n < o.runs && (n < 3 || System.nanoTime() - started < BUDGET_NANOS)) {
                    long t0 = System.nanoTime();
                    last = http.send(req, HttpResponse.BodyHandlers.ofString());
                    all[n++] = (System.nanoTime() - t0) / 1e6;
                }
                double[] ms = Arrays.copyOf(all, n);
                Arrays.sort(ms);
                double median = n % 2 == 1 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
                double p95 = ms[Math.min(n - 1, (int) Math.ceil(n * 0.95) - 1)];
                System.out.printf(Locale.ROOT, "[%s] %-13s %-48s %6d %4d %9.2f %9.2f %9.2f %8d%n", store, r.face(), shorten(r.path()),
                        last.statusCode(), n, median, p95, ms[n - 1], last.body().length());
            }
        }
    }

    private static String shorten(String p) {
        return p.length() <= 48 ? p : p.substring(0, 45) + "...";
    }
}
