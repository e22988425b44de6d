package dev.coxswain.core.domain;

import java.time.Instant;
import java.util.Set;

/**
 * A stored API key, without its secret (only a hash of it is kept).
 *
 * @param workerId set for an individual worker token: the key acts only as that worker
 */
public record ApiKey(long id, String name, String prefix, Set<String> scopes, Tier tier, boolean enabled,
                     String workerId, Instant createdAt, Instant lastUsedAt, Instant revokedAt) {
    public boolean revoked() {
        return revokedAt != null;
    }

    /** Whether the key authenticates anybody right now. */
    public boolean usable() {
        return enabled && !revoked();
    }
}
