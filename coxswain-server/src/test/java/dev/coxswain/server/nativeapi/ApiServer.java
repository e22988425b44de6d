package dev.coxswain.server.nativeapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.server.CoxswainServer;
import dev.coxswain.server.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import dev.coxswain.server.testing.SecretLedger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One in-process Coxswain server on 127.0.0.1, port 0, spoken to over real HTTP with
 * {@link HttpClient}. The admin key is set in the config, so tests know it.
 */
final class ApiServer implements AutoCloseable {
    static final String ADMIN_KEY = "cox_conformance_admin_key_0123456789";
    static final String WORKER_ID = "worker-conformance";
    static final ObjectMapper JSON = new ObjectMapper();

    final CoxswainServer server;
    private final HttpClient http;
    private final String base;

    private ApiServer(CoxswainServer server) {
        this.server = server;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        this.base = "http://127.0.0.1:" + server.port();
    }

    /** Server settings for a test: SQLite in {@code dataDir} unless {@code dbUrl} is given. */
    static ServerConfig config(Path dataDir, String dbUrl, int concurrency, long maxBodyBytes) {
        return new ServerConfig(0, "127.0.0.1", dataDir, dbUrl, null, null, ADMIN_KEY, concurrency, Duration.ZERO,
                ZoneOffset.UTC, maxBodyBytes, 10_000, false, WORKER_ID, Duration.ofSeconds(30));
    }

    static ApiServer start(Path dataDir) {
        return start(config(dataDir, null, 4, 1 << 20), Clock.systemUTC());
    }

    static ApiServer start(ServerConfig cfg, Clock clock) {
        SecretLedger.install();
        SecretLedger.secret(cfg.adminKey());
        return new ApiServer(CoxswainServer.start(cfg, clock));
    }

    @Override
    public void close() {
        server.close();
    }

    // ---- requests ---------------------------------------------------------------------------

    /** A request under construction; it carries the admin key unless told otherwise. */
    final class Call {
        private final String method;
        private final String path;
        private String auth = "ApiKey " + ADMIN_KEY;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();

        private Call(String method, String path) {
            this.method = method;
            this.path = path;
        }

        Call key(String key) {
            this.auth = "ApiKey " + key;
            return this;
        }

        /** The raw Authorization header value; null sends none. */
        Call authorization(String value) {
            this.auth = value;
            return this;
        }

        Call header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        Call body(String json) {
            this.body = HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8);
            headers.putIfAbsent("Content-Type", "application/json");
            return this;
        }

        Call body(JsonNode json) {
            return body(json.toString());
        }

        Call body(byte[] raw) {
            this.body = HttpRequest.BodyPublishers.ofByteArray(raw);
            headers.putIfAbsent("Content-Type", "application/json");
            return this;
        }

        /** A body of unknown length (sent chunked, without Content-Length). */
        Call chunkedBody(byte[] bytes) {
            this.body = HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes));
            headers.putIfAbsent("Content-Type", "application/json");
            return this;
        }

        Resp send() {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                    .method(method, body);
            if (auth != null) b.header("Authorization", auth);
            headers.forEach(b::header);
            try {
                HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                SecretLedger.response(method + " " + path, r.headers().map().toString(), r.body());
                return Resp.of(method + " " + path, r.statusCode(), r.headers(), r.body());
            } catch (IOException e) {
                throw new UncheckedIOException(method + " " + path + " failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    Call call(String method, String path) {
        return new Call(method, path);
    }

    Resp get(String path) {
        return call("GET", path).send();
    }

    Resp post(String path, JsonNode body) {
        return call("POST", path).body(body).send();
    }

    Resp post(String path, String body) {
        return call("POST", path).body(body).send();
    }

    /** A POST without a body (the action endpoints: cancel, retry). */
    Resp post(String path) {
        return call("POST", path).send();
    }

    Resp put(String path, JsonNode body) {
        return call("PUT", path).body(body).send();
    }

    Resp put(String path, String body) {
        return call("PUT", path).body(body).send();
    }

    Resp delete(String path) {
        return call("DELETE", path).send();
    }

    /** A response, its body parsed as JSON when it is JSON. */
    record Resp(String request, int status, HttpHeaders headers, String body, JsonNode json) {
        static Resp of(String request, int status, HttpHeaders headers, String body) {
            JsonNode json = null;
            try {
                if (body != null && !body.isBlank()) json = JSON.readTree(body);
            } catch (IOException e) {
                json = null;
            }
            return new Resp(request, status, headers, body, json);
        }

        JsonNode data() {
            return json.get("data");
        }

        JsonNode meta() {
            return json.get("meta");
        }

        JsonNode error() {
            return json.get("error");
        }

        @Override
        public String toString() {
            return request + " -> " + status + " " + body;
        }
    }

    // ---- task helpers -------------------------------------------------------------------------

    static ObjectNode task(String name, String command) {
        return JSON.createObjectNode().put("name", name).put("command", command);
    }

    /** Creates a task, expecting 201, and returns its {@code data}. */
    JsonNode create(ObjectNode body) {
        Resp r = post("/api/tasks", body);
        assertThat(r.status()).as("%s", r).isEqualTo(201);
        return r.data();
    }

    /** A task that waits for a day, so it stays pending whatever the tests do meanwhile. */
    JsonNode createParked(String name, String... tags) {
        ObjectNode b = task(name, "echo parked");
        b.put("scheduled_at", "2999-01-01T00:00:00Z");
        var a = b.putArray("tags");
        for (String t : tags) a.add(t);
        return create(b);
    }

    JsonNode getTask(String id) {
        Resp r = get("/api/tasks/" + id);
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        return r.data();
    }

    private static final Set<String> TERMINAL = Set.of("completed", "failed", "cancelled");

    /**
     * Waits until the task reaches {@code status}; fails at once if it ends in another final
     * state instead.
     */
    JsonNode awaitStatus(String id, String status) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            last[0] = getTask(id);
            String s = last[0].get("status").asText();
            return s.equals(status) || TERMINAL.contains(s);
        });
        assertThat(last[0].get("status").asText()).as("status of %s: %s", id, last[0]).isEqualTo(status);
        return last[0];
    }

    /** Polls until {@code supplier} gives a value {@code accept} takes; returns that value. */
    static <T> T eventually(Supplier<T> supplier, java.util.function.Predicate<T> accept) {
        List<T> seen = new ArrayList<>(1);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            T v = supplier.get();
            seen.clear();
            seen.add(v);
            return accept.test(v);
        });
        return seen.get(0);
    }
}
