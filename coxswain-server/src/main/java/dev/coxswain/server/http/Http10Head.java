package dev.coxswain.server.http;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Turns the head of an HTTP/1.0 request into the HTTP/1.1 head Helidon accepts (it answers 1.0
 * with 505), keeping 1.0's meaning: the connection closes after the response unless the client
 * asked for keep-alive, and a missing {@code Host} (optional in 1.0, required in 1.1) is filled
 * in. Reverse proxies speak 1.0 to their backends by default (nginx's {@code proxy_http_version}).
 */
final class Http10Head {
    private static final String VERSION_10 = " HTTP/1.0";

    /** The rewritten head and whether the client asked to keep the connection. */
    record Rewritten(byte[] head, boolean keepAlive) {
    }

    private Http10Head() {
    }

    /** Whether the request line (up to its CRLF) ends with {@code HTTP/1.0}. */
    static boolean isHttp10RequestLine(String line) {
        return line.endsWith(VERSION_10 + "\r") || line.endsWith(VERSION_10);
    }

    /**
     * @param head the complete head, request line to the empty line ({@code \r\n\r\n}), ISO-8859-1
     * @param host what to put in a {@code Host} header when there is none
     */
    static Rewritten rewrite(String head, String host) {
        String[] lines = head.split("\r\n", -1);
        StringBuilder out = new StringBuilder(head.length() + 40);
        String requestLine = lines[0];
        out.append(requestLine, 0, requestLine.length() - VERSION_10.length()).append(" HTTP/1.1\r\n");
        boolean keepAlive = false;
        boolean hasHost = false;
        StringBuilder fields = new StringBuilder();
        for (int i = 1; i < lines.length; i++) {
            String l = lines[i];
            if (l.isEmpty()) continue;
            int colon = l.indexOf(':');
            String name = colon < 0 ? "" : l.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            if (name.equals("host")) hasHost = true;
            if (name.equals("connection")) {
                for (String token : l.substring(colon + 1).split(",")) {
                    if (token.trim().equalsIgnoreCase("keep-alive")) keepAlive = true;
                }
            }
            fields.append(l).append("\r\n");
        }
        if (!hasHost) out.append("Host: ").append(host).append("\r\n");
        if (!keepAlive) out.append("Connection: close\r\n");
        out.append(fields).append("\r\n");
        return new Rewritten(out.toString().getBytes(StandardCharsets.ISO_8859_1), keepAlive);
    }
}
