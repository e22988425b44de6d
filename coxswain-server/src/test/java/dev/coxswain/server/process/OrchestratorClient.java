package dev.coxswain.server.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A client of a running server's workflow routes, as an orchestrator client uses them: blueprints
 * registered through the native API (admin), jobs started, read and decided on the orchestrator
 * face with an {@code X-Client-Token}.
 */
final class OrchestratorClient {
    /** Statuses a job never leaves. */
    static final Set<String> TERMINAL = Set.of("finished", "failed", "cancelled", "quarantined");

    final ServerProcess server;
    private final String token;

    OrchestratorClient(ServerProcess server, String token) {
        this.server = server;
        this.token = token;
    }

    /** Registers (a new version of) a blueprint given as JSON; asserts the server took it. */
    JsonNode register(String blueprintJson) {
        ServerProcess.Reply r = server.exchange("POST", "/api/blueprints",
                Map.of("Authorization", "ApiKey " + ServerProcess.ADMIN_KEY), blueprintJson);
        assertThat(r.status()).as("register blueprint -> %s", r.raw()).isIn(200, 201);
        return r.body();
    }

    /** {@code POST /api/v1<endpoint>}: asserts the protocol's 202 and returns the job id. */
    String start(String endpoint, ObjectNode body) {
        ServerProcess.Reply r = post("/api/v1" + endpoint, body);
        assertThat(r.status()).as("POST /api/v1%s %s -> %s", endpoint, body, r.raw()).isEqualTo(202);
        assertThat(r.body().get("status").asText()).isEqualTo("accepted");
        String id = r.body().get("job_id").asText();
        assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        return id;
    }

    ServerProcess.Reply post(String path, ObjectNode body) {
        return server.exchange("POST", path, Map.of("X-Client-Token", token), Json.write(body));
    }

    ServerProcess.Reply get(String path) {
        return server.exchange("GET", path, Map.of("X-Client-Token", token), null);
    }

    /** {@code GET /api/v1/jobs/{id}}: asserts 200. */
    JsonNode job(String id) {
        ServerProcess.Reply r = get("/api/v1/jobs/" + id);
        assertThat(r.status()).as("GET /api/v1/jobs/%s -> %s", id, r.raw()).isEqualTo(200);
        return r.body();
    }

    /** {@code POST /_public/webhooks/approval/{id}} with this client's token. */
    ServerProcess.Reply decide(String id, String decision) {
        return post("/_public/webhooks/approval/" + id, Json.object().put("decision", decision));
    }

    /** {@code GET /api/v1/jobs/{id}/history}: every event, oldest first. */
    List<JsonNode> history(String id) {
        ServerProcess.Reply r = get("/api/v1/jobs/" + id + "/history");
        assertThat(r.status()).as("history of %s -> %s", id, r.raw()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        r.body().forEach(out::add);
        return out;
    }

    /** A job seen at a moment: its JSON and when (this JVM's clock) the answer arrived. */
    record Seen(JsonNode job, Instant at) {
        String status() {
            return job.path("status").asText();
        }
    }

    /**
     * Polls the job every {@code every} until its status is {@code status}; fails at once when it
     * ends in another, or after {@code max}.
     */
    Seen awaitStatus(String id, String status, Duration max, Duration every) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = job(id);
            Instant at = Instant.now();
            String s = last.path("status").asText();
            if (s.equals(status)) return new Seen(last, at);
            if (TERMINAL.contains(s)) throw new AssertionError("job " + id + " ended " + s + ", not " + status + ": " + last);
            Thread.sleep(every.toMillis());
        }
        throw new AssertionError("job " + id + " not " + status + " within " + max + "; last seen " + last
                + "\nits tasks: " + tasksOf(id) + "\nhistory: " + get("/api/v1/jobs/" + id + "/history").raw() + "\n" + server.output());
    }

    /** The native view of the job's tasks (each step is one, tagged {@code job:<uuid>}), for failure messages. */
    private String tasksOf(String id) {
        ServerProcess.Reply r = server.get("/api/tasks?limit=100&tag=job:" + id);
        if (r.status() != 200) return r.raw();
        List<String> out = new ArrayList<>();
        r.data().forEach(t -> out.add(t.path("id").asText() + " " + t.path("name").asText() + " " + t.path("status").asText()
                + " worker=" + t.path("worker_id").asText() + " retries=" + t.path("retry_count").asInt()));
        return out.toString();
    }

    Seen awaitStatus(String id, String status) throws InterruptedException {
        return awaitStatus(id, status, Duration.ofSeconds(30), Duration.ofMillis(50));
    }
}
