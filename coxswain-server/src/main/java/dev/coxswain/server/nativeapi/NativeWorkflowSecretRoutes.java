package dev.coxswain.server.nativeapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.webhook.WorkflowWebhookSecret;
import dev.coxswain.server.http.Respond;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code /api/system/workflow-webhook-secret} (admin only): the secret that signs jobs' webhooks,
 * so an admin can hand it to the receivers that check the signatures, and its rotation.
 */
final class NativeWorkflowSecretRoutes {
    private final WorkflowWebhookSecret secret;

    NativeWorkflowSecretRoutes(WorkflowWebhookSecret secret) {
        this.secret = secret;
    }

    void get(ServerRequest req, ServerResponse res, Principal who) {
        send(res, secret.current());
    }

    /** A configured secret cannot be rotated here: 409, change the configuration instead. */
    void rotate(ServerRequest req, ServerResponse res, Principal who) {
        send(res, secret.rotate());
    }

    private static void send(ServerResponse res, WorkflowWebhookSecret.Secret s) {
        ObjectNode d = Json.object();
        d.put("secret", s.value());
        d.put("source", s.source());
        d.put("updated_at", NativeJson.time(s.updatedAt()));
        // A secret in the body: no cache along the way may keep it.
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        Respond.json(res, 200, NativeJson.data(d));
    }
}
