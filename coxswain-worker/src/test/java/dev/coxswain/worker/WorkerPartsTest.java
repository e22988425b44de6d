package dev.coxswain.worker;

import static dev.coxswain.worker.Workers.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The small pieces: Retry-After, payload parsing, error sorting, backoff, builder checks. */
class WorkerPartsTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-07-08T10:00:00Z"), ZoneOffset.UTC);

    @Test
    void retryAfterIsSecondsOrAnHttpDate() {
        WorkerApi api = new WorkerApi(HttpClient.newHttpClient(), URI.create("http://127.0.0.1:1"), "w", new TokenStore("t"),
                Workers.MAPPER, Duration.ofSeconds(1), CLOCK);

        assertThat(api.retryAfter("1")).isEqualTo(Duration.ofSeconds(1));
        assertThat(api.retryAfter(" 2.5 ")).isEqualTo(Duration.ofMillis(2500));
        assertThat(api.retryAfter("Wed, 08 Jul 2026 10:00:30 GMT")).isEqualTo(Duration.ofSeconds(30));
        assertThat(api.retryAfter("Wed, 08 Jul 2026 09:00:00 GMT")).isEqualTo(Duration.ZERO);
        assertThat(api.retryAfter("soon")).isNull();
        assertThat(api.retryAfter("-1")).isNull();
    }

    @Test
    void sealingStampsTheClocksSecondsAndSignsWithTheMasterToken() throws Exception {
        MessageSigner signer = new MessageSigner("w-1", "master", CLOCK);
        com.fasterxml.jackson.databind.node.ObjectNode message = (com.fasterxml.jackson.databind.node.ObjectNode)
                json("{\"b\":0.5,\"a\":null,\"security\":{\"signature\":\"stale\"}}");

        byte[] sealed = signer.seal(message, false);

        com.fasterxml.jackson.databind.JsonNode sent = Workers.MAPPER.readTree(sealed);
        assertThat(sent.path("timestamp").asLong()).isEqualTo(CLOCK.instant().getEpochSecond());
        assertThat(sent.path("security").path("signer_id").asText()).isEqualTo("w-1");
        assertThat(dev.coxswain.worker.protocol.Signatures.verify(sent, false, "master")).isTrue();
        assertThat(new String(sealed, java.nio.charset.StandardCharsets.UTF_8))
                .as("the body is the canonical form itself").startsWith("{\"b\":0.5,\"security\":{");
    }

    @Test
    void aTaskPayloadYieldsCoxswainsMetadata() {
        TaskPayload payload = TaskPayload.parse(json("""
                {"job_id":"task-3","task_id":"task-3.2","type":"echo","params":{"a":1},"tracing_context":{},
                 "priority":0,"timestamp":1796509208,"deadline":1796509508,
                 "metadata":{"coxswain_task":"task-3","attempt":2,"name":"n","checkpoint":{"i":5}}}"""));

        assertThat(payload.jobId()).isEqualTo("task-3");
        assertThat(payload.taskId()).isEqualTo("task-3.2");
        assertThat(payload.attempt()).isEqualTo(2);
        assertThat(payload.coxswainTask()).isEqualTo("task-3");
        assertThat(payload.deadline()).isEqualTo(Instant.ofEpochSecond(1796509508L));
        assertThat(payload.checkpoint()).isEqualTo(json("{\"i\":5}"));

        TaskPayload sdkStyle = TaskPayload.parse(json("{\"job_id\":\"j\",\"task_id\":\"t\",\"type\":\"echo\"}"));
        assertThat(sdkStyle.params()).isEqualTo(json("{}"));
        assertThat(sdkStyle.metadata()).isEqualTo(json("{}"));
        assertThat(sdkStyle.attempt()).isEqualTo(1);
        assertThat(sdkStyle.coxswainTask()).isNull();
        assertThat(sdkStyle.deadline()).isNull();
        assertThat(sdkStyle.checkpoint()).isNull();

        assertThatThrownBy(() -> TaskPayload.parse(json("{\"job_id\":\"j\",\"type\":\"echo\"}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("task_id");
    }

    @Test
    void lostSessionsAreTheSdksNotFoundAndUnauthorized() {
        assertThat(new ApiException(ApiException.Kind.HTTP, 404, "HTTP 404: {\"error\":\"Worker not found\"}", null, null).sessionLost()).isTrue();
        assertThat(new ApiException(ApiException.Kind.HTTP, 403, "HTTP 403: {\"error\":\"Unauthorized: x\"}", null, null).sessionLost()).isTrue();
        assertThat(new ApiException(ApiException.Kind.UNAUTHORIZED, 401, "Unauthorized (401)", null, null).sessionLost()).isTrue();
        assertThat(new ApiException(ApiException.Kind.HTTP, 500, "HTTP 500: oops", null, null).sessionLost()).isFalse();
        assertThat(ApiException.network("/p", new java.io.IOException("not found")).sessionLost()).isFalse();
    }

    @Test
    void backoffDoublesUpToItsCapAndResets() {
        Backoff backoff = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(60));
        assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(4));
        for (int i = 0; i < 5; i++) backoff.next();
        assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(60));
        backoff.reset();
        assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void theBuilderRefusesWhatTheProtocolWouldRefuse() {
        assertThatThrownBy(() -> CoxswainWorker.builder().workerId("has.dot")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CoxswainWorker.builder().skill("a/b", ctx -> null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CoxswainWorker.builder().serverUrl("ftp://x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CoxswainWorker.builder().masterToken(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CoxswainWorker.builder().concurrency(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CoxswainWorker.builder().skill("a", ctx -> null).skill("a", ctx -> null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CoxswainWorker.builder().serverUrl("http://x").workerId("w").masterToken("t").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("skill");
    }

    @Test
    void aWorkerStartsOnceAndClosingAnUnstartedOneIsFine() {
        CoxswainWorker worker = CoxswainWorker.builder().serverUrl("http://127.0.0.1:1").workerId("w").masterToken("t")
                .skill("a", ctx -> null).build();
        worker.close();
        assertThatThrownBy(worker::start).isInstanceOf(IllegalStateException.class);
        worker.close();
    }
}
