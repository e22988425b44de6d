package dev.coxswain.core.webhook;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Sends one webhook POST to an address the {@link AddressGuard} has already checked. The URL's
 * host is only the name the receiver knows itself by (Host header, TLS server name and
 * certificate check); the connection goes to {@code address}, never to a fresh lookup of it.
 */
@FunctionalInterface
public interface WebhookSender {
    /** @return the response's status code */
    int send(URI url, InetAddress address, Map<String, String> headers, byte[] body, Duration timeout) throws IOException;
}
