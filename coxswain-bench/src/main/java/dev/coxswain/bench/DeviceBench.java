package dev.coxswain.bench;

import dev.coxswain.server.CoxswainServer;
import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The device-task benchmark: one whole Coxswain server in this JVM set up by
 * {@link RemoteServers} (SQLite in a fresh temporary directory or a freshly created PostgreSQL
 * database; no local worker, shared worker token, signatures on, worker rate limits off) and W
 * device workers in the same JVM, each owning D devices and running the {@code follow} script,
 * each recording every script run (serial, start, end on {@link System#nanoTime()}) in its own
 * list. T tasks per device are created over HTTP, and the benchmark prints how fast they were
 * created and completed, whether any device ever ran two scripts at once (it must not), and the
 * gap between a device's script end and its next start. It asserts nothing about speed; it exits
 * 1 when a task did not complete, ran twice, or a device overlapped. See
 * {@code coxswain-bench/README.md}.
 */
public final class DeviceBench {
    private static final Duration STUCK_AFTER = Duration.ofSeconds(60);

    private DeviceBench() {
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("device-bench: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        if (o.help) {
            System.out.println(Options.USAGE);
            return;
        }
        if (!o.verbose) Logger.getLogger("").setLevel(Level.WARNING); // lifecycle INFO lines hide the figures
        printHeader(o);
        RemoteServers.Settings s = new RemoteServers.Settings(o.adminKey, o.workerToken, o.sqliteFullSync, o.dbUrl, o.dbUser);
        List<String> problems = o.postgres
                ? RemoteServers.onPostgres("coxswain-device-bench-", s, (store, server, probe) -> run(o, store, server, probe))
                : RemoteServers.onSqlite("coxswain-device-bench-", s, (store, server, probe) -> run(o, store, server, probe));
        if (!problems.isEmpty()) {
            System.out.println();
            problems.forEach(p -> System.out.println("PROBLEM: " + p));
            System.exit(1);
        }
    }

    /** Figures of one measured round. */
    record Figures(int tasks, double createSeconds, double completeSeconds, int runs, int distinctTasks,
                   DeviceRuns.Timeline timeline) {
    }

    private static List<String> run(Options o, String store, CoxswainServer server, RemoteServers.ProbeOpener opener)
            throws Exception {
        List<String> problems = new ArrayList<>();
        String base = "http://127.0.0.1:" + server.port();
        DeviceTaskClient client = new DeviceTaskClient(base, o.adminKey);
        DeviceFleet.Settings fs = new DeviceFleet.Settings(base, o.workerToken, o.workers, o.devicesPerWorker,
                Duration.ofMillis(o.scriptMillis), Duration.ofMillis(o.idlePollMillis));
        try (StoreProbe probe = opener.open(); DeviceFleet fleet = DeviceFleet.start(fs)) {
            System.out.println("[" + store + "] " + o.workers + " device workers registered, " + fleet.serials().size() + " devices");
            if (o.warmupPerDevice > 0) {
                Figures w = round(o, store, client, fleet, probe, o.warmupPerDevice, "warm-up");
                System.out.printf(Locale.ROOT, "[%s] warm-up: %,d tasks, %.1f s%n", store, w.tasks(),
                        w.createSeconds() + w.completeSeconds());
            }
            Figures f = round(o, store, client, fleet, probe, o.tasksPerDevice, "measured");
            Map<String, Long> statuses = probe.statusCounts();
            printFigures(o, store, f, statuses);
            if (f.timeline().overlaps() > 0) problems.add(f.timeline().overlaps() + " overlapping run(s) of one device");
            if (f.timeline().outOfOrder() > 0) problems.add(f.timeline().outOfOrder() + " run(s) out of their device's queue order");
            if (f.runs() != f.tasks() || f.distinctTasks() != f.tasks()) {
                problems.add(f.runs() + " script runs of " + f.distinctTasks() + " distinct tasks for " + f.tasks() + " tasks");
            }
            long notCompleted = statuses.entrySet().stream().filter(e -> !e.getKey().equals("completed"))
                    .mapToLong(Map.Entry::getValue).sum();
            if (notCompleted > 0) problems.add(notCompleted + " task(s) did not complete: " + statuses);
        } catch (TimeoutException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    /** Creates {@code perDevice} tasks for every device, waits until all completed, and reads the records. */
    private static Figures round(Options o, String store, DeviceTaskClient client, DeviceFleet fleet, StoreProbe probe,
                                 int perDevice, String what) throws Exception {
        List<String> serials = fleet.serials();
        List<String> targets = new ArrayList<>();
        for (int i = 0; i < perDevice; i++) targets.add(what + "_user_" + i);
        int n = serials.size() * perDevice;
        long runsBefore = fleet.runs();
        long t0 = System.nanoTime();
        List<Long> ids = o.native_ ? createNative(o, client, serials, targets) : createFace(client, serials, targets);
        long t1 = System.nanoTime();
        if (ids.size() != n) throw new IllegalStateException("created " + ids.size() + " tasks, expected " + n);
        awaitDone(store, fleet, probe, runsBefore + n);
        long t2 = System.nanoTime();
        Set<Long> mine = new HashSet<>(ids);
        List<DeviceRuns.Run> runs = new ArrayList<>();
        for (DeviceRuns r : fleet.records()) for (DeviceRuns.Run x : r.snapshot()) if (mine.contains(x.taskId())) runs.add(x);
        int distinct = (int) runs.stream().mapToLong(DeviceRuns.Run::taskId).distinct().count();
        return new Figures(n, (t1 - t0) / 1e9, (t2 - t1) / 1e9, runs.size(), distinct, DeviceRuns.Timeline.of(runs));
    }

    /** Through the device face: serials × targets per request, at most 10,000 tasks each (the face's limit). */
    private static List<Long> createFace(DeviceTaskClient client, List<String> serials, List<String> targets)
            throws Exception {
        int serialsPerRequest = Math.max(1, 10_000 / targets.size());
        List<Long> ids = new ArrayList<>();
        for (int from = 0; from < serials.size(); from += serialsPerRequest) {
            ids.addAll(client.createViaFace(DeviceFleet.SCRIPT, serials.subList(from, Math.min(serials.size(), from + serialsPerRequest)),
                    targets));
        }
        return ids;
    }

    /** Through the native API: one request per task, from {@code --clients} threads, round by round over the devices. */
    private static List<Long> createNative(Options o, DeviceTaskClient client, List<String> serials, List<String> targets)
            throws Exception {
        int n = serials.size() * targets.size();
        List<Long> ids = new ArrayList<>(n);
        try (ExecutorService pool = Executors.newFixedThreadPool(o.clients)) {
            List<Future<List<Long>>> parts = new ArrayList<>();
            for (int c = 0; c < o.clients; c++) {
                int first = c;
                parts.add(pool.submit(() -> {
                    List<Long> out = new ArrayList<>();
                    for (int i = first; i < n; i += o.clients) {
                        out.add(client.createViaNative(DeviceFleet.SCRIPT, serials.get(i % serials.size()),
                                targets.get(i / serials.size())));
                    }
                    return out;
                }));
            }
            for (Future<List<Long>> f : parts) ids.addAll(f.get());
        } catch (ExecutionException e) {
            throw new IllegalStateException("creating the tasks failed: " + e.getCause(), e.getCause());
        }
        return ids;
    }

    /** Until the workers ran {@code runs} scripts and the store shows nothing open; fails when nothing moves for a minute. */
    private static void awaitDone(String store, DeviceFleet fleet, StoreProbe probe, long runs) throws Exception {
        long last = -1;
        long lastChange = System.nanoTime();
        while (true) {
            long seen = fleet.runs();
            if (seen >= runs && !probe.anyOpen()) return;
            long now = System.nanoTime();
            if (seen != last) {
                last = seen;
                lastChange = now;
            } else if (now - lastChange > STUCK_AFTER.toNanos()) {
                throw new TimeoutException("[" + store + "] stuck: " + (runs - seen) + " script run(s) missing, no progress for "
                        + STUCK_AFTER.toSeconds() + " s; statuses " + probe.statusCounts());
            }
            Thread.sleep(2);
        }
    }

    // ---- output ----------------------------------------------------------------------------

    private static void printHeader(Options o) {
        System.out.println("Coxswain device-task benchmark");
        row("JDK", Runtime.version() + " (" + System.getProperty("java.vm.name") + ")");
        row("cores", Runtime.getRuntime().availableProcessors() + " (machine load average at start: " + load() + ")");
        row("store", o.postgres ? "PostgreSQL, fresh database via " + EngineBench.redact(o.dbUrl)
                : "SQLite, temp dir, WAL, synchronous=" + (o.sqliteFullSync ? "FULL (server default)" : "NORMAL"));
        row("server", "in-process, 127.0.0.1:0, no local worker, shared worker token, worker-signatures ON,"
                + " worker rate limits off");
        row("workers", o.workers + " device workers in this JVM × " + o.devicesPerWorker + " devices, script "
                + DeviceFleet.SCRIPT + " takes " + o.scriptMillis + " ms, idle poll delay " + o.idlePollMillis + " ms");
        row("tasks", o.tasksPerDevice + " per device = " + String.format(Locale.ROOT, "%,d", o.workers * o.devicesPerWorker * o.tasksPerDevice)
                + ", created " + (o.native_ ? "through POST /api/tasks, one per request, " + o.clients + " client threads"
                : "through POST /api/v1/task (serials × target_users, min/max_interval 0)")
                + (o.warmupPerDevice > 0 ? "; warm-up first: " + o.warmupPerDevice + " per device" : ""));
    }

    private static void printFigures(Options o, String store, Figures f, Map<String, Long> statuses) {
        DeviceRuns.Timeline t = f.timeline();
        System.out.println();
        System.out.println("Results, store = " + store + ", " + Runtime.getRuntime().availableProcessors() + " cores, machine load "
                + load());
        figure("device tasks", String.format(Locale.ROOT, "%,d over %d devices", f.tasks(), t.devices()));
        figure("create rate", String.format(Locale.ROOT, "%,.0f tasks/s (%.2f s)", f.tasks() / f.createSeconds(), f.createSeconds()));
        figure("completion rate", String.format(Locale.ROOT, "%,.0f tasks/s (%.2f s from the first create to the last completion;"
                        + " %.2f s after the create returned)", f.tasks() / (f.createSeconds() + f.completeSeconds()),
                f.createSeconds() + f.completeSeconds(), f.completeSeconds()));
        figure("script runs", String.format(Locale.ROOT, "%,d of %,d distinct tasks", f.runs(), f.distinctTasks()));
        figure("max per-device overlap", t.overlaps() + " overlapping pairs, at most " + t.maxRunningOnOneDevice()
                + " running on one device at once (must be 0 and 1)");
        figure("device queue order", t.outOfOrder() + " run(s) after a newer task of the same device (must be 0)");
        figure("gap end → next start", String.format(Locale.ROOT, "p50 %.2f ms, p99 %.2f ms, max %.2f ms", t.gapMillis(0.5),
                t.gapMillis(0.99), t.gapMillis(1.0)));
        figure("final statuses", statuses.toString());
    }

    private static void row(String k, String v) {
        System.out.printf(Locale.ROOT, "  %-8s %s%n", k, v);
    }

    private static void figure(String k, String v) {
        System.out.printf(Locale.ROOT, "  %-24s %s%n", k, v);
    }

    static String load() {
        return String.format(Locale.ROOT, "%.1f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    // ---- options ---------------------------------------------------------------------------

    static final class Options {
        static final String USAGE = """
                usage: java -cp 'coxswain-bench/target/coxswain-bench.jar:coxswain-bench/target/lib/*' \\
                           dev.coxswain.bench.DeviceBench [options]
                  --store sqlite|postgres   store of the in-process server (default sqlite)
                  --db-url URL              PostgreSQL admin JDBC URL; a fresh database coxswain_bench_<random>
                                            is created through it and dropped afterwards (default %s)
                  --db-user NAME            PostgreSQL user when the URL names none (default postgres)
                  --workers N               device workers (default 4)
                  --devices N               devices per worker (default 50)
                  --tasks-per-device N      tasks per device in the measured round (default 50)
                  --warmup-per-device N     tasks per device in a warm-up round first, 0 for none (default 5)
                  --script-ms N             how long one script run takes (default 0)
                  --create face|native      POST /api/v1/task (one request) or POST /api/tasks (one per task) (default face)
                  --clients N               client threads for --create native (default 8)
                  --idle-poll-ms N          a worker's wait after an empty poll (default 10)
                  --sqlite-sync full|normal SQLite durability (default full, as the server)
                  --verbose                 keep the server's and workers' INFO logging
                """.formatted(RemoteWorkerBench.DEFAULT_PG_URL);

        int workers = 4;
        int devicesPerWorker = 50;
        int tasksPerDevice = 50;
        int warmupPerDevice = 5;
        int scriptMillis;
        boolean native_;
        int clients = 8;
        int idlePollMillis = 10;
        boolean postgres;
        boolean sqliteFullSync = true;
        String dbUrl = RemoteWorkerBench.DEFAULT_PG_URL;
        String dbUser = "postgres";
        boolean verbose;
        boolean help;
        /** Generated per run: the server is reachable only from this machine, and only for the run. */
        final String workerToken = "bench-worker-" + secret();
        final String adminKey = "bench-admin-" + secret();

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--help", "-h" -> o.help = true;
                    case "--verbose" -> o.verbose = true;
                    case "--store" -> o.postgres = switch (value(args, ++i, a)) {
                        case "sqlite" -> false;
                        case "postgres" -> true;
                        default -> throw new IllegalArgumentException("--store must be sqlite or postgres");
                    };
                    case "--db-url" -> {
                        o.dbUrl = value(args, ++i, a);
                        if (!o.dbUrl.startsWith("jdbc:postgresql://")) throw new IllegalArgumentException("--db-url must be a jdbc:postgresql:// URL");
                    }
                    case "--db-user" -> o.dbUser = value(args, ++i, a);
                    case "--workers" -> o.workers = atLeast(args, ++i, a, 1);
                    case "--devices" -> o.devicesPerWorker = atLeast(args, ++i, a, 1);
                    case "--tasks-per-device" -> o.tasksPerDevice = atLeast(args, ++i, a, 1);
                    case "--warmup-per-device" -> o.warmupPerDevice = atLeast(args, ++i, a, 0);
                    case "--script-ms" -> o.scriptMillis = atLeast(args, ++i, a, 0);
                    case "--create" -> o.native_ = switch (value(args, ++i, a)) {
                        case "face" -> false;
                        case "native" -> true;
                        default -> throw new IllegalArgumentException("--create must be face or native");
                    };
                    case "--clients" -> o.clients = atLeast(args, ++i, a, 1);
                    case "--idle-poll-ms" -> o.idlePollMillis = atLeast(args, ++i, a, 0);
                    case "--sqlite-sync" -> {
                        String v = value(args, ++i, a);
                        if (!v.equals("full") && !v.equals("normal")) throw new IllegalArgumentException("--sqlite-sync must be full or normal");
                        o.sqliteFullSync = v.equals("full");
                    }
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (o.tasksPerDevice > 10_000) throw new IllegalArgumentException("--tasks-per-device is at most 10000 (one face request)");
            return o;
        }

        private static String secret() {
            byte[] b = new byte[16];
            new SecureRandom().nextBytes(b);
            return HexFormat.of().formatHex(b);
        }

        private static String value(String[] args, int i, String opt) {
            if (i >= args.length) throw new IllegalArgumentException(opt + " needs a value");
            return args[i];
        }

        private static int atLeast(String[] args, int i, String opt, int min) {
            String v = value(args, i, opt);
            try {
                int n = Integer.parseInt(v.replace("_", ""));
                if (n < min) throw new NumberFormatException();
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(opt + " must be an integer ≥ " + min + ", got " + v);
            }
        }
    }
}
