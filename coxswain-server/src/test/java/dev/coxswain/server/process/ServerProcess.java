package dev.coxswain.server.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import dev.coxswain.server.testing.SecretLedger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The real server (or the real command line) started as a separate JVM: the JDK running the
 * tests, the tests' class path, main class {@code dev.coxswain.server.Main}. stdout and stderr go
 * to files under the test's directory so a failing test can print them.
 *
 * <p>Only the process started here is ever signalled, through its own {@link Process} handle.
 */
final class ServerProcess implements AutoCloseable {
    /** A known admin key (32 characters) for tests that set one. */
    static final String ADMIN_KEY = "proc-test-admin-key-0123456789ab";
    static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(3))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    final Process process;
    final Path stdout;
    final Path stderr;
    final Integer port;
    final String name;

    private ServerProcess(String name, Process process, Path stdout, Path stderr, Integer port) {
        this.name = name;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.port = port;
    }

    /**
     * Starts {@code Main} with {@code args}. The environment is the test JVM's without any
     * {@code COXSWAIN_*} variable (so a developer's shell cannot change what is tested), plus
     * {@code env}.
     *
     * @param port the port the server is expected to listen on (for {@link #awaitReady()}), or null
     */
    static ServerProcess launch(Path logDir, String name, List<String> args, Map<String, String> env, Integer port)
            throws IOException {
        return launchMain(logDir, name, "dev.coxswain.server.Main", args, env, port);
    }

    /** As {@link #launch}, with another main class of the tests' class path (a test server). */
    static ServerProcess launchMain(Path logDir, String name, String mainClass, List<String> args, Map<String, String> env,
                                    Integer port) throws IOException {
        Files.createDirectories(logDir);
        String java = ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("cannot tell which java runs the tests"));
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-Xmx256m");
        cmd.add("-XX:TieredStopAtLevel=1"); // starts faster; these processes live for seconds
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("COXSWAIN_"));
        pb.environment().putAll(env);
        Path out = logDir.resolve(name + ".stdout.log");
        Path err = logDir.resolve(name + ".stderr.log");
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        return new ServerProcess(name, pb.start(), out, err, port);
    }

    /** {@code serve --port P --bind 127.0.0.1 --data-dir D} plus {@code extra}. */
    static ServerProcess serve(Path logDir, String name, Path dataDir, Map<String, String> env, String... extra)
            throws IOException {
        return serve(logDir, name, dataDir, env, freePort(), extra);
    }

    /** As {@link #serve(Path, String, Path, Map, String...)} on a given port (a restart where its workers expect it). */
    static ServerProcess serve(Path logDir, String name, Path dataDir, Map<String, String> env, int port, String... extra)
            throws IOException {
        List<String> args = new ArrayList<>(List.of("serve", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--data-dir", dataDir.toString()));
        args.addAll(List.of(extra));
        return launch(logDir, name, args, env, port);
    }

    /** The usual environment: the known admin key and a short lease. */
    static Map<String, String> env(String... more) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("COXSWAIN_ADMIN_KEY", ADMIN_KEY);
        SecretLedger.secret(ADMIN_KEY);
        env.put("COXSWAIN_LEASE_SECONDS", "4");
        for (int i = 0; i + 1 < more.length; i += 2) env.put(more[i], more[i + 1]);
        return env;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    /** Polls the liveness route until it answers 200; fails (with the output) if the process dies. */
    ServerProcess awaitReady() throws InterruptedException {
        return awaitReady(port);
    }

    ServerProcess awaitReady(int onPort) throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " before it was ready\n" + output());
            }
            if (answers(onPort)) return this;
            Thread.sleep(100);
        }
        throw new AssertionError(name + " not ready on port " + onPort + " within " + READY_TIMEOUT + "\n" + output());
    }

    /** Whether something on 127.0.0.1:{@code p} answers the liveness route with 200. */
    static boolean answers(int p) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p + "/health/live"))
                    .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) { // refused, reset, timed out: not (yet) this server
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGKILL (Process.destroyForcibly is kill(pid, SIGKILL) on Linux); waits for the exit. */
    int sigkill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError(name + " survived SIGKILL");
        return process.exitValue();
    }

    /** SIGTERM (Process.destroy is kill(pid, SIGTERM) on Linux). */
    void sigterm() {
        process.destroy();
    }

    /** Waits for the exit; fails with the output when it takes longer than {@code max}. */
    int awaitExit(Duration max) throws InterruptedException {
        if (!process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " still running after " + max + "\n" + output());
        }
        return process.exitValue();
    }

    String stdoutText() {
        return read(stdout);
    }

    String stderrText() {
        return read(stderr);
    }

    String output() {
        return "----- " + name + " stdout -----\n" + stdoutText() + "\n----- " + name + " stderr -----\n" + stderrText()
                + "\n----- end of " + name + " -----";
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + p + ": " + e + ")";
        }
    }

    /** Kills the process if it still runs (SIGKILL, on its own handle only). */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- HTTP against this server ----

    record Reply(int status, JsonNode body, String raw) {
        JsonNode data() {
            return body.get("data");
        }
    }

    Reply get(String path) {
        return get(path, ADMIN_KEY);
    }

    Reply get(String path, String key) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), key);
    }

    Reply post(String path, ObjectNode body) {
        return post(path, body, ADMIN_KEY);
    }

    Reply post(String path, ObjectNode body, String key) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))), key);
    }

    /** Creates a task; asserts 201 and returns its id. */
    String createTask(ObjectNode body) {
        Reply r = post("/api/tasks", body);
        assertThat(r.status()).as("POST /api/tasks %s -> %s", body, r.raw()).isEqualTo(201);
        return r.data().get("id").asText();
    }

    JsonNode task(String id) {
        Reply r = get("/api/tasks/" + id);
        assertThat(r.status()).as("GET /api/tasks/%s -> %s", id, r.raw()).isEqualTo(200);
        return r.data();
    }

    /** Every task, oldest id first (the list API, page by page). */
    List<JsonNode> allTasks() {
        List<JsonNode> out = new ArrayList<>();
        for (int page = 1; ; page++) {
            Reply r = get("/api/tasks?sort=id&order=asc&limit=100&page=" + page);
            assertThat(r.status()).as("GET /api/tasks page %s -> %s", page, r.raw()).isEqualTo(200);
            r.data().forEach(out::add);
            if (r.data().size() < 100) return out;
        }
    }

    /** How many tasks have {@code status} (the list's total). */
    int countWithStatus(String status) {
        Reply r = get("/api/tasks?limit=1&status=" + status);
        assertThat(r.status()).as("GET /api/tasks?status=%s -> %s", status, r.raw()).isEqualTo(200);
        return r.body().get("meta").get("total").asInt();
    }

    /** All log messages of a task, oldest first. */
    List<String> logMessages(String id) {
        Reply r = get("/api/tasks/" + id + "/logs?limit=1000");
        assertThat(r.status()).as("logs of %s -> %s", id, r.raw()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        r.data().forEach(l -> out.add(l.get("message").asText()));
        return out;
    }

    /** The log messages of each of {@code ids}, four requests at a time. */
    Map<String, List<String>> logMessagesOf(List<String> ids) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            Map<String, java.util.concurrent.Future<List<String>>> f = new LinkedHashMap<>();
            for (String id : ids) f.put(id, pool.submit(() -> logMessages(id)));
            Map<String, List<String>> out = new LinkedHashMap<>();
            for (var e : f.entrySet()) out.put(e.getKey(), e.getValue().get(60, TimeUnit.SECONDS));
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Any request with the given headers (no credential added) and an optional JSON body. The
     * reply's body is the parsed JSON, or a JSON string of the raw text when the face answered
     * in plain text.
     */
    Reply exchange(String method, String path, Map<String, String> headers, String jsonBody) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20));
        headers.forEach(b::header);
        if (jsonBody == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
        }
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            SecretLedger.response(name + " " + method + " " + path, r.headers().map().toString(), r.body());
            JsonNode body;
            try {
                body = r.body().isEmpty() ? Json.object() : Json.MAPPER.readTree(r.body());
            } catch (IOException notJson) {
                body = Json.MAPPER.getNodeFactory().textNode(r.body());
            }
            return new Reply(r.statusCode(), body, r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": " + method + " " + path + " failed: " + e + "\n" + output(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private Reply send(HttpRequest.Builder b, String key) {
        if (key != null) b.header("Authorization", "ApiKey " + key);
        b.timeout(Duration.ofSeconds(20));
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            SecretLedger.response(name + " " + b.build().uri().getPath(), r.headers().map().toString(), r.body());
            JsonNode body = r.body().isEmpty() ? Json.object() : Json.MAPPER.readTree(r.body());
            return new Reply(r.statusCode(), body, r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": request failed: " + e + "\n" + output(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- waiting ----

    /** Polls {@code cond} every 100 ms until true; fails with {@code what} and the output after {@code max}. */
    void await(String what, Duration max, BooleanSupplier cond) throws InterruptedException {
        await(what, max, cond, () -> "");
    }

    /** As {@link #await(String, Duration, BooleanSupplier)}; {@code state} describes what was seen, on timeout. */
    void await(String what, Duration max, BooleanSupplier cond, java.util.function.Supplier<String> state)
            throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "\n" + state.get() + "\n" + output());
            }
            if (!process.isAlive()) throw new AssertionError(name + " died while waiting for " + what + "\n" + output());
            Thread.sleep(100);
        }
    }

    // ---- orphaned task processes ----

    /**
     * The pids a task command recorded (one per line, {@code echo $$ >> file} right before
     * {@code exec sleep}). Only these pids are ever killed, and only while they still run
     * {@code sleep}, so a recycled pid is left alone.
     */
    static List<ProcessHandle> recordedSleeps(Path pidFile) {
        List<ProcessHandle> out = new ArrayList<>();
        if (!Files.exists(pidFile)) return out;
        try {
            for (String line : Files.readAllLines(pidFile)) {
                if (line.isBlank()) continue;
                Optional<ProcessHandle> h = ProcessHandle.of(Long.parseLong(line.trim()));
                if (h.isPresent() && h.get().isAlive() && isSleep(h.get())) out.add(h.get());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * Whether {@code h} still runs: alive and not a zombie. A killed task's processes may stay
     * zombies for a while (an orphan waits for init to reap it), which isAlive() counts as alive.
     */
    static boolean running(ProcessHandle h) {
        if (!h.isAlive()) return false;
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false; // gone meanwhile
        }
    }

    private static boolean isSleep(ProcessHandle h) {
        try {
            String cmdline = Files.readString(Path.of("/proc", Long.toString(h.pid()), "cmdline"));
            return cmdline.startsWith("sleep\0") || cmdline.contains("/sleep\0");
        } catch (IOException e) {
            return false;
        }
    }

    /** SIGKILLs the still-running {@code sleep}s recorded in {@code pidFile}; returns how many. */
    static int killRecordedSleeps(Path pidFile) {
        List<ProcessHandle> live = recordedSleeps(pidFile);
        for (ProcessHandle h : live) h.destroyForcibly();
        return live.size();
    }

    /** Kills recorded sleeps in every {@code *.pids} file under {@code dir}. */
    static void killAllRecordedSleeps(Path dir) {
        if (!Files.isDirectory(dir)) return;
        try (var files = Files.walk(dir)) {
            files.filter(p -> p.getFileName().toString().endsWith(".pids")).forEach(ServerProcess::killRecordedSleeps);
        } catch (IOException e) {
            System.err.println("could not scan " + dir + " for task pids: " + e);
        }
    }
}
