package dev.coxswain.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The server as an operator runs it: its own JVM, started the way the {@code coxswain} launcher
 * starts it ({@code java --enable-native-access=ALL-UNNAMED -jar coxswain-server.jar serve …}),
 * so that its resident memory is its own and nothing of the benchmark's. Settings come as flags
 * and {@code COXSWAIN_*} variables (the benchmark's own {@code COXSWAIN_*} variables are not
 * passed on); output goes to a log file. Stopped with SIGTERM, as a service manager stops it.
 */
final class ServerChild implements AutoCloseable {
    private static final Duration READY_WITHIN = Duration.ofSeconds(60);

    private final Process process;
    private final int port;
    private final Path log;
    private final long startedNanos;

    private ServerChild(Process process, int port, Path log, long startedNanos) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.startedNanos = startedNanos;
    }

    /**
     * Starts {@code serve} on a free port of 127.0.0.1 with the data directory {@code dataDir}.
     *
     * @param javaOptions JVM options before {@code -jar} (none: the JVM's defaults, as the launcher)
     */
    static ServerChild start(String java, Path jar, List<String> javaOptions, Path dataDir, List<String> flags,
                             Map<String, String> env, Path log) throws IOException {
        int port = freePort();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(javaOptions);
        cmd.addAll(List.of("-jar", jar.toString(), "serve", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--data-dir", dataDir.toString()));
        cmd.addAll(flags);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("COXSWAIN_"));
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        long t0 = System.nanoTime();
        return new ServerChild(pb.start(), port, log, t0);
    }

    long pid() {
        return process.pid();
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    /**
     * Waits until {@code /health/ready} answers 200 (the store is open and the port listens).
     *
     * @return seconds from the process's start
     */
    double awaitReady() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = startedNanos + READY_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited with " + process.exitValue() + " before it was ready:\n" + tail());
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/health/ready"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) return (System.nanoTime() - startedNanos) / 1e9;
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the server was not ready within " + READY_WITHIN + ":\n" + tail());
    }

    /** The last lines of the server's output, for a failure message. */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM and wait (the server's graceful stop); SIGKILL if it has not exited in 30 s. */
    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) return;
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
