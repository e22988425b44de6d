package dev.coxswain.server.ui;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;

/**
 * Headers on every dashboard answer. The Content-Security-Policy allows scripts, styles and
 * connections from this server only: no inline script or style can run, so a value that escaped
 * escaping still could not execute. Pages are never cached (they show live state and may show a
 * secret once); framing is refused (clickjacking).
 */
final class UiHeaders {
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private UiHeaders() {
    }

    static void page(ServerResponse res) {
        res.header(HeaderNames.create("Content-Security-Policy"), CSP);
        res.header(HeaderNames.create("X-Content-Type-Options"), "nosniff");
        res.header(HeaderNames.create("X-Frame-Options"), "DENY");
        res.header(HeaderNames.create("Referrer-Policy"), "same-origin");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
    }
}
