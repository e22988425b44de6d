package dev.coxswain.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.worker.protocol.CanonicalJson;
import dev.coxswain.worker.protocol.Protocol;
import dev.coxswain.worker.protocol.Signatures;
import java.time.Clock;

/**
 * Seals a message for the wire: stamps {@code timestamp} (integer epoch seconds: the server keeps
 * a 60 s window), signs it with the master token and returns its canonical bytes. Sending the
 * canonical form itself means the server re-canonicalises exactly what was signed.
 */
final class MessageSigner {
    private final String workerId;
    private final String masterToken;
    private final Clock clock;

    MessageSigner(String workerId, String masterToken, Clock clock) {
        this.workerId = workerId;
        this.masterToken = masterToken;
        this.clock = clock;
    }

    /** Stamps and signs {@code message} in place and returns the bytes to send. */
    byte[] seal(ObjectNode message, boolean isEvent) {
        message.remove(Protocol.FIELD_SECURITY);
        message.put(Protocol.FIELD_TIMESTAMP, clock.instant().getEpochSecond());
        String signature = Signatures.sign(message, isEvent, masterToken);
        message.putObject(Protocol.FIELD_SECURITY)
                .put(Protocol.FIELD_SIGNATURE, signature)
                .put(Protocol.FIELD_SIGNER_ID, workerId);
        return CanonicalJson.canonicalBytes(message);
    }
}
