package dev.coxswain.server.face;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coxswain.core.webhook.WebhookSettings;
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
import java.time.ZoneOffset;

/**
 * One in-process server spoken to over real HTTP by a test that visits every face: each call
 * names its credential header, as each face's clients send it differently.
 */
final class FaceClient implements AutoCloseable {
    static final String ADMIN_KEY = "cox_face_scaffold_admin_key_0123456789";
    static final ObjectMapper JSON = new ObjectMapper();

    final CoxswainServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;

    private FaceClient(CoxswainServer server) {
        this.server = server;
        this.base = "http://127.0.0.1:" + server.port();
    }

    static FaceClient start(Path dataDir, String dbUrl, Clock clock) {
        SecretLedger.install();
        SecretLedger.secret(ADMIN_KEY);
        ServerConfig cfg = new ServerConfig(0, "127.0.0.1", dataDir, dbUrl, null, null, ADMIN_KEY, 2, Duration.ZERO,
                ZoneOffset.UTC, 1 << 20, 10_000, false, "worker-face-test", Duration.ofSeconds(30))
                // Webhook targets on this machine only: tests reach nothing else.
                .withWebhooks(new WebhookSettings(true, false, Duration.ofSeconds(5), 1, Duration.ofSeconds(2)));
        return new FaceClient(CoxswainServer.start(cfg, clock));
    }

    record Resp(int status, java.net.http.HttpHeaders headers, String text) {
        JsonNode json() {
            try {
                return JSON.readTree(text);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + text, e);
            }
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    /** {@code headers} are name, value pairs; the admin key goes in {@code X-API-Key} unless given. */
    Resp send(String method, String path, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        boolean auth = false;
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
            auth |= headers[i].equalsIgnoreCase("Authorization") || headers[i].equalsIgnoreCase("X-API-Key");
        }
        if (!auth) b.header("X-API-Key", ADMIN_KEY);
        if (body != null) b.header("Content-Type", "application/json");
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Resp(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Resp post(String path, String body, String... headers) {
        return send("POST", path, body, headers);
    }

    Resp get(String path) {
        return send("GET", path, null);
    }

    /** A stored connection to analyse (the scheduler face needs one); returns its numeric id. */
    long connection(String name) {
        Resp r = post("/api/connections", "{\"name\":\"" + name + "\",\"host\":\"127.0.0.1\",\"database\":\"nowhere\","
                + "\"user\":\"postgres\",\"sslmode\":\"disable\"}");
        if (r.status() != 201) throw new AssertionError(r.status() + " " + r.text());
        return Long.parseLong(r.json().path("data").path("id").asText().substring("conn-".length()));
    }

    @Override
    public void close() {
        server.close();
    }
}
