package dev.coxswain.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.worker.protocol.Protocol;
import java.time.Duration;

/**
 * Posts a task result, retrying as the SDK's result queue does: up to {@code resultTries}
 * attempts, waiting 1 s and doubling between them (at least the server's Retry-After on a 429).
 * Each try is stamped and signed afresh, so a retry late in the sequence still falls in the
 * server's 60 s timestamp window. An {@code ignored} answer (the job was cancelled, the attempt is
 * stale, ...) is final: the server has decided, and retrying would not change that.
 */
final class ResultSender {
    private static final System.Logger LOG = System.getLogger(ResultSender.class.getName());

    enum Delivery { ACCEPTED, IGNORED, DROPPED }

    private final WorkerApi api;
    private final MessageSigner signer;
    private final Timings timings;

    ResultSender(WorkerApi api, MessageSigner signer, Timings timings) {
        this.api = api;
        this.signer = signer;
        this.timings = timings;
    }

    Delivery send(ObjectNode result) {
        String taskId = result.path("task_id").asText();
        Backoff backoff = new Backoff(timings.resultRetry(), Duration.ofMinutes(5));
        for (int attempt = 1; ; attempt++) {
            try {
                JsonNode answer = api.post(Protocol.PATH_RESULT, signer.seal(result, false));
                if (answer != null && Protocol.RESULT_IGNORED.equals(answer.path("status").asText())) {
                    LOG.log(System.Logger.Level.INFO, "Server ignored the result of {0}: {1} ({2})", taskId,
                            answer.path("reason").asText(), answer.path("message").asText());
                    return Delivery.IGNORED;
                }
                return Delivery.ACCEPTED;
            } catch (ApiException e) {
                if (attempt >= timings.resultTries()) {
                    LOG.log(System.Logger.Level.WARNING, "Dropping the result of {0} after {1} tries: {2}", taskId, attempt, e.getMessage());
                    return Delivery.DROPPED;
                }
                Duration wait = backoff.next();
                if (e.retryAfter() != null && e.retryAfter().compareTo(wait) > 0) wait = e.retryAfter();
                LOG.log(System.Logger.Level.INFO, "Result of {0} not delivered ({1}); retrying in {2} ms", taskId, e.getMessage(), wait.toMillis());
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return Delivery.DROPPED;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Delivery.DROPPED;
            }
        }
    }
}
