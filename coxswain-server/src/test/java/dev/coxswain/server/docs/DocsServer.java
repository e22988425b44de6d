package dev.coxswain.server.docs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Tier;
import dev.coxswain.server.CoxswainServer;
import dev.coxswain.server.SecurityConfig;
import dev.coxswain.server.ServerConfig;
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
import java.util.EnumMap;
import java.util.Map;

/** A real server on 127.0.0.1 (default security) and a tiny HTTP client for the docs tests. */
final class DocsServer implements AutoCloseable {
    static final String ADMIN = "docs-test-admin-key-0123456789";
    static final String WORKER_ID = "worker-x";
    /** The shared worker token of {@link #limits} (remote workers sign their bodies with it). */
    static final String WORKER_TOKEN = "docs-test-shared-worker-token-0123456789";

    final CoxswainServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    DocsServer(Path dataDir) {
        this(config(dataDir));
    }

    DocsServer(ServerConfig config) {
        this(config, Clock.systemUTC());
    }

    DocsServer(ServerConfig config, Clock clock) {
        server = CoxswainServer.start(config, clock);
    }

    /** Default security, a 1 MiB body limit, two slots. */
    static ServerConfig config(Path dataDir) {
        return new ServerConfig(0, "127.0.0.1", dataDir, null, null, null, ADMIN, 2, Duration.ZERO,
                ZoneOffset.UTC, 1 << 20, 1000, false, WORKER_ID, Duration.ofSeconds(30));
    }

    /** Every tier and the anonymous bucket at {@code perMinute}; remote workers may use {@link #WORKER_TOKEN}. */
    static SecurityConfig limits(int perMinute) {
        Map<Tier, Integer> m = new EnumMap<>(Tier.class);
        for (Tier t : Tier.values()) if (t != Tier.UNLIMITED) m.put(t, perMinute);
        SecurityConfig d = SecurityConfig.defaults();
        return new SecurityConfig(d.jwt(), WORKER_TOKEN, m, perMinute);
    }

    int port() {
        return server.port();
    }

    record Reply(int status, HttpHeaders headers, byte[] body) {
        String contentType() {
            return headers.firstValue("Content-Type").orElse(null);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            return Json.read(text());
        }
    }

    /**
     * @param key         an API key sent as {@code Authorization: ApiKey <key>}, or null for none
     * @param nameValues  more headers, as name, value, name, value…
     */
    Reply send(String method, String path, String body, String key, String... nameValues) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", "application/json");
        if (key != null) b.header("Authorization", "ApiKey " + key);
        // set, not add: a Content-Type given here replaces the JSON one above
        for (int i = 0; i + 1 < nameValues.length; i += 2) b.setHeader(nameValues[i], nameValues[i + 1]);
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Reply get(String path) {
        return send("GET", path, null, null);
    }

    /** The document as served. */
    JsonNode document() {
        return get("/openapi.json").json();
    }

    @Override
    public void close() {
        server.close();
    }
}
