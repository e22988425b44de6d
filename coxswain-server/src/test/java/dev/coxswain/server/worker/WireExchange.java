package dev.coxswain.server.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;

/**
 * One request the replay worker sent and what came back, as tests assert on it. Token values are
 * never kept: {@code tokenKind} says which credential was presented ({@code master},
 * {@code access#1}, {@code access#2} …, numbered in the order the worker obtained them).
 *
 * @param seq             order of sending within one worker, from 1
 * @param at              the worker clock when the request was sent
 * @param path            path and query
 * @param requestBody     null when the request had no body
 * @param status          HTTP status; {@link #NETWORK_ERROR} or {@link #ABORTED} when there was none
 * @param responseHeaders {@code content-type}, {@code x-rxon-version}, {@code retry-after} (lower-case), when sent
 * @param error           what went wrong without a status, else null
 * @param retryOf         the seq of the exchange this one repeats after a token renewal, else 0
 */
record WireExchange(long seq, Instant at, String method, String path, String tokenKind, String requestContentType,
                    String requestBody, int status, String responseBody, Map<String, String> responseHeaders,
                    String error, long retryOf) {
    static final int NETWORK_ERROR = -1;
    /** The worker gave the request up itself (a long poll cut short by close or stall). */
    static final int ABORTED = -2;

    private static final ObjectMapper JSON = new ObjectMapper();

    enum Kind { REGISTER, HEARTBEAT, POLL, RESULT, EVENT, TOKEN, REFRESH, OTHER }

    Kind kind() {
        String p = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        if (p.equals("/_worker/workers/register")) return Kind.REGISTER;
        if (p.equals("/_worker/auth/token")) return Kind.TOKEN;
        if (p.equals("/_worker/auth/token/refresh")) return Kind.REFRESH;
        if (p.equals("/_worker/tasks/result")) return Kind.RESULT;
        if (p.equals("/_worker/events")) return Kind.EVENT;
        if (p.startsWith("/_worker/workers/") && p.endsWith("/tasks/next")) return Kind.POLL;
        if (p.startsWith("/_worker/workers/") && method.equals("PATCH")) return Kind.HEARTBEAT;
        return Kind.OTHER;
    }

    boolean is(Kind k) {
        return kind() == k;
    }

    boolean ok() {
        return status >= 200 && status < 300;
    }

    String header(String lowerCaseName) {
        return responseHeaders.get(lowerCaseName);
    }

    /** The response body as JSON; null when empty or not JSON. */
    JsonNode responseJson() {
        return parse(responseBody);
    }

    /** The request body as JSON; null when there was none. */
    JsonNode requestJson() {
        return parse(requestBody);
    }

    /** The {@code error} text of a JSON error body, or "" when there is none. */
    String errorMessage() {
        JsonNode j = responseJson();
        return j != null && j.path("error").isTextual() ? j.path("error").textValue() : "";
    }

    /**
     * The error text the SDK's transport raises for this answer (rxon {@code HttpTransport}):
     * the heartbeat loop searches it for "not found" / "unauthorized" to decide on re-registration.
     */
    String sdkErrorText() {
        if (status == 401) return "Unauthorized (401) from " + path;
        if (status < 0) return "network error: " + error;
        return "HTTP " + status + ": " + (responseBody == null ? "" : responseBody);
    }

    private static JsonNode parse(String s) {
        if (s == null || s.isBlank()) return null;
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            return null;
        }
    }

    /** Never contains a token: only its kind; STS bodies (which carry tokens) are withheld. */
    @Override
    public String toString() {
        boolean sts = is(Kind.TOKEN) || is(Kind.REFRESH);
        String req = requestBody == null ? "" : " " + (sts ? "(body withheld)" : requestBody);
        String resp = responseBody == null ? "" : (sts && ok() ? "(tokens withheld)" : responseBody);
        return "#" + seq + " " + method + " " + path + " [" + tokenKind + "]" + (retryOf > 0 ? " (retry of #" + retryOf + ")" : "")
                + req + " -> " + (status >= 0 ? status + " " + resp : (status == ABORTED ? "aborted" : error));
    }
}
