package dev.coxswain.server.nativeapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Page;
import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.domain.Webhook;
import dev.coxswain.core.domain.WebhookDelivery;
import dev.coxswain.core.webhook.WebhookService;
import dev.coxswain.server.face.FaceCreates;
import dev.coxswain.server.http.Bodies;
import dev.coxswain.server.http.Respond;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code /api/webhooks}: subscriptions to the seed's task and worker events (admin only), and
 * each subscription's delivery log. The signing secret appears once, in the create answer.
 */
final class NativeWebhookRoutes {
    static final String PREFIX = "wh-";
    static final String DELIVERY_PREFIX = "whd-";

    private final WebhookService hooks;
    private final Bodies bodies;
    private final FaceCreates creates;

    NativeWebhookRoutes(WebhookService hooks, Bodies bodies, FaceCreates creates) {
        this.creates = creates;
        this.hooks = hooks;
        this.bodies = bodies;
    }

    void list(ServerRequest req, ServerResponse res, Principal who) {
        NativeParams p = new NativeParams(req);
        int page = p.page(), limit = p.limit(NativeParams.DEFAULT_LIMIT, NativeParams.MAX_LIMIT);
        Page<Webhook> result = hooks.list(NativeParams.offset(page, limit), limit);
        Respond.json(res, 200, NativeJson.pageOf(result, NativeWebhookRoutes::webhook, page, limit));
    }

    void create(ServerRequest req, ServerResponse res, Principal who) {
        NativeFields b = new NativeFields(bodies.readJson(req));
        String url = b.requiredString("url", 2000);
        Set<String> events = b.strings("events", 100);
        if (events == null && !b.errors.containsKey("events")) b.error("events", "is required");
        String secret = b.optionalString("secret", 500);
        Boolean enabled = b.bool("enabled");
        String description = b.optionalString("description", 500);
        b.finish();
        var w = new WebhookService.NewWebhook(url, events, secret, enabled, description);
        creates.<WebhookService.Created>respond(req, res, who, then -> hooks.create(w, then), c -> {
            ObjectNode n = webhook(c.webhook());
            n.put("secret", c.secret());
            return FaceCreates.jsonShowingOnce(201, NativeJson.data(n), n, "secret");
        });
    }

    void get(ServerRequest req, ServerResponse res, Principal who) {
        Respond.json(res, 200, NativeJson.data(webhook(hooks.get(id(req)))));
    }

    void update(ServerRequest req, ServerResponse res, Principal who) {
        long id = id(req);
        NativeFields b = new NativeFields(bodies.readJson(req));
        String url = b.optionalString("url", 2000);
        Set<String> events = b.strings("events", 100);
        String secret = b.optionalString("secret", 500);
        Boolean enabled = b.bool("enabled");
        String description = b.optionalString("description", 500);
        b.finish();
        Webhook w = hooks.update(id, new WebhookService.WebhookPatch(url, events, secret, enabled, description));
        Respond.json(res, 200, NativeJson.data(webhook(w)));
    }

    void delete(ServerRequest req, ServerResponse res, Principal who) {
        hooks.delete(id(req));
        Respond.json(res, 200, NativeJson.data(Json.object().put("success", true).put("message", "Webhook deleted successfully")));
    }

    void deliveries(ServerRequest req, ServerResponse res, Principal who) {
        long id = id(req);
        NativeParams p = new NativeParams(req);
        String status = p.string("status");
        if (status != null && !Set.of(WebhookDelivery.PENDING, WebhookDelivery.DELIVERED, WebhookDelivery.FAILED).contains(status)) {
            throw NativeError.badParam("status", "status must be one of pending, delivered, failed");
        }
        int page = p.page(), limit = p.limit(NativeParams.DEFAULT_LIMIT, NativeParams.MAX_LIMIT);
        Page<WebhookDelivery> result = hooks.deliveries(id, status, NativeParams.offset(page, limit), limit);
        Respond.json(res, 200, NativeJson.pageOf(result, NativeWebhookRoutes::delivery, page, limit));
    }

    static ObjectNode webhook(Webhook w) {
        ObjectNode n = Json.object();
        n.put("id", PREFIX + w.id());
        n.put("url", w.url());
        n.set("events", Json.MAPPER.valueToTree(new TreeSet<>(w.events())));
        n.put("enabled", w.enabled());
        n.put("description", w.description());
        n.put("created_at", NativeJson.time(w.createdAt()));
        n.put("updated_at", NativeJson.time(w.updatedAt()));
        return n;
    }

    static ObjectNode delivery(WebhookDelivery d) {
        ObjectNode n = Json.object();
        n.put("id", DELIVERY_PREFIX + d.id());
        n.put("webhook_id", PREFIX + d.webhookId());
        n.put("event", d.event());
        n.put("event_at", NativeJson.time(d.eventAt()));
        n.put("task_id", d.taskId() == null ? null : NativeJson.taskId(d.taskId()));
        n.put("worker_id", d.workerId());
        n.put("status", d.status());
        n.put("attempts", d.attempts());
        n.put("next_attempt_at", WebhookDelivery.PENDING.equals(d.status()) ? NativeJson.time(d.nextAttemptAt()) : null);
        n.put("last_attempt_at", NativeJson.time(d.lastAttemptAt()));
        if (d.responseStatus() == null) n.putNull("response_status");
        else n.put("response_status", d.responseStatus());
        n.put("last_error", d.lastError());
        n.put("delivered_at", NativeJson.time(d.deliveredAt()));
        n.put("created_at", NativeJson.time(d.createdAt()));
        return n;
    }

    private static long id(ServerRequest req) {
        return NativeFields.pathId(req, PREFIX, "webhook");
    }
}
