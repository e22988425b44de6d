package dev.coxswain.core.webhook;

import dev.coxswain.core.domain.Page;
import dev.coxswain.core.domain.Webhook;
import dev.coxswain.core.domain.WebhookDelivery;
import dev.coxswain.core.service.NotFoundException;
import dev.coxswain.core.service.ValidationException;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.InTx;
import dev.coxswain.core.store.WebhookStore;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Webhook subscriptions: validation and storage. Delivery is the {@link WebhookDeliverer}'s. */
public final class WebhookService {
    static final int MIN_SECRET = 16;
    static final int MAX_URL = 2000;

    private final Database db;
    private final WebhookStore store;
    private final AddressGuard guard;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public WebhookService(Database db, WebhookStore store, WebhookSettings settings, Clock clock) {
        this.db = db;
        this.store = store;
        this.guard = new AddressGuard(settings.allowLoopback(), settings.allowPrivate());
        this.clock = clock;
    }

    /** @param secret null: one is generated */
    public record NewWebhook(String url, Set<String> events, String secret, Boolean enabled, String description) {
        @Override
        public String toString() {
            return "NewWebhook[url=" + url + ", events=" + events + "]";
        }
    }

    /** A partial change; null fields stay as they are. */
    public record WebhookPatch(String url, Set<String> events, String secret, Boolean enabled, String description) {
        @Override
        public String toString() {
            return "WebhookPatch[url=" + url + ", events=" + events + ", enabled=" + enabled + "]";
        }
    }

    /** The stored subscription and its secret, shown once. */
    public record Created(Webhook webhook, String secret) {
        @Override
        public String toString() {
            return "Created[" + webhook + "]";
        }
    }

    public Created create(NewWebhook w) {
        return create(w, InTx.none());
    }

    /** As {@link #create(NewWebhook)}, running {@code then} in the creating transaction. */
    public Created create(NewWebhook w, InTx<? super Created> then) {
        Map<String, String> bad = new LinkedHashMap<>();
        if (w.url() == null) bad.put("url", "is required");
        else checkUrl(w.url(), bad);
        if (w.events() == null) bad.put("events", "is required");
        else checkEvents(w.events(), bad);
        if (w.secret() != null && w.secret().length() < MIN_SECRET) bad.put("secret", "must be at least " + MIN_SECRET + " characters");
        if (w.description() != null && w.description().length() > 500) bad.put("description", "must be at most 500 characters");
        if (!bad.isEmpty()) throw new ValidationException(bad);
        String secret = w.secret() != null ? w.secret() : "whsec_" + HexFormat.of().formatHex(randomBytes());
        return db.write(tx -> {
            long id = store.insert(tx, w.url(), secret, w.events(), w.enabled() == null || w.enabled(),
                    w.description(), clock.instant());
            Created made = new Created(store.find(tx.connection(), id), secret);
            then.accept(tx, made);
            return made;
        });
    }

    public Webhook get(long id) {
        Webhook w = db.read(c -> store.find(c, id));
        if (w == null) throw new NotFoundException("webhook wh-" + id + " not found");
        return w;
    }

    public Page<Webhook> list(int offset, int limit) {
        return db.read(c -> store.list(c, offset, limit));
    }

    public Webhook update(long id, WebhookPatch p) {
        Map<String, String> bad = new LinkedHashMap<>();
        if (p.url() != null) checkUrl(p.url(), bad);
        if (p.events() != null) checkEvents(p.events(), bad);
        if (p.secret() != null && p.secret().length() < MIN_SECRET) bad.put("secret", "must be at least " + MIN_SECRET + " characters");
        if (p.description() != null && p.description().length() > 500) bad.put("description", "must be at most 500 characters");
        if (!bad.isEmpty()) throw new ValidationException(bad);
        Map<String, Object> sets = new LinkedHashMap<>();
        if (p.url() != null) sets.put("url", p.url());
        if (p.secret() != null) sets.put("secret", p.secret());
        if (p.enabled() != null) sets.put("enabled", p.enabled());
        if (p.description() != null) sets.put("description", p.description());
        if (!db.write(tx -> store.update(tx, id, sets, p.events(), clock.instant()))) {
            throw new NotFoundException("webhook wh-" + id + " not found");
        }
        return get(id);
    }

    public void delete(long id) {
        if (!db.write(tx -> store.delete(tx, id))) throw new NotFoundException("webhook wh-" + id + " not found");
    }

    public Page<WebhookDelivery> deliveries(long id, String status, int offset, int limit) {
        get(id);
        return db.read(c -> store.deliveriesOf(c, id, status, offset, limit));
    }

    /**
     * The subscription's newest {@code limit} deliveries, newest first, without the total that
     * {@link #deliveries} counts: for a dashboard that shows how the latest ones went.
     */
    public List<WebhookDelivery> recentDeliveries(long id, int limit) {
        if (limit < 1) throw new IllegalArgumentException("limit must be at least 1");
        get(id);
        return db.read(c -> store.recentDeliveriesOf(c, id, limit));
    }

    private void checkUrl(String url, Map<String, String> bad) {
        if (url.length() > MAX_URL) {
            bad.put("url", "must be at most " + MAX_URL + " characters");
            return;
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            bad.put("url", "is not a valid URL");
            return;
        }
        String refused = guard.check(uri);
        if (refused != null) bad.put("url", refused);
    }

    private static void checkEvents(Set<String> events, Map<String, String> bad) {
        if (events.isEmpty()) {
            bad.put("events", "at least one event is required");
            return;
        }
        for (String e : events) {
            if (!Webhook.EVENTS.contains(e)) {
                bad.put("events", "unknown event '" + e + "'; known: " + String.join(", ", new TreeSet<>(Webhook.EVENTS)));
                return;
            }
        }
    }

    private byte[] randomBytes() {
        byte[] b = new byte[24];
        random.nextBytes(b);
        return b;
    }
}
