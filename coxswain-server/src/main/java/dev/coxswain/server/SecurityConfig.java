package dev.coxswain.server;

import dev.coxswain.core.domain.Tier;
import dev.coxswain.server.auth.JwtVerifier;
import java.util.EnumMap;
import java.util.Map;

/**
 * Credentials and limits beyond API keys.
 *
 * @param jwt                bearer-token verification (disabled when no key is configured)
 * @param workerToken        the shared worker token, or null
 * @param perMinute          requests per minute by tier; 0 means not limited
 * @param anonymousPerMinute requests per minute per client address without a valid credential
 * @param secretKey          base64 of the 32-byte key that encrypts connection passwords (null: the
 *                           data directory's {@code secret.key}); every node of a cluster needs the same
 */
public record SecurityConfig(JwtVerifier.JwtSettings jwt, String workerToken, Map<Tier, Integer> perMinute,
                             int anonymousPerMinute, String secretKey) {
    public static final int STARTER_PER_MINUTE = 100;
    public static final int PRO_PER_MINUTE = 1_000;
    public static final int TEAM_PER_MINUTE = 5_000;
    public static final int BUSINESS_PER_MINUTE = 20_000;
    public static final int ANONYMOUS_PER_MINUTE = 100;

    public SecurityConfig {
        perMinute = Map.copyOf(perMinute);
    }

    /** Without a configured secret key: connection passwords use {@code <data-dir>/secret.key}. */
    public SecurityConfig(JwtVerifier.JwtSettings jwt, String workerToken, Map<Tier, Integer> perMinute, int anonymousPerMinute) {
        this(jwt, workerToken, perMinute, anonymousPerMinute, null);
    }

    public static SecurityConfig defaults() {
        return new SecurityConfig(new JwtVerifier.JwtSettings(null, null, null, null, null, "scope", "tier", Tier.STARTER),
                null, defaultLimits(), ANONYMOUS_PER_MINUTE);
    }

    public static Map<Tier, Integer> defaultLimits() {
        Map<Tier, Integer> m = new EnumMap<>(Tier.class);
        m.put(Tier.STARTER, STARTER_PER_MINUTE);
        m.put(Tier.PRO, PRO_PER_MINUTE);
        m.put(Tier.TEAM, TEAM_PER_MINUTE);
        m.put(Tier.BUSINESS, BUSINESS_PER_MINUTE);
        m.put(Tier.UNLIMITED, 0);
        return m;
    }

    /** Never prints the secrets. */
    @Override
    public String toString() {
        return "SecurityConfig[jwt=" + jwt + ", workerToken=" + (workerToken != null) + ", perMinute=" + perMinute
                + ", anonymousPerMinute=" + anonymousPerMinute + ", secretKey=" + (secretKey != null) + "]";
    }
}
