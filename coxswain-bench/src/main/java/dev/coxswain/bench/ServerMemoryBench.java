package dev.coxswain.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The server's resident memory, idle and under load: the server jar in a JVM of its own
 * ({@link ServerChild}, started as the launcher starts it), its {@code /proc/<pid>/status} read
 * every 100 ms ({@link RssSampler}). Per store and per kind of work, a fresh server: RSS after
 * start and a settle, then while 16 HTTP clients create tasks one request at a time through
 * {@code POST /api/tasks} until N are created and the store shows all finished (tasks/s of that
 * run), then after another settle. Figures only; see {@code coxswain-bench/README.md}.
 */
public final class ServerMemoryBench {
    private static final String ADMIN_KEY = "bench-admin-key-memory-0123456789abcdef";
    private static final String WORKER_TOKEN = "bench-worker-token-memory-0123456789abcdef";
    private static final Duration STUCK_AFTER = Duration.ofSeconds(30);

    private ServerMemoryBench() {
    }

    /** What the clients create, and who runs it. */
    enum Work {
        /** Shell tasks {@code true}, run by the server's own local worker (a process each). */
        SHELL,
        /** Tasks of a {@code noop} skill, run by remote workers in the benchmark's JVM (nothing forks). */
        REMOTE
    }

    /** One server run's figures (bytes; NaN rate when the load failed). */
    record Run(String store, Work work, int tasks, double readySeconds, ProcMemory idle, JvmGauges idleJvm, long peak,
               long steady, JvmGauges loadJvm, ProcMemory after, JvmGauges afterJvm, long hwm, double rate,
               Map<String, Long> statuses) {
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("server-memory-bench: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        if (o.help) {
            System.out.println(Options.USAGE);
            return;
        }
        if (!Files.isRegularFile(o.serverJar)) {
            System.err.println("server jar not found: " + o.serverJar + " (build it: mvn -B -q -pl coxswain-server -am package -DskipTests)");
            System.exit(2);
        }
        if (!o.verbose) Logger.getLogger("").setLevel(Level.WARNING);
        System.out.printf(Locale.ROOT, "Coxswain server memory benchmark%n  JDK %s, %d cores, %s RAM; server JVM options: %s%n"
                        + "  %d HTTP clients; shell: %,d tasks (local worker, default concurrency); remote: %,d noop tasks"
                        + " (%d workers x %d); settle %d s%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), ProcMemory.mib(totalRam()),
                o.javaOptions.isEmpty() ? "none (the JVM's defaults, as the launcher)" : String.join(" ", o.javaOptions), o.clients,
                o.shellTasks, o.tasks, o.workers, o.workerConcurrency, o.settleSeconds);
        List<Run> runs = new ArrayList<>();
        boolean failed = false;
        for (String store : o.stores) {
            for (Work w : o.works) {
                try {
                    runs.add(store.equals("sqlite") ? onSqlite(o, w) : onPostgres(o, w));
                } catch (Exception e) {
                    failed = true;
                    System.out.println("[" + store + "/" + w.name().toLowerCase(Locale.ROOT) + "] FAILED: " + e);
                }
            }
        }
        print(runs);
        boolean incomplete = runs.stream().anyMatch(r -> r.statuses().entrySet().stream()
                .anyMatch(e -> !e.getKey().equals("completed") && e.getValue() > 0));
        if (failed || incomplete) System.exit(1);
    }

    private static long totalRam() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        } catch (IOException ignored) {
            // reported as unknown
        }
        return -1;
    }

    private static Run onSqlite(Options o, Work w) throws Exception {
        Path dir = Files.createTempDirectory("coxswain-memory-bench-");
        try {
            return measure(o, w, "sqlite", dir, List.of(), () -> StoreProbe.sqlite(dir.resolve("data").resolve("coxswain.db")));
        } finally {
            RemoteServers.deleteTree(dir);
        }
    }

    private static Run onPostgres(Options o, Work w) throws Exception {
        String name = "coxswain_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        DriverManager.setLoginTimeout(5);
        try (Connection c = DriverManager.getConnection(o.pgUrl); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        Path dir = Files.createTempDirectory("coxswain-memory-bench-pg-");
        String url = EngineBench.withDatabase(o.pgUrl, name);
        try {
            return measure(o, w, "postgres", dir, List.of("--db-url", url), () -> StoreProbe.postgres(url, new Properties()));
        } finally {
            RemoteServers.deleteTree(dir);
            try (Connection c = DriverManager.getConnection(o.pgUrl); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (SQLException e) {
                System.out.println("[postgres] could not drop database " + name + ": " + e.getMessage());
            }
        }
    }

    private static Run measure(Options o, Work w, String store, Path dir, List<String> storeFlags, RemoteServers.ProbeOpener probes)
            throws Exception {
        String tag = "[" + store + "/" + w.name().toLowerCase(Locale.ROOT) + "] ";
        Map<String, String> env = new LinkedHashMap<>();
        env.put("COXSWAIN_ADMIN_KEY", ADMIN_KEY);
        env.put("COXSWAIN_WORKER_TOKEN", WORKER_TOKEN);
        env.put("COXSWAIN_WORKER_RATE_LIMIT_POLL", "0");
        env.put("COXSWAIN_WORKER_RATE_LIMIT_HEARTBEAT", "0");
        env.put("COXSWAIN_WORKER_RATE_LIMIT_OTHER", "0");
        List<String> flags = new ArrayList<>(storeFlags);
        flags.addAll(List.of("--worker-id", "worker-memory-bench", "--shutdown-grace", "5"));
        Path dataDir = dir.resolve("data");
        Path log = dir.resolve("server.log");
        long settle = o.settleSeconds * 1000L;
        try (ServerChild server = ServerChild.start(o.java, o.serverJar, o.javaOptions, dataDir, flags, env, log);
             RssSampler rss = new RssSampler(server.pid())) {
            double ready = server.awaitReady();
            System.out.printf(Locale.ROOT, "%sserver pid %d ready in %.1f s; settling %d s%n", tag, server.pid(), ready, o.settleSeconds);
            Thread.sleep(settle);
            ProcMemory idle = ProcMemory.of(server.pid());
            JvmGauges idleJvm = JvmGauges.read(server.base());
            System.out.printf(Locale.ROOT, "%sidle: RSS %s, heap %s used / %s committed, non-heap %s, %d threads%n", tag,
                    ProcMemory.mib(idle.rss()), ProcMemory.mib(idleJvm.heapUsed()), ProcMemory.mib(idleJvm.heapCommitted()),
                    ProcMemory.mib(idleJvm.nonHeapUsed()), idleJvm.threads());

            int n = w == Work.SHELL ? o.shellTasks : o.tasks;
            int warm = Math.max(100, Math.min(2_000, n / 10));
            NoopSkill skill = new NoopSkill();
            WorkerFleet fleet = w == Work.REMOTE ? WorkerFleet.start(new WorkerFleet.Settings(server.base(), WORKER_TOKEN,
                    o.workerConcurrency, Duration.ofMillis(10), true), "memory-bench", o.workers, skill) : null;
            long loadStart = System.nanoTime();
            long[] created = new long[1];
            double rate;
            long t0;
            long t1;
            JvmGauges loadJvm;
            try (StoreProbe probe = probes.open()) {
                endToEnd(server.base(), probe, o.clients, warm, w, "warm-", created);
                System.out.printf(Locale.ROOT, "%swarm-up: %,d tasks done%n", tag, warm);
                t0 = System.nanoTime();
                t1 = endToEnd(server.base(), probe, o.clients, n, w, "bench-", created);
                loadJvm = JvmGauges.read(server.base());
            } finally {
                if (fleet != null) fleet.close();
            }
            rate = n / ((t1 - t0) / 1e9);
            long peak = RssSampler.max(rss.between(loadStart, t1));
            long steady = RssSampler.median(rss.between(t0 + (t1 - t0) / 2, t1));
            System.out.printf(Locale.ROOT, "%s%,d tasks through %d clients: %,.0f tasks/s (%.1f s; the creating alone %,.0f/s);"
                            + " RSS peak %s, steady %s; heap %s used / %s committed at the end; load average %s%n", tag, n, o.clients,
                    rate, (t1 - t0) / 1e9, n / (created[0] / 1e9), ProcMemory.mib(peak),
                    ProcMemory.mib(steady), ProcMemory.mib(loadJvm.heapUsed()), ProcMemory.mib(loadJvm.heapCommitted()), loadAverage());
            Thread.sleep(settle);
            ProcMemory after = ProcMemory.of(server.pid());
            JvmGauges afterJvm = JvmGauges.read(server.base());
            System.out.printf(Locale.ROOT, "%safter %d s idle: RSS %s, heap %s used / %s committed; VmHWM %s%n", tag, o.settleSeconds,
                    ProcMemory.mib(after.rss()), ProcMemory.mib(afterJvm.heapUsed()), ProcMemory.mib(afterJvm.heapCommitted()),
                    ProcMemory.mib(after.hwm()));
            Map<String, Long> statuses;
            try (StoreProbe probe = probes.open()) {
                statuses = probe.statusCounts();
            }
            System.out.println(tag + "task statuses: " + statuses);
            return new Run(store, w, n, ready, idle, idleJvm, peak, steady, loadJvm, after, afterJvm, after.hwm(), rate, statuses);
        }
    }

    /**
     * {@code clients} threads, each with its own HTTP client, create {@code n} tasks one request at
     * a time; returns the {@link System#nanoTime()} at which the store showed none of them open,
     * and leaves in {@code created[0]} how long the creating took (nanoseconds).
     */
    static long endToEnd(String base, StoreProbe probe, int clients, int n, Work w, String prefix, long[] created) throws Exception {
        if (probe.anyOpen()) throw new IllegalStateException("tasks still open before the phase: " + probe.statusCounts());
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> error = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>(clients);
        for (int c = 0; c < clients; c++) {
            JobClient client = new JobClient(base, ADMIN_KEY);
            threads.add(Thread.ofPlatform().name("http-client-" + c).start(() -> {
                try {
                    go.await();
                    for (int i = next.getAndIncrement(); i < n && error.get() == null; i = next.getAndIncrement()) {
                        if (w == Work.SHELL) {
                            client.createTaskFromBody("{\"name\": \"" + prefix + i + "\", \"type\": \"shell\", \"command\": \"true\"}");
                        } else {
                            client.createTask(NoopSkill.NAME, prefix + i);
                        }
                    }
                } catch (Throwable t) {
                    error.compareAndSet(null, t);
                }
            }));
        }
        long start = System.nanoTime();
        go.countDown();
        for (Thread t : threads) t.join();
        if (error.get() != null) throw new IllegalStateException("a client failed: " + error.get(), error.get());
        created[0] = System.nanoTime() - start;
        long lastChange = System.nanoTime();
        long lastCount = 0;
        Map<String, Long> last = null;
        while (probe.anyOpen()) {
            long now = System.nanoTime();
            if (now - lastCount >= 1_000_000_000L) {
                lastCount = now;
                Map<String, Long> counts = probe.statusCounts();
                if (!counts.equals(last)) {
                    last = counts;
                    lastChange = now;
                } else if (now - lastChange > STUCK_AFTER.toNanos()) {
                    throw new TimeoutException("stuck " + String.format(Locale.ROOT, "%.0f", (now - start) / 1e9)
                            + " s into the phase: " + counts);
                }
            }
            Thread.sleep(5);
        }
        return System.nanoTime();
    }

    private static void print(List<Run> runs) {
        System.out.println();
        System.out.println("Server resident memory (RSS, MiB) and the HTTP run's rate");
        String head = String.format(Locale.ROOT, "  %-8s %-7s %7s %6s %9s %6s %6s %6s %6s %6s %10s %9s", "store", "work", "tasks",
                "ready", "idle RSS", "heap", "peak", "steady", "after", "VmHWM", "heap load", "tasks/s");
        System.out.println(head);
        System.out.println("  " + "-".repeat(head.length() - 2));
        for (Run r : runs) {
            System.out.printf(Locale.ROOT, "  %-8s %-7s %,7d %5.1fs %9.0f %6.0f %6.0f %6.0f %6.0f %6.0f %4.0f / %-4.0f %9s%n", r.store(),
                    r.work().name().toLowerCase(Locale.ROOT), r.tasks(), r.readySeconds(), m(r.idle().rss()), m(r.idleJvm().heapUsed()),
                    m(r.peak()), m(r.steady()), m(r.after().rss()), m(r.hwm()), m(r.loadJvm().heapUsed()),
                    m(r.loadJvm().heapCommitted()), EngineBench.fmt(r.rate()));
        }
        System.out.println("  idle: RSS after start and the settle; heap: in use then (from /metrics); peak: highest RSS sampled");
        System.out.println("  during the warm-up and the run; steady: median RSS over the run's second half; after: RSS after the");
        System.out.println("  settle that follows; VmHWM: the kernel's peak since start; heap load: used / committed at the run's end.");
        if (!runs.isEmpty()) {
            JvmGauges g = runs.getFirst().idleJvm();
            System.out.println("  the server's heap limit (max): " + ProcMemory.mib(g.heapMax()));
        }
    }

    /** The machine's 1-minute load average: other processes on the same cores show in every rate here. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private static double m(long bytes) {
        return bytes / (1024.0 * 1024);
    }

    static final class Options {
        static final String USAGE = """
                usage: java -cp 'coxswain-bench/target/coxswain-bench.jar:coxswain-bench/target/lib/*' \\
                         dev.coxswain.bench.ServerMemoryBench [options]
                  --store sqlite|postgres|both   stores (default both)
                  --work shell|remote|both       what the clients create (default both)
                  --tasks N                      noop tasks for remote workers (default 20000)
                  --shell-tasks N                `true` shell tasks for the local worker (default 5000)
                  --clients N                    HTTP client threads (default 16)
                  --workers N                    remote workers in this JVM (default 4)
                  --worker-concurrency N         tasks in flight per remote worker (default 16)
                  --settle-seconds N             wait after start and after the load (default 10)
                  --java-opt OPT                 a JVM option for the server (repeatable; default none)
                  --server-jar PATH              default coxswain-server/target/coxswain-server.jar
                  --pg-url URL                   admin JDBC URL (default $COXSWAIN_BENCH_PG_URL or %s)
                  --verbose                      keep INFO logging
                """.formatted(EngineBench.DEFAULT_PG_URL);

        List<String> stores = List.of("sqlite", "postgres");
        List<Work> works = List.of(Work.SHELL, Work.REMOTE);
        int tasks = 20_000;
        int shellTasks = 5_000;
        int clients = 16;
        int workers = 4;
        int workerConcurrency = 16;
        int settleSeconds = 10;
        List<String> javaOptions = new ArrayList<>();
        Path serverJar = Path.of("coxswain-server/target/coxswain-server.jar");
        String java = ProcessHandle.current().info().command().orElse("java");
        String pgUrl;
        boolean verbose;
        boolean help;

        static Options parse(String[] args) {
            Options o = new Options();
            String env = System.getenv("COXSWAIN_BENCH_PG_URL");
            o.pgUrl = env == null || env.isBlank() ? EngineBench.DEFAULT_PG_URL : env;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--help", "-h" -> o.help = true;
                    case "--verbose" -> o.verbose = true;
                    case "--store" -> o.stores = switch (value(args, ++i, a)) {
                        case "sqlite" -> List.of("sqlite");
                        case "postgres" -> List.of("postgres");
                        case "both" -> List.of("sqlite", "postgres");
                        default -> throw new IllegalArgumentException("--store must be sqlite, postgres or both");
                    };
                    case "--work" -> o.works = switch (value(args, ++i, a)) {
                        case "shell" -> List.of(Work.SHELL);
                        case "remote" -> List.of(Work.REMOTE);
                        case "both" -> List.of(Work.SHELL, Work.REMOTE);
                        default -> throw new IllegalArgumentException("--work must be shell, remote or both");
                    };
                    case "--tasks" -> o.tasks = positive(args, ++i, a);
                    case "--shell-tasks" -> o.shellTasks = positive(args, ++i, a);
                    case "--clients" -> o.clients = positive(args, ++i, a);
                    case "--workers" -> o.workers = positive(args, ++i, a);
                    case "--worker-concurrency" -> o.workerConcurrency = positive(args, ++i, a);
                    case "--settle-seconds" -> o.settleSeconds = positive(args, ++i, a);
                    case "--java-opt" -> o.javaOptions.add(value(args, ++i, a));
                    case "--server-jar" -> o.serverJar = Path.of(value(args, ++i, a));
                    case "--pg-url" -> o.pgUrl = value(args, ++i, a);
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            return o;
        }

        private static String value(String[] args, int i, String opt) {
            if (i >= args.length) throw new IllegalArgumentException(opt + " needs a value");
            return args[i];
        }

        private static int positive(String[] args, int i, String opt) {
            try {
                int n = Integer.parseInt(value(args, i, opt).replace("_", ""));
                if (n < 1) throw new NumberFormatException();
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(opt + " must be a positive integer");
            }
        }
    }
}
