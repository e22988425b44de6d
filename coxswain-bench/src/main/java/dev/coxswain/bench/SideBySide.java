package dev.coxswain.bench;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Coxswain beside db-scheduler, one command: the same workload ({@link PeerWorkload}) on
 * Coxswain with PostgreSQL, db-scheduler with PostgreSQL (both on this machine's server, each
 * phase in a fresh database) and Coxswain with SQLite, in one JVM, R runs, and a markdown table of
 * each figure's median with the ratio. See coxswain-bench/README.md.
 */
public final class SideBySide {
    private SideBySide() {
    }

    public static void main(String[] args) throws Exception {
        SideBySideOptions o;
        try {
            o = SideBySideOptions.parse(args, System.getenv("COXSWAIN_BENCH_PG_URL"));
        } catch (IllegalArgumentException e) {
            System.err.println("side-by-side: " + e.getMessage());
            System.err.println(SideBySideOptions.USAGE);
            System.exit(2);
            return;
        }
        if (o.help) {
            System.out.println(SideBySideOptions.USAGE);
            return;
        }
        EngineBench.quietLogging(o.verbose);
        boolean needsPg = o.only.contains(SideBySideOptions.Who.COXSWAIN_PG) || o.only.contains(SideBySideOptions.Who.DBSCHEDULER);
        String pgVersion = needsPg ? postgresVersion(o.pgUrl) : null;
        if (needsPg && pgVersion == null) {
            System.err.println("side-by-side: PostgreSQL does not answer at " + EngineBench.redact(o.pgUrl));
            System.exit(2);
            return;
        }

        List<Contender> contenders = new ArrayList<>();
        for (SideBySideOptions.Who w : o.only) {
            contenders.add(switch (w) {
                case COXSWAIN_PG -> CoxswainContender.postgres(o.pgUrl, o.concurrency);
                case DBSCHEDULER -> new DbSchedulerContender(o.pgUrl, o.dbsThreads);
                case COXSWAIN_SQLITE -> CoxswainContender.sqlite(o.sqliteFullSync, o.concurrency);
            });
        }
        PeerWorkload.Settings settings = new PeerWorkload.Settings(o.tasks, o.clients, o.batch, o.latencySamples,
                o.latencyIntervalMillis);
        printHeader(o, pgVersion, contenders, settings);

        PeerWorkload workload = new PeerWorkload(System.out::println);
        List<String> problems = new ArrayList<>();
        if (o.warmup > 0) {
            PeerWorkload.Settings warm = new PeerWorkload.Settings(Math.min(o.warmup, o.tasks), o.clients, o.batch,
                    Math.min(20, o.latencySamples), o.latencyIntervalMillis);
            System.out.println();
            System.out.println("warm-up, not reported (" + EngineBench.fmt(warm.tasks()) + " tasks, "
                    + warm.latencySamples() + " latency samples) " + load());
            for (Contender c : contenders) {
                PeerWorkload.Figures f = workload.run(c, warm);
                f.problems.forEach(p -> problems.add("warm-up, " + c.label() + ": " + p));
            }
        }
        Map<String, List<PeerWorkload.Figures>> results = new LinkedHashMap<>();
        for (Contender c : contenders) results.put(c.label(), new ArrayList<>());
        for (int r = 1; r <= o.runs; r++) {
            System.out.println();
            System.out.println("run " + r + " of " + o.runs + " " + load());
            for (Contender c : contenders) {
                PeerWorkload.Figures f = workload.run(c, settings);
                results.get(c.label()).add(f);
                int run = r;
                f.problems.forEach(p -> problems.add("run " + run + ", " + c.label() + ": " + p));
            }
        }

        System.out.println();
        System.out.println("Medians of " + o.runs + " run(s), N = " + EngineBench.fmt(o.tasks) + " " + load()
                + ". Ratio: Coxswain PG against db-scheduler, above 1× = Coxswain ahead"
                + " (rates Coxswain ÷ db-scheduler, latencies and rows db-scheduler ÷ Coxswain).");
        System.out.println();
        System.out.print(SideBySideTable.figures(results, settings));
        String writes = SideBySideTable.writes(results);
        if (!writes.isEmpty()) {
            System.out.println();
            System.out.println("Rows written per task by table (pg_stat_user_tables of the database of the 1-thread enqueue"
                    + " and the drain: create, run and complete N tasks; medians of the runs):");
            System.out.println();
            System.out.print(writes);
        }
        if (!problems.isEmpty()) {
            System.out.println();
            for (String p : problems) System.out.println("PROBLEM: " + p);
        }
        // db-scheduler's executors may leave non-daemon threads behind after stop().
        System.exit(problems.isEmpty() ? 0 : 1);
    }

    private static void printHeader(SideBySideOptions o, String pgVersion, List<Contender> contenders,
                                    PeerWorkload.Settings s) {
        System.out.println("Coxswain beside db-scheduler — " + Instant.now().truncatedTo(ChronoUnit.SECONDS));
        row("JDK", Runtime.version() + " (" + System.getProperty("java.vm.name") + "), heap max "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
        row("machine", Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") + " "
                + System.getProperty("os.version") + " " + load());
        if (pgVersion != null) row("postgres", pgVersion + " at " + EngineBench.redact(o.pgUrl));
        row("workload", "N = " + EngineBench.fmt(s.tasks()) + " no-op tasks per phase, " + o.runs + " run(s) after a warm-up of "
                + EngineBench.fmt(Math.min(o.warmup, o.tasks)) + "; batch API calls of " + s.batch() + "; " + s.clients()
                + " threads / clients; " + s.latencySamples() + " latency samples, one every "
                + s.latencyIntervalMillis() + " ms");
        for (Contender c : contenders) {
            System.out.println("  " + c.label() + ":");
            c.settings().forEach((k, v) -> System.out.printf(Locale.ROOT, "    %-14s %s%n", k, v));
        }
    }

    private static void row(String k, String v) {
        System.out.printf(Locale.ROOT, "  %-9s %s%n", k, v);
    }

    private static String load() {
        double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return l < 0 ? "" : String.format(Locale.ROOT, "(load average %.2f)", l);
    }

    private static String postgresVersion(String adminUrl) {
        DriverManager.setLoginTimeout(5);
        try (Connection c = DriverManager.getConnection(adminUrl); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW server_version")) {
            rs.next();
            return "PostgreSQL " + rs.getString(1);
        } catch (SQLException e) {
            return null;
        }
    }
}
