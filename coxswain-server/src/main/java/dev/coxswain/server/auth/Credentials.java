package dev.coxswain.server.auth;

import java.util.Locale;

/** A credential as presented in a request, before it is checked. */
public record Credentials(Kind kind, String secret) {
    public enum Kind { NONE, API_KEY, BEARER, MALFORMED }

    public static final Credentials NONE = new Credentials(Kind.NONE, null);

    /** Parses an {@code Authorization} header value: {@code ApiKey <key>} or {@code Bearer <token>}. */
    public static Credentials fromAuthorization(String header) {
        if (header == null || header.isBlank()) return NONE;
        String h = header.trim();
        int sp = h.indexOf(' ');
        if (sp < 0) return new Credentials(Kind.MALFORMED, null);
        String scheme = h.substring(0, sp).toLowerCase(Locale.ROOT);
        String value = h.substring(sp + 1).trim();
        if (value.isEmpty()) return new Credentials(Kind.MALFORMED, null);
        return switch (scheme) {
            case "apikey" -> new Credentials(Kind.API_KEY, value);
            case "bearer" -> new Credentials(Kind.BEARER, value);
            default -> new Credentials(Kind.MALFORMED, null);
        };
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "Credentials[" + kind + "]";
    }
}
