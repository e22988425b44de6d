package dev.coxswain.server.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The scale test's client of the server's HTTP API, with the admin key. */
final class ScaleClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An answer: its status and parsed body. */
    record Reply(String request, int status, JsonNode body) {
        JsonNode expect(int wanted) {
            if (status != wanted) throw new AssertionError(request + " answered " + status + ": " + body);
            return body;
        }
    }

    private final HttpClient http;
    private final String base;
    private final String adminKey;

    ScaleClient(String base, String adminKey) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .build();
        this.base = base;
        this.adminKey = adminKey;
    }

    Reply get(String path) {
        return send("GET", path, HttpRequest.BodyPublishers.noBody());
    }

    Reply post(String path, JsonNode body) {
        return send("POST", path, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
    }

    private Reply send(String method, String path, HttpRequest.BodyPublisher body) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "ApiKey " + adminKey).header("Content-Type", "application/json")
                .method(method, body).build();
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            JsonNode json = r.body() == null || r.body().isBlank() ? null : JSON.readTree(r.body());
            return new Reply(method + " " + path, r.statusCode(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
