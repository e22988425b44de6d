package dev.coxswain.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coxswain.worker.protocol.Protocol;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The worker's HTTP face of {@code /_worker/*}: adds the identity headers to every request, turns
 * answers into JSON or an {@link ApiException}, and does the STS dance: on a 401 it exchanges a
 * token ({@code /auth/token/refresh} once it holds a refresh token, else {@code /auth/token} with
 * the master token), switches {@code X-Worker-Token} and retries the request once with the same
 * bytes. Requests run with {@code sendAsync} so that interrupting the calling thread (a worker
 * closing while a long poll is held) also cancels the exchange.
 */
final class WorkerApi {
    private static final System.Logger LOG = System.getLogger(WorkerApi.class.getName());

    private final HttpClient http;
    private final String base;
    private final String workerId;
    private final TokenStore tokens;
    private final ObjectMapper mapper;
    private final Duration requestTimeout;
    private final Clock clock;
    /** Serialises token exchanges (a lock, not synchronized, so a virtual thread is not pinned). */
    private final ReentrantLock renewing = new ReentrantLock();

    WorkerApi(HttpClient http, URI base, String workerId, TokenStore tokens, ObjectMapper mapper,
              Duration requestTimeout, Clock clock) {
        this.http = http;
        this.base = base.toString().replaceAll("/+$", "");
        this.workerId = workerId;
        this.tokens = tokens;
        this.mapper = mapper;
        this.requestTimeout = requestTimeout;
        this.clock = clock;
    }

    /** POST of a JSON body; the parsed answer, or null for 204 or an empty body. */
    JsonNode post(String path, byte[] body) throws ApiException, InterruptedException {
        return call("POST", path, body, requestTimeout);
    }

    /** PATCH of a JSON body. */
    JsonNode patch(String path, byte[] body) throws ApiException, InterruptedException {
        return call("PATCH", path, body, requestTimeout);
    }

    /** GET with a longer timeout, for the long poll. */
    JsonNode get(String pathAndQuery, Duration timeout) throws ApiException, InterruptedException {
        return call("GET", pathAndQuery, null, timeout);
    }

    /** The token the WebSocket handshake should carry. */
    String currentToken() {
        return tokens.current();
    }

    /** Takes an access token that came with another answer (a registration may carry one). */
    void adoptTokens(JsonNode answer) {
        if (answer == null) return;
        JsonNode access = answer.get("access_token");
        if (access != null && access.isTextual() && answer.hasNonNull("expires_in") && answer.hasNonNull("worker_id")) {
            JsonNode refresh = answer.get("refresh_token");
            tokens.adopt(access.textValue(), refresh != null && refresh.isTextual() ? refresh.textValue() : null);
        }
    }

    private JsonNode call(String method, String path, byte[] body, Duration timeout)
            throws ApiException, InterruptedException {
        String token = tokens.current();
        HttpResponse<byte[]> response = send(method, path, body, token, timeout);
        if (response.statusCode() == 401) {
            renewTokens(token, path);
            response = send(method, path, body, tokens.current(), timeout);
            if (response.statusCode() == 401) {
                throw new ApiException(ApiException.Kind.UNAUTHORIZED, 401,
                        "Unauthorized (401) from " + path + ": " + text(response), null, null);
            }
        }
        return interpret(path, response);
    }

    /**
     * One exchange per expired token: a thread that lost the race finds the token already
     * replaced and just retries with the new one.
     */
    private void renewTokens(String rejected, String path) throws ApiException, InterruptedException {
        renewing.lockInterruptibly();
        try {
            if (!rejected.equals(tokens.current())) return;
            String refresh = tokens.refreshToken();
            if (refresh != null) {
                byte[] body = mapper.createObjectNode().put("refresh_token", refresh).toString()
                        .getBytes(StandardCharsets.UTF_8);
                HttpResponse<byte[]> answer = send("POST", Protocol.PATH_STS_REFRESH, body, tokens.current(), requestTimeout);
                if (adoptExchange(answer)) return;
                // A refresh token lives a day; once refused, start again from the master token
                // rather than failing forever (the SDK would keep failing).
                LOG.log(System.Logger.Level.INFO, "Refresh token refused (HTTP {0}); asking for a new token", answer.statusCode());
                tokens.dropRefreshToken();
            }
            HttpResponse<byte[]> answer = send("POST", Protocol.PATH_STS_TOKEN, null, tokens.master(), requestTimeout);
            if (!adoptExchange(answer)) {
                throw new ApiException(ApiException.Kind.UNAUTHORIZED, 401, "Unauthorized (401) from " + path
                        + "; token exchange answered HTTP " + answer.statusCode() + ": " + text(answer), null, null);
            }
        } finally {
            renewing.unlock();
        }
    }

    private boolean adoptExchange(HttpResponse<byte[]> answer) {
        if (answer.statusCode() != 200) return false;
        try {
            JsonNode json = mapper.readTree(answer.body());
            if (json == null || !json.path("access_token").isTextual()) return false;
            adoptTokens(json);
            return json.path("access_token").textValue().equals(tokens.current());
        } catch (IOException notJson) {
            return false;
        }
    }

    private HttpResponse<byte[]> send(String method, String path, byte[] body, String token, Duration timeout)
            throws ApiException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(timeout)
                .header(Protocol.HEADER_WORKER_TOKEN, token)
                .header(Protocol.HEADER_WORKER_ID, workerId)
                .header(Protocol.HEADER_PROTOCOL_VERSION, Protocol.PROTOCOL_VERSION)
                .header("Accept", Protocol.CONTENT_TYPE_JSON);
        if (body != null) {
            request.header("Content-Type", Protocol.CONTENT_TYPE_JSON)
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        CompletableFuture<HttpResponse<byte[]>> future = http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            throw ApiException.network(path, e.getCause() != null ? e.getCause() : e);
        }
    }

    private JsonNode interpret(String path, HttpResponse<byte[]> response) throws ApiException {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            if (status == 204 || response.body().length == 0) return null;
            try {
                return mapper.readTree(response.body());
            } catch (IOException e) {
                throw new ApiException(ApiException.Kind.PROTOCOL, status, "Answer from " + path + " is not JSON", null, e);
            }
        }
        if (status == 429) {
            Duration wait = response.headers().firstValue(Protocol.HEADER_RETRY_AFTER).map(this::retryAfter).orElse(null);
            throw new ApiException(ApiException.Kind.RATE_LIMITED, 429, "HTTP 429 from " + path + ": " + text(response), wait, null);
        }
        throw new ApiException(ApiException.Kind.HTTP, status, "HTTP " + status + " from " + path + ": " + text(response), null, null);
    }

    /** Retry-After as seconds (a float is accepted) or as an HTTP-date; null when unreadable. */
    Duration retryAfter(String value) {
        String trimmed = value.trim();
        try {
            double seconds = Double.parseDouble(trimmed);
            return Double.isFinite(seconds) && seconds >= 0 ? Duration.ofMillis(Math.round(seconds * 1000)) : null;
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(clock.instant(), ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    private static String text(HttpResponse<byte[]> response) {
        String text = new String(response.body(), StandardCharsets.UTF_8);
        return text.length() > 500 ? text.substring(0, 500) + "…" : text;
    }
}
