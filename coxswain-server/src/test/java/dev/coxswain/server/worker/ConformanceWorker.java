package dev.coxswain.server.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.server.worker.ConformanceServer.Resp;
import dev.coxswain.worker.protocol.Signatures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;

import static dev.coxswain.server.worker.ConformanceServer.JSON;

/**
 * A scripted remote worker speaking the {@code /_worker} wire the way the Python SDK does: the
 * {@code X-Worker-Token}, {@code X-Worker-ID} and {@code X-RXON-Version} headers on every request,
 * bodies with an integer {@code timestamp} and signed with the master token
 * ({@code security: {signature, signer_id}}).
 */
public final class ConformanceWorker {
    final ConformanceServer srv;
    public final String id;
    /** What goes in {@code X-Worker-Token} (the master token, or an access token after an exchange). */
    String token;
    /** The token bodies are signed with. */
    final String master;

    ConformanceWorker(ConformanceServer srv, String id, String master) {
        this.srv = srv;
        this.id = id;
        this.master = master;
        this.token = master;
    }

    Map<String, String> headers() {
        Map<String, String> h = new LinkedHashMap<>();
        if (token != null) h.put("X-Worker-Token", token);
        h.put("X-Worker-ID", id);
        h.put("X-RXON-Version", "1.0b15");
        return h;
    }

    /** Epoch seconds on the server's clock (the SDK's {@code int(time())}). */
    long now() {
        return srv.clock.instant().getEpochSecond();
    }

    /** Stamps ({@code worker_id} and {@code timestamp} unless present) and signs the body. */
    ObjectNode signed(ObjectNode body, boolean event) {
        if (!body.has("worker_id")) body.put("worker_id", id);
        if (!body.has("timestamp")) body.put("timestamp", now());
        body.remove("security");
        String sig = Signatures.sign(body, event, master);
        body.putObject("security").put("signature", sig).put("signer_id", id);
        return body;
    }

    Resp send(String method, String path, byte[] body) {
        Map<String, String> h = headers();
        if (body != null) h.put("Content-Type", "application/json");
        return srv.send(method, path, h, body);
    }

    Resp send(String method, String path, JsonNode body) {
        return send(method, path, body == null ? null : body.toString().getBytes(StandardCharsets.UTF_8));
    }

    // ---- bodies -------------------------------------------------------------------------------

    static ObjectNode skill(String name) {
        ObjectNode s = JSON.createObjectNode().put("name", name).put("type", name).put("description", "conformance " + name);
        s.putObject("input_schema").put("type", "object");
        return s;
    }

    /** A registration as the SDK sends it (unsigned). */
    ObjectNode registration(String... skills) {
        ObjectNode b = JSON.createObjectNode();
        b.put("worker_id", id).put("worker_type", "conformance-worker");
        ArrayNode sup = b.putArray("supported_skills");
        ArrayNode av = b.putArray("available_skills");
        for (String s : skills) {
            sup.add(skill(s));
            av.add(s);
        }
        ObjectNode cap = b.putObject("capabilities").put("hostname", "conformance-host").put("ip_address", "127.0.0.1");
        cap.putObject("cost_per_skill");
        cap.putObject("extra").put("websockets", true);
        b.putObject("resources").putObject("properties").put("cpu_cores", 4).put("ram_gb", 0);
        b.putObject("installed_software").put("python", "3.11");
        b.putArray("installed_artifacts");
        b.put("skills_hash", hash(skills));
        return b;
    }

    static String hash(String... skills) {
        return "hash-" + String.join("-", skills);
    }

    public Resp register(String... skills) {
        return register(registration(skills));
    }

    Resp register(ObjectNode registration) {
        return send("POST", "/_worker/workers/register", signed(registration, false));
    }

    /** A heartbeat body (unsigned) naming the running wire task ids. */
    ObjectNode beat(String skillsHash, String... current) {
        ObjectNode b = JSON.createObjectNode().put("worker_id", id).put("status", "idle");
        ArrayNode c = b.putArray("current_tasks");
        for (String t : current) c.add(t);
        if (skillsHash != null) b.put("skills_hash", skillsHash);
        b.putObject("usage").put("cpu_load_percent", 0).put("ram_used_gb", 0);
        return b;
    }

    Resp heartbeat(ObjectNode body) {
        return send("PATCH", "/_worker/workers/" + id, body == null ? null : signed(body, false));
    }

    Resp poll(String timeout, String available) {
        String q = "?timeout=" + timeout + "&available_skills=" + (available == null ? "" : available) + "&hot_skills=";
        return send("GET", "/_worker/workers/" + id + "/tasks/next" + q, (byte[]) null);
    }

    public Resp poll(String available) {
        return poll("5.0", available);
    }

    public static ObjectNode success(JsonNode task, JsonNode data) {
        ObjectNode b = JSON.createObjectNode().put("job_id", task.get("job_id").asText()).put("task_id", task.get("task_id").asText());
        b.set("data", data == null ? JSON.createObjectNode() : data);
        b.putObject("costs").put("execution_time_seconds", 0.0015);
        return b;
    }

    public static ObjectNode failure(JsonNode task, String code, String message) {
        ObjectNode b = JSON.createObjectNode().put("job_id", task.get("job_id").asText()).put("task_id", task.get("task_id").asText())
                .put("status", "failure");
        b.putObject("data");
        b.putObject("error").put("code", code).put("message", message);
        return b;
    }

    public Resp result(ObjectNode body) {
        body.put("origin_worker_id", id);
        return send("POST", "/_worker/tasks/result", signed(body, false));
    }

    /** An event body (unsigned) for the wire task {@code taskId}. */
    public ObjectNode eventBody(String type, String taskId, String jobId, ObjectNode payload) {
        ObjectNode b = JSON.createObjectNode().put("event_id", UUID.randomUUID().toString()).put("worker_id", id)
                .put("origin_worker_id", id).put("event_type", type);
        b.set("payload", payload);
        b.put("origin_task_id", taskId).put("target_task_id", taskId).put("target_job_id", jobId);
        b.putArray("bubbling_chain");
        b.putObject("trace_context");
        b.put("priority", 0);
        return b;
    }

    public Resp event(ObjectNode body) {
        return send("POST", "/_worker/events", signed(body, true));
    }

    // ---- the WebSocket ------------------------------------------------------------------------

    /** An open socket and the text frames it received. */
    record Socket(WebSocket ws, BlockingQueue<String> frames, BlockingQueue<Integer> closes) implements AutoCloseable {
        @Override
        public void close() {
            try {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(2, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                ws.abort();
            }
        }
    }

    /** Opens {@code ws://…/_worker/ws/{id}} with the worker headers; throws what the handshake threw. */
    Socket connect() throws Exception {
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        BlockingQueue<Integer> closes = new LinkedBlockingQueue<>();
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        headers().forEach(b::header);
        StringBuilder partial = new StringBuilder();
        WebSocket ws = b.buildAsync(URI.create(srv.base.replaceFirst("^http", "ws") + "/_worker/ws/" + id), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    frames.add(partial.toString());
                    partial.setLength(0);
                }
                w.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
                closes.add(status);
                return null;
            }
        }).get(10, java.util.concurrent.TimeUnit.SECONDS);
        return new Socket(ws, frames, closes);
    }
}
