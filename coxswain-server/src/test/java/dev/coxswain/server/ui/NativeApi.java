package dev.coxswain.server.ui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The native API with the admin key: how the dashboard's tests put data in the store (tasks,
 * schedules) the way a client would, and read what the dashboard's actions did.
 */
public final class NativeApi {
    private final String base;
    private final String key;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public NativeApi(String base, String key) {
        this.base = base;
        this.key = key;
    }

    /** POSTs JSON and returns {@code data} of a 2xx answer; fails on anything else. */
    public JsonNode post(String path, String json) {
        return data("POST", path, json);
    }

    public JsonNode get(String path) {
        return data("GET", path, null);
    }

    /** A shell task; returns its id ("task-N"). */
    public String task(String name, String command) {
        return post("/api/tasks", "{\"name\":" + quote(name) + ",\"command\":" + quote(command) + ",\"max_retries\":0}")
                .path("id").asText();
    }

    public String status(String taskId) {
        return get("/api/tasks/" + taskId).path("status").asText();
    }

    private JsonNode data(String method, String path, String json) {
        return envelope(method, path, json).path("data");
    }

    public static String quote(String s) {
        try {
            return Json.MAPPER.writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The whole answer ({@code data} and {@code meta}) of a 2xx; fails on anything else. */
    public JsonNode envelope(String method, String path, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "ApiKey " + key)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) b.header("Content-Type", "application/json");
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) throw new AssertionError(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
            return Json.MAPPER.readTree(r.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
