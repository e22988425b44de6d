package dev.coxswain.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.coxswain.worker.protocol.Protocol;
import dev.coxswain.worker.protocol.Signatures;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted stand-in for the server's {@code /_worker} API on 127.0.0.1: answers like the wire
 * contract by default, checks every signed body with {@link Signatures} (403 when wrong, as the
 * server would), records every request, and lets a test queue one-off answers per route.
 */
final class MockWorkerServer implements AutoCloseable {
    static final String TOKEN = "secret-token";

    /** One request as received, with the answer given. */
    record Exchange(String route, String method, String path, String query, Map<String, String> headers, byte[] body,
                    JsonNode json, Boolean signatureValid, int status, long nanos) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    record Reply(int status, String body, Map<String, String> headers) {
    }

    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
    private final BlockingQueue<JsonNode> tasks = new LinkedBlockingQueue<>();
    private final Map<String, Deque<Reply>> scripted = new ConcurrentHashMap<>();
    private final Set<String> pendingCancels = ConcurrentHashMap.newKeySet();
    private final Set<String> acceptedTokens = ConcurrentHashMap.newKeySet();
    private final Set<String> refreshTokens = ConcurrentHashMap.newKeySet();
    private final AtomicInteger issued = new AtomicInteger();
    private volatile Duration pollHold = Duration.ofMillis(200);

    MockWorkerServer() throws IOException {
        acceptedTokens.add(TOKEN);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    // ---- Scripting ----

    void enqueueTask(JsonNode payload) {
        tasks.add(payload);
    }

    int queuedTasks() {
        return tasks.size();
    }

    /** The next request of {@code route} gets this answer instead of the default. */
    void script(String route, int status, String body, Map<String, String> headers) {
        scripted.computeIfAbsent(route, r -> new ArrayDeque<>()).add(new Reply(status, body, headers));
    }

    void script(String route, int status, String body) {
        script(route, status, body, Map.of());
    }

    /** The next heartbeat answer lists these ids in {@code cancel_task_ids}. */
    void cancelOnNextHeartbeat(String... taskIds) {
        pendingCancels.addAll(List.of(taskIds));
    }

    // ---- What happened ----

    List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    List<Exchange> requests(String route) {
        return exchanges.stream().filter(e -> e.route().equals(route)).toList();
    }

    /** Bodies of the requests of {@code route}, parsed. */
    List<JsonNode> bodies(String route) {
        return requests(route).stream().map(Exchange::json).toList();
    }

    /** Position of the first exchange matching route and predicate, -1 when none. */
    int indexOf(String route, java.util.function.Predicate<JsonNode> which) {
        List<Exchange> all = exchanges();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).route().equals(route) && all.get(i).json() != null && which.test(all.get(i).json())) return i;
        }
        return -1;
    }

    // ---- Serving ----

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            String route = route(method, path);
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.getFirst()));
            JsonNode json = null;
            if (body.length > 0) {
                try {
                    json = mapper.readTree(body);
                } catch (IOException e) {
                    json = null;
                }
            }
            Boolean signatureValid = signed(route) && json != null ? signatureOk(route, json) : null;
            Reply reply = answer(route, headers, json, signatureValid);
            exchanges.add(new Exchange(route, method, path, exchange.getRequestURI().getRawQuery(), headers, body, json,
                    signatureValid, reply.status(), System.nanoTime()));
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set(Protocol.HEADER_PROTOCOL_VERSION, Protocol.PROTOCOL_VERSION);
            reply.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            if (reply.body() == null) {
                exchange.sendResponseHeaders(reply.status(), -1);
            } else {
                byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(reply.status(), out.length);
                try (OutputStream stream = exchange.getResponseBody()) {
                    stream.write(out);
                }
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            throw e;
        }
    }

    private static String route(String method, String path) {
        if (path.equals(Protocol.PATH_REGISTER)) return "register";
        if (path.equals(Protocol.PATH_RESULT)) return "result";
        if (path.equals(Protocol.PATH_EVENTS)) return "event";
        if (path.equals(Protocol.PATH_STS_TOKEN)) return "sts-token";
        if (path.equals(Protocol.PATH_STS_REFRESH)) return "sts-refresh";
        if (path.endsWith("/tasks/next")) return "poll";
        if (path.startsWith(Protocol.PATH_WORKERS) && method.equals("PATCH")) return "heartbeat";
        return "other";
    }

    private static boolean signed(String route) {
        return Set.of("register", "heartbeat", "result", "event").contains(route);
    }

    private Boolean signatureOk(String route, JsonNode json) {
        long skew = Math.abs(Instant.now().getEpochSecond() - json.path("timestamp").asLong(0));
        return skew <= Protocol.TIMESTAMP_WINDOW_SECONDS && Signatures.verify(json, route.equals("event"), TOKEN);
    }

    private Reply answer(String route, Map<String, String> headers, JsonNode json, Boolean signatureValid) {
        Deque<Reply> queue = scripted.get(route);
        Reply scriptedReply = queue == null ? null : queue.poll();
        if (scriptedReply != null) return scriptedReply;
        String token = headers.get(Protocol.HEADER_WORKER_TOKEN.toLowerCase(Locale.ROOT));
        if (route.equals("sts-token")) {
            if (!TOKEN.equals(token)) return json(403, "{\"error\":\"Unauthorized: not the master token\"}");
            return issueTokens();
        }
        if (route.equals("sts-refresh")) {
            String refresh = json == null ? null : json.path("refresh_token").asText(null);
            if (refresh == null || !refreshTokens.remove(refresh)) return json(403, "{\"error\":\"Unauthorized: unknown refresh token\"}");
            return issueTokens();
        }
        if (token == null || !acceptedTokens.contains(token)) return json(403, "{\"error\":\"Unauthorized: invalid token\"}");
        if (Boolean.FALSE.equals(signatureValid)) return json(403, "{\"error\":\"Unauthorized: bad signature\"}");
        return switch (route) {
            case "register" -> json(200, "{\"status\":\"registered\",\"version\":\"1.0b15\"}");
            case "heartbeat" -> heartbeatAnswer();
            case "poll" -> pollAnswer();
            case "result" -> json(200, "{\"status\":\"accepted\",\"transition\":\"success_transition\"}");
            case "event" -> json(200, "{\"status\":\"event_accepted\"}");
            default -> json(404, "{\"error\":\"Not found\"}");
        };
    }

    private Reply issueTokens() {
        int n = issued.incrementAndGet();
        acceptedTokens.add("sts-access-" + n);
        refreshTokens.add("sts-refresh-" + n);
        return json(200, "{\"access_token\":\"sts-access-" + n + "\",\"refresh_token\":\"sts-refresh-" + n
                + "\",\"expires_in\":3600,\"worker_id\":\"java-worker-1\"}");
    }

    private Reply heartbeatAnswer() {
        ObjectNode answer = mapper.createObjectNode().put("status", "ok");
        if (!pendingCancels.isEmpty()) {
            var ids = answer.putArray(Protocol.HEARTBEAT_CANCEL_TASK_IDS);
            for (String id : List.copyOf(pendingCancels)) {
                pendingCancels.remove(id);
                ids.add(id);
            }
        }
        return json(200, answer.toString());
    }

    private Reply pollAnswer() {
        try {
            JsonNode task = tasks.poll(pollHold.toMillis(), TimeUnit.MILLISECONDS);
            return task == null ? new Reply(204, null, Map.of()) : json(200, task.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(204, null, Map.of());
        }
    }

    private static Reply json(int status, String body) {
        return new Reply(status, body, Map.of());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
