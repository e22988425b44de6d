package dev.coxswain.server.ui;

import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.domain.Scopes;
import dev.coxswain.core.service.SessionService;
import dev.coxswain.server.auth.Authenticator;
import dev.coxswain.server.auth.Credentials;
import dev.coxswain.server.auth.Gatekeeper;
import dev.coxswain.server.http.Bodies;
import dev.coxswain.server.ratelimit.RateLimitHeaders;
import dev.coxswain.server.ratelimit.RateLimiter;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Sign-in with an API key or a JWT (the same principals and scopes as the API), and sign-out.
 * The secret is posted once, checked, and never stored: the session cookie names a session, not
 * the key. The sign-in form has its own anti-forgery token in a cookie (there is no session yet),
 * so another site cannot sign a browser in under the attacker's key.
 */
public final class SignInRoutes {
    /** The sign-in page's model. {@code error}: why the last attempt failed, or null. */
    public record SignInPage(String csrf, String next, String error, boolean jwt, String version) {
    }

    private static final Pattern JWT = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
    private static final Pattern NEXT = Pattern.compile("/ui(/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*)?");

    private final SessionService sessions;
    private final Authenticator auth;
    private final RateLimiter limiter;
    private final Bodies bodies;
    private final UiTemplates templates;
    private final UiErrors errors;
    private final boolean jwtEnabled;
    private final String version;

    SignInRoutes(SessionService sessions, Authenticator auth, RateLimiter limiter, Bodies bodies, UiTemplates templates,
                 UiErrors errors, boolean jwtEnabled, String version) {
        this.sessions = sessions;
        this.auth = auth;
        this.limiter = limiter;
        this.bodies = bodies;
        this.templates = templates;
        this.errors = errors;
        this.jwtEnabled = jwtEnabled;
        this.version = version;
    }

    void register(UiRoutes r) {
        r.open(Method.GET, "/ui/sign-in", this::form);
        r.open(Method.POST, "/ui/sign-in", this::signIn);
        r.post("/ui/sign-out", this::signOut);
    }

    private void form(ServerRequest req, ServerResponse res) {
        try {
            if (!charge(req, res)) return;
            if (sessions.resolve(UiCookies.read(req, UiCookies.SESSION)).isPresent()) {
                redirect(res, next(req.query().first("next").orElse(null)));
                return;
            }
            show(req, res, 200, next(req.query().first("next").orElse(null)), null);
        } catch (RuntimeException e) {
            if (!res.isSent()) errors.send(req, res, e);
        }
    }

    private void signIn(ServerRequest req, ServerResponse res) {
        try {
            if (!charge(req, res)) return;
            UiGuard.requireSameOrigin(req);
            UiForm form = UiForm.parse(bodies.read(req));
            String expected = UiCookies.read(req, UiCookies.SIGN_IN);
            String presented = form.raw(UiGuard.CSRF_FIELD);
            if (expected == null || presented == null
                    || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8))) {
                throw UiException.forbidden("The sign-in form was not sent from this dashboard's sign-in page (its CSRF token is"
                        + " missing or stale). Reload the page and try again.");
            }
            String next = next(form.get("next"));
            String secret = form.get("credential");
            if (secret == null) {
                show(req, res, 400, next, "Enter an API key or a JWT.");
                return;
            }
            Credentials c = new Credentials(JWT.matcher(secret).matches() ? Credentials.Kind.BEARER : Credentials.Kind.API_KEY,
                    secret, null);
            switch (auth.authenticate(c)) {
                case Authenticator.Failed f -> show(req, res, 401, next, "That key or token was not accepted: " + f.reason() + ".");
                case Authenticator.Ok ok -> {
                    if (!mayUseDashboard(ok.principal())) {
                        show(req, res, 403, next, "This credential is for workers only; sign in with an API key or a JWT.");
                        return;
                    }
                    SessionService.Started s = sessions.start(ok.principal(), ok.expiresAt());
                    UiCookies.set(req, res, UiCookies.SESSION, s.token(),
                            Duration.between(s.session().createdAt(), s.session().expiresAt()));
                    UiCookies.clear(req, res, UiCookies.SIGN_IN);
                    redirect(res, next);
                }
            }
        } catch (RuntimeException e) {
            if (!res.isSent()) errors.send(req, res, e);
        }
    }

    private void signOut(UiCall call) {
        sessions.end(UiCookies.read(call.req(), UiCookies.SESSION));
        UiCookies.clear(call.req(), call.res(), UiCookies.SESSION);
        call.redirect("/ui/sign-in");
    }

    private static boolean mayUseDashboard(Principal p) {
        return p.scopes().stream().anyMatch(s -> !s.equals(Scopes.WORKERS));
    }

    /** The sign-in page counts against the client address's (anonymous) limit: guessing keys is throttled. */
    private boolean charge(ServerRequest req, ServerResponse res) {
        RateLimiter.Decision d = limiter.forAddress(Gatekeeper.clientAddress(req));
        RateLimitHeaders.apply(res, d);
        if (d != null && !d.allowed()) {
            errors.send(req, res, 429, "Too many sign-in attempts from this address; try again in " + d.retryAfterSeconds() + " s.");
            return false;
        }
        return true;
    }

    private void show(ServerRequest req, ServerResponse res, int status, String next, String error) {
        String csrf = UiCookies.read(req, UiCookies.SIGN_IN);
        if (csrf == null || csrf.length() != 43) {
            csrf = sessions.randomToken();
            UiCookies.set(req, res, UiCookies.SIGN_IN, csrf, Duration.ofHours(1));
        }
        templates.send(res, status, "sign_in.jte", new SignInPage(csrf, next, error, jwtEnabled, version));
    }

    private static void redirect(ServerResponse res, String location) {
        UiHeaders.page(res);
        res.status(Status.SEE_OTHER_303);
        res.header(HeaderNames.LOCATION, location);
        res.send();
    }

    /** Where to go after signing in: a dashboard path only (never another site). */
    static String next(String requested) {
        if (requested == null || !NEXT.matcher(requested).matches() || requested.startsWith("//")) return "/ui";
        return requested;
    }
}
