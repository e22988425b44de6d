package dev.coxswain.server.remote;

import dev.coxswain.core.exec.ShellExecutor;
import dev.coxswain.server.LogSetup;
import dev.coxswain.worker.CoxswainWorker;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code coxswain worker}: runs tasks of a Coxswain server on this machine, as a remote worker
 * speaking the {@code /_worker} protocol (the same launcher as the server).
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Run tasks of a Coxswain server on this machine (a remote worker).",
                "Skills: shell (commands, with the same process-tree, timeout, output and log rules as",
                "the server's own worker). SIGTERM: stop taking tasks, let running ones finish",
                "(--shutdown-grace), hand the rest back to the server, sign off."})
public final class WorkerCommand implements Callable<Integer> {
    static final Set<String> SKILLS = Set.of("shell");

    @Option(names = "--server", required = true, description = "the server's base URL, e.g. http://10.0.0.5:8000")
    String server;
    @Option(names = "--token", description = "the worker token: the shared worker-token or this worker's own key (env COXSWAIN_WORKER_TOKEN)")
    String token;
    @Option(names = "--worker-id", description = "this worker's id, [a-zA-Z0-9_-]+ (default worker-<hostname>)")
    String workerId;
    @Option(names = "--skills", split = ",", defaultValue = "shell", description = "skills to serve (default shell)")
    Set<String> skills;
    @Option(names = "--concurrency", defaultValue = "0", description = "tasks run at once (default 2 x cores)")
    int concurrency;
    @Option(names = "--shutdown-grace", defaultValue = "30", description = "seconds running tasks may finish on SIGTERM")
    int grace;
    @Option(names = "--heartbeat-seconds", defaultValue = "15", description = "seconds between heartbeats")
    int heartbeat;
    @Option(names = "--no-websocket", description = "do not open the WebSocket (cancels then arrive with heartbeats)")
    boolean noWebSocket;

    @Override
    public Integer call() throws Exception {
        LogSetup.toStdout(Level.INFO);
        String secret = token != null ? token : System.getenv("COXSWAIN_WORKER_TOKEN");
        if (secret == null || secret.isBlank()) {
            System.err.println("coxswain worker: a token is required (--token or COXSWAIN_WORKER_TOKEN)");
            return 2;
        }
        Set<String> unknown = new LinkedHashSet<>(skills);
        unknown.removeAll(SKILLS);
        if (!unknown.isEmpty()) {
            System.err.println("coxswain worker: unknown skill(s) " + unknown + "; known: " + SKILLS);
            return 2;
        }
        String id = workerId != null ? workerId : "worker-" + InetAddress.getLocalHost().getHostName().replaceAll("[^a-zA-Z0-9_-]", "-");
        int n = concurrency > 0 ? concurrency : 2 * Runtime.getRuntime().availableProcessors();
        Clock clock = Clock.systemUTC();
        CoxswainWorker.Builder b = CoxswainWorker.builder().serverUrl(server).workerId(id).masterToken(secret)
                .concurrency(n).workerType("coxswain-worker").heartbeatInterval(Duration.ofSeconds(Math.max(1, heartbeat)))
                .shutdownGracePeriod(Duration.ofSeconds(Math.max(0, grace))).webSocket(!noWebSocket).clock(clock);
        if (skills.contains("shell")) {
            b.skill("shell", "Runs params.command with sh; stdout is the result", new ShellSkill(new ShellExecutor(), clock));
        }
        CoxswainWorker worker;
        try {
            worker = b.build();
        } catch (IllegalArgumentException e) {
            System.err.println("coxswain worker: " + e.getMessage());
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            worker.close();
            stopped.countDown();
        }, "worker-shutdown"));
        worker.start();
        System.out.println("coxswain worker " + id + ": serving " + skills + " for " + server + " (" + n + " at once)");
        System.out.flush();
        stopped.await();
        return 0;
    }
}
