package dev.coxswain.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates device tasks as a client of the server does, with the admin key: through the device
 * face ({@code POST /api/v1/task}: serials × target users in one request, answered with every
 * task id) or through the native API ({@code POST /api/tasks}, one task per request, with
 * {@code requirements.device}). Safe to share between threads.
 */
final class DeviceTaskClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String adminKey;

    DeviceTaskClient(String base, String adminKey) {
        this.base = base;
        this.adminKey = adminKey;
    }

    /**
     * One {@code follow} task per serial and target user, due at once ({@code min_interval} and
     * {@code max_interval} 0), in one request; returns the ids.
     */
    List<Long> createViaFace(String script, List<String> serials, List<String> targets) throws IOException, InterruptedException {
        ObjectNode b = JSON.createObjectNode();
        ArrayNode s = b.putArray("serials");
        serials.forEach(s::add);
        b.put("script_name", script);
        ArrayNode t = b.putObject("script_config").putArray("target_users");
        targets.forEach(t::add);
        b.put("min_interval", 0);
        b.put("max_interval", 0);
        JsonNode r = send("/api/v1/task", b, 200);
        if (r.path("code").asInt(-1) != 0) throw new IOException("POST /api/v1/task answered " + r);
        List<Long> ids = new ArrayList<>();
        for (JsonNode id : r.path("data").path("task_ids")) ids.add(id.asLong());
        return ids;
    }

    /** One native task of type {@code script} for {@code serial}, without retries; returns its id. */
    long createViaNative(String script, String serial, String target) throws IOException, InterruptedException {
        ObjectNode b = JSON.createObjectNode();
        b.put("name", script + " on " + serial + " → " + target);
        b.put("type", script);
        b.put("max_retries", 0);
        ObjectNode params = b.putObject("params");
        params.put("serial", serial);
        params.put("script_name", script);
        params.putObject("script_config").put("target_user", target);
        b.putObject("requirements").put("device", serial);
        String id = send("/api/tasks", b, 201).path("data").path("id").asText();
        return Long.parseLong(id.substring(id.indexOf('-') + 1));
    }

    private JsonNode send(String path, JsonNode body, int expected) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                .header("Authorization", "ApiKey " + adminKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected) {
            throw new IOException("POST " + path + " answered " + r.statusCode() + " (expected " + expected + "): " + r.body());
        }
        return JSON.readTree(r.body());
    }
}
