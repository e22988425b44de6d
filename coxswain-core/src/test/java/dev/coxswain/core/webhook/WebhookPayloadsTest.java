package dev.coxswain.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Webhook;
import dev.coxswain.core.domain.WebhookDelivery;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The delivery bodies of the events remote workers report about the tasks they run. */
class WebhookPayloadsTest {
    private static final Instant T = Instant.parse("2026-06-01T12:00:00Z");

    @Test
    void remoteWorkerEventsCanBeSubscribedTo() {
        assertThat(Webhook.EVENTS).contains("task.progress", "task.event");
    }

    @Test
    void aProgressDeliveryCarriesTheReportedProgress() {
        JsonNode body = body("task.progress", "{\"progress\":0.25,\"message\":\"a quarter\"}");
        assertThat(body.path("event").asText()).isEqualTo("task.progress");
        assertThat(body.at("/task/id").asText()).isEqualTo("task-7");
        assertThat(body.at("/task/status").asText()).isEqualTo("running");
        assertThat(body.at("/task/progress/value").asDouble()).isEqualTo(0.25);
        assertThat(body.at("/task/progress/message").asText()).isEqualTo("a quarter");
        assertThat(body.has("worker_event")).isFalse();
    }

    @Test
    void aProgressWithoutAValueSaysSo() {
        JsonNode body = body("task.progress", "{\"progress\":null,\"message\":null}");
        assertThat(body.at("/task/progress/value").isNull()).isTrue();
        assertThat(body.at("/task/progress/message").isNull()).isTrue();
    }

    @Test
    void anEventOfTheWorkersOwnTypeCarriesItsTypeAndPayload() {
        JsonNode body = body("task.event", "{\"event_type\":\"frame_rendered\",\"payload\":{\"frame\":12}}");
        assertThat(body.at("/task/status").asText()).isEqualTo("running");
        assertThat(body.at("/worker_event/event_type").asText()).isEqualTo("frame_rendered");
        assertThat(body.at("/worker_event/payload/frame").asInt()).isEqualTo(12);
        assertThat(body.at("/task").has("progress")).isFalse();
    }

    private static JsonNode body(String event, String data) {
        WebhookDelivery d = new WebhookDelivery(3, 1, event, T, 7L, "gpu-1", data, "render", null, T, null,
                WebhookDelivery.PENDING, 0, T, T, null, null, null, null, null, null);
        return Json.read(new String(WebhookPayloads.body(d), StandardCharsets.UTF_8));
    }
}
