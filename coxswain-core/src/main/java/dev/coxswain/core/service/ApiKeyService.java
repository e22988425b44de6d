package dev.coxswain.core.service;

import dev.coxswain.core.domain.ApiKey;
import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.domain.Scopes;
import dev.coxswain.core.domain.Tier;
import dev.coxswain.core.store.ApiKeyStore;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.InTx;
import dev.coxswain.core.store.Tx;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * API keys: random 240-bit secrets shown once, stored as SHA-256 hashes. A fast hash is right
 * here (unlike for passwords): the secret is random and long, so there is nothing to brute-force.
 * The same keys serve as {@code X-API-Key}, {@code X-Client-Token} and, when bound to a worker
 * id, as that worker's individual {@code X-Worker-Token}.
 */
public final class ApiKeyService {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final int SECRET_CHARS = 40;
    private static final int MAX_NAME = 100;
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
        @Override
        public String toString() {
            return "Created[key=" + key + "]";
        }
    }

    /**
     * What a caller asks for; {@code workerId} makes it an individual worker token.
     *
     * @param monthlyJobQuota jobs the key may create per calendar month (UTC), at least 0; null: unlimited
     */
    public record NewKey(String name, Set<String> scopes, String tier, String workerId, Integer monthlyJobQuota) {
        /** Without a job quota. */
        public NewKey(String name, Set<String> scopes, String tier, String workerId) {
            this(name, scopes, tier, workerId, null);
        }
    }

    /**
     * A partial change; null fields stay as they are.
     *
     * @param monthlyJobQuota null: unchanged; empty: unlimited; a value: that quota (at least 0)
     */
    public record KeyPatch(String name, Set<String> scopes, String tier, Boolean enabled,
                           Optional<Integer> monthlyJobQuota) {
        /** Leaving the job quota as it is. */
        public KeyPatch(String name, Set<String> scopes, String tier, Boolean enabled) {
            this(name, scopes, tier, enabled, null);
        }
    }

    public Created create(String name, Set<String> scopes, String tier) {
        return create(new NewKey(name, scopes, tier, null));
    }

    public Created create(NewKey k) {
        return create(k, InTx.none());
    }

    /** As {@link #create(NewKey)}, running {@code then} in the creating transaction. */
    public Created create(NewKey k, InTx<? super Created> then) {
        Map<String, String> bad = new LinkedHashMap<>();
        checkName(k.name(), bad);
        checkScopes(k.scopes(), bad);
        Tier tier = k.tier() == null ? Tier.STARTER : Tier.fromWire(k.tier());
        if (tier == null) bad.put("tier", "must be one of starter, pro, team, business, unlimited");
        if (k.workerId() != null && (k.workerId().isBlank() || k.workerId().length() > 200)) {
            bad.put("worker_id", "must be 1 to 200 characters");
        }
        checkQuota(k.monthlyJobQuota(), bad);
        if (!bad.isEmpty()) throw new ValidationException(bad);
        String secret = newSecret();
        return db.write(tx -> {
            long id = keys.insert(tx, k.name().trim(), hash(secret), secret.substring(0, 8), k.scopes(), tier,
                    k.workerId(), clock.instant());
            if (k.monthlyJobQuota() != null) keys.setQuota(tx, id, k.monthlyJobQuota());
            Created made = new Created(keys.find(tx.connection(), id), secret);
            then.accept(tx, made);
            return made;
        });
    }

    /**
     * Makes sure a key with this exact secret exists and works with these scopes and tier (for
     * the configured admin key): created when missing; enabled, un-revoked and given the scopes
     * again when someone disabled, revoked or narrowed it, since the configuration is the
     * operator's way back in.
     *
     * @return true when an existing key had to be restored
     */
    public boolean ensure(String secret, String name, Set<String> scopes, String tier) {
        String h = hash(secret);
        Tier t = Tier.fromWire(tier) == null ? Tier.STARTER : Tier.fromWire(tier);
        return db.write(tx -> {
            ApiKey k = keys.findByHash(tx.connection(), h);
            if (k == null) {
                keys.insert(tx, name, h, secret.substring(0, Math.min(8, secret.length())), scopes, t, null, clock.instant());
                return false;
            }
            if (k.usable() && k.scopes().containsAll(scopes) && k.tier() == t) return false;
            keys.restore(tx, k.id(), union(k.scopes(), scopes), t);
            return true;
        });
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.addAll(b);
        return out;
    }

    public long countActive() {
        return db.read(keys::countActive);
    }

    public List<ApiKey> list() {
        return db.read(keys::list);
    }

    public ApiKey get(long id) {
        ApiKey k = db.read(c -> keys.find(c, id));
        if (k == null) throw new NotFoundException("API key key-" + id + " not found");
        return k;
    }

    /** As {@link #update(long, KeyPatch, String)} by the operator (no principal: the command line). */
    public ApiKey update(long id, KeyPatch p) {
        return update(id, p, null);
    }

    /**
     * Changes a key. Refused (conflict) when the change would lock someone out: {@code actor}
     * disabling its own key or taking away its own admin scope, or anybody leaving no usable
     * admin key at all.
     *
     * @param actor the principal id asking ({@code key:<n>}), or null for the operator
     */
    public ApiKey update(long id, KeyPatch p, String actor) {
        Map<String, String> bad = new LinkedHashMap<>();
        if (p.name() != null) checkName(p.name(), bad);
        if (p.scopes() != null) checkScopes(p.scopes(), bad);
        Tier tier = p.tier() == null ? null : Tier.fromWire(p.tier());
        if (p.tier() != null && tier == null) bad.put("tier", "must be one of starter, pro, team, business, unlimited");
        if (p.monthlyJobQuota() != null) checkQuota(p.monthlyJobQuota().orElse(null), bad);
        if (!bad.isEmpty()) throw new ValidationException(bad);
        ApiKey cur = get(id);
        if (cur.revoked()) throw new ConflictException("API key key-" + id + " is revoked and cannot be changed");
        Set<String> scopes = p.scopes() == null ? cur.scopes() : p.scopes();
        boolean enabled = p.enabled() == null ? cur.enabled() : p.enabled();
        boolean staysAdmin = enabled && scopes.contains(Scopes.ADMIN);
        boolean changed = db.write(tx -> {
            if (!staysAdmin) refuseLockout(tx, id, actor, enabled ? "take the admin scope away from" : "disable");
            boolean done = keys.update(tx, id, p.name() == null ? cur.name() : p.name().trim(), scopes,
                    tier == null ? cur.tier() : tier, enabled);
            if (done && p.monthlyJobQuota() != null) keys.setQuota(tx, id, p.monthlyJobQuota().orElse(null));
            return done;
        });
        if (!changed) throw new ConflictException("API key key-" + id + " is revoked and cannot be changed");
        return get(id);
    }

    /** As {@link #revoke(long, String)} by the operator (no principal: the command line). */
    public ApiKey revoke(long id) {
        return revoke(id, null);
    }

    /**
     * Revokes for good; a revoked key never authenticates again. Refused (conflict) for the
     * actor's own key and for the last usable admin key.
     */
    public ApiKey revoke(long id, String actor) {
        get(id);
        if (!db.write(tx -> {
            refuseLockout(tx, id, actor, "revoke");
            return keys.revoke(tx, id, clock.instant());
        })) {
            throw new ConflictException("API key key-" + id + " is already revoked");
        }
        return get(id);
    }

    /**
     * Throws when making key {@code id} unusable as an admin key would lock {@code actor} or
     * every admin out. Runs inside the change's transaction, with the usable keys locked.
     */
    private void refuseLockout(Tx tx, long id, String actor, String verb) throws SQLException {
        if (("key:" + id).equals(actor)) {
            throw new ConflictException("you cannot " + verb + " the key you are using (key-" + id
                    + "); use another admin key");
        }
        List<ApiKey> usable = keys.lockUsable(tx, db.dialect());
        List<ApiKey> admins = usable.stream().filter(k -> k.scopes().contains(Scopes.ADMIN)).toList();
        if (admins.size() == 1 && admins.get(0).id() == id) {
            throw new ConflictException("key-" + id + " is the last enabled admin key; create another admin key before you "
                    + verb + " it");
        }
    }

    /** @return the key's principal, or empty for an unknown, disabled or revoked secret */
    public Optional<Principal> authenticate(String secret) {
        if (secret == null || secret.isBlank()) return Optional.empty();
        ApiKey k = db.read(c -> keys.findByHash(c, hash(secret)));
        if (k == null || !k.usable()) return Optional.empty();
        touch(k.id());
        return Optional.of(new Principal("key:" + k.id(), k.name(), k.scopes(), k.tier(), k.workerId()));
    }

    /** Whether the worker has an individual token (the shared worker token may then not act as it). */
    public boolean hasWorkerToken(String workerId) {
        return db.read(c -> keys.hasWorkerToken(c, workerId));
    }

    private void touch(long id) {
        Instant now = clock.instant();
        Instant last = lastTouched.get(id);
        if (last == null || Duration.between(last, now).compareTo(TOUCH_EVERY) >= 0) {
            lastTouched.put(id, now);
            db.writeAsync(tx -> {
                keys.touch(tx, id, now);
                return null;
            });
        }
    }

    private static void checkName(String name, Map<String, String> bad) {
        if (name == null || name.isBlank()) bad.put("name", "is required");
        else if (name.length() > MAX_NAME) bad.put("name", "must be at most " + MAX_NAME + " characters");
    }

    private static void checkQuota(Integer quota, Map<String, String> bad) {
        if (quota != null && quota < 0) bad.put("monthly_job_quota", "must be at least 0 (or null for unlimited)");
    }

    private static void checkScopes(Set<String> scopes, Map<String, String> bad) {
        if (scopes == null || scopes.isEmpty()) {
            bad.put("scopes", "at least one scope is required: " + String.join(", ", new java.util.TreeSet<>(Scopes.ALL)));
            return;
        }
        for (String s : scopes) {
            if (!Scopes.ALL.contains(s)) {
                bad.put("scopes", "unknown scope '" + s + "'; known: " + String.join(", ", new java.util.TreeSet<>(Scopes.ALL)));
                return;
            }
        }
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
