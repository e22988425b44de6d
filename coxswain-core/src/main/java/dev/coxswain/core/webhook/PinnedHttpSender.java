package dev.coxswain.core.webhook;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A minimal HTTP/1.1 client for webhooks that connects to a given address. {@code
 * java.net.http.HttpClient} resolves the host itself, so the address the guard checked and the
 * one it connected to could differ (DNS rebinding); here the socket goes to the checked address
 * while the Host header, the TLS server name (SNI) and the certificate's host-name check use the
 * URL's host. One request per connection ({@code Connection: close}); only the status line is
 * read; redirects are never followed; the timeout bounds connect, TLS handshake and response.
 */
public final class PinnedHttpSender implements WebhookSender {
    /** A status line longer than this is not an HTTP server talking. */
    private static final int MAX_STATUS_LINE = 8192;

    private final SSLSocketFactory tls;

    public PinnedHttpSender() {
        this((SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    public PinnedHttpSender(SSLSocketFactory tls) {
        this.tls = tls;
    }

    @Override
    public int send(URI url, InetAddress address, Map<String, String> headers, byte[] body, Duration timeout)
            throws IOException {
        boolean https = "https".equalsIgnoreCase(url.getScheme());
        String host = url.getHost();
        String bareHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        int port = url.getPort() != -1 ? url.getPort() : https ? 443 : 80;
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress(address, port), remainingMillis(deadline));
            Socket s;
            if (https) {
                SSLSocket ssl = (SSLSocket) tls.createSocket(raw, bareHost, port, true);
                SSLParameters p = ssl.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the URL's host
                if (!isLiteral(bareHost)) p.setServerNames(List.of(new SNIHostName(bareHost)));
                ssl.setSSLParameters(p);
                ssl.setSoTimeout(remainingMillis(deadline));
                ssl.startHandshake();
                s = ssl;
            } else {
                s = raw;
            }
            try (Socket conn = s) {
                OutputStream out = conn.getOutputStream();
                out.write(head(url, host, port, https, headers, body.length));
                out.write(body);
                out.flush();
                return status(readStatusLine(conn, deadline));
            }
        }
    }

    private static byte[] head(URI url, String host, int port, boolean https, Map<String, String> headers, int length) {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) path += "?" + url.getRawQuery();
        boolean defaultPort = port == (https ? 443 : 80);
        StringBuilder h = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append(defaultPort ? "" : ":" + port).append("\r\n")
                .append("Content-Length: ").append(length).append("\r\n")
                .append("Connection: close\r\n");
        headers.forEach((k, v) -> h.append(k).append(": ").append(v).append("\r\n"));
        return h.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String readStatusLine(Socket s, long deadline) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buf = new byte[512];
        while (line.size() < MAX_STATUS_LINE) {
            // A fresh read timeout each time, so a receiver dribbling bytes cannot outlast the deadline.
            s.setSoTimeout(remainingMillis(deadline));
            int n = in.read(buf);
            if (n < 0) break;
            for (int i = 0; i < n; i++) {
                if (buf[i] == '\n') {
                    line.write(buf, 0, i);
                    return line.toString(StandardCharsets.ISO_8859_1).strip();
                }
            }
            line.write(buf, 0, n);
        }
        throw new IOException(line.size() == 0 ? "connection closed without a response" : "malformed HTTP response");
    }

    private static int status(String statusLine) throws IOException {
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || parts[1].length() != 3) {
            throw new IOException("malformed HTTP response");
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("malformed HTTP response");
        }
    }

    private static int remainingMillis(long deadline) throws SocketTimeoutException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) throw new SocketTimeoutException("timed out");
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    private static boolean isLiteral(String host) {
        return host.indexOf(':') >= 0 || host.matches("[0-9.]+");
    }
}
