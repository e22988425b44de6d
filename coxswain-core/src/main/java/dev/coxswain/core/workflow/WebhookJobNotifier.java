package dev.coxswain.core.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.store.Tx;
import dev.coxswain.core.webhook.JobWebhooks;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Queues a job's webhook in the outbox with the body the original sends (research §12): every key
 * present, null allowed; {@code timestamp} a float epoch.
 */
public final class WebhookJobNotifier implements JobNotifier {
    private final JobWebhooks hooks;

    public WebhookJobNotifier(JobWebhooks hooks) {
        this.hooks = hooks;
    }

    @Override
    public void notify(Tx tx, Job job, String event, JsonNode result, String error, Instant now) throws SQLException {
        if (job.webhookUrl() == null) return;
        ObjectNode body = Json.object();
        body.put("event", event);
        body.put("job_id", job.id());
        body.put("status", job.status().wire());
        body.set("result", result);
        body.put("error", error);
        body.set("security", null);
        body.set("metadata", job.metadata());
        body.put("timestamp", now.toEpochMilli() / 1000.0);
        hooks.enqueue(tx, job.webhookUrl(), event, Json.write(body), now);
    }
}
