package dev.coxswain.server.ui;

import io.helidon.http.SetCookie;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;

/**
 * The dashboard's cookies. Every one is HttpOnly (no script reads them), SameSite=Strict (no other
 * site's page sends them along, the first line against forged requests) and Secure when the
 * request came over TLS: on this connection, or at a proxy in front that says so
 * ({@code X-Forwarded-Proto: https} or {@code Forwarded: proto=https}). Believing that header costs
 * nothing: a client that lies about it only gets a cookie its browser will not send over plain HTTP.
 */
final class UiCookies {
    /** The session: a random token whose hash names the session row. */
    static final String SESSION = "coxswain_session";
    /** The sign-in form's anti-forgery token (there is no session yet to keep it in). */
    static final String SIGN_IN = "coxswain_signin";
    /** A one-shot message for the next page (after a redirect). Never holds a secret. */
    static final String FLASH = "coxswain_flash";

    private UiCookies() {
    }

    static String read(ServerRequest req, String name) {
        return req.headers().cookies().first(name).orElse(null);
    }

    static void set(ServerRequest req, ServerResponse res, String name, String value, Duration maxAge) {
        res.headers().addCookie(SetCookie.builder(name, value)
                .path("/")
                .httpOnly(true)
                .sameSite(SetCookie.SameSite.STRICT)
                .secure(secure(req))
                .maxAge(maxAge)
                .build());
    }

    /** Deletes the cookie: an empty value that expired long ago (Max-Age=0 alone is not sent by Helidon). */
    static boolean secure(ServerRequest req) {
        if (req.isSecure()) return true;
        String xfp = req.headers().first(io.helidon.http.HeaderNames.X_FORWARDED_PROTO).orElse("");
        if (xfp.trim().equalsIgnoreCase("https")) return true;
        String fwd = req.headers().first(io.helidon.http.HeaderNames.FORWARDED).orElse("").toLowerCase(java.util.Locale.ROOT);
        return fwd.contains("proto=https");
    }

    static void clear(ServerRequest req, ServerResponse res, String name) {
        res.headers().addCookie(SetCookie.builder(name, "")
                .path("/")
                .httpOnly(true)
                .sameSite(SetCookie.SameSite.STRICT)
                .secure(secure(req))
                .expires(java.time.Instant.EPOCH)
                .build());
    }
}
