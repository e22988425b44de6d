package dev.coxswain.server.auth;

import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.service.ApiKeyService;

/**
 * Resolves a presented credential to a principal. Each API face decides how to report a failure
 * in its own error format; this only says what went wrong, never echoing the secret.
 */
public final class Authenticator {
    private final ApiKeyService keys;

    public Authenticator(ApiKeyService keys) {
        this.keys = keys;
    }

    public sealed interface Result permits Ok, Failed {
    }

    public record Ok(Principal principal) implements Result {
    }

    /** @param reason safe to show to the caller */
    public record Failed(String reason) implements Result {
    }

    public Result authenticate(Credentials c) {
        return switch (c.kind()) {
            case NONE -> new Failed("authentication required: send 'Authorization: ApiKey <key>'");
            case MALFORMED -> new Failed("malformed Authorization header: expected 'ApiKey <key>' or 'Bearer <token>'");
            case BEARER -> new Failed("bearer tokens are not accepted: no JWT verification key is configured");
            case API_KEY -> keys.authenticate(c.secret())
                    .<Result>map(Ok::new)
                    .orElseGet(() -> new Failed("invalid or revoked API key"));
        };
    }
}
