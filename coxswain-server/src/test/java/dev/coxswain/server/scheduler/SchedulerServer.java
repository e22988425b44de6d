package dev.coxswain.server.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.time.ZoneId;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One in-process Coxswain server on 127.0.0.1, port 0 (SQLite in a temp dir), spoken to over real
 * HTTP; the admin key is set in the config. The server zone is fixed so naive timestamps are checkable.
 */
final class SchedulerServer implements AutoCloseable {
    static final String ADMIN_KEY = "cox_scheduler_admin_key_0123456789";
    static final ObjectMapper JSON = new ObjectMapper();
    static final ZoneId ZONE = ZoneId.of("Europe/Moscow");

    final CoxswainServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;

    SchedulerServer(Path dataDir) {
        ServerConfig cfg = new ServerConfig(0, "127.0.0.1", dataDir, null, null, null, ADMIN_KEY, 4, Duration.ZERO,
                ZONE, 1 << 20, 10_000, false, "worker-scheduler-test", Duration.ofSeconds(30));
        SecretLedger.install();
        SecretLedger.secret(ADMIN_KEY);
        this.server = CoxswainServer.start(cfg, Clock.systemUTC());
        this.base = "http://127.0.0.1:" + server.port();
    }

    @Override
    public void close() {
        server.close();
    }

    record Resp(int status, Map<String, java.util.List<String>> headers, String body, JsonNode json) {
        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    /** Sends with the admin key (as X-API-Key) unless {@code headers} has its own credential. */
    Resp send(String method, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) b.header("Content-Type", "application/json");
        if (headers == null) b.header("X-API-Key", ADMIN_KEY);
        else headers.forEach(b::header);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            SecretLedger.response(method + " " + path, r.headers().map().toString(), r.body());
            JsonNode json = null;
            try {
                if (r.body() != null && !r.body().isBlank()) json = JSON.readTree(r.body());
            } catch (IOException e) {
                json = null;
            }
            return new Resp(r.statusCode(), r.headers().map(), r.body(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Resp get(String path) {
        return send("GET", path, null, null);
    }

    Resp post(String path, String body) {
        return send("POST", path, body, null);
    }

    Resp put(String path, String body) {
        return send("PUT", path, body, null);
    }

    Resp delete(String path) {
        return send("DELETE", path, null, null);
    }

    static JsonNode ok(Resp r, int status) {
        assertThat(r.status()).as("%s", r).isEqualTo(status);
        return r.json();
    }

    /** A connection (no server needed behind it unless a run happens); returns its numeric id. */
    long connection(String name, String database) {
        JsonNode c = ok(post("/api/connections", "{\"name\":\"" + name + "\",\"host\":\"127.0.0.1\",\"database\":\""
                + database + "\",\"user\":\"postgres\",\"sslmode\":\"disable\"}"), 201);
        return Long.parseLong(c.path("data").path("id").asText().substring("conn-".length()));
    }

    /** An API key with just these scopes; returns its secret. */
    String key(String name, String... scopes) {
        StringBuilder s = new StringBuilder();
        for (String sc : scopes) s.append(s.isEmpty() ? "" : ",").append('"').append(sc).append('"');
        JsonNode k = ok(post("/api/keys", "{\"name\":\"" + name + "\",\"scopes\":[" + s + "]}"), 201);
        String secret = k.path("data").path("secret").asText();
        SecretLedger.secret(secret);
        return secret;
    }
}
