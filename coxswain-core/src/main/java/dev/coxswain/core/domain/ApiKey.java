package dev.coxswain.core.domain;

import java.time.Instant;
import java.util.Set;

/**
 * A stored API key, without its secret (only a hash of it is kept).
 *
 * @param workerId        set for an individual worker token: the key acts only as that worker
 * @param monthlyJobQuota jobs the key may create per calendar month (UTC); null: unlimited
 * @param quotaPeriod     the month ({@code YYYY-MM}) {@code quotaUsed} counts, or null before the first job
 * @param quotaUsed       jobs created in {@code quotaPeriod}
 */
public record ApiKey(long id, String name, String prefix, Set<String> scopes, Tier tier, boolean enabled,
                     String workerId, Instant createdAt, Instant lastUsedAt, Instant revokedAt, Integer monthlyJobQuota,
                     String quotaPeriod, int quotaUsed) {

    /** A key without a quota that has created no job. */
    public ApiKey(long id, String name, String prefix, Set<String> scopes, Tier tier, boolean enabled,
                  String workerId, Instant createdAt, Instant lastUsedAt, Instant revokedAt) {
        this(id, name, prefix, scopes, tier, enabled, workerId, createdAt, lastUsedAt, revokedAt, null, null, 0);
    }

    public boolean revoked() {
        return revokedAt != null;
    }

    /** Whether the key authenticates anybody right now. */
    public boolean usable() {
        return enabled && !revoked();
    }

    /** Jobs created in {@code period} ({@code YYYY-MM}): the count resets when the month changes. */
    public int jobsIn(String period) {
        return period.equals(quotaPeriod) ? quotaUsed : 0;
    }
}
