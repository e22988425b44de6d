package dev.coxswain.core.remote;

import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.Sealer;
import dev.coxswain.core.store.WorkerTokenStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The protocol's STS exchange: a worker trades its master token for a short-lived access token
 * (1 h) and a refresh token (24 h, usable once). Only SHA-256 hashes of both are stored; the
 * master token is kept sealed beside them, because the worker goes on signing its bodies with it
 * while it authenticates with the access token. An access token that has expired is told apart
 * from an unknown one: the first is a 401 (the SDK refreshes), the second a 403.
 */
public final class WorkerTokens {
    /** Prefix of every access and refresh token, so a presented token is recognised as one. */
    public static final String PREFIX = "sts_";
    public static final Duration ACCESS_TTL = Duration.ofHours(1);
    public static final Duration REFRESH_TTL = Duration.ofHours(24);

    private final Database db;
    private final WorkerTokenStore store;
    private final Sealer sealer;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public WorkerTokens(Database db, WorkerTokenStore store, Sealer sealer, Clock clock) {
        this.db = db;
        this.store = store;
        this.sealer = sealer;
        this.clock = clock;
    }

    /** A token pair as the worker receives it (never logged). */
    public record Issued(String accessToken, String refreshToken, long expiresInSeconds, String workerId) {
        @Override
        public String toString() {
            return "Issued[worker " + workerId + "]";
        }
    }

    /** What a presented access token is. */
    public sealed interface Access permits Valid, Expired, Unknown {
    }

    /** @param master the worker's master token, to verify its signatures (never logged) */
    public record Valid(String workerId, String principalId, String master) implements Access {
        @Override
        public String toString() {
            return "Valid[worker " + workerId + "]";
        }
    }

    public record Expired() implements Access {
    }

    public record Unknown() implements Access {
    }

    public static boolean looksLikeToken(String s) {
        return s != null && s.startsWith(PREFIX);
    }

    /** Issues a pair for a worker that authenticated with its master token. */
    public Issued issue(String workerId, String principalId, String master) {
        Instant now = clock.instant();
        String sealed = sealer == Sealer.NONE ? master : sealer.seal(master);
        return db.write(tx -> {
            store.prune(tx, now);
            return insert(tx, workerId, principalId, sealed, now);
        });
    }

    /**
     * Trades a refresh token for a new pair. @return null when the token is unknown, used, expired
     * or belongs to another worker
     */
    public Issued refresh(String workerId, String refreshToken) {
        if (!looksLikeToken(refreshToken)) return null;
        Instant now = clock.instant();
        String h = hash(refreshToken);
        return db.write(tx -> {
            WorkerTokenStore.Row r = store.byRefresh(tx.connection(), h);
            if (r == null || !r.workerId().equals(workerId) || r.refreshExpires().isBefore(now)) return null;
            if (!store.useRefresh(tx, h)) return null;
            return insert(tx, r.workerId(), r.principalId(), r.masterSealed(), now);
        });
    }

    public Access resolve(String accessToken) {
        if (!looksLikeToken(accessToken)) return new Unknown();
        WorkerTokenStore.Row r = db.read(c -> store.byAccess(c, hash(accessToken)));
        if (r == null) return new Unknown();
        if (r.accessExpires().isBefore(clock.instant())) return new Expired();
        try {
            String master = sealer.isSealed(r.masterSealed()) ? sealer.open(r.masterSealed()) : r.masterSealed();
            return new Valid(r.workerId(), r.principalId(), master);
        } catch (IllegalStateException e) {
            return new Unknown(); // sealed with a key this server no longer has: the worker exchanges its token again
        }
    }

    private Issued insert(dev.coxswain.core.store.Tx tx, String workerId, String principalId, String sealedMaster,
                          Instant now) throws java.sql.SQLException {
        String access = token();
        String refresh = token();
        store.insert(tx, new WorkerTokenStore.Row(hash(access), hash(refresh), workerId, principalId, sealedMaster,
                now.plus(ACCESS_TTL), now.plus(REFRESH_TTL)), now);
        return new Issued(access, refresh, ACCESS_TTL.toSeconds(), workerId);
    }

    private String token() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
