package dev.coxswain.core.service;

import dev.coxswain.core.domain.ApiKey;
import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.store.ApiKeyStore;
import dev.coxswain.core.store.Database;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * API keys: random 240-bit secrets shown once, stored as SHA-256 hashes. A fast hash is right
 * here (unlike for passwords): the secret is random and long, so there is nothing to brute-force.
 */
public final class ApiKeyService {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final int SECRET_CHARS = 40;
    /** last_used_at is written at most this often per key, not on every request. */
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

    private final Database db;
    private final ApiKeyStore keys;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<Long, Instant> lastTouched = new ConcurrentHashMap<>();

    public ApiKeyService(Database db, ApiKeyStore keys, Clock clock) {
        this.db = db;
        this.keys = keys;
        this.clock = clock;
    }

    /** A new key and its secret, which exists only in this return value. */
    public record Created(ApiKey key, String secret) {
    }

    public Created create(String name, Set<String> scopes, String tier) {
        String secret = newSecret();
        long id = db.write(tx -> keys.insert(tx, name, hash(secret), secret.substring(0, 8), scopes, tier, clock.instant()));
        ApiKey k = db.read(c -> keys.list(c)).stream().filter(x -> x.id() == id).findFirst().orElseThrow();
        return new Created(k, secret);
    }

    /** Makes sure a key with this exact secret exists (for a configured admin key). */
    public void ensure(String secret, String name, Set<String> scopes, String tier) {
        String h = hash(secret);
        db.write(tx -> {
            if (keys.findByHash(tx.connection(), h) == null) {
                keys.insert(tx, name, h, secret.substring(0, Math.min(8, secret.length())), scopes, tier, clock.instant());
            }
            return null;
        });
    }

    public long countActive() {
        return db.read(keys::countActive);
    }

    public List<ApiKey> list() {
        return db.read(keys::list);
    }

    public void revoke(long id) {
        if (!db.write(tx -> keys.revoke(tx, id, clock.instant()))) {
            throw new NotFoundException("api key " + id + " not found or already revoked");
        }
    }

    /** @return the key's principal, or empty for an unknown or revoked secret */
    public Optional<Principal> authenticate(String secret) {
        if (secret == null || secret.isBlank()) return Optional.empty();
        ApiKey k = db.read(c -> keys.findByHash(c, hash(secret)));
        if (k == null || k.revoked()) return Optional.empty();
        Instant now = clock.instant();
        Instant last = lastTouched.get(k.id());
        if (last == null || Duration.between(last, now).compareTo(TOUCH_EVERY) >= 0) {
            lastTouched.put(k.id(), now);
            db.writeAsync(tx -> {
                keys.touch(tx, k.id(), now);
                return null;
            });
        }
        return Optional.of(new Principal("key:" + k.name(), k.scopes(), k.tier()));
    }

    public String newSecret() {
        StringBuilder sb = new StringBuilder("cox_");
        for (int i = 0; i < SECRET_CHARS; i++) sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        return sb.toString();
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
