package dev.coxswain.core.domain;

import java.util.Set;

/**
 * Who is calling: resolved from a credential (API key, JWT, client or worker token), with the
 * scopes that say what it may do and the tier that sets its rate limits. Only enabled principals
 * are ever resolved: a disabled or revoked key authenticates nobody.
 *
 * @param id       stable identity for rate limiting and audit ({@code key:12}, {@code jwt:<sub>},
 *                 {@code worker-token:shared}); never a secret
 * @param name     display name
 * @param workerId the one worker id this principal may act as, or null (not a worker credential,
 *                 or the shared worker token, which may act as any worker without its own token)
 */
public record Principal(String id, String name, Set<String> scopes, Tier tier, String workerId) {
    /** Kept for readability at call sites: {@code Scopes.ADMIN}. */
    public static final String ADMIN = Scopes.ADMIN;

    public boolean has(String scope) {
        return scopes.contains(Scopes.ADMIN) || scopes.contains(scope);
    }
}
