package dev.coxswain.server.ui;

import dev.coxswain.core.service.SessionService;
import dev.coxswain.server.auth.Gatekeeper;
import dev.coxswain.server.http.Bodies;
import dev.coxswain.server.ratelimit.RateLimitHeaders;
import dev.coxswain.server.ratelimit.RateLimiter;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * The door of every signed-in dashboard route, in order: a session from the cookie (else to the
 * sign-in page), the principal's rate limit (as for the API), and for anything but GET a
 * same-origin check and the session's CSRF token (a hidden form field or htmx's header). Errors
 * become the dashboard's HTML error page.
 */
public final class UiGuard {
    static final String CSRF_FIELD = "_csrf";
    static final String CSRF_HEADER = "X-CSRF-Token";

    private final SessionService sessions;
    private final RateLimiter limiter;
    private final Bodies bodies;
    private final UiTemplates templates;
    private final UiErrors errors;
    private final String version;

    public UiGuard(SessionService sessions, RateLimiter limiter, Bodies bodies, UiTemplates templates, UiErrors errors, String version) {
        this.sessions = sessions;
        this.limiter = limiter;
        this.bodies = bodies;
        this.templates = templates;
        this.errors = errors;
        this.version = version;
    }

    public Handler guard(UiRoute route) {
        return (req, res) -> {
            try {
                handle(req, res, route);
            } catch (Exception e) {
                if (!res.isSent()) errors.send(req, res, e);
            }
        };
    }

    private void handle(ServerRequest req, ServerResponse res, UiRoute route) throws Exception {
        Optional<SessionService.Session> session = sessions.resolve(UiCookies.read(req, UiCookies.SESSION));
        if (session.isEmpty()) {
            RateLimiter.Decision d = limiter.forAddress(Gatekeeper.clientAddress(req));
            RateLimitHeaders.apply(res, d);
            if (d != null && !d.allowed()) throw new UiException(429, "Too many requests from this address; try again in "
                    + d.retryAfterSeconds() + " s.");
            toSignIn(req, res);
            return;
        }
        RateLimiter.Decision d = limiter.forPrincipal(session.get().principal());
        RateLimitHeaders.apply(res, d);
        if (d != null && !d.allowed()) {
            throw new UiException(429, "Rate limit reached (" + d.limit() + " requests a minute); try again in "
                    + d.retryAfterSeconds() + " s.");
        }
        UiForm form = UiForm.empty();
        if (req.prologue().method() != Method.GET && req.prologue().method() != Method.HEAD) {
            requireSameOrigin(req);
            form = readForm(req);
            String presented = form.raw(CSRF_FIELD);
            if (presented == null) presented = req.headers().first(HeaderNames.create(CSRF_HEADER)).orElse(null);
            if (!SessionService.csrfMatches(session.get(), presented)) {
                throw UiException.forbidden("This form was not sent from a page of this dashboard (its CSRF token is missing"
                        + " or stale). Reload the page and try again.");
            }
        }
        String flash = UiCookies.read(req, UiCookies.FLASH);
        if (flash != null) {
            UiCookies.clear(req, res, UiCookies.FLASH);
            flash = decode(flash);
        }
        route.handle(new UiCall(req, res, session.get(), form, templates, version, flash));
    }

    private UiForm readForm(ServerRequest req) {
        String type = req.headers().contentType().map(t -> t.mediaType().text().toLowerCase(Locale.ROOT)).orElse("");
        byte[] body = bodies.read(req);
        if (body.length == 0) return UiForm.empty();
        if (!type.equals("application/x-www-form-urlencoded")) {
            throw new UiException(415, "The dashboard accepts forms only (application/x-www-form-urlencoded).");
        }
        return UiForm.parse(body);
    }

    /**
     * A browser sends Origin on every cross-site POST; if it names another site the request is
     * refused even before the CSRF token is looked at. (SameSite=Strict already keeps the session
     * cookie off such requests; this is the second lock.)
     */
    static void requireSameOrigin(ServerRequest req) {
        String origin = req.headers().first(HeaderNames.ORIGIN).orElse(null);
        if (origin == null) return; // not a browser, or a same-origin GET-like request
        String host = req.headers().first(HeaderNames.HOST).orElse("");
        String originHost;
        try {
            URI u = URI.create(origin);
            originHost = u.getPort() < 0 ? u.getHost() : u.getHost() + ":" + u.getPort();
        } catch (IllegalArgumentException e) {
            originHost = null;
        }
        if (originHost == null || !originHost.equalsIgnoreCase(host)) {
            throw UiException.forbidden("This request came from another site (Origin " + origin + ") and was refused.");
        }
    }

    /** Not signed in: a page request goes to the sign-in page and comes back after; htmx is told to go there. */
    private static void toSignIn(ServerRequest req, ServerResponse res) {
        boolean htmx = req.headers().first(HeaderNames.create("HX-Request")).isPresent();
        UiHeaders.page(res);
        if (htmx) {
            // A fragment's own URL is no place to come back to: the page it refreshes is.
            String current = req.headers().first(HeaderNames.create("HX-Current-URL")).map(UiGuard::pathOf).orElse(null);
            res.header(HeaderNames.create("HX-Redirect"), signInFor(current));
            res.status(Status.UNAUTHORIZED_401);
            res.send();
            return;
        }
        String back = req.prologue().method() == Method.GET
                ? req.path().path() + req.query().rawValue().transform(q -> q.isEmpty() ? "" : "?" + q) : null;
        res.status(Status.SEE_OTHER_303);
        res.header(HeaderNames.LOCATION, signInFor(back));
        res.send();
    }

    private static String signInFor(String back) {
        return back == null || back.equals("/ui") ? "/ui/sign-in" : "/ui/sign-in?next=" + URLEncoder.encode(back, StandardCharsets.UTF_8);
    }

    private static String pathOf(String url) {
        try {
            URI u = URI.create(url);
            return u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
