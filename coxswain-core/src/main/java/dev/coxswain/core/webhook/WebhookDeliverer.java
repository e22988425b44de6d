package dev.coxswain.core.webhook;

import dev.coxswain.core.domain.WebhookDelivery;
import dev.coxswain.core.runtime.Duty;
import dev.coxswain.core.runtime.EngineObserver;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.WebhookStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Logger;

/**
 * Sends due deliveries from the outbox: each is locked for one attempt (compare-and-set, so
 * nodes sharing a database never send it twice at once), signed, POSTed, and recorded —
 * delivered on a 2xx, otherwise retried with a doubling delay until {@code maxAttempts}. A batch is
 * sent in parallel on virtual threads, so one slow receiver does not hold up the rest.
 */
public final class WebhookDeliverer implements Duty {
    private static final Logger LOG = Logger.getLogger(WebhookDeliverer.class.getName());
    private static final int BATCH = 64;
    private static final int MAX_ERROR = 500;

    private final Database db;
    private final WebhookStore store;
    private final AddressGuard guard;
    private final WebhookSettings settings;
    private final HttpClient http;
    private final Clock clock;
    private final EngineObserver observer;
    private final Duration idle;

    public WebhookDeliverer(Database db, WebhookStore store, WebhookSettings settings, HttpClient http, Clock clock,
                            EngineObserver observer, Duration idle) {
        this.db = db;
        this.store = store;
        this.guard = new AddressGuard(settings.allowLoopback(), settings.allowPrivate());
        this.settings = settings;
        this.http = http;
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
        WebhookStore.Target target = db.read(c -> store.target(c, d.webhookId()));
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
        String refused = guard.check(uri);
        if (refused != null) {
            finish(d, WebhookDelivery.FAILED, null, refused, null);
            return;
        }
        byte[] body = WebhookPayloads.body(d);
        long ts = clock.instant().getEpochSecond();
        HttpRequest req = HttpRequest.newBuilder(uri)
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "Coxswain-Webhooks/1")
                .header("X-Coxswain-Event", d.event())
                .header("X-Coxswain-Delivery", "whd-" + d.id())
                .header("X-Coxswain-Timestamp", Long.toString(ts))
                .header(WebhookSigner.SIGNATURE_HEADER, WebhookSigner.header(target.secret(), ts, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        Integer status = null;
        String error;
        try {
            HttpResponse<Void> res = http.send(req, HttpResponse.BodyHandlers.discarding());
            status = res.statusCode();
            if (status >= 200 && status < 300) {
                finish(d, WebhookDelivery.DELIVERED, status, null, null);
                return;
            }
            error = "receiver answered HTTP " + status;
        } catch (IOException e) {
            error = "request failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return; // the lock expires; another pass retries it
        }
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
        observer.webhookAttempt(d.event(), status.equals(WebhookDelivery.PENDING) ? "retrying" : status);
        if (!status.equals(WebhookDelivery.DELIVERED)) {
            LOG.fine(() -> "webhook delivery whd-" + d.id() + " (" + d.event() + "): " + e);
        }
    }
}
