package dev.coxswain.server.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.server.CoxswainServer;
import dev.coxswain.server.SecurityConfig;
import dev.coxswain.server.ServerConfig;
import dev.coxswain.server.testing.SecretLedger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One in-process server on 127.0.0.1 (port 0) with a shared worker token, for the worker-protocol
 * conformance tests: raw HTTP to any path with any headers and bytes, plus the few native-API
 * calls the tests use to create, read and cancel tasks (with the admin key).
 */
public final class ConformanceServer implements AutoCloseable {
    static final String ADMIN_KEY = "cox_worker_conformance_admin_0123456789";
    /** The shared worker token (the master token every test worker signs with). */
    public static final String WORKER_TOKEN = "shared-worker-token-conformance-0123";
    static final ObjectMapper JSON = new ObjectMapper();

    final CoxswainServer server;
    final String base;
    /** The server's clock: workers stamp their bodies with it. */
    final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private ConformanceServer(CoxswainServer server, Clock clock) {
        this.server = server;
        this.clock = clock;
        this.base = "http://127.0.0.1:" + server.port();
    }

    /** @param dbUrl null: SQLite under {@code dir}; else a PostgreSQL JDBC URL */
    static ConformanceServer start(Path dir, String dbUrl, WorkerProtocolConfig workers, Clock clock) {
        ServerConfig cfg = new ServerConfig(0, "127.0.0.1", dir, dbUrl, null, null, ADMIN_KEY, 1, Duration.ZERO,
                ZoneOffset.UTC, 1 << 20, 10_000, false, "worker-local-conformance", Duration.ofSeconds(30));
        SecurityConfig d = SecurityConfig.defaults();
        cfg = cfg.withSecurity(new SecurityConfig(d.jwt(), WORKER_TOKEN, d.perMinute(), d.anonymousPerMinute()))
                .withWorkers(workers);
        SecretLedger.install();
        SecretLedger.secret(ADMIN_KEY);
        SecretLedger.secret(WORKER_TOKEN);
        return new ConformanceServer(CoxswainServer.start(cfg, clock), clock);
    }

    /**
     * Speaks to a server another test started (its config must carry {@link #WORKER_TOKEN}); closing
     * the result closes that server.
     */
    public static ConformanceServer around(CoxswainServer server, Clock clock) {
        return new ConformanceServer(server, clock);
    }

    static ConformanceServer start(Path dir) {
        return start(dir, null, WorkerProtocolConfig.defaults(), Clock.systemUTC());
    }

    @Override
    public void close() {
        server.close();
    }

    public ConformanceWorker worker(String id) {
        return new ConformanceWorker(this, id, WORKER_TOKEN);
    }

    // ---- raw HTTP ---------------------------------------------------------------------------

    /** A response, its body parsed when it is JSON. */
    public record Resp(String request, int status, HttpHeaders headers, String body, JsonNode json, long millis) {
        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return request + " -> " + status + " " + body;
        }
    }

    /** Sends {@code body} (null: none) with exactly these headers. */
    Resp send(String method, String path, Map<String, String> headers, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(40))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        long t0 = System.nanoTime();
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            SecretLedger.response(method + " " + path, r.headers().map().toString(), r.body());
            JsonNode json = null;
            try {
                if (r.body() != null && !r.body().isBlank()) json = JSON.readTree(r.body());
            } catch (IOException notJson) {
                json = null;
            }
            return new Resp(method + " " + path, r.statusCode(), r.headers(), r.body(), json, ms);
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- the native API (admin key) -----------------------------------------------------------

    private Resp admin(String method, String path, JsonNode body) {
        Map<String, String> h = body == null ? Map.of("Authorization", "ApiKey " + ADMIN_KEY)
                : Map.of("Authorization", "ApiKey " + ADMIN_KEY, "Content-Type", "application/json");
        return send(method, path, h, body == null ? null : body.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** A skill task: {@code {"name","type","params","max_retries":0,"timeout_seconds":60}} plus {@code extra}. */
    String createTask(String type, JsonNode params, ObjectNode extra) {
        ObjectNode b = JSON.createObjectNode().put("name", type + "-task").put("type", type).put("max_retries", 0)
                .put("timeout_seconds", 60);
        b.set("params", params == null ? JSON.createObjectNode() : params);
        if (extra != null) b.setAll(extra);
        Resp r = admin("POST", "/api/tasks", b);
        assertThat(r.status()).as("%s", r).isEqualTo(201);
        return r.json().path("data").path("id").asText();
    }

    String createTask(String type) {
        return createTask(type, null, null);
    }

    JsonNode task(String id) {
        Resp r = admin("GET", "/api/tasks/" + id, null);
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        return r.json().get("data");
    }

    void cancel(String id) {
        Resp r = admin("POST", "/api/tasks/" + id + "/cancel", null);
        assertThat(r.status()).as("%s", r).isEqualTo(200);
    }

    JsonNode logs(String id) {
        Resp r = admin("GET", "/api/tasks/" + id + "/logs?limit=1000", null);
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        return r.json().get("data");
    }

    /** Waits (Awaitility) until the task has {@code status}; returns it. */
    JsonNode awaitStatus(String id, String status) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> {
                    last[0] = task(id);
                    assertThat(last[0].path("status").asText()).as("%s", last[0]).isEqualTo(status);
                });
        return last[0];
    }
}
