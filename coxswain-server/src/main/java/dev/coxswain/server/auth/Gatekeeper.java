package dev.coxswain.server.auth;

import dev.coxswain.core.domain.Principal;
import dev.coxswain.server.ratelimit.RateLimiter;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import dev.coxswain.server.ratelimit.RateLimitHeaders;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The front door every API face shares: read the credential, authenticate it, and charge the
 * request to a rate-limit bucket (the principal's, or the client address's when there is no valid
 * credential, so guessing keys is throttled too). Each face turns the outcome into its own
 * response format and checks the scopes its routes need.
 */
public final class Gatekeeper {
    private final Authenticator auth;
    private final RateLimiter limiter;

    public Gatekeeper(Authenticator auth, RateLimiter limiter) {
        this.auth = auth;
        this.limiter = limiter;
    }

    public sealed interface Outcome permits Admitted, Denied {
        /** The rate-limit decision to report in headers; null when none applies. */
        RateLimiter.Decision limit();
    }

    public record Admitted(Principal principal, RateLimiter.Decision limit) implements Outcome {
    }

    /**
     * @param status    401 (no or bad credential) or 429 (over the limit)
     * @param reason    safe to show: never contains a secret
     * @param anonymous the request presented no credential at all (not a wrong one)
     */
    public record Denied(int status, String reason, RateLimiter.Decision limit, boolean anonymous) implements Outcome {
    }

    public Outcome admit(ServerRequest req) {
        Credentials c = Credentials.from(name -> header(req, name));
        return switch (auth.authenticate(c)) {
            case Authenticator.Ok ok -> {
                RateLimiter.Decision d = limiter.forPrincipal(ok.principal());
                yield d != null && !d.allowed()
                        ? new Denied(429, "rate limit exceeded: " + d.limit() + " requests per minute", d, false)
                        : new Admitted(ok.principal(), d);
            }
            case Authenticator.Failed f -> {
                RateLimiter.Decision d = limiter.forAddress(clientAddress(req));
                boolean anonymous = c.kind() == Credentials.Kind.NONE;
                yield d != null && !d.allowed()
                        ? new Denied(429, "rate limit exceeded: " + d.limit() + " unauthenticated requests per minute", d, anonymous)
                        : new Denied(401, f.reason(), d, anonymous);
            }
        };
    }

    /**
     * Admits the request or throws the face's own error for the refusal (401 or 429). The
     * rate-limit headers are set on the response either way.
     */
    public Principal require(ServerRequest req, ServerResponse res, java.util.function.Function<Denied, RuntimeException> refusal) {
        Outcome o = admit(req);
        RateLimitHeaders.apply(res, o.limit());
        return switch (o) {
            case Admitted a -> a.principal();
            case Denied d -> throw refusal.apply(d);
        };
    }

    /** Charges an open (unauthenticated) route to the client address's bucket. */
    public RateLimiter.Decision chargeAnonymous(ServerRequest req) {
        return limiter.forAddress(clientAddress(req));
    }

    public static String clientAddress(ServerRequest req) {
        SocketAddress a = req.remotePeer().address();
        if (a instanceof InetSocketAddress in && in.getAddress() != null) return in.getAddress().getHostAddress();
        return String.valueOf(a);
    }

    private static String header(ServerRequest req, String name) {
        HeaderName h = HeaderNames.create(name);
        return req.headers().first(h).orElse(null);
    }
}
