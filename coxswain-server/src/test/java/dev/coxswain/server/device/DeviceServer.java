package dev.coxswain.server.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Tier;
import dev.coxswain.core.testing.MutableClock;
import dev.coxswain.server.CoxswainServer;
import dev.coxswain.server.SecurityConfig;
import dev.coxswain.server.ServerConfig;
import dev.coxswain.server.docs.SchemaCheck;
import dev.coxswain.server.testing.SecretLedger;
import dev.coxswain.server.worker.WorkerProtocolConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * One in-process server on 127.0.0.1 (port 0) for the device face's tests, spoken to over real
 * HTTP: a settable clock (stopped unless a test moves it, so due times are exact and no lease or
 * worker TTL runs out by itself), a shared worker token for the test workers, generous rate
 * limits, and the device face's times in {@link #ZONE}.
 */
final class DeviceServer implements AutoCloseable {
    static final String ADMIN_KEY = "cox_device_face_admin_key_0123456789";
    static final String WORKER_TOKEN = "device-face-shared-worker-token-0123";
    /** Not UTC, so a time rendered in the wrong zone shows. */
    static final ZoneId ZONE = ZoneId.of("Asia/Tokyo");
    /** 10:00 in {@link #ZONE}. */
    static final Instant START = Instant.parse("2026-03-02T01:00:00Z");

    final CoxswainServer server;
    final MutableClock clock;
    final String base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private SchemaCheck schemas;

    private DeviceServer(CoxswainServer server, MutableClock clock) {
        this.server = server;
        this.clock = clock;
        this.base = "http://127.0.0.1:" + server.port();
    }

    /**
     * @param dbUrl null: SQLite under {@code dir}; else PostgreSQL
     * @param tweak changes to the test configuration (rate limits, device settings)
     */
    static DeviceServer start(Path dir, String dbUrl, UnaryOperator<ServerConfig> tweak) {
        Map<Tier, Integer> limits = new EnumMap<>(Tier.class);
        for (Tier t : Tier.values()) if (t != Tier.UNLIMITED) limits.put(t, 1_000_000);
        ServerConfig cfg = new ServerConfig(0, "127.0.0.1", dir, dbUrl, null, null, ADMIN_KEY, 0, Duration.ZERO,
                ZONE, 1 << 20, 10_000, false, "worker-device-face", Duration.ofSeconds(30))
                .withSecurity(new SecurityConfig(SecurityConfig.defaults().jwt(), WORKER_TOKEN, limits, 1_000_000))
                // A day: the stopped clock never ages a worker out, nor does a slow test machine.
                .withWorkers(new WorkerProtocolConfig(Duration.ofDays(1), Duration.ofSeconds(30), true, Duration.ofSeconds(60),
                        0, 0, 0));
        cfg = tweak.apply(cfg);
        SecretLedger.install();
        SecretLedger.secret(ADMIN_KEY);
        SecretLedger.secret(WORKER_TOKEN);
        MutableClock clock = new MutableClock(START);
        return new DeviceServer(CoxswainServer.start(cfg, clock), clock);
    }

    static DeviceServer start(Path dir) {
        return start(dir, null, c -> c);
    }

    @Override
    public void close() {
        server.close();
    }

    /** A new API key; its secret. */
    String key(String name, Set<String> scopes, Tier tier) {
        String secret = server.engine().apiKeys().create(name, scopes, tier.wire()).secret();
        SecretLedger.secret(secret);
        return secret;
    }

    DeviceWorker worker(String id) {
        return new DeviceWorker(this, id, WORKER_TOKEN);
    }

    // ---- requests -----------------------------------------------------------------------------

    record Resp(String request, int status, HttpHeaders headers, String body, JsonNode json) {
        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        JsonNode data() {
            return json.get("data");
        }

        @Override
        public String toString() {
            return request + " -> " + status + " " + body;
        }
    }

    /**
     * @param key  an API key sent as {@code X-API-Key}; null sends no credential
     * @param body JSON text, or null for none
     */
    Resp send(String method, String path, String key, String body, String... headerPairs) {
        return sendBytes(method, path, key, body == null ? null : body.getBytes(StandardCharsets.UTF_8), headerPairs);
    }

    Resp sendBytes(String method, String path, String key, byte[] body, String... headerPairs) {
        Map<String, String> h = new LinkedHashMap<>();
        if (key != null) h.put("X-API-Key", key);
        if (body != null) h.put("Content-Type", "application/json");
        for (int i = 0; i + 1 < headerPairs.length; i += 2) h.put(headerPairs[i], headerPairs[i + 1]);
        return raw(method, path, h, body);
    }

    Resp raw(String method, String path, Map<String, String> headers, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(40))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
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

    // ---- the device face's shapes -------------------------------------------------------------

    /** A success: 200 and {@code {code: 0, message: "success", data}} fitting the document; returns {@code data}. */
    JsonNode ok(Resp r, String template, String method) {
        fits(r, template, method, 200);
        assertThat(r.json().get("code").asInt()).as("%s", r).isZero();
        assertThat(r.json().get("message").asText()).as("%s", r).isEqualTo("success");
        return r.data();
    }

    /** A refusal: the code, the status its first three digits, the envelope fitting the document; returns the message. */
    String refused(Resp r, String template, String method, int code) {
        int status = code / 100;
        fits(r, template, method, status);
        assertThat(r.json().get("code").asInt()).as("%s", r).isEqualTo(code);
        assertThat(r.json().get("message").asText()).as("%s", r).isNotBlank();
        assertThat(r.json().has("data")).as("%s", r).isTrue();
        return r.json().get("message").asText();
    }

    /** The answer is JSON and fits the schema the OpenAPI document gives for the operation and status. */
    void fits(Resp r, String template, String method, int status) {
        assertThat(r.status()).as("%s", r).isEqualTo(status);
        assertThat(r.header("Content-Type")).as("%s", r).startsWith("application/json");
        assertThat(r.json()).as("JSON body of %s", r).isNotNull();
        if (schemas == null) {
            Resp d = send("GET", "/openapi.json", null, (String) null);
            assertThat(d.status()).isEqualTo(200);
            schemas = new SchemaCheck(d.json());
        }
        List<String> problems = schemas.responseProblems(template, method, status, r.json());
        assertThat(problems).as("%s %s %d: %s", method.toUpperCase(), template, status, r.body()).isEmpty();
    }
}
