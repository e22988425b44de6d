package dev.coxswain.core.service;

import dev.coxswain.core.domain.ApiKey;
import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.domain.Tier;
import dev.coxswain.core.store.ApiKeyStore;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.SessionStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Dashboard sign-in sessions. A session is started for a principal that has just authenticated
 * (API key or JWT) and is then named by a random token the browser keeps in an HttpOnly cookie.
 * <ul>
 *   <li>The store keeps only the token's SHA-256, so a copy of the table signs nobody in; sessions
 *       live in the store (not in memory) so that every node of a cluster knows them and sign-out
 *       ends them everywhere.</li>
 *   <li>A session ends at its absolute end, after {@code idle} without a request, at sign-out, or
 *       when its API key is revoked or disabled: a key's session re-reads the key on every
 *       request, so its scopes and tier are always the key's current ones. A JWT's session ends
 *       no later than the token's own expiry.</li>
 *   <li>Each session has its own CSRF token, which every state-changing request must send back.</li>
 * </ul>
 */
public final class SessionService {
    /** How long a session may live: at most {@code maxAge}, and {@code idle} between requests. */
    public record Settings(Duration idle, Duration maxAge) {
        public static Settings defaults() {
            return new Settings(Duration.ofMinutes(30), Duration.ofHours(12));
        }
    }

    /** A live session. {@code csrf} is the token forms must send back. */
    public record Session(String idHash, Principal principal, String csrf, Instant createdAt, Instant expiresAt) {
        @Override
        public String toString() {
            return "Session[" + principal.id() + ", until " + expiresAt + "]";
        }
    }

    /** A session just started: {@code token} goes into the cookie and nowhere else. */
    public record Started(String token, Session session) {
        @Override
        public String toString() {
            return "Started[" + session + "]";
        }
    }

    /** Seen-at is written at most this often per session: a page polling every few seconds does not write each time. */
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

    private final Database db;
    private final SessionStore store;
    private final ApiKeyStore keys;
    private final Clock clock;
    private final Settings settings;
    private final SecureRandom random = new SecureRandom();

    public SessionService(Database db, SessionStore store, ApiKeyStore keys, Clock clock, Settings settings) {
        this.db = db;
        this.store = store;
        this.keys = keys;
        this.clock = clock;
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Starts a session for {@code who}.
     *
     * @param credentialExpiry when the credential itself stops being valid (a JWT's exp), or null
     */
    public Started start(Principal who, Instant credentialExpiry) {
        Instant now = clock.instant();
        Instant end = now.plus(settings.maxAge());
        if (credentialExpiry != null && credentialExpiry.isBefore(end)) end = credentialExpiry;
        String token = randomToken();
        String csrf = randomToken();
        SessionStore.Row row = new SessionStore.Row(ApiKeyService.hash(token), who.id(), who.name(), String.join(" ", who.scopes()),
                who.tier().wire(), csrf, now, now, end);
        db.write(tx -> {
            // Expired rows go as new ones come: no sweeper thread, and the table stays small.
            store.prune(tx, now, now.minus(settings.idle()));
            store.insert(tx, row);
            return null;
        });
        return new Started(token, new Session(row.idHash(), who, csrf, now, end));
    }

    /** The live session the token names, or empty (unknown, ended, idle too long, key revoked). */
    public Optional<Session> resolve(String token) {
        if (token == null || token.isEmpty() || token.length() > 200) return Optional.empty();
        String idHash = ApiKeyService.hash(token); // the same SHA-256 hex as a key's secret
        Instant now = clock.instant();
        record Found(SessionStore.Row row, ApiKey key) {
        }
        Found f = db.read(c -> {
            SessionStore.Row r = store.find(c, idHash);
            if (r == null) return null;
            long keyId = keyId(r.principalId());
            return new Found(r, keyId >= 0 ? keys.find(c, keyId) : null);
        });
        if (f == null) return Optional.empty();
        SessionStore.Row r = f.row();
        boolean keyGone = keyId(r.principalId()) >= 0 && (f.key() == null || !f.key().usable());
        if (!now.isBefore(r.expiresAt()) || r.seenAt().plus(settings.idle()).isBefore(now) || keyGone) {
            db.write(tx -> store.delete(tx, idHash));
            return Optional.empty();
        }
        if (!r.seenAt().plus(TOUCH_EVERY).isAfter(now)) db.writeAsync(tx -> {
            store.touch(tx, idHash, now);
            return null;
        });
        Principal p = f.key() != null
                ? new Principal(r.principalId(), f.key().name(), f.key().scopes(), f.key().tier(), f.key().workerId())
                : new Principal(r.principalId(), r.name(), scopes(r.scopes()), tierOf(r.tier()), null);
        return Optional.of(new Session(idHash, p, r.csrf(), r.createdAt(), r.expiresAt()));
    }

    /** Ends the session the token names (sign-out); a no-op for an unknown token. */
    public void end(String token) {
        if (token == null || token.isEmpty() || token.length() > 200) return;
        String idHash = ApiKeyService.hash(token); // the same SHA-256 hex as a key's secret
        db.write(tx -> store.delete(tx, idHash));
    }

    /** Whether {@code presented} is the session's CSRF token (compared in constant time). */
    public static boolean csrfMatches(Session s, String presented) {
        if (presented == null) return false;
        return MessageDigest.isEqual(s.csrf().getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }

    /** A fresh random token: 32 bytes, base64url without padding. */
    public String randomToken() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static long keyId(String principalId) {
        if (principalId == null || !principalId.startsWith("key:")) return -1;
        try {
            return Long.parseLong(principalId.substring(4));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Set<String> scopes(String s) {
        return s.isBlank() ? Set.of() : Set.copyOf(new LinkedHashSet<>(Arrays.asList(s.trim().split(" +"))));
    }

    private static Tier tierOf(String s) {
        Tier t = Tier.fromWire(s);
        return t == null ? Tier.STARTER : t;
    }
}
