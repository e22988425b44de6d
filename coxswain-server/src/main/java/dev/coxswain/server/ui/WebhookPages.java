package dev.coxswain.server.ui;

import dev.coxswain.core.domain.Page;
import dev.coxswain.core.domain.Scopes;
import dev.coxswain.core.domain.Webhook;
import dev.coxswain.core.domain.WebhookDelivery;
import dev.coxswain.core.webhook.WebhookService;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /ui/webhooks}: subscriptions to task and worker events and how their deliveries went, for
 * admins only (as {@code /api/webhooks}). A signing secret the server generates is shown once, in
 * the answer to the create form; one the admin typed is never sent back to the browser.
 */
public final class WebhookPages {
    /** Subscriptions shown on the list (the API pages through more). */
    static final int MAX_ROWS = 200;
    /** Deliveries shown per subscription on the list, and on its own page. */
    static final int LIST_DELIVERIES = 5;
    static final int PAGE_DELIVERIES = 50;
    private static final Pattern ID = Pattern.compile("wh-([0-9]{1,18})");

    public record DeliveryRow(String id, String event, String eventAt, String eventAtIso, String taskId, String workerId,
                              String status, int attempts, String responseStatus, String lastError, String nextAttempt,
                              String deliveredAt) {
        public String badge() {
            return switch (status) {
                case WebhookDelivery.DELIVERED -> "ok";
                case WebhookDelivery.FAILED -> "bad";
                default -> "status-queued";
            };
        }
    }

    public record WebhookRow(String id, String url, List<String> events, boolean enabled, String description,
                             String created, String createdIso, String updated, List<DeliveryRow> recent) {
    }

    public record WebhooksPage(Chrome chrome, List<WebhookRow> hooks, long total, List<String> events) {
        public boolean capped() {
            return total > hooks.size();
        }
    }

    public record WebhookPage(Chrome chrome, WebhookRow hook) {
    }

    /** The answer to the create form when the server made the secret: the only place it is shown. */
    public record CreatedPage(Chrome chrome, WebhookRow hook, String secret) {
    }

    private final WebhookService hooks;
    private final UiFormat fmt;

    WebhookPages(WebhookService hooks, UiFormat fmt) {
        this.hooks = hooks;
        this.fmt = fmt;
    }

    public void register(UiRoutes r) {
        r.get("/ui/webhooks", this::list);
        r.post("/ui/webhooks", this::create);
        r.get("/ui/webhooks/{id}", this::show);
        r.post("/ui/webhooks/{id}/enable", call -> enable(call, true));
        r.post("/ui/webhooks/{id}/disable", call -> enable(call, false));
        r.post("/ui/webhooks/{id}/delete", this::delete);
    }

    private void list(UiCall call) {
        call.require(Scopes.ADMIN);
        Page<Webhook> page = hooks.list(0, MAX_ROWS);
        List<WebhookRow> rows = new ArrayList<>();
        // One short indexed read per subscription (there are at most MAX_ROWS): how the latest went.
        for (Webhook w : page.items()) rows.add(row(w, hooks.recentDeliveries(w.id(), LIST_DELIVERIES)));
        call.page("webhooks_list.jte", new WebhooksPage(call.chrome("Webhooks", "webhooks"), rows, page.total(),
                List.copyOf(new TreeSet<>(Webhook.EVENTS))));
    }

    private void show(UiCall call) {
        call.require(Scopes.ADMIN);
        long id = id(call);
        Webhook w = hooks.get(id);
        call.page("webhooks_detail.jte", new WebhookPage(call.chrome("Webhook wh-" + id, "webhooks"),
                row(w, hooks.recentDeliveries(id, PAGE_DELIVERIES))));
    }

    private void create(UiCall call) {
        call.require(Scopes.ADMIN);
        UiForm f = call.form();
        // The secret as typed (not trimmed: spaces may be part of it); blank means "make one".
        String typed = f.raw("secret");
        String secret = typed == null || typed.isBlank() ? null : typed;
        WebhookService.Created made = hooks.create(new WebhookService.NewWebhook(f.get("url"), new TreeSet<>(f.all("events")),
                secret, true, f.get("description")));
        if (secret != null) {
            // The admin knows it already; it is not sent back (a page can be cached, shared or screenshotted).
            call.redirect("/ui/webhooks/wh-" + made.webhook().id(), "Webhook wh-" + made.webhook().id()
                    + " created; it signs deliveries with the secret you entered.");
            return;
        }
        call.page("webhooks_created.jte", new CreatedPage(call.chrome("Webhook created", "webhooks"),
                row(made.webhook(), List.of()), made.secret()));
    }

    private void enable(UiCall call, boolean on) {
        call.require(Scopes.ADMIN);
        long id = id(call);
        hooks.update(id, new WebhookService.WebhookPatch(null, null, null, on, null));
        call.redirect("/ui/webhooks", "Webhook wh-" + id + (on ? " enabled." : " disabled: no new deliveries are queued for it."));
    }

    private void delete(UiCall call) {
        call.require(Scopes.ADMIN);
        long id = id(call);
        hooks.delete(id);
        call.redirect("/ui/webhooks", "Webhook wh-" + id + " deleted.");
    }

    private WebhookRow row(Webhook w, List<WebhookDelivery> recent) {
        List<DeliveryRow> ds = new ArrayList<>();
        for (WebhookDelivery d : recent) ds.add(delivery(d));
        return new WebhookRow("wh-" + w.id(), w.url(), List.copyOf(new TreeSet<>(w.events())), w.enabled(), w.description(),
                fmt.time(w.createdAt()), fmt.iso(w.createdAt()), fmt.time(w.updatedAt()), ds);
    }

    private DeliveryRow delivery(WebhookDelivery d) {
        return new DeliveryRow("whd-" + d.id(), d.event(), fmt.time(d.eventAt()), fmt.iso(d.eventAt()),
                d.taskId() == null ? null : fmt.taskId(d.taskId()), d.workerId(), d.status(), d.attempts(),
                d.responseStatus() == null ? "—" : String.valueOf(d.responseStatus()), d.lastError(),
                WebhookDelivery.PENDING.equals(d.status()) && d.nextAttemptAt() != null ? fmt.relative(d.nextAttemptAt()) : null,
                d.deliveredAt() == null ? null : fmt.time(d.deliveredAt()));
    }

    /** {@code wh-3} in the path; anything else names no subscription. */
    static long id(UiCall call) {
        String raw = call.path("id");
        Matcher m = raw == null ? null : ID.matcher(raw);
        if (m == null || !m.matches()) throw UiException.notFound("Webhook " + (raw == null ? "" : raw));
        return Long.parseLong(m.group(1));
    }
}
