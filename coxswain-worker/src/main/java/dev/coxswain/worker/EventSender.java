package dev.coxswain.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.worker.protocol.Protocol;
import java.nio.charset.StandardCharsets;

/**
 * Delivers worker events: over the WebSocket while it is connected, else by
 * {@code POST /_worker/events} (always by POST where the order against the result matters). Like the SDK it never retries and never throws: an event is a
 * report, and a lost one must not fail the task that sent it.
 */
final class EventSender {
    private static final System.Logger LOG = System.getLogger(EventSender.class.getName());

    private final WorkerApi api;
    private final MessageSigner signer;
    private final SocketLink socket;

    /** @param socket the WebSocket, or null when the worker does not use one */
    EventSender(WorkerApi api, MessageSigner signer, SocketLink socket) {
        this.api = api;
        this.signer = signer;
        this.socket = socket;
    }

    /** @return whether the server took the event (over the WebSocket: whether it was sent) */
    boolean send(ObjectNode event) {
        byte[] sealed = signer.seal(event, true);
        if (socket != null && socket.trySend(new String(sealed, StandardCharsets.UTF_8))) return true;
        return post(event, sealed);
    }

    /**
     * Sends by {@code POST /_worker/events} even while the WebSocket is connected, and returns
     * once the server has answered: the event is stored before anything the caller sends next.
     * A frame on the socket gives no such order against a later HTTP request (the result), and
     * the server ignores a task's events once its result is in.
     *
     * @return whether the server took the event
     */
    boolean sendAcknowledged(ObjectNode event) {
        return post(event, signer.seal(event, true));
    }

    private boolean post(ObjectNode event, byte[] sealed) {
        try {
            JsonNode answer = api.post(Protocol.PATH_EVENTS, sealed);
            boolean refused = answer != null && "error".equals(answer.path("status").asText());
            if (refused) {
                LOG.log(System.Logger.Level.WARNING, "Server refused a {0} event: {1}", event.path("event_type").asText(), answer);
            }
            return !refused;
        } catch (ApiException e) {
            LOG.log(System.Logger.Level.INFO, "Could not send a {0} event: {1}", event.path("event_type").asText(), e.getMessage());
            return false;
        } catch (InterruptedException e) {
            // The task was cancelled mid-send; keep the interrupt for the handler to see.
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
