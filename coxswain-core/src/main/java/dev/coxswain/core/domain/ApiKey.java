package dev.coxswain.core.domain;

import java.time.Instant;
import java.util.Set;

/** A stored API key, without its secret (only a hash of it is kept). */
public record ApiKey(long id, String name, String prefix, Set<String> scopes, String tier, Instant createdAt,
                     Instant lastUsedAt, Instant revokedAt) {
    public boolean revoked() {
        return revokedAt != null;
    }
}
