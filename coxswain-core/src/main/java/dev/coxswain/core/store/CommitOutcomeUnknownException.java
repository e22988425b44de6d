package dev.coxswain.core.store;

/**
 * The connection broke while the commit was in flight: the database may or may not have applied
 * the write, and nobody can tell from here. It is a {@link StoreUnavailableException}, so faces
 * answer 503 as for any blip, but its message says the truth: a client retrying a non-idempotent
 * write should look first (or send an Idempotency-Key).
 */
public class CommitOutcomeUnknownException extends StoreUnavailableException {
    public CommitOutcomeUnknownException(Throwable cause) {
        super("the database connection broke while committing: the write may or may not have been applied", cause);
    }
}
