package dev.coxswain.core.service;

import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.IdempotencyStore;
import dev.coxswain.core.store.InTx;
import dev.coxswain.core.store.Tx;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Makes a create safe to retry with an {@code Idempotency-Key} (Stripe's rules): the first
 * request's answer is recorded in the transaction that creates the row, so a committed row always
 * has its record; the same key with the same request gets that answer again (for at least
 * {@link #RETENTION}); the same key with another request is refused. Keys are scoped per
 * principal. A create that fails records nothing: its retry runs again.
 */
public final class IdempotencyService {
    /** How long an answer is kept and replayed. */
    public static final Duration RETENTION = Duration.ofHours(24);
    /** Expired records are pruned by a create at most this often (cheap: one indexed delete). */
    static final Duration PRUNE_EVERY = Duration.ofMinutes(1);

    private final Database db;
    private final IdempotencyStore store;
    private final Clock clock;
    private final AtomicLong lastPrune = new AtomicLong();

    public IdempotencyService(Database db, IdempotencyStore store, Clock clock) {
        this.db = db;
        this.store = store;
        this.clock = clock;
    }

    /**
     * @param principal   who sent it (keys are scoped per principal)
     * @param fingerprint what was asked (method, path and body, hashed): a key reused for another
     *                    request is refused
     */
    public record Request(String principal, String key, String fingerprint) {
    }

    /**
     * An answer to a create. {@code storedBody} is what a replay sends: the same as {@code body}
     * unless the first answer showed a secret once (it is then left out of the stored copy).
     */
    public record Answer(int status, String body, String storedBody) {
        public static Answer of(int status, String body) {
            return new Answer(status, body, body);
        }
    }

    /** @param replayed true when this is the recorded answer of an earlier request */
    public record Outcome(int status, String body, boolean replayed) {
    }

    /**
     * Answers the request: the recorded answer if its key was used before, otherwise runs
     * {@code create} with a hook that records {@code answer}'s result in the creating
     * transaction.
     *
     * @param create runs the service's create, passing the hook on to it
     * @param answer renders what was created; runs inside the transaction, so it must only compute
     * @throws IdempotencyKeyReusedException when the key went with another request
     */
    public <T> Outcome create(Request r, Function<InTx<T>, T> create, Function<T, Answer> answer) {
        Outcome prior = recorded(r);
        if (prior != null) return prior;
        AtomicReference<Answer> sent = new AtomicReference<>();
        try {
            create.apply((tx, made) -> {
                Answer a = answer.apply(made);
                sent.set(a);
                record(tx, r, a);
            });
        } catch (KeyTaken e) {
            // A concurrent request with the same key committed first; this one's row was rolled back.
            Outcome winner = recorded(r);
            if (winner == null) throw new ConflictException("a request with this Idempotency-Key is in progress; retry");
            return winner;
        }
        Answer a = sent.get();
        return new Outcome(a.status(), a.body(), false);
    }

    private Outcome recorded(Request r) {
        IdempotencyStore.Row row = db.read(c -> store.find(c, r.principal(), r.key(), clock.instant().minus(RETENTION)));
        if (row == null) return null;
        if (!row.fingerprint().equals(r.fingerprint())) {
            throw new IdempotencyKeyReusedException("this Idempotency-Key was already used for another request"
                    + " (another route or body); use a new key");
        }
        return new Outcome(row.status(), row.body(), true);
    }

    private void record(Tx tx, Request r, Answer a) throws SQLException {
        Instant now = clock.instant();
        Instant expired = now.minus(RETENTION);
        long last = lastPrune.get();
        if (now.toEpochMilli() - last >= PRUNE_EVERY.toMillis() && lastPrune.compareAndSet(last, now.toEpochMilli())) {
            store.prune(tx, expired);
        }
        if (!store.insert(tx, r.principal(), r.key(), new IdempotencyStore.Row(r.fingerprint(), a.status(), a.storedBody(), now),
                expired)) {
            throw new KeyTaken();
        }
    }

    /** The key was recorded by another request meanwhile: this op must roll back its row. */
    private static final class KeyTaken extends RuntimeException {
        KeyTaken() {
            super("Idempotency-Key taken by a concurrent request", null, false, false);
        }
    }
}
