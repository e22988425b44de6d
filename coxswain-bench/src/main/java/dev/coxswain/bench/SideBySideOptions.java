package dev.coxswain.bench;

import java.util.EnumSet;
import java.util.Set;

/** Command-line options of {@link SideBySide}. */
final class SideBySideOptions {
    /** The contenders, in the table's column order. */
    enum Who { COXSWAIN_PG, DBSCHEDULER, COXSWAIN_SQLITE }

    static final String USAGE = """
            usage: java -cp 'coxswain-bench.jar:lib/*' dev.coxswain.bench.SideBySide [options]
              --tasks N                  tasks per throughput phase (default 20000)
              --runs N                   measured runs; the table shows each figure's median (default 3)
              --warmup N                 tasks in the unreported warm-up pass per contender, 0 for none (default 5000)
              --only LIST                comma-separated: coxswain (both stores), coxswain-pg, coxswain-sqlite,
                                         dbscheduler (default: all three)
              --clients N                threads of the multi-threaded enqueue and synchronous clients (default 16)
              --batch N                  tasks per batch-API call, both schedulers (default 1000)
              --latency-samples N        idle dispatch latency samples (default 200)
              --latency-interval-ms N    one latency task every N ms (default 50)
              --concurrency N            Coxswain engine concurrency (default 64, as EngineBench's noop phases)
              --dbs-threads N            db-scheduler executor threads (default 10, as peerbench's run.sh)
              --sqlite-sync full|normal  SQLite durability (default full, as the server)
              --pg-url URL               admin JDBC URL the scratch databases are created from
                                         (default $COXSWAIN_BENCH_PG_URL or %s)
              --verbose                  keep INFO logging
            """.formatted(EngineBench.DEFAULT_PG_URL);

    int tasks = 20_000;
    int runs = 3;
    int warmup = 5_000;
    Set<Who> only = EnumSet.allOf(Who.class);
    int clients = 16;
    int batch = 1_000;
    int latencySamples = 200;
    int latencyIntervalMillis = 50;
    int concurrency = 64;
    int dbsThreads = 10;
    boolean sqliteFullSync = true;
    String pgUrl;
    boolean verbose;
    boolean help;

    /** @param envPgUrl the value of COXSWAIN_BENCH_PG_URL, or null */
    static SideBySideOptions parse(String[] args, String envPgUrl) {
        SideBySideOptions o = new SideBySideOptions();
        o.pgUrl = envPgUrl == null || envPgUrl.isBlank() ? EngineBench.DEFAULT_PG_URL : envPgUrl;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--help", "-h" -> o.help = true;
                case "--verbose" -> o.verbose = true;
                case "--tasks" -> o.tasks = number(args, ++i, a, 1);
                case "--runs" -> o.runs = number(args, ++i, a, 1);
                case "--warmup" -> o.warmup = number(args, ++i, a, 0);
                case "--only" -> o.only = who(value(args, ++i, a));
                case "--clients" -> o.clients = number(args, ++i, a, 1);
                case "--batch" -> o.batch = number(args, ++i, a, 1);
                case "--latency-samples" -> o.latencySamples = number(args, ++i, a, 1);
                case "--latency-interval-ms" -> o.latencyIntervalMillis = number(args, ++i, a, 1);
                case "--concurrency" -> o.concurrency = number(args, ++i, a, 1);
                case "--dbs-threads" -> o.dbsThreads = number(args, ++i, a, 1);
                case "--sqlite-sync" -> {
                    String v = value(args, ++i, a);
                    if (!v.equals("full") && !v.equals("normal")) throw new IllegalArgumentException("--sqlite-sync must be full or normal");
                    o.sqliteFullSync = v.equals("full");
                }
                case "--pg-url" -> o.pgUrl = value(args, ++i, a);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        return o;
    }

    private static Set<Who> who(String list) {
        Set<Who> out = EnumSet.noneOf(Who.class);
        for (String part : list.split(",")) {
            switch (part.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "coxswain" -> {
                    out.add(Who.COXSWAIN_PG);
                    out.add(Who.COXSWAIN_SQLITE);
                }
                case "coxswain-pg", "pg", "postgres" -> out.add(Who.COXSWAIN_PG);
                case "coxswain-sqlite", "sqlite" -> out.add(Who.COXSWAIN_SQLITE);
                case "dbscheduler", "db-scheduler" -> out.add(Who.DBSCHEDULER);
                default -> throw new IllegalArgumentException("--only: unknown contender '" + part.trim()
                        + "' (coxswain, coxswain-pg, coxswain-sqlite, dbscheduler)");
            }
        }
        return out;
    }

    private static String value(String[] args, int i, String opt) {
        if (i >= args.length) throw new IllegalArgumentException(opt + " needs a value");
        return args[i];
    }

    private static int number(String[] args, int i, String opt, int min) {
        String v = value(args, i, opt);
        try {
            int n = Integer.parseInt(v.replace("_", "").replace(",", ""));
            if (n < min) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + " must be an integer ≥ " + min + ", got " + v);
        }
    }
}
