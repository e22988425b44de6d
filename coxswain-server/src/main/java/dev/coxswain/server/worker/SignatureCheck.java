package dev.coxswain.server.worker;

import com.fasterxml.jackson.databind.JsonNode;

/** Verifies a worker body's signature (the real one: {@code dev.coxswain.worker.protocol.Signatures::verify}). */
@FunctionalInterface
public interface SignatureCheck {
    boolean verify(JsonNode message, boolean event, String key, String signatureHex);
}
