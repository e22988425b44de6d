package dev.coxswain.server.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The worker's HTTP side, as rxon 1.0b15's {@code HttpTransport} behaves on the wire: every
 * request carries {@code X-Worker-Token}, {@code X-Worker-ID} and {@code X-RXON-Version}; a 401
 * renews the token (the exchange {@code POST /_worker/auth/token} with an empty body while no
 * refresh token is held, else {@code POST /_worker/auth/token/refresh}) and repeats the request
 * once with the same bytes. Everything sent and received is recorded for the tests.
 */
final class ReplayTransport {
    static final String PROTOCOL_VERSION = "1.0b15";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI base;
    private final String workerId;
    private final String masterToken;
    private final Clock clock;
    private final Consumer<WireExchange> listener;
    private final List<WireExchange> log = new CopyOnWriteArrayList<>();
    private final AtomicLong seq = new AtomicLong();
    private final Object tokenLock = new Object();

    /** The token presented; the master token until an STS answer replaces it. */
    private volatile String currentToken;
    private volatile String refreshToken;
    /** 0 while the master token is presented, n after the n-th access token. */
    private volatile int generation;

    ReplayTransport(URI base, String workerId, String masterToken, Clock clock, Consumer<WireExchange> listener) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        this.base = base;
        this.workerId = workerId;
        this.masterToken = masterToken;
        this.currentToken = masterToken;
        this.clock = clock;
        this.listener = listener;
    }

    /** A JSON request; a 401 renews the token and repeats it once. */
    WireExchange send(String method, String path, byte[] jsonBody, Duration timeout) {
        int gen = generation;
        WireExchange first = once(method, path, jsonBody, jsonBody == null ? null : "application/json", timeout, 0);
        if (first.status() != 401) return first;
        if (!renewAfter401(gen)) return first;
        return once(method, path, jsonBody, jsonBody == null ? null : "application/json", timeout, first.seq());
    }

    WireExchange send(String method, String path, byte[] jsonBody) {
        return send(method, path, jsonBody, DEFAULT_TIMEOUT);
    }

    /**
     * {@code POST /_worker/auth/token}: no body at all (aiohttp still labels it
     * {@code application/octet-stream}), the presented token in the header. Adopts the answer.
     */
    WireExchange exchangeToken() {
        WireExchange x = once("POST", "/_worker/auth/token", null, "application/octet-stream", DEFAULT_TIMEOUT, 0);
        adopt(x);
        return x;
    }

    /** {@code POST /_worker/auth/token/refresh} with {@code {"refresh_token"}}. Adopts the answer. */
    WireExchange refresh() {
        String rt = refreshToken;
        if (rt == null) throw new IllegalStateException("no refresh token held yet");
        ObjectNode body = JSON.createObjectNode().put("refresh_token", rt);
        WireExchange x = once("POST", "/_worker/auth/token/refresh", CanonicalJson.bytes(body), "application/json",
                DEFAULT_TIMEOUT, 0);
        adopt(x);
        return x;
    }

    /** {@code master} or {@code access#n}. */
    String tokenKind() {
        int g = generation;
        return g == 0 ? "master" : "access#" + g;
    }

    boolean holdsRefreshToken() {
        return refreshToken != null;
    }

    /**
     * Adopts an {@code access_token} handed out with a registration answer (rxon does that when
     * the answer also carries {@code expires_in} and {@code worker_id}).
     */
    void adoptFromAnswer(JsonNode answer) {
        adoptTokens(answer);
    }

    /** Everything recorded so far, in the order the requests were sent. */
    List<WireExchange> exchanges() {
        return log.stream().sorted(java.util.Comparator.comparingLong(WireExchange::seq)).toList();
    }

    String workerId() {
        return workerId;
    }

    String masterToken() {
        return masterToken;
    }

    private boolean renewAfter401(int genAtSend) {
        synchronized (tokenLock) {
            // Another request's 401 already renewed the token: just repeat with the new one.
            if (generation != genAtSend) return true;
            WireExchange x = refreshToken == null ? exchangeToken() : refresh();
            return x.status() == 200 && generation != genAtSend;
        }
    }

    private void adopt(WireExchange x) {
        if (x.status() != 200) return;
        adoptTokens(x.responseJson());
    }

    /** The SDK ignores an answer without access_token, expires_in and worker_id. */
    private void adoptTokens(JsonNode j) {
        if (j == null || !j.path("access_token").isTextual() || !j.path("expires_in").isNumber()
                || !j.path("worker_id").isTextual()) {
            return;
        }
        synchronized (tokenLock) {
            currentToken = j.path("access_token").textValue();
            if (j.path("refresh_token").isTextual()) refreshToken = j.path("refresh_token").textValue();
            generation++;
        }
    }

    private WireExchange once(String method, String path, byte[] body, String contentType, Duration timeout, long retryOf) {
        long n = seq.incrementAndGet();
        String kind = tokenKind();
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("X-Worker-Token", currentToken)
                .header("X-Worker-ID", workerId)
                .header("X-RXON-Version", PROTOCOL_VERSION)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) b.header("Content-Type", contentType);
        String reqText = body == null ? null : new String(body, StandardCharsets.UTF_8);
        var at = clock.instant();
        CompletableFuture<HttpResponse<String>> f = http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        WireExchange x;
        try {
            HttpResponse<String> r = f.get();
            Map<String, String> h = new LinkedHashMap<>();
            for (String name : List.of("content-type", "x-rxon-version", "retry-after")) {
                r.headers().firstValue(name).ifPresent(v -> h.put(name, v));
            }
            x = new WireExchange(n, at, method, path, kind, contentType, reqText, r.statusCode(), r.body(), h, null, retryOf);
        } catch (InterruptedException e) {
            // Closing or stalling the worker: give the request up (the JDK client aborts the exchange).
            f.cancel(true);
            Thread.currentThread().interrupt();
            x = new WireExchange(n, at, method, path, kind, contentType, reqText, WireExchange.ABORTED, null, Map.of(),
                    "aborted", retryOf);
        } catch (ExecutionException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            x = new WireExchange(n, at, method, path, kind, contentType, reqText, WireExchange.NETWORK_ERROR, null, Map.of(),
                    c.getClass().getSimpleName() + ": " + c.getMessage(), retryOf);
        }
        log.add(x);
        listener.accept(x);
        return x;
    }

    static JsonNode parse(String s) {
        try {
            return s == null || s.isBlank() ? null : JSON.readTree(s);
        } catch (IOException e) {
            return null;
        }
    }
}
