package dev.coxswain.server.worker;

import dev.coxswain.core.remote.WorkerTokens;
import dev.coxswain.server.auth.Authenticator;
import dev.coxswain.server.auth.Credentials;

/**
 * Authenticates a worker request as the orchestrator does: the worker id comes from the path, else
 * {@code X-Worker-ID}, else the body; the token is an STS access token, the worker's individual
 * token (an API key bound to that worker id) or the shared worker token. Every failure is a 403,
 * except an access token that has expired (401, so the SDK exchanges its token again).
 */
final class WorkerAuth {
    private final Authenticator authenticator;
    private final WorkerTokens tokens;

    WorkerAuth(Authenticator authenticator, WorkerTokens tokens) {
        this.authenticator = authenticator;
        this.tokens = tokens;
    }

    /**
     * @param hint  the worker id the request claims (path, header or body), or null
     */
    WorkerIdentity authenticate(String token, String hint) {
        if (token == null || token.isBlank()) throw WorkerError.unauthorized("Missing X-Worker-Token header");
        token = token.trim();
        if (WorkerTokens.looksLikeToken(token)) {
            return switch (tokens.resolve(token)) {
                case WorkerTokens.Valid v -> {
                    if (hint != null && !hint.equals(v.workerId())) throw WorkerError.unauthorized("access token belongs to another worker");
                    var p = new dev.coxswain.core.domain.Principal(v.principalId(), "worker " + v.workerId() + " (access token)",
                            java.util.Set.of(dev.coxswain.core.domain.Scopes.WORKERS), dev.coxswain.core.domain.Tier.UNLIMITED,
                            v.workerId());
                    yield new WorkerIdentity(v.workerId(), p, v.master());
                }
                case WorkerTokens.Expired e -> throw new WorkerError(401, "Unauthorized: token expired");
                case WorkerTokens.Unknown u -> throw WorkerError.unauthorized("Invalid access token");
            };
        }
        return switch (authenticator.authenticate(new Credentials(Credentials.Kind.WORKER_TOKEN, token, hint))) {
            case Authenticator.Ok ok -> {
                String id = hint != null ? hint : ok.principal().workerId();
                if (id == null) throw WorkerError.unauthorized("no worker id: send X-Worker-ID");
                yield new WorkerIdentity(id, ok.principal(), token);
            }
            case Authenticator.Failed f -> throw WorkerError.unauthorized(f.reason());
        };
    }
}
