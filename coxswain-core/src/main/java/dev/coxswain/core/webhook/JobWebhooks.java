package dev.coxswain.core.webhook;

import dev.coxswain.core.service.ValidationException;
import dev.coxswain.core.store.Tx;
import dev.coxswain.core.store.WebhookStore;
import java.net.URI;
import java.net.URISyntaxException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Webhooks of workflow jobs: a job's own {@code webhook_url} receives its events ({@code
 * job_finished}, {@code job_failed}, {@code job_quarantined}, {@code worker_event:<type>}). They go
 * through the subscriptions' outbox, queued in the transaction of the job change they report, so
 * the {@link WebhookDeliverer} sends them with the same address checks, signature (keyed with the
 * {@link WorkflowWebhookSecret}), retries and attempt records.
 */
public final class JobWebhooks {
    /** Event names the orchestrator protocol sends to a job's webhook. */
    private static final String WORKER_EVENT = "worker_event:";
    private static final Pattern EVENT = Pattern.compile("job_finished|job_failed|job_quarantined|worker_event:[^\\s]{1,200}");

    private final WebhookStore store;
    private final Runnable deliveriesQueued;

    /** @param deliveriesQueued wakes the deliverer; run after the commit of a transaction that queued one */
    public JobWebhooks(WebhookStore store, Runnable deliveriesQueued) {
        this.store = store;
        this.deliveriesQueued = deliveriesQueued;
    }

    /**
     * Queues one delivery of {@code body} (a JSON object, sent as it is) to {@code url}, inside the
     * caller's transaction: it is sent only if that transaction commits.
     *
     * @throws IllegalArgumentException for an event name the protocol does not know or a missing argument
     */
    public void enqueue(Tx tx, String url, String event, String body, Instant now) throws SQLException {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(now, "now");
        if (event == null || !EVENT.matcher(event).matches()) {
            throw new IllegalArgumentException("not a job webhook event: " + event);
        }
        store.insertDirect(tx, url, event, body, now);
        tx.afterCommit(deliveriesQueued);
    }

    /**
     * The event as a metric label: a worker's event types are its own to choose, so every
     * {@code worker_event:<type>} counts as {@code worker_event} (one label, not one per type).
     */
    static String metricEvent(String event) {
        return event.startsWith(WORKER_EVENT) ? "worker_event" : event;
    }

    /**
     * Checks a job's {@code webhook_url} when the job is created: an absolute http or https URL
     * with a host and no credentials. Where it points is checked by the deliverer before each
     * attempt (a name may resolve differently by then).
     *
     * @throws ValidationException on field {@code webhook_url}, saying what is wrong (never echoing the URL)
     */
    public static void checkUrl(String url) {
        if (url == null || url.isBlank()) throw new ValidationException("webhook_url", "must be an http or https URL");
        if (url.length() > WebhookService.MAX_URL) {
            throw new ValidationException("webhook_url", "must be at most " + WebhookService.MAX_URL + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ValidationException("webhook_url", "is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new ValidationException("webhook_url", "must be an http or https URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new ValidationException("webhook_url", "must name a host (a valid host name or IP address)");
        }
        if (uri.getRawUserInfo() != null) {
            throw new ValidationException("webhook_url", "must not contain credentials");
        }
    }
}
