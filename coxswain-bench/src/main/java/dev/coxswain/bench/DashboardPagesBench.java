package dev.coxswain.bench;

import dev.coxswain.core.store.Database;
import dev.coxswain.server.CoxswainServer;
import dev.coxswain.server.ServerConfig;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times every dashboard page through real HTTP on a server whose store holds a million tasks
 * ({@link MillionTasks}): signs in through the form like a browser, then requests each page
 * {@code --runs} times after a warm-up and prints the median, the 95th percentile and the slowest
 * (wall time of the whole request, rendering included). SQLite in a temporary directory,
 * PostgreSQL in a fresh database, both removed afterwards. It asserts nothing about speed.
 */
public final class DashboardPagesBench {
    private static final String ADMIN = "bench-admin-key-dashboard-0123456789";
    private static final int WARMUP = 3;
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final Pattern OLDER = Pattern.compile("href=\"(/ui/tasks\\?[^\"]*cursor=[^\"]+)\"");

    private DashboardPagesBench() {
    }

    public static void main(String[] args) throws Exception {
        DashboardQueryBench.Options o;
        try {
            o = DashboardQueryBench.Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("dashboard-pages-bench: " + e.getMessage());
            System.err.println(DashboardQueryBench.Options.USAGE.replace("DashboardQueryBench", "DashboardPagesBench"));
            System.exit(2);
            return;
        }
        if (o.help) {
            System.out.println(DashboardQueryBench.Options.USAGE.replace("DashboardQueryBench", "DashboardPagesBench"));
            return;
        }
        Logger.getLogger("").setLevel(Level.WARNING);
        System.out.printf(Locale.ROOT, "dashboard pages bench: %,d tasks, %d runs per page (after %d warm-up), JDK %s, %d cores%n",
                o.tasks, o.runs, WARMUP, Runtime.version(), Runtime.getRuntime().availableProcessors());
        if (o.sqlite) onSqlite(o);
        if (o.postgres) onPostgres(o);
    }

    private static void onSqlite(DashboardQueryBench.Options o) throws Exception {
        Path dir = Files.createTempDirectory("coxswain-pages-bench-");
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
        Path dir = Files.createTempDirectory("coxswain-pages-bench-pg-");
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

    /** No local worker: the store stays as filled while the pages are timed. */
    private static ServerConfig config(Path dir, String dbUrl) {
        return new ServerConfig(0, "127.0.0.1", dir, dbUrl, null, null, ADMIN, 0, Duration.ZERO, ZoneOffset.UTC, 1 << 20, 1000,
                false, "worker-pages-bench", Duration.ofSeconds(30));
    }

    private static void run(String store, ServerConfig cfg, DashboardQueryBench.Options o) throws Exception {
        try (CoxswainServer server = CoxswainServer.start(cfg, Clock.systemUTC())) {
            Browser b = new Browser("http://127.0.0.1:" + server.port());
            b.signIn(ADMIN);
            long lastId = server.engine().database().read(c -> {
                try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT MAX(id) FROM tasks")) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
            long scheduleId = server.engine().database().read(c -> {
                try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT MIN(id) FROM schedules")) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
            String older = firstMatch(OLDER, b.get("/ui/tasks").body());
            String olderFailed = firstMatch(OLDER, b.get("/ui/tasks?status=failed").body());
            List<String> pages = new ArrayList<>(List.of(
                    "/ui", "/ui?period=day", "/ui/overview/live?period=hour", "/ui/overview/series?period=hour",
                    "/ui/overview/series?period=day",
                    "/ui/tasks", "/ui/tasks?status=failed", "/ui/tasks?status=queued&sort=priority", "/ui/tasks?type=report",
                    "/ui/tasks?worker=worker-3", "/ui/tasks?tag=urgent", "/ui/tasks?text=export", "/ui/tasks?sort=finished",
                    "/ui/tasks?status=failed&type=sync", "/ui/tasks?text=task-" + (lastId / 2),
                    "/ui/tasks/task-" + (lastId / 2), "/ui/tasks/task-" + lastId, "/ui/tasks/new",
                    "/ui/schedules", "/ui/schedules/" + scheduleId, "/ui/workers", "/ui/workers/worker-pages-bench", "/ui/devices",
                    "/ui/workflows", "/ui/connections", "/ui/keys", "/ui/webhooks"));
            if (older != null) pages.add(6, older);
            if (olderFailed != null) pages.add(8, olderFailed);
            System.out.printf(Locale.ROOT, "%n[%s] %-58s %6s %9s %9s %9s %8s%n", store, "page", "status", "median ms", "p95 ms", "max ms",
                    "bytes");
            for (String p : pages) {
                HttpResponse<String> last = null;
                for (int i = 0; i < WARMUP; i++) last = b.get(p);
                double[] ms = new double[o.runs];
                for (int i = 0; i < o.runs; i++) {
                    long t0 = System.nanoTime();
                    last = b.get(p);
                    ms[i] = (System.nanoTime() - t0) / 1e6;
                }
                Arrays.sort(ms);
                double median = o.runs % 2 == 1 ? ms[o.runs / 2] : (ms[o.runs / 2 - 1] + ms[o.runs / 2]) / 2;
                double p95 = ms[Math.min(o.runs - 1, (int) Math.ceil(o.runs * 0.95) - 1)];
                System.out.printf(Locale.ROOT, "[%s] %-58s %6d %9.2f %9.2f %9.2f %8d%n", store, shorten(p), last.statusCode(), median, p95,
                        ms[o.runs - 1], last.body().length());
            }
        }
    }

    private static String shorten(String p) {
        return p.length() <= 58 ? p : p.substring(0, 55) + "...";
    }

    private static String firstMatch(Pattern p, String body) {
        Matcher m = p.matcher(body);
        return m.find() ? m.group(1).replace("&amp;", "&") : null;
    }

    /** Cookies and the sign-in form, as a browser would; redirects are not followed. */
    private static final class Browser {
        private final String base;
        private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
                .followRedirects(HttpClient.Redirect.NEVER).build();

        Browser(String base) {
            this.base = base;
        }

        void signIn(String key) throws IOException, InterruptedException {
            String form = get("/ui/sign-in").body();
            String csrf = firstMatch(CSRF, form);
            String body = "_csrf=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8) + "&credential="
                    + URLEncoder.encode(key, StandardCharsets.UTF_8);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/ui/sign-in"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 303) throw new IllegalStateException("sign-in failed: " + r.statusCode());
        }

        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
