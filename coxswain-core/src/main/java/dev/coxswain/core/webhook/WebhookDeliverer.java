package dev.coxswain.core.webhook;

import dev.coxswain.core.domain.WebhookDelivery;
import dev.coxswain.core.runtime.Duty;
import dev.coxswain.core.runtime.EngineObserver;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.WebhookStore;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Logger;

/**
 * Sends due deliveries from the outbox: each is locked for one attempt (compare-and-set, so
 * nodes sharing a database never send it twice at once), signed, POSTed, and recorded —
 * delivered on a 2xx, otherwise retried with a doubling delay until {@code maxAttempts}. A batch is
 * sent in parallel on virtual threads, so one slow receiver does not hold up the rest. A job's
 * webhook (no subscription: its own URL and body) is sent the same way, signed with the
 * {@link WorkflowWebhookSecret}.
 */
public final class WebhookDeliverer implements Duty {
    private static final Logger LOG = Logger.getLogger(WebhookDeliverer.class.getName());
    private static final int BATCH = 64;
    private static final int MAX_ERROR = 500;

    private final Database db;
    private final WebhookStore store;
    private final AddressGuard guard;
    private final WebhookSettings settings;
    private final WebhookSender sender;
    private final Clock clock;
    private final EngineObserver observer;
    private final Duration idle;
    private final WorkflowWebhookSecret jobSecret;

    /** @param jobSecret signs the deliveries of jobs' webhooks */
    public WebhookDeliverer(Database db, WebhookStore store, WorkflowWebhookSecret jobSecret, WebhookSettings settings,
                            WebhookSender sender, AddressGuard.Resolver resolver, Clock clock, EngineObserver observer,
                            Duration idle) {
        this.db = db;
        this.store = store;
        this.jobSecret = jobSecret;
        this.guard = new AddressGuard(settings.allowLoopback(), settings.allowPrivate(), resolver);
        this.settings = settings;
        this.sender = sender;
        this.clock = clock;
        this.observer = observer;
        this.idle = idle;
    }

    @Override
    public String name() {
        return "webhook-deliverer";
    }

    @Override
    public Duration runOnce() throws Exception {
        Instant now = clock.instant();
        List<WebhookDelivery> due = db.read(c -> store.due(c, now, BATCH));
        List<WebhookDelivery> mine = new ArrayList<>(due.size());
        // A lock outlives the longest attempt, so a node that dies mid-send frees it again.
        Instant until = now.plus(settings.timeout().multipliedBy(3));
        for (WebhookDelivery d : due) {
            if (db.write(tx -> store.lock(tx, d.id(), now, until))) mine.add(d);
        }
        if (!mine.isEmpty()) {
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> sent = new ArrayList<>();
                for (WebhookDelivery d : mine) sent.add(pool.submit(() -> attempt(d)));
                for (Future<?> f : sent) f.get();
            }
        }
        if (due.size() == BATCH) return Duration.ZERO;
        Instant next = db.read(store::nextDue);
        if (next == null) return idle;
        Duration wait = Duration.between(clock.instant(), next);
        return wait.isNegative() ? Duration.ZERO : (wait.compareTo(idle) < 0 ? wait : idle);
    }

    private void attempt(WebhookDelivery d) {
        WebhookStore.Target target;
        try {
            target = d.webhookId() == WebhookDelivery.NO_SUBSCRIPTION
                    ? new WebhookStore.Target(d.webhookId(), d.targetUrl(), jobSecret.current().value(), true)
                    : db.read(c -> store.target(c, d.webhookId()));
        } catch (IllegalStateException e) {
            // A secret sealed with another key (a node started without the cluster's
            // secret-key): another node may still deliver it, so this is a failed attempt, not the end.
            retryOrFail(d, null, e.getMessage());
            return;
        }
        if (target == null) return; // deleted meanwhile, with its outbox
        if (!target.enabled()) {
            finish(d, WebhookDelivery.FAILED, null, "subscription disabled", null);
            return;
        }
        URI uri;
        try {
            uri = URI.create(target.url());
        } catch (IllegalArgumentException e) {
            finish(d, WebhookDelivery.FAILED, null, "invalid url", null);
            return;
        }
        AddressGuard.Checked checked = guard.resolve(uri);
        if (checked.refusal() != null) {
            finish(d, WebhookDelivery.FAILED, null, checked.refusal(), null);
            return;
        }
        byte[] body = WebhookPayloads.body(d);
        long ts = clock.instant().getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", "Coxswain-Webhooks/1");
        headers.put("X-Coxswain-Event", d.event());
        headers.put("X-Coxswain-Delivery", "whd-" + d.id());
        headers.put("X-Coxswain-Timestamp", Long.toString(ts));
        headers.put(WebhookSigner.SIGNATURE_HEADER, WebhookSigner.header(target.secret(), ts, body));
        Integer status = null;
        String error;
        try {
            // The checked address itself: a second lookup could answer differently (DNS rebinding).
            status = sender.send(uri, checked.address(), headers, body, settings.timeout());
            if (status >= 200 && status < 300) {
                finish(d, WebhookDelivery.DELIVERED, status, null, null);
                return;
            }
            error = "receiver answered HTTP " + status;
        } catch (IOException e) {
            // Interrupted (shutting down): not the receiver's failure. The lock expires; another pass retries it.
            if (Thread.currentThread().isInterrupted()) return;
            error = "request failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        retryOrFail(d, status, error);
    }

    private void retryOrFail(WebhookDelivery d, Integer status, String error) {
        int failures = d.attempts() + 1;
        if (failures >= settings.maxAttempts()) {
            finish(d, WebhookDelivery.FAILED, status, error + "; gave up after " + failures + " attempts", null);
        } else {
            finish(d, WebhookDelivery.PENDING, status, error, clock.instant().plus(settings.delayAfter(failures)));
        }
    }

    private void finish(WebhookDelivery d, String status, Integer responseStatus, String error, Instant next) {
        String e = error == null || error.length() <= MAX_ERROR ? error : error.substring(0, MAX_ERROR);
        Instant at = clock.instant();
        db.write(tx -> {
            store.recordAttempt(tx, d.id(), status, responseStatus, e, at, next);
            return null;
        });
        observer.webhookAttempt(JobWebhooks.metricEvent(d.event()), status.equals(WebhookDelivery.PENDING) ? "retrying" : status);
        if (!status.equals(WebhookDelivery.DELIVERED)) {
            LOG.fine(() -> "webhook delivery whd-" + d.id() + " (" + d.event() + "): " + e);
        }
    }
}
