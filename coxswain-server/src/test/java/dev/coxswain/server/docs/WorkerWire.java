package dev.coxswain.server.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.worker.protocol.Signatures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The worker protocol's bodies and requests for the docs tests, shaped as the Avtomatika SDK sends
 * them (see the SDK transcript): registration, heartbeat, result and event, each signed with the
 * worker's token over a fresh timestamp.
 */
final class WorkerWire {
    private WorkerWire() {
    }

    /** Sends with {@code X-Worker-Token} and {@code X-Worker-ID}; a null token sends none. */
    static DocsServer.Reply send(DocsServer s, String method, String path, String body, String workerId, String token) {
        return token == null ? s.send(method, path, body, null, "X-Worker-ID", workerId)
                : s.send(method, path, body, null, "X-Worker-Token", token, "X-Worker-ID", workerId);
    }

    /** Stamps the body with the time of {@code clock} and signs it with {@code token}, as the SDK does before sending. */
    static String signed(ObjectNode body, boolean event, String workerId, String token, Clock clock) {
        body.put("timestamp", clock.instant().getEpochSecond());
        ObjectNode security = body.putObject("security").put("signer_id", workerId);
        security.put("signature", Signatures.sign(body, event, token));
        return Json.write(body);
    }

    static ObjectNode registration(String workerId, String... skills) {
        ObjectNode b = Json.object().put("worker_id", workerId).put("worker_type", "docs-worker");
        ArrayNode s = b.putArray("supported_skills");
        for (String name : skills) {
            ObjectNode skill = s.addObject().put("name", name).put("type", name).put("description", "a docs test skill");
            skill.putObject("input_schema").put("type", "object");
        }
        ObjectNode resources = b.putObject("resources");
        resources.putObject("properties").put("cpu_cores", 4).put("ram_gb", 8);
        resources.putArray("devices").addObject().put("type", "gpu").put("model", "docs-gpu").put("id", "gpu-0");
        b.putObject("installed_software").put("python", "3.11");
        b.putArray("installed_artifacts");
        ObjectNode caps = b.putObject("capabilities").put("hostname", "docs-host").put("ip_address", "127.0.0.1");
        caps.putObject("cost_per_skill");
        caps.putObject("extra").put("websockets", true);
        return b;
    }

    static ObjectNode heartbeat(String workerId, List<String> currentTasks) {
        ObjectNode b = Json.object().put("worker_id", workerId).put("status", "idle");
        ArrayNode current = b.putArray("current_tasks");
        currentTasks.forEach(current::add);
        b.putObject("usage").put("cpu_load_percent", 12.5).put("ram_used_gb", 1.5);
        return b;
    }

    /** A result for the attempt of {@code payload}: {@code status} null for success, as the SDK omits it. */
    static ObjectNode result(String workerId, JsonNode payload, String status, JsonNode data) {
        ObjectNode b = Json.object().put("job_id", payload.path("job_id").asText()).put("task_id", payload.path("task_id").asText())
                .put("worker_id", workerId).put("origin_worker_id", workerId);
        if (status != null) b.put("status", status);
        b.set("data", data);
        b.putObject("costs").put("execution_time_seconds", 0.0015);
        return b;
    }

    static ObjectNode event(String workerId, JsonNode payload, String type, JsonNode eventPayload) {
        ObjectNode b = Json.object().put("event_id", UUID.randomUUID().toString()).put("worker_id", workerId)
                .put("origin_worker_id", workerId).put("event_type", type);
        b.set("payload", eventPayload);
        b.put("origin_task_id", payload.path("task_id").asText()).put("target_job_id", payload.path("job_id").asText())
                .put("target_task_id", payload.path("task_id").asText());
        b.putArray("bubbling_chain");
        b.putObject("trace_context");
        b.put("priority", 0);
        return b;
    }

    /**
     * Opens the worker's WebSocket and closes it again: the answer to the upgrade (101 when it
     * took place, otherwise the refusal's status).
     */
    static DocsServer.Reply upgrade(DocsServer s, String workerId, String token) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try {
            WebSocket ws = client.newWebSocketBuilder().header("X-Worker-Token", token).header("X-Worker-ID", workerId)
                    .buildAsync(URI.create("ws://127.0.0.1:" + s.port() + "/_worker/ws/" + workerId), new WebSocket.Listener() {
                    }).get(20, TimeUnit.SECONDS);
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
            return new DocsServer.Reply(101, HttpHeaders.of(Map.of(), (a, b) -> true), new byte[0]);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                Object body = h.getResponse().body();
                return new DocsServer.Reply(h.getResponse().statusCode(), h.getResponse().headers(),
                        body instanceof String text ? text.getBytes(java.nio.charset.StandardCharsets.UTF_8) : new byte[0]);
            }
            throw new UncheckedIOException(new IOException(e.getCause()));
        } catch (TimeoutException e) {
            throw new UncheckedIOException(new IOException(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
