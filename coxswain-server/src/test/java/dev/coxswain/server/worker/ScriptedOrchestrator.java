package dev.coxswain.server.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A scripted stand-in for the orchestrator's {@code /_worker} API that behaves like the mock
 * the SDK transcript was recorded against: 401 on the first registration (STS exchange), 401 on
 * the first heartbeat (STS refresh), {@code require_full_sync} on the next, 429 with
 * {@code Retry-After: 1} on the first poll, {@code cancel_task_ids} once a chosen task shows up
 * in {@code current_tasks}, {@code ignored}/{@code job_cancelled} for cancelled results, and 404
 * on heartbeats while {@link #forget} is set. It lets the replay worker's own behaviour be checked
 * without a Coxswain server. Loopback only.
 */
final class ScriptedOrchestrator implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as it arrived, and the status it was answered with. */
    record Seen(long seq, long arrivedNanos, String method, String path, Map<String, String> headers, String body, int answered) {
        JsonNode json() {
            return ReplayTransport.parse(body);
        }

        String header(String lowerCase) {
            return headers.get(lowerCase);
        }
    }

    private final HttpServer http;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "scripted-orchestrator");
        t.setDaemon(true);
        return t;
    });
    private final String masterToken;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final AtomicLong seq = new AtomicLong();
    /** Task payloads (JSON text) handed out one per poll, in order. */
    final Queue<String> tasks = new ConcurrentLinkedQueue<>();
    /** While set, heartbeats get 404 "Worker not found"; a registration clears it. */
    volatile boolean forget;
    final AtomicInteger registers = new AtomicInteger();
    final AtomicInteger heartbeats = new AtomicInteger();
    final AtomicInteger polls = new AtomicInteger();
    private final AtomicInteger pollsInFlight = new AtomicInteger();
    final AtomicInteger maxPollsInFlight = new AtomicInteger();
    private final Set<String> cancelWhenRunning = ConcurrentHashMap.newKeySet();
    /** Signed bodies whose signature did not verify with the master token. */
    final List<String> badSignatures = new CopyOnWriteArrayList<>();

    ScriptedOrchestrator(String masterToken) throws IOException {
        this.masterToken = masterToken;
        this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.setExecutor(pool);
        http.createContext("/_worker/", this::handle);
        http.start();
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
    }

    /** The next heartbeat whose current_tasks holds {@code taskId} is answered with its cancellation. */
    void cancelWhenRunning(String taskId) {
        cancelWhenRunning.add(taskId);
    }

    /** Requests in order of arrival. */
    List<Seen> seen() {
        List<Seen> l = new ArrayList<>(seen);
        l.sort(Comparator.comparingLong(Seen::seq));
        return l;
    }

    List<Seen> seen(String method, String pathPrefix) {
        return seen().stream().filter(s -> s.method().equals(method) && s.path().startsWith(pathPrefix)).toList();
    }

    @Override
    public void close() {
        http.stop(0);
        pool.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        long n = seq.incrementAndGet();
        long arrived = System.nanoTime();
        String method = ex.getRequestMethod();
        String q = ex.getRequestURI().getRawQuery();
        String path = ex.getRequestURI().getRawPath() + (q == null ? "" : "?" + q);
        Map<String, String> h = new LinkedHashMap<>();
        for (String name : List.of("X-Worker-Token", "X-Worker-ID", "X-RXON-Version", "Content-Type")) {
            String v = ex.getRequestHeaders().getFirst(name);
            if (v != null) h.put(name.toLowerCase(Locale.ROOT), v);
        }
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        checkSignature(path, body);
        int status;
        try {
            status = route(ex, method, path, body);
        } catch (RuntimeException e) {
            status = send(ex, 500, "{\"error\":\"" + e + "\"}", null);
        }
        seen.add(new Seen(n, arrived, method, path, h, body, status));
    }

    private int route(HttpExchange ex, String method, String path, String body) throws IOException {
        if (method.equals("POST") && path.equals("/_worker/workers/register")) {
            if (registers.incrementAndGet() == 1) return send(ex, 401, "{\"error\": \"Unauthorized: token expired\"}", null);
            forget = false;
            return send(ex, 200, "{\"status\": \"registered\", \"version\": \"1.0b15\"}", null);
        }
        if (method.equals("POST") && path.equals("/_worker/auth/token")) {
            return send(ex, 200, "{\"access_token\": \"sts-access-1\", \"refresh_token\": \"sts-refresh-1\", \"expires_in\": 3600, "
                    + "\"worker_id\": \"" + ex.getRequestHeaders().getFirst("X-Worker-ID") + "\"}", null);
        }
        if (method.equals("POST") && path.equals("/_worker/auth/token/refresh")) {
            return send(ex, 200, "{\"access_token\": \"sts-access-2\", \"refresh_token\": \"sts-refresh-2\", \"expires_in\": 3600, "
                    + "\"worker_id\": \"" + ex.getRequestHeaders().getFirst("X-Worker-ID") + "\"}", null);
        }
        if (method.equals("PATCH") && path.startsWith("/_worker/workers/")) return heartbeat(ex, body);
        if (method.equals("GET") && path.contains("/tasks/next")) return poll(ex);
        if (method.equals("POST") && path.equals("/_worker/tasks/result")) {
            JsonNode r = ReplayTransport.parse(body);
            String status = r == null ? "?" : r.path("status").asText("success");
            if (status.equals("cancelled")) {
                return send(ex, 200, "{\"status\": \"ignored\", \"reason\": \"job_cancelled\", \"message\": \"Job was cancelled\"}", null);
            }
            return send(ex, 200, "{\"status\": \"accepted\", \"transition\": \""
                    + (status.equals("success") ? "success_transition" : "failure_handled") + "\"}", null);
        }
        if (method.equals("POST") && path.equals("/_worker/events")) return send(ex, 200, "{\"status\": \"event_accepted\"}", null);
        return send(ex, 404, "{\"error\": \"no such route\"}", null);
    }

    private int heartbeat(HttpExchange ex, String body) throws IOException {
        int n = heartbeats.incrementAndGet();
        if (n == 1) return send(ex, 401, "{\"error\": \"Unauthorized: token expired\"}", null);
        if (forget) return send(ex, 404, "{\"error\": \"Worker not found\"}", null);
        if (n == 2) return send(ex, 200, "{\"status\": \"ok\", \"require_full_sync\": true}", null);
        JsonNode hb = ReplayTransport.parse(body);
        List<String> cancel = new ArrayList<>();
        if (hb != null) {
            hb.path("current_tasks").forEach(t -> {
                if (cancelWhenRunning.remove(t.asText())) cancel.add(t.asText());
            });
        }
        if (cancel.isEmpty()) return send(ex, 200, "{\"status\": \"ok\"}", null);
        ObjectNode answer = JSON.createObjectNode().put("status", "ok");
        cancel.forEach(answer.putArray("cancel_task_ids")::add);
        return send(ex, 200, answer.toString(), null);
    }

    private int poll(HttpExchange ex) throws IOException {
        maxPollsInFlight.accumulateAndGet(pollsInFlight.incrementAndGet(), Math::max);
        int status;
        String body = null;
        String retryAfter = null;
        if (polls.incrementAndGet() == 1) {
            status = 429;
            body = "{\"error\": \"Too Many Requests\", \"code\": \"LIMIT_EXCEEDED_ERROR\"}";
            retryAfter = "1";
        } else {
            body = tasks.poll();
            status = body != null ? 200 : 204;
            if (body == null) {
                try {
                    Thread.sleep(200); // an empty long poll, held briefly
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        // The poll ends before its answer goes out: the worker may send its next poll as soon as it
        // has read this answer, which can be before this handler would return.
        pollsInFlight.decrementAndGet();
        return send(ex, status, body, retryAfter);
    }

    private void checkSignature(String path, String body) {
        JsonNode j = ReplayTransport.parse(body);
        if (j == null || !j.isObject() || !j.has("security")) return;
        boolean event = path.equals("/_worker/events");
        String expected = CanonicalJson.signature((ObjectNode) j, masterToken, event);
        if (!expected.equals(j.path("security").path("signature").asText())) badSignatures.add(path + " " + body);
    }

    private static int send(HttpExchange ex, int status, String json, String retryAfter) throws IOException {
        ex.getResponseHeaders().set("X-RXON-Version", "1.0b15");
        if (retryAfter != null) ex.getResponseHeaders().set("Retry-After", retryAfter);
        if (json == null) {
            ex.sendResponseHeaders(status, -1);
        } else {
            byte[] b = json.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            ex.sendResponseHeaders(status, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        }
        ex.close();
        return status;
    }
}
