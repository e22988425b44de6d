package dev.coxswain.server.auth;

import java.util.Locale;
import java.util.function.Function;

/**
 * A credential as presented in a request, before it is checked. The faces' clients send it in
 * different headers; all of them resolve to the same principals:
 * <ul>
 *   <li>{@code Authorization: ApiKey <key>} (native), {@code X-API-Key: <key>} (Chadburn),
 *       {@code X-Client-Token: <key>} (orchestrator clients) — an API key;</li>
 *   <li>{@code Authorization: Bearer <JWT>};</li>
 *   <li>{@code X-Worker-Token: <token>} with {@code X-Worker-ID} — a worker's individual token
 *       (an API key bound to that worker id) or the shared worker token.</li>
 * </ul>
 *
 * @param workerIdHint the {@code X-Worker-ID} header, which says which worker a worker token
 *                     claims to be (null when absent)
 */
public record Credentials(Kind kind, String secret, String workerIdHint) {
    public enum Kind { NONE, API_KEY, BEARER, WORKER_TOKEN, MALFORMED }

    public static final Credentials NONE = new Credentials(Kind.NONE, null, null);
    private static final Credentials MALFORMED = new Credentials(Kind.MALFORMED, null, null);

    /**
     * Reads the credential headers in a fixed order: Authorization, X-API-Key, X-Client-Token,
     * X-Worker-Token. The first present one is the credential.
     *
     * @param header a header value by (case-insensitive) name, or null
     */
    public static Credentials from(Function<String, String> header) {
        String auth = header.apply("Authorization");
        if (auth != null && !auth.isBlank()) return fromAuthorization(auth);
        String key = header.apply("X-API-Key");
        if (key != null) return key.isBlank() ? MALFORMED : new Credentials(Kind.API_KEY, key.trim(), null);
        String client = header.apply("X-Client-Token");
        if (client != null) return client.isBlank() ? MALFORMED : new Credentials(Kind.API_KEY, client.trim(), null);
        String worker = header.apply("X-Worker-Token");
        if (worker != null) {
            if (worker.isBlank()) return MALFORMED;
            String hint = header.apply("X-Worker-ID");
            return new Credentials(Kind.WORKER_TOKEN, worker.trim(), hint == null || hint.isBlank() ? null : hint.trim());
        }
        return NONE;
    }

    /** Parses an {@code Authorization} header value: {@code ApiKey <key>} or {@code Bearer <token>}. */
    public static Credentials fromAuthorization(String header) {
        if (header == null || header.isBlank()) return NONE;
        String h = header.trim();
        int sp = h.indexOf(' ');
        if (sp < 0) return MALFORMED;
        String scheme = h.substring(0, sp).toLowerCase(Locale.ROOT);
        String value = h.substring(sp + 1).trim();
        if (value.isEmpty()) return MALFORMED;
        return switch (scheme) {
            case "apikey" -> new Credentials(Kind.API_KEY, value, null);
            case "bearer" -> new Credentials(Kind.BEARER, value, null);
            default -> MALFORMED;
        };
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "Credentials[" + kind + (workerIdHint == null ? "" : ", worker " + workerIdHint) + "]";
    }
}
