package dev.coxswain.server.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.server.CoxswainServer;
import dev.coxswain.server.SecurityConfig;
import dev.coxswain.server.ServerConfig;
import dev.coxswain.server.testing.SecretLedger;
import dev.coxswain.worker.protocol.Signatures;
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
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One in-process server on 127.0.0.1 for the orchestrator face's tests, spoken to over real HTTP:
 * raw requests with exactly the headers a test gives, client keys made through the native API,
 * and the worker-protocol calls a test needs to play a remote worker (signed as the SDK signs).
 */
final class OrchestratorServer implements AutoCloseable {
    static final String ADMIN_KEY = "cox_orchestrator_face_admin_0123456789";
    static final String WORKER_TOKEN = "orchestrator-face-worker-token-0123";

    final CoxswainServer server;
    final Clock clock;
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private OrchestratorServer(CoxswainServer server, Clock clock) {
        this.server = server;
        this.clock = clock;
        this.base = "http://127.0.0.1:" + server.port();
    }

    static OrchestratorServer start(Path dir, boolean devMode) {
        return start(dir, devMode, Clock.systemUTC());
    }

    static OrchestratorServer start(Path dir, boolean devMode, Clock clock) {
        return start(dir, null, devMode, clock);
    }

    /** @param dbUrl null: SQLite under {@code dir}; else a PostgreSQL JDBC URL */
    static OrchestratorServer start(Path dir, String dbUrl, boolean devMode, Clock clock) {
        return start(dir, dbUrl, devMode, clock, dev.coxswain.server.files.FilesConfig.defaults());
    }

    /** With these file storage settings (an S3 bucket, say). */
    static OrchestratorServer start(Path dir, String dbUrl, boolean devMode, Clock clock,
                                    dev.coxswain.server.files.FilesConfig files) {
        SecretLedger.install();
        SecretLedger.secret(ADMIN_KEY);
        SecretLedger.secret(WORKER_TOKEN);
        SecurityConfig d = SecurityConfig.defaults();
        ServerConfig cfg = new ServerConfig(0, "127.0.0.1", dir, dbUrl, null, null, ADMIN_KEY, 1, Duration.ZERO,
                ZoneOffset.UTC, 1 << 20, 10_000, false, "worker-local-orchestrator", Duration.ofSeconds(30))
                .withSecurity(new SecurityConfig(d.jwt(), WORKER_TOKEN, d.perMinute(), d.anonymousPerMinute()))
                .withDevMode(devMode)
                .withFiles(files);
        return new OrchestratorServer(CoxswainServer.start(cfg, clock), clock);
    }

    @Override
    public void close() {
        server.close();
    }

    /** An answer; {@code json} is null when the body is not JSON. */
    record Resp(String request, int status, HttpHeaders headers, String body, JsonNode json) {
        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        String contentType() {
            return header("Content-Type");
        }

        @Override
        public String toString() {
            return request + " -> " + status + " " + body;
        }
    }

    /** Sends {@code body} (null: none) with exactly these headers (name, value, …). */
    Resp send(String method, String path, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        for (int i = 0; i + 1 < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        if (body != null) b.header("Content-Type", "application/json");
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            SecretLedger.response(method + " " + path, r.headers().map().toString(), r.body());
            JsonNode json = null;
            try {
                if (r.body() != null && !r.body().isBlank()) json = Json.MAPPER.readTree(r.body());
            } catch (IOException notJson) {
                json = null;
            }
            return new Resp(method + " " + path, r.statusCode(), r.headers(), r.body(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** As the client with this {@code X-Client-Token}. */
    Resp asClient(String token, String method, String path, String body) {
        return send(method, path, body, "X-Client-Token", token);
    }

    /** With the admin key in {@code Authorization} (the native way). */
    Resp admin(String method, String path, String body) {
        return send(method, path, body, "Authorization", "ApiKey " + ADMIN_KEY);
    }

    /** A new API key with these scopes (tier {@code unlimited}), for a client to send as {@code X-Client-Token}; its secret. */
    String key(String name, String... scopes) {
        return keyOfTier(name, "unlimited", scopes);
    }

    String keyOfTier(String name, String tier, String... scopes) {
        ObjectNode b = Json.object().put("name", name).put("tier", tier);
        ArrayNode s = b.putArray("scopes");
        for (String scope : scopes) s.add(scope);
        Resp r = admin("POST", "/api/keys", b.toString());
        assertThat(r.status()).as("%s", r).isEqualTo(201);
        return r.json().path("data").path("secret").asText();
    }

    // ---- a remote worker, as the SDK speaks --------------------------------------------------------

    /** Sends a worker-protocol request as worker {@code id} with the shared token; a body is stamped and signed. */
    Resp asWorker(String id, String method, String path, ObjectNode body) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("X-Worker-Token", WORKER_TOKEN);
        h.put("X-Worker-ID", id);
        h.put("X-RXON-Version", "1.0b15");
        String text = null;
        if (body != null) {
            if (!body.has("worker_id")) body.put("worker_id", id);
            body.put("timestamp", clock.instant().getEpochSecond());
            body.remove("security");
            String sig = Signatures.sign(body, path.equals("/_worker/events"), WORKER_TOKEN);
            body.putObject("security").put("signature", sig).put("signer_id", id);
            text = body.toString();
        }
        String[] flat = new String[h.size() * 2];
        int i = 0;
        for (var e : h.entrySet()) {
            flat[i++] = e.getKey();
            flat[i++] = e.getValue();
        }
        return send(method, path, text, flat);
    }

    /** Registers a blueprint (JSON) through the core service, as the native API and the blueprints directory do. */
    void blueprint(String json) {
        server.engine().workflows().register(json, "json", "orchestrator-face-test");
    }

    /** One long poll of the worker for these skills: the task payload, or null when none came (204). */
    JsonNode poll(String workerId, String... skills) {
        Resp r = asWorker(workerId, "GET", "/_worker/workers/" + workerId + "/tasks/next?timeout=10&available_skills="
                + String.join(",", skills) + "&hot_skills=", null);
        assertThat(r.status()).as("%s", r).isIn(200, 204);
        return r.status() == 204 ? null : r.json();
    }

    /** Polls until a task comes, then answers it with {@code data} (and {@code status} unless null: success). */
    JsonNode complete(String workerId, String skill, String status, ObjectNode data) {
        JsonNode task = null;
        for (int i = 0; i < 5 && task == null; i++) task = poll(workerId, skill);
        assertThat(task).as("a task of " + skill + " for " + workerId).isNotNull();
        ObjectNode result = Json.object().put("job_id", task.path("job_id").asText()).put("task_id", task.path("task_id").asText())
                .put("origin_worker_id", workerId);
        if (status != null) result.put("status", status);
        result.set("data", data == null ? Json.object() : data);
        Resp r = asWorker(workerId, "POST", "/_worker/tasks/result", result);
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.json().path("status").asText()).as("%s", r).isEqualTo("accepted");
        return task;
    }

    /** Registers a remote worker offering these skills, as the SDK does. */
    void register(String id, String... skills) {
        ObjectNode b = Json.object().put("worker_id", id).put("worker_type", "face-test-worker");
        ArrayNode sup = b.putArray("supported_skills");
        for (String s : skills) {
            ObjectNode skill = sup.addObject().put("name", s).put("type", s).put("description", "face test " + s);
            skill.putObject("input_schema").put("type", "object");
        }
        b.putObject("capabilities").put("hostname", "face-host").put("ip_address", "127.0.0.1").putObject("cost_per_skill");
        b.putObject("resources").putObject("properties").put("cpu_cores", 4).put("ram_gb", 8);
        b.putObject("installed_software").put("python", "3.11");
        b.putArray("installed_artifacts");
        b.put("skills_hash", "hash-" + String.join("-", skills));
        Resp r = asWorker(id, "POST", "/_worker/workers/register", b);
        assertThat(r.status()).as("%s", r).isEqualTo(200);
    }
}
