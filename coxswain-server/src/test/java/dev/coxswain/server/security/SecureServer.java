package dev.coxswain.server.security;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import dev.coxswain.server.CoxswainServer;
import dev.coxswain.server.SecurityConfig;
import dev.coxswain.server.ServerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Map;

/** A server on 127.0.0.1 with chosen security settings, and a tiny HTTP client for it. */
final class SecureServer implements AutoCloseable {
    static final String ADMIN = "test-admin-key-0123456789abcdef";

    final CoxswainServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    SecureServer(Path dataDir, SecurityConfig security, Clock clock) {
        this(config(dataDir).withSecurity(security), clock);
    }

    SecureServer(ServerConfig cfg, Clock clock) {
        dev.coxswain.server.testing.SecretLedger.install();
        dev.coxswain.server.testing.SecretLedger.secret(cfg.adminKey());
        this.server = CoxswainServer.start(cfg, clock);
    }

    static ServerConfig config(Path dataDir) {
        return new ServerConfig(0, "127.0.0.1", dataDir, null, null, null, ADMIN, 2, Duration.ZERO,
                ZoneOffset.UTC, 1 << 20, 1000, false, "worker-test", Duration.ofSeconds(30));
    }

    record Reply(int status, JsonNode body, java.net.http.HttpHeaders headers) {
        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    Reply send(String method, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", "application/json");
        headers.forEach(b::header);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            dev.coxswain.server.testing.SecretLedger.response(method + " " + path, r.headers().map().toString(), r.body());
            boolean isJson = r.headers().firstValue("Content-Type").orElse("").startsWith("application/json");
            JsonNode json = r.body().isEmpty() || !isJson ? null : Json.MAPPER.readTree(r.body());
            return new Reply(r.statusCode(), json, r.headers());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Reply get(String path, Map<String, String> headers) {
        return send("GET", path, null, headers);
    }

    static Map<String, String> apiKey(String key) {
        return Map.of("Authorization", "ApiKey " + key);
    }

    static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    @Override
    public void close() {
        server.close();
    }
}
