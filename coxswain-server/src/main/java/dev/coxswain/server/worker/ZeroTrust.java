package dev.coxswain.server.worker;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;

/**
 * The protocol's zero-trust checks on a body (registration, heartbeat, result, event): a
 * {@code timestamp} within the window of the server's clock (a replayed body is refused), and a
 * {@code security.signature} made with the worker's own token over the canonical form of the body.
 */
final class ZeroTrust {
    private final Clock clock;
    private final Duration window;
    private final boolean required;
    private final SignatureCheck signatures;

    ZeroTrust(Clock clock, Duration window, boolean required, SignatureCheck signatures) {
        this.clock = clock;
        this.window = window;
        this.required = required;
        this.signatures = signatures;
    }

    /** @throws WorkerError 403 when a check fails */
    void check(JsonNode body, boolean event, WorkerIdentity who) {
        JsonNode sec = body.get("security");
        JsonNode sig = sec == null ? null : sec.get("signature");
        if (sig != null && !sig.isNull() && !sig.isTextual()) throw WorkerError.unauthorized("security.signature must be a string");
        if (!required && (sig == null || sig.isNull())) return;
        JsonNode ts = body.get("timestamp");
        if (ts == null || ts.isNull()) throw WorkerError.unauthorized("Missing required timestamp in a signed message");
        if (!ts.isNumber()) throw WorkerError.unauthorized("timestamp must be epoch seconds");
        long now = clock.instant().getEpochSecond();
        if (Math.abs(now - ts.asDouble()) > window.toSeconds()) throw WorkerError.unauthorized("Message timestamp expired");
        if (sig == null || sig.isNull()) throw WorkerError.unauthorized("Missing signature (security.signature)");
        JsonNode signer = sec.get("signer_id");
        if (signer != null && !signer.isNull() && !who.workerId().equals(signer.asText())) {
            throw WorkerError.unauthorized("signer_id does not match the worker id");
        }
        if (!signatures.verify(body, event, who.master(), sig.asText())) throw WorkerError.unauthorized("Invalid signature");
    }
}
