package dev.coxswain.server.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A hand-written HTTP/1.x exchange over a plain socket, for what ordinary clients never send
 * (HTTP/1.0, a negative Content-Length, headers a byte at a time) and for watching when the
 * server closes a connection.
 */
final class RawHttp implements AutoCloseable {
    final Socket socket;
    private final InputStream in;

    RawHttp(int port, Duration readTimeout) {
        try {
            socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout((int) readTimeout.toMillis());
            in = socket.getInputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    RawHttp send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return this;
    }

    /** What was read until the server closed the connection; fails when the read timeout passes first. */
    String readToClose() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) out.write(buf, 0, n);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection; read so far:\n"
                    + out.toString(StandardCharsets.ISO_8859_1));
        } catch (java.net.SocketException e) {
            // reset by the server: closed as well
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** One response (status line, headers and a Content-Length body), leaving the connection open. */
    String readResponse() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            b = in.read();
            if (b < 0) throw new AssertionError("connection closed inside a response head: " + head);
            head.write(b);
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : h.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        byte[] body = in.readNBytes(length);
        return h + new String(body, StandardCharsets.ISO_8859_1);
    }

    /** Whether the server has closed the connection (a read returns end of stream or fails) within {@code max}. */
    boolean closedWithin(Duration max) throws IOException {
        socket.setSoTimeout((int) max.toMillis());
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
