package dev.coxswain.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * What a client of the server sends to start work: a workflow job through the orchestrator face
 * ({@code POST /api/v1/<endpoint>} with {@code X-Client-Token}, answered 202 with the job id) or
 * a bare native task ({@code POST /api/tasks}, 201 with the task). One HTTP/1.1 client with its
 * connection pool; safe to share between threads.
 */
final class JobClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    JobClient(String base, String token) {
        this.base = base;
        this.token = token;
    }

    /** Starts a job of the blueprint at {@code endpoint} with empty initial data; returns its id. */
    String startJob(String endpoint) throws IOException, InterruptedException {
        JsonNode body = send(HttpRequest.newBuilder(URI.create(base + "/api/v1" + endpoint))
                .header("X-Client-Token", token), "{\"initial_data\": {}}", 202);
        return body.path("job_id").asText();
    }

    /** Creates a native task of skill {@code type} with empty params; returns its numeric id. */
    long createTask(String type, String name) throws IOException, InterruptedException {
        return createTaskFromBody("{\"name\": \"" + name + "\", \"type\": \"" + type + "\", \"params\": {}}");
    }

    /** Creates a native task from a whole {@code POST /api/tasks} body; returns its numeric id. */
    long createTaskFromBody(String json) throws IOException, InterruptedException {
        JsonNode body = send(HttpRequest.newBuilder(URI.create(base + "/api/tasks"))
                .header("Authorization", "ApiKey " + token), json, 201);
        String id = body.path("data").path("id").asText();
        return Long.parseLong(id.substring(id.indexOf('-') + 1));
    }

    private JsonNode send(HttpRequest.Builder b, String body, int expected) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(b.header("Content-Type", "application/json").timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected) {
            throw new IOException(b.build().uri().getPath() + " answered " + r.statusCode() + " (expected " + expected + "): "
                    + r.body());
        }
        return JSON.readTree(r.body());
    }
}
