package dev.coxswain.server.auth;

import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.domain.Scopes;
import dev.coxswain.core.domain.Tier;
import dev.coxswain.core.service.ApiKeyService;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves a presented credential to a principal. Each API face decides how to report a failure
 * in its own error format; this only says what went wrong, never echoing the secret.
 */
public final class Authenticator {
    private final ApiKeyService keys;
    private final JwtVerifier jwt;
    private final byte[] sharedWorkerToken;

    /**
     * @param jwt               null: bearer tokens are refused
     * @param sharedWorkerToken null: only individual worker tokens are accepted
     */
    public Authenticator(ApiKeyService keys, JwtVerifier jwt, String sharedWorkerToken) {
        this.keys = keys;
        this.jwt = jwt;
        this.sharedWorkerToken = sharedWorkerToken == null ? null : sharedWorkerToken.getBytes(StandardCharsets.UTF_8);
    }

    public Authenticator(ApiKeyService keys) {
        this(keys, null, null);
    }

    public sealed interface Result permits Ok, Failed {
    }

    /** @param expiresAt when the credential stops being valid (a JWT's exp), or null (a key: until revoked) */
    public record Ok(Principal principal, java.time.Instant expiresAt) implements Result {
        public Ok(Principal principal) {
            this(principal, null);
        }
    }

    /** @param reason safe to show to the caller */
    public record Failed(String reason) implements Result {
    }

    public Result authenticate(Credentials c) {
        return switch (c.kind()) {
            case NONE -> new Failed("authentication required: send 'Authorization: ApiKey <key>', 'X-API-Key: <key>'"
                    + " or 'Authorization: Bearer <token>'");
            case MALFORMED -> new Failed("malformed credential header: expected 'ApiKey <key>' or 'Bearer <token>'");
            case BEARER -> bearer(c.secret());
            case API_KEY -> keys.authenticate(c.secret())
                    .<Result>map(Ok::new)
                    .orElseGet(() -> new Failed("invalid, disabled or revoked API key"));
            case WORKER_TOKEN -> worker(c.secret(), c.workerIdHint());
        };
    }

    private Result bearer(String token) {
        if (jwt == null) return new Failed("bearer tokens are not accepted: no JWT verification key is configured");
        return switch (jwt.verify(token)) {
            case JwtVerifier.Verified v -> new Ok(v.principal(), v.expiresAt());
            case JwtVerifier.Rejected r -> new Failed(r.reason());
        };
    }

    /**
     * An individual token (an API key bound to a worker id) acts only as its worker; the shared
     * token acts as any worker that has no individual token (as the orchestrator does).
     */
    private Result worker(String secret, String hint) {
        Optional<Principal> individual = keys.authenticate(secret);
        if (individual.isPresent()) {
            Principal p = individual.get();
            if (!p.has(Scopes.WORKERS)) return new Failed("this token may not act as a worker");
            if (p.workerId() != null && hint != null && !p.workerId().equals(hint)) {
                return new Failed("this worker token belongs to another worker");
            }
            return new Ok(p);
        }
        if (sharedWorkerToken != null && MessageDigest.isEqual(sharedWorkerToken, secret.getBytes(StandardCharsets.UTF_8))) {
            if (hint != null && keys.hasWorkerToken(hint)) {
                return new Failed("worker " + hint + " has an individual token; the shared token may not act as it");
            }
            return new Ok(new Principal("worker-token:shared", "shared worker token", Set.of(Scopes.WORKERS),
                    Tier.UNLIMITED, hint));
        }
        return new Failed("invalid worker token");
    }
}
