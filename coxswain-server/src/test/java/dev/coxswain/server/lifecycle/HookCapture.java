package dev.coxswain.server.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.webhook.Receiver;
import dev.coxswain.core.webhook.WebhookSigner;
import dev.coxswain.server.ui.NativeApi;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * One scenario's webhook: a subscription to every task event, pointed at a receiver on
 * 127.0.0.1, and what arrived there. Deliveries are sent in parallel, so they are listed in the
 * order of their delivery ids (the order the outbox recorded the events), each checked for a valid
 * signature and for headers that agree with its body.
 */
final class HookCapture {
    static final String SECRET = "parity-webhook-secret-0123456789";
    private static final String EVENTS = "[\"task.created\",\"task.started\",\"task.completed\",\"task.failed\","
            + "\"task.cancelled\",\"task.retrying\",\"task.progress\",\"task.event\"]";
    /** When each attempt was made: the deliverer's pace, not the task's life. */
    private static final List<String> SEND_TIMES = List.of("last_attempt_at", "delivered_at");

    private final Receiver receiver;
    private final Duration wait;
    private String hookId;

    HookCapture(Receiver receiver, Duration wait) {
        this.receiver = receiver;
        this.wait = wait;
    }

    /** Subscribes before the scenario's first task exists, so every one of its events is delivered. */
    void subscribe(NativeApi api) {
        receiver.received.clear();
        hookId = api.post("/api/webhooks", "{\"url\":" + NativeApi.quote(receiver.url()) + ",\"events\":" + EVENTS
                + ",\"secret\":\"" + SECRET + "\",\"description\":\"lifecycle parity\"}").path("id").asText();
    }

    /**
     * Waits until every delivery the outbox holds has arrived, writes them and the delivery log
     * into {@code t}, then removes the subscription (the next scenario has its own). The server
     * may have been restarted since {@link #subscribe}: {@code api} is the one running now.
     */
    void capture(NativeApi api, Transcript t) {
        String log = "/api/webhooks/" + hookId + "/deliveries?limit=100";
        JsonNode[] last = new JsonNode[1];
        await().atMost(wait).pollInterval(Duration.ofMillis(20)).until(() -> {
            last[0] = api.envelope("GET", log, null);
            long total = last[0].path("meta").path("total").asLong();
            long delivered = 0;
            for (JsonNode d : last[0].path("data")) if (d.path("status").asText().equals("delivered")) delivered++;
            return delivered == total && receiver.received.size() == total;
        });
        t.section("webhook deliveries received, in delivery id order");
        List<Receiver.Got> got = receiver.received.stream()
                .sorted(Comparator.comparingLong(g -> Long.parseLong(g.header("X-Coxswain-Delivery").substring("whd-".length()))))
                .toList();
        for (Receiver.Got g : got) {
            JsonNode body = Json.read(g.body());
            long ts = Long.parseLong(g.header("X-Coxswain-Timestamp"));
            assertThat(g.header(WebhookSigner.SIGNATURE_HEADER)).as("signature of %s", g.body())
                    .isEqualTo("t=" + ts + ",v1=" + WebhookSigner.hmac(SECRET, ts, g.body().getBytes(StandardCharsets.UTF_8)));
            assertThat(g.header("X-Coxswain-Event")).isEqualTo(body.path("event").asText());
            assertThat(g.header("X-Coxswain-Delivery")).isEqualTo(body.path("delivery_id").asText());
            t.line(g.header("X-Coxswain-Event") + " " + g.header("X-Coxswain-Delivery") + " " + g.header("Content-Type")
                    + " " + g.header("User-Agent"));
            t.line("  " + g.body());
        }
        for (JsonNode d : last[0].path("data")) {
            for (String f : SEND_TIMES) if (!d.path(f).isNull()) ((ObjectNode) d).put(f, "<sent>");
        }
        t.section("GET /api/webhooks/" + hookId + "/deliveries?limit=100 (send times as <sent>)");
        t.list(last[0]);
        api.envelope("DELETE", "/api/webhooks/" + hookId, null);
        receiver.received.clear();
    }
}
