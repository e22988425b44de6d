package dev.coxswain.core.domain;

import java.time.Instant;

/**
 * One event to deliver to one subscription, with the snapshot of its task taken when the event
 * happened, and how delivering it has gone so far.
 *
 * @param status    pending (to be attempted at {@code nextAttemptAt}), delivered, or failed (gave up)
 * @param targetUrl for a job's webhook (no subscription, {@code webhookId} {@link #NO_SUBSCRIPTION}): where it goes
 * @param body      for a job's webhook: the body as the workflow engine built it, sent as it is
 */
public record WebhookDelivery(long id, long webhookId, String event, Instant eventAt, Long taskId, String workerId,
                              String eventData, String taskName, String taskResult, Instant taskStartedAt,
                              Instant taskCompletedAt, String status, int attempts, Instant nextAttemptAt,
                              Instant createdAt, Instant lastAttemptAt, Integer responseStatus, String lastError,
                              Instant deliveredAt, String targetUrl, String body) {
    /** The {@code webhookId} of a delivery that belongs to no subscription (a job's webhook). */
    public static final long NO_SUBSCRIPTION = 0;

    public static final String PENDING = "pending";
    public static final String DELIVERED = "delivered";
    public static final String FAILED = "failed";
}
