package dev.coxswain.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The three-node SIGKILL exercise: three real server processes on one fresh PostgreSQL database,
 * tasks submitted over HTTP at a steady rate plus a schedule firing every second, and every 20-30 s
 * a random node SIGKILLed (by the pid this program started) and started again. At the end it
 * reads the database and prints what was accepted, completed and lost, duplicate runs a kill does
 * not explain, schedule slots lost, and failover times (kill to the re-run's start).
 *
 * <p>Not a test: it runs for minutes. See coxswain-bench/README.md for how to run it.
 */
public final class ChaosThreeNodes {
    private static final int NODES = 3;
    /** Durations of the submitted shell tasks, seconds: a mix of instant, short and long. */
    private static final String[] SLEEPS = {"0", "0.2", "0.5", "1", "2", "4", "8"};

    private final Options o;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final SplittableRandom random;
    private final Path work;
    private final String dbName;
    private final String dbUrl;
    private final String adminKey = "chaos-" + UUID.randomUUID().toString().replace("-", "");
    private final List<Node> nodes = new ArrayList<>();
    private final List<Long> accepted = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();
    private final List<Kill> kills = new CopyOnWriteArrayList<>();
    private final AtomicLong submitted = new AtomicLong();

    record Kill(long at, String workerId) {
    }

    record Options(Duration duration, String adminUrl, Path jar, double rate, int killMin, int killMax, long seed,
                   boolean keep, String java) {
        static Options parse(String[] args) {
            Duration duration = Duration.ofMinutes(10);
            String adminUrl = System.getenv().getOrDefault("COXSWAIN_BENCH_PG_URL",
                    "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
            Path jar = Path.of("coxswain-server/target/coxswain-server.jar");
            double rate = 3;
            int killMin = 20;
            int killMax = 30;
            long seed = System.nanoTime();
            boolean keep = false;
            String java = ProcessHandle.current().info().command().orElse("java");
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--seconds" -> duration = Duration.ofSeconds(Long.parseLong(args[++i]));
                    case "--minutes" -> duration = Duration.ofMinutes(Long.parseLong(args[++i]));
                    case "--pg-url" -> adminUrl = args[++i];
                    case "--server-jar" -> jar = Path.of(args[++i]);
                    case "--rate" -> rate = Double.parseDouble(args[++i]);
                    case "--kill-every" -> {
                        String[] r = args[++i].split("-");
                        killMin = Integer.parseInt(r[0]);
                        killMax = Integer.parseInt(r[r.length - 1]);
                    }
                    case "--seed" -> seed = Long.parseLong(args[++i]);
                    case "--keep" -> keep = true;
                    case "--java" -> java = args[++i];
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + " (--minutes N | --seconds N, --rate TASKS_PER_S, --kill-every MIN-MAX, --pg-url URL,"
                            + " --server-jar PATH, --seed N, --keep, --java PATH)");
                }
            }
            return new Options(duration, adminUrl, jar, rate, killMin, killMax, seed, keep, java);
        }
    }

    /** One server process: same port, data directory and worker id across restarts. */
    final class Node {
        final int index;
        final int port;
        final Path dataDir;
        final String workerId;
        volatile Process process;
        volatile boolean up;

        Node(int index) throws IOException {
            this.index = index;
            this.port = freePort();
            this.dataDir = work.resolve("node-" + index);
            this.workerId = "worker-chaos-" + index;
        }

        void start() throws IOException {
            ProcessBuilder pb = new ProcessBuilder(o.java(), "-jar", o.jar().toString(), "serve",
                    "--port", String.valueOf(port), "--data-dir", dataDir.toString(), "--db-url", dbUrl,
                    "--admin-key", adminKey, "--worker-id", workerId, "--concurrency", "8");
            pb.redirectErrorStream(true);
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("node-" + index + ".log").toFile()));
            process = pb.start();
        }

        void awaitReady(Duration max) throws InterruptedException {
            long end = System.nanoTime() + max.toNanos();
            while (System.nanoTime() < end) {
                if (!process.isAlive()) throw new IllegalStateException("node " + index + " exited; see " + work);
                try {
                    if (get(this, "/health/ready").statusCode() == 200) {
                        up = true;
                        return;
                    }
                } catch (IOException ignored) {
                    // not listening yet
                }
                Thread.sleep(200);
            }
            throw new IllegalStateException("node " + index + " not ready after " + max + "; see " + work);
        }

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + port + path);
        }
    }

    private ChaosThreeNodes(Options o) throws IOException {
        this.o = o;
        this.random = new SplittableRandom(o.seed());
        this.work = Files.createTempDirectory("coxswain-chaos-");
        this.dbName = "coxswain_chaos_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        this.dbUrl = withDatabase(o.adminUrl(), dbName);
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        if (!Files.isRegularFile(o.jar())) {
            System.err.println("server jar not found: " + o.jar() + " (build it: mvn -B -q -pl coxswain-server -am package -DskipTests)");
            System.exit(2);
        }
        int exit = new ChaosThreeNodes(o).run();
        System.exit(exit);
    }

    private int run() throws Exception {
        try (Connection c = DriverManager.getConnection(o.adminUrl()); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + dbName);
        }
        System.out.printf(Locale.ROOT, "chaos: 3 nodes on database %s, %s, %.1f tasks/s, kill every %d-%d s, seed %d, work dir %s%n",
                dbName, o.duration(), o.rate(), o.killMin(), o.killMax(), o.seed(), work);
        try {
            for (int i = 0; i < NODES; i++) nodes.add(new Node(i));
            nodes.getFirst().start(); // the first migrates the schema; the others start after it
            nodes.getFirst().awaitReady(Duration.ofSeconds(90));
            for (int i = 1; i < NODES; i++) nodes.get(i).start();
            for (int i = 1; i < NODES; i++) nodes.get(i).awaitReady(Duration.ofSeconds(90));
            return exercise();
        } finally {
            for (Node n : nodes) {
                Process p = n.process;
                if (p != null && p.isAlive()) {
                    p.destroy(); // SIGTERM: a graceful stop
                    if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
                }
            }
            if (!o.keep()) {
                try (Connection c = DriverManager.getConnection(o.adminUrl()); Statement s = c.createStatement()) {
                    s.execute("DROP DATABASE IF EXISTS " + dbName + " WITH (FORCE)");
                }
                deleteTree(work); // the nodes' data directories and logs (--keep keeps them)
            } else {
                System.out.println("kept database " + dbName + " and " + work);
            }
        }
    }

    private int exercise() throws Exception {
        long scheduleId = createSchedule();
        long startedAt = System.currentTimeMillis();
        ScheduledExecutorService submitter = Executors.newSingleThreadScheduledExecutor();
        long periodMicros = Math.max(1, Math.round(1_000_000 / o.rate()));
        submitter.scheduleAtFixedRate(this::submitOne, 0, periodMicros, TimeUnit.MICROSECONDS);

        long end = startedAt + o.duration().toMillis();
        List<Thread> restarts = new ArrayList<>();
        while (true) {
            long wait = 1000L * (o.killMin() + random.nextInt(o.killMax() - o.killMin() + 1));
            if (System.currentTimeMillis() + wait > end) break;
            Thread.sleep(wait);
            List<Node> up = nodes.stream().filter(n -> n.up).toList();
            if (up.size() < NODES) {
                System.out.println("a node is still restarting; this kill is skipped");
                continue;
            }
            Node victim = up.get(random.nextInt(up.size()));
            victim.up = false;
            kills.add(new Kill(System.currentTimeMillis(), victim.workerId));
            victim.process.destroyForcibly(); // SIGKILL
            victim.process.waitFor();
            System.out.printf(Locale.ROOT, "%4ds  SIGKILL node %d (pid %d); accepted so far %d%n",
                    (System.currentTimeMillis() - startedAt) / 1000, victim.index, victim.process.pid(), accepted.size());
            int pause = 1000 + random.nextInt(2000);
            // Restarted off this thread, so kills keep their cadence while a JVM starts.
            restarts.add(Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(pause);
                    victim.start();
                    victim.awaitReady(Duration.ofSeconds(90));
                } catch (Exception e) {
                    System.out.println("restart of node " + victim.index + " failed: " + e.getMessage());
                }
            }));
        }
        for (Thread t : restarts) t.join();
        Thread.sleep(Math.max(0, end - System.currentTimeMillis()));
        submitter.shutdown();
        submitter.awaitTermination(30, TimeUnit.SECONDS);
        long stoppedAt = System.currentTimeMillis();
        post(anyUpNode(), "/api/schedules/sch-" + scheduleId + "/pause", "{}");
        System.out.printf(Locale.ROOT, "submitting stopped after %d s; waiting for the accepted tasks to finish%n",
                (stoppedAt - startedAt) / 1000);
        awaitDrained(Duration.ofMinutes(3));
        return report(scheduleId, stoppedAt);
    }

    private long createSchedule() throws Exception {
        ObjectNode b = Json.object();
        b.put("name", "chaos-every-second");
        b.put("cron", "* * * * * *");
        b.put("task_type", "shell");
        b.putObject("payload").put("command", "sleep 5"); // several runs in flight on every node
        b.put("max_retries", 5);
        b.put("backoff", "fixed:0");
        b.put("overlap_policy", "allow");
        b.put("misfire_policy", "run_all");
        HttpResponse<String> r = post(nodes.getFirst(), "/api/schedules", b.toString());
        if (r.statusCode() != 201) throw new IllegalStateException("schedule not created: " + r.statusCode() + " " + r.body());
        return numericId(data(r.body()).get("id"));
    }

    private void submitOne() {
        long n = submitted.incrementAndGet();
        ObjectNode b = Json.object();
        b.put("name", "chaos-" + n);
        b.put("command", "sleep " + SLEEPS[ThreadLocalRandom.current().nextInt(SLEEPS.length)]);
        b.put("max_retries", 5);
        for (int tries = 0; tries < NODES; tries++) {
            Node node = anyUpNode();
            try {
                HttpResponse<String> r = post(node, "/api/tasks", b.toString());
                if (r.statusCode() == 201) {
                    accepted.add(numericId(data(r.body()).get("id")));
                } else {
                    refusals.computeIfAbsent("HTTP " + r.statusCode() + " " + errorCode(r.body()), k -> new AtomicInteger()).incrementAndGet();
                }
                return;
            } catch (IOException e) {
                // the node was just killed: try another, as a client would
                refusals.computeIfAbsent("connection failed (retried elsewhere)", k -> new AtomicInteger()).incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String errorCode(String body) {
        try {
            JsonNode n = Json.read(body);
            JsonNode e = n.has("error") ? n.get("error") : n;
            return e.isObject() && e.has("code") ? e.get("code").asText() : e.isTextual() ? e.asText() : "";
        } catch (RuntimeException ex) {
            return "";
        }
    }

    private Node anyUpNode() {
        List<Node> up = nodes.stream().filter(n -> n.up).toList();
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return up.isEmpty() ? nodes.get(r.nextInt(NODES)) : up.get(r.nextInt(up.size()));
    }

    private void awaitDrained(Duration max) throws Exception {
        long end = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < end) {
            long open = query("SELECT count(*) FROM tasks WHERE status IN ('pending', 'queued', 'running')");
            if (open == 0) return;
            Thread.sleep(1000);
        }
        System.out.println("not drained after " + max + ": the unfinished tasks are counted as lost below");
    }

    // ---- the verdict ---------------------------------------------------------------------------

    /** One lifecycle event of one task. */
    record Ev(long ts, String type, String worker) {
    }

    private int report(long scheduleId, long stoppedAt) throws SQLException {
        Map<Long, String> status = new HashMap<>();
        Map<Long, String> origin = new HashMap<>();
        Map<Long, List<Ev>> events = new HashMap<>();
        Set<Long> slots = new HashSet<>();
        try (Connection c = DriverManager.getConnection(dbUrl); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT id, status, origin_kind, slot_at FROM tasks")) {
                while (rs.next()) {
                    status.put(rs.getLong(1), rs.getString(2));
                    origin.put(rs.getLong(1), rs.getString(3) == null ? "api" : rs.getString(3));
                    long slot = rs.getLong(4);
                    if (!rs.wasNull()) slots.add(slot);
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT task_id, ts, type, worker_id FROM events WHERE task_id IS NOT NULL"
                    + " AND type IN ('task.started', 'task.completed', 'task.failed', 'task.retrying') ORDER BY task_id, ts, id")) {
                while (rs.next()) {
                    events.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(new Ev(rs.getLong(2), rs.getString(3), rs.getString(4)));
                }
            }
        }

        Set<Long> acceptedIds = new HashSet<>(accepted);
        long completed = acceptedIds.stream().filter(id -> "completed".equals(status.get(id))).count();
        List<Long> lost = acceptedIds.stream().filter(id -> !"completed".equals(status.get(id))).sorted().toList();

        long scheduleRuns = origin.values().stream().filter("schedule"::equals).count();
        long scheduleRunsOpen = origin.entrySet().stream().filter(e -> "schedule".equals(e.getValue())
                && !"completed".equals(status.get(e.getKey()))).count();

        // Every start but the last must be explained by a kill of its worker before the next start.
        int duplicates = 0;
        int unexplained = 0;
        int completedTwice = 0;
        for (var e : events.entrySet()) {
            List<Ev> starts = e.getValue().stream().filter(v -> v.type().equals("task.started")).toList();
            if (e.getValue().stream().filter(v -> v.type().equals("task.completed")).count() > 1) completedTwice++;
            if (starts.size() < 2) continue;
            duplicates++;
            for (int i = 0; i + 1 < starts.size(); i++) {
                Ev a = starts.get(i);
                long next = starts.get(i + 1).ts();
                boolean killed = kills.stream().anyMatch(k -> k.workerId().equals(a.worker()) && k.at() >= a.ts() && k.at() <= next);
                if (!killed) unexplained++;
            }
        }

        // Schedule slots: every second from the first slot to the pause (less the last two, which may still be firing).
        long firstSlot = slots.stream().mapToLong(Long::longValue).min().orElse(0);
        long lastExpected = (stoppedAt / 1000 - 2) * 1000;
        long slotsLost = 0;
        for (long t = firstSlot; t <= lastExpected; t += 1000) if (!slots.contains(t)) slotsLost++;
        long slotsExpected = firstSlot == 0 ? 0 : (lastExpected - firstSlot) / 1000 + 1;

        // Failover: attempts running on the killed worker at the kill; from the kill to the next start (and to the reap).
        List<Long> rerunAll = new ArrayList<>();
        List<Long> rerunBackoff0 = new ArrayList<>();
        List<Long> reaped = new ArrayList<>();
        for (Kill k : kills) {
            for (var e : events.entrySet()) {
                List<Ev> evs = e.getValue();
                for (int i = 0; i < evs.size(); i++) {
                    Ev a = evs.get(i);
                    if (!a.type().equals("task.started") || !k.workerId().equals(a.worker()) || a.ts() > k.at()) continue;
                    Ev after = i + 1 < evs.size() ? evs.get(i + 1) : null;
                    if (after != null && after.ts() < k.at()) continue; // it had ended before the kill
                    for (int j = i + 1; j < evs.size(); j++) {
                        if (evs.get(j).type().equals("task.retrying")) {
                            reaped.add(evs.get(j).ts() - k.at());
                            break;
                        }
                    }
                    for (int j = i + 1; j < evs.size(); j++) {
                        if (evs.get(j).type().equals("task.started")) {
                            long ms = evs.get(j).ts() - k.at();
                            rerunAll.add(ms);
                            if ("schedule".equals(origin.get(e.getKey()))) rerunBackoff0.add(ms);
                            break;
                        }
                    }
                }
            }
        }

        System.out.println();
        System.out.println("==== chaos verdict ====");
        System.out.printf(Locale.ROOT, "kills (SIGKILL + restart)                 %d%n", kills.size());
        System.out.printf(Locale.ROOT, "POST /api/tasks tried                      %d%n", submitted.get());
        System.out.printf(Locale.ROOT, "accepted (201)                             %d%n", acceptedIds.size());
        System.out.printf(Locale.ROOT, "not accepted                               %s%n", refusals.isEmpty() ? "none"
                : new TreeMap<>(refusals.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, v -> v.getValue().get()))));
        System.out.printf(Locale.ROOT, "completed                                  %d%n", completed);
        System.out.printf(Locale.ROOT, "lost (accepted, not completed)             %d%s%n", lost.size(),
                lost.isEmpty() ? "" : " " + lost.stream().limit(20).map(id -> id + ":" + status.get(id)).toList());
        System.out.printf(Locale.ROOT, "schedule runs / not completed              %d / %d%n", scheduleRuns, scheduleRunsOpen);
        System.out.printf(Locale.ROOT, "tasks started more than once               %d%n", duplicates);
        System.out.printf(Locale.ROOT, "duplicate starts not explained by a kill   %d%n", unexplained);
        System.out.printf(Locale.ROOT, "tasks completed twice                      %d%n", completedTwice);
        System.out.printf(Locale.ROOT, "schedule slots expected / lost             %d / %d%n", slotsExpected, slotsLost);
        System.out.printf(Locale.ROOT, "kill -> attempt reaped (ms)                %s%n", percentiles(reaped));
        System.out.printf(Locale.ROOT, "kill -> re-run start, backoff 0 (ms)       %s  (schedule runs, backoff fixed:0)%n", percentiles(rerunBackoff0));
        System.out.printf(Locale.ROOT, "kill -> re-run start, all (ms)             %s  (API tasks wait their exponential backoff, 2 s +-10 %%, first)%n", percentiles(rerunAll));
        boolean ok = lost.isEmpty() && scheduleRunsOpen == 0 && unexplained == 0 && completedTwice == 0 && slotsLost == 0;
        System.out.println(ok ? "PASS" : "FAIL");
        return ok ? 0 : 1;
    }

    private static String percentiles(List<Long> values) {
        if (values.isEmpty()) return "n=0";
        List<Long> v = values.stream().sorted().toList();
        return String.format(Locale.ROOT, "n=%d p50=%d p99=%d max=%d", v.size(), v.get((int) Math.floor(0.50 * (v.size() - 1))),
                v.get((int) Math.ceil(0.99 * (v.size() - 1))), v.getLast());
    }

    // ---- plumbing ------------------------------------------------------------------------------

    private long query(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(dbUrl); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private HttpResponse<String> get(Node n, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(n.uri(path)).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(Node n, String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(n.uri(path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "ApiKey " + adminKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The native face's envelope: {@code {"success": true, "data": {...}}}. */
    private static JsonNode data(String body) {
        JsonNode n = Json.read(body);
        return n.has("data") ? n.get("data") : n;
    }

    private static long numericId(JsonNode id) {
        String s = id.asText();
        return Long.parseLong(s.substring(s.lastIndexOf('-') + 1));
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** {@code admin} with its database name replaced by {@code db}. */
    static String withDatabase(String admin, String db) {
        int scheme = admin.indexOf("//");
        int slash = admin.indexOf('/', scheme + 2);
        int q = admin.indexOf('?', slash < 0 ? scheme + 2 : slash);
        String head = slash < 0 ? (q < 0 ? admin : admin.substring(0, q)) : admin.substring(0, slash);
        String query = q < 0 ? "" : admin.substring(q);
        return head + "/" + db + query;
    }
}
