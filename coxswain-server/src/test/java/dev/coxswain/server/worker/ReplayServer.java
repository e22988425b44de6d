package dev.coxswain.server.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.server.ConfigLoader;
import dev.coxswain.server.CoxswainServer;
import dev.coxswain.server.ServerConfig;
import dev.coxswain.server.testing.SecretLedger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.awaitility.core.ConditionTimeoutException;

/**
 * An in-process Coxswain server on 127.0.0.1 for remote-worker tests: a known admin key, the
 * shared worker token set ({@code worker-token}) and a short remote-worker TTL
 * ({@code remote-worker-ttl-seconds}). Built through {@link ConfigLoader} with command-line style
 * flags, as {@code coxswain serve --worker-token …} would be — so a setting the server does not
 * know (yet) is simply not applied, instead of failing to compile.
 */
final class ReplayServer implements AutoCloseable {
    static final String ADMIN_KEY = "replay-admin-key-0123456789abcdef";
    static final String WORKER_TOKEN = "replay-shared-worker-token-0123456789";
    static final String TTL_SETTING = "remote-worker-ttl-seconds";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TERMINAL = Set.of("completed", "failed", "cancelled");

    final CoxswainServer server;
    final URI base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private ReplayServer(CoxswainServer server) {
        this.server = server;
        this.base = URI.create("http://127.0.0.1:" + server.port());
    }

    /**
     * @param ttlSeconds how long the server keeps a silent remote worker (heartbeats stop) before it
     *                   counts as gone and its tasks are handed on
     */
    static ReplayServer start(Path dataDir, int ttlSeconds, Clock clock) {
        SecretLedger.install();
        SecretLedger.secret(ADMIN_KEY);
        SecretLedger.secret(WORKER_TOKEN);
        Map<String, String> flags = new LinkedHashMap<>();
        flags.put("port", "0");
        flags.put("bind", "127.0.0.1");
        flags.put("data-dir", dataDir.toString());
        flags.put("admin-key", ADMIN_KEY);
        flags.put("worker-token", WORKER_TOKEN);
        flags.put("worker-id", "worker-replay-local");
        flags.put("concurrency", "2");
        flags.put("shutdown-grace-seconds", "0");
        flags.put("timezone", "UTC");
        flags.put("sqlite-sync", "normal");
        // Workers poll twice a second and heartbeat every second: no tier limit may get in the way.
        for (String tier : List.of("starter", "pro", "team", "business", "anonymous")) flags.put("rate-limit-" + tier, "0");
        flags.put(TTL_SETTING, String.valueOf(ttlSeconds));
        ServerConfig cfg = ConfigLoader.load(null, Map.of(), flags);
        return new ReplayServer(CoxswainServer.start(cfg, clock));
    }

    /** Whether the server knows the TTL setting (the tests that need a worker to expire depend on it). */
    static boolean ttlSettingKnown() {
        return ConfigLoader.SETTINGS.stream().anyMatch(s -> s.key().equals(TTL_SETTING));
    }

    @Override
    public void close() {
        server.close();
    }

    /** A replay worker for this server with the shared token, heartbeating every second. */
    SdkReplayWorker.Builder worker(String id) {
        return SdkReplayWorker.builder(base, id, WORKER_TOKEN)
                .heartbeatInterval(Duration.ofSeconds(1))
                .shutdownTimeout(Duration.ofSeconds(2))
                .listener(ledger());
    }

    /** Every answer a worker gets goes to the secret ledger, which checks no secret leaks in them. */
    static Consumer<WireExchange> ledger() {
        return x -> SecretLedger.response("worker " + x.method() + " " + x.path(), x.responseHeaders().toString(),
                x.responseBody());
    }

    // ---- native API -----------------------------------------------------------------------------

    record Reply(int status, JsonNode json, String raw) {
        JsonNode data() {
            return json == null ? null : json.get("data");
        }

        @Override
        public String toString() {
            return status + " " + raw;
        }
    }

    Reply call(String method, String path, JsonNode body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "ApiKey " + ADMIN_KEY)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        if (body != null) b.header("Content-Type", "application/json");
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            SecretLedger.response(method + " " + path, r.headers().map().toString(), r.body());
            return new Reply(r.statusCode(), ReplayTransport.parse(r.body()), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A task for remote workers: {@code {"name","type","params",…}}. */
    static ObjectNode remoteTask(String name, String type, JsonNode params) {
        ObjectNode t = JSON.createObjectNode().put("name", name).put("type", type);
        t.set("params", params);
        return t;
    }

    static ObjectNode object(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates a task, expecting 201; returns its id ({@code task-<n>}). */
    String createTask(ObjectNode body) {
        Reply r = call("POST", "/api/tasks", body);
        assertThat(r.status()).as("POST /api/tasks %s -> %s", body, r).isEqualTo(201);
        return r.data().get("id").asText();
    }

    JsonNode task(String id) {
        Reply r = call("GET", "/api/tasks/" + id, null);
        assertThat(r.status()).as("GET /api/tasks/%s -> %s", id, r).isEqualTo(200);
        return r.data();
    }

    /** The task's log messages, oldest first. */
    List<String> logMessages(String id) {
        Reply r = call("GET", "/api/tasks/" + id + "/logs?limit=1000", null);
        assertThat(r.status()).as("logs of %s -> %s", id, r).isEqualTo(200);
        List<String> out = new ArrayList<>();
        r.data().forEach(l -> out.add(l.path("message").asText()));
        return out;
    }

    Reply cancel(String id) {
        return call("POST", "/api/tasks/" + id + "/cancel", null);
    }

    /** Ids in {@code GET /api/workers} (first 100). */
    List<String> workerIds() {
        Reply r = call("GET", "/api/workers?limit=100", null);
        assertThat(r.status()).as("GET /api/workers -> %s", r).isEqualTo(200);
        List<String> out = new ArrayList<>();
        r.data().forEach(w -> out.add(w.path("id").asText()));
        return out;
    }

    /**
     * Waits for {@code status}; fails at once if the task ends in another final state. A failure
     * message carries the task and the wire transcripts of {@code watching}.
     */
    JsonNode awaitStatus(String id, String status, Duration max, SdkReplayWorker... watching) {
        JsonNode[] last = new JsonNode[1];
        try {
            await().atMost(max).pollInterval(Duration.ofMillis(100)).until(() -> {
                last[0] = task(id);
                String s = last[0].path("status").asText();
                return s.equals(status) || TERMINAL.contains(s);
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("task " + id + " not " + status + " within " + max + ": " + last[0] + "\n"
                    + transcripts(watching), e);
        }
        assertThat(last[0].path("status").asText()).as("task %s: %s%n%s", id, last[0], transcripts(watching)).isEqualTo(status);
        return last[0];
    }

    static String transcripts(SdkReplayWorker... workers) {
        StringBuilder sb = new StringBuilder();
        for (SdkReplayWorker w : workers) sb.append(w.transcript());
        return sb.toString();
    }

    /** The task's {@code result} as JSON whether the API shows it as an object or as JSON text. */
    static JsonNode result(JsonNode task) {
        JsonNode r = task.get("result");
        if (r != null && r.isTextual()) {
            JsonNode parsed = ReplayTransport.parse(r.textValue());
            if (parsed != null) return parsed;
        }
        return r;
    }
}
