package dev.coxswain.server;

import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code coxswain} command line. */
@Command(name = "coxswain", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Coxswain: a self-hosted job scheduler and task orchestrator.",
        subcommands = {Main.Serve.class, dev.coxswain.server.remote.WorkerCommand.class, KeysCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        // Before any logger exists: keep logging alive during shutdown (see ShutdownSafeLogManager).
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", ShutdownSafeLogManager.class.getName());
        }
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            System.err.println("coxswain: " + e.getMessage());
            e.printStackTrace(System.err);
            return 1;
        });
        System.exit(cli.execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"coxswain " + CoxswainServer.version()};
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = {"Start the server: HTTP API, scheduler and the built-in local worker.",
                    "Settings come from (lowest to highest precedence) defaults, --config FILE,",
                    "COXSWAIN_* environment variables, and these flags.",
                    "Every setting: see the README's configuration reference.",
                    "SIGTERM stops gracefully: no new claims, running tasks get the grace period,",
                    "the rest go back to the queue."})
    static final class Serve implements Callable<Integer> {
        @Option(names = "--port", description = "HTTP port (default 8000; env COXSWAIN_PORT)")
        String port;
        @Option(names = "--bind", description = "address to listen on (default 127.0.0.1; env COXSWAIN_BIND)")
        String bind;
        @Option(names = "--data-dir", description = "data directory, holds the SQLite file (default ./data; env COXSWAIN_DATA_DIR)")
        String dataDir;
        @Option(names = "--db-url", description = "PostgreSQL JDBC URL: use PostgreSQL instead of SQLite (env COXSWAIN_DB_URL)")
        String dbUrl;
        @Option(names = "--db-user", description = "PostgreSQL user (env COXSWAIN_DB_USER)")
        String dbUser;
        @Option(names = "--config", description = "YAML config file (keys as in the README)")
        Path config;
        @Option(names = "--admin-key", description = "admin API key to accept, for automation (env COXSWAIN_ADMIN_KEY)")
        String adminKey;
        @Option(names = "--concurrency", description = "tasks the local worker runs at once (default 2 x cores; env COXSWAIN_CONCURRENCY)")
        String concurrency;
        @Option(names = "--shutdown-grace", description = "seconds running tasks may finish on SIGTERM (default 30; env COXSWAIN_SHUTDOWN_GRACE_SECONDS)")
        String grace;
        @Option(names = "--timezone", description = "IANA zone for 'today' figures (default: the server's; env COXSWAIN_TIMEZONE)")
        String timezone;
        @Option(names = "--worker-id", description = "id of the local worker (env COXSWAIN_WORKER_ID)")
        String workerId;
        @Option(names = "--files", description = "where job files are kept: local, s3 or off (default local; env COXSWAIN_FILES)")
        String files;
        @Option(names = "--blueprints-dir", description = "directory of workflow blueprints registered at start (env COXSWAIN_BLUEPRINTS_DIR)")
        String blueprintsDir;
        @Option(names = "--no-local-worker", description = "run no tasks here: a pure coordinator for remote workers (concurrency 0)")
        boolean noLocalWorker;

        @Override
        public Integer call() throws Exception {
            LogSetup.toStdout(Level.INFO);
            Map<String, String> flags = new LinkedHashMap<>();
            flags.put("port", port);
            flags.put("bind", bind);
            flags.put("data-dir", dataDir);
            flags.put("db-url", dbUrl);
            flags.put("db-user", dbUser);
            flags.put("admin-key", adminKey);
            flags.put("concurrency", noLocalWorker ? "0" : concurrency);
            flags.put("shutdown-grace-seconds", grace);
            flags.put("timezone", timezone);
            flags.put("worker-id", workerId);
            flags.put("files", files);
            flags.put("blueprints-dir", blueprintsDir);
            ServerConfig cfg;
            try {
                cfg = ConfigLoader.load(config, System.getenv(), flags);
            } catch (ConfigLoader.ConfigException e) {
                System.err.println("coxswain: " + e.getMessage());
                return 2;
            }
            CoxswainServer server;
            try {
                server = CoxswainServer.start(cfg, Clock.systemUTC());
            } catch (CoxswainServer.ListenException | dev.coxswain.core.files.BlobStoreException e) {
                System.err.println("coxswain: " + e.getMessage());
                return 1;
            } catch (BlueprintsDirectory.LoadException e) {
                // A configuration problem like a bad setting: the same exit code, no stack trace.
                System.err.println("coxswain: " + e.getMessage());
                return 2;
            }
            if (server.generatedAdminKey() != null) {
                // Printed once, to the console only (not through the logger), and saved 0600.
                System.out.println();
                System.out.println("  Admin API key (shown once; also saved to "
                        + cfg.dataDir().resolve(CoxswainServer.ADMIN_KEY_FILE) + "):");
                System.out.println("    " + server.generatedAdminKey());
                System.out.println("  Use it as:  Authorization: ApiKey <key>");
                System.out.println();
                System.out.flush();
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.stop(cfg.shutdownGrace());
                stopped.countDown();
            }, "shutdown"));
            stopped.await();
            return 0;
        }
    }
}
