package dev.coxswain.worker;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Just enough of an RFC 6455 server on 127.0.0.1 for the worker's socket: checks the handshake's
 * identity headers (403 when the token is wrong), records text frames the worker sends, sends
 * text frames on request and can drop the connection. One connection at a time.
 */
final class MockWebSocketServer implements AutoCloseable {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /** The handshake's request line and headers (lower-case names). */
    record Handshake(String requestLine, Map<String, String> headers) {
    }

    private final ServerSocket listener;
    private final String expectedToken;
    private final List<Handshake> handshakes = new CopyOnWriteArrayList<>();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private volatile Socket current;

    MockWebSocketServer(String expectedToken) throws IOException {
        this.expectedToken = expectedToken;
        this.listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofVirtual().start(this::acceptLoop);
    }

    URI uri(String workerId) {
        return URI.create("ws://127.0.0.1:" + listener.getLocalPort() + "/_worker/ws/" + workerId);
    }

    List<Handshake> handshakes() {
        return List.copyOf(handshakes);
    }

    List<String> received() {
        return List.copyOf(received);
    }

    boolean connected() {
        Socket socket = current;
        return socket != null && !socket.isClosed();
    }

    /** Sends one unmasked text frame to the connected worker. */
    synchronized void send(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        OutputStream out = current.getOutputStream();
        out.write(0x81);
        if (payload.length < 126) {
            out.write(payload.length);
        } else {
            out.write(126);
            out.write(payload.length >> 8);
            out.write(payload.length & 0xFF);
        }
        out.write(payload);
        out.flush();
    }

    /** Drops the connection without a close frame, as a crashed server would. */
    void drop() throws IOException {
        Socket socket = current;
        if (socket != null) socket.close();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                serve(socket);
            } catch (IOException e) {
                // Closed, or the worker hung up: wait for the next connection.
            }
        }
    }

    private void serve(Socket socket) throws IOException {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String requestLine = readLine(in);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            handshakes.add(new Handshake(requestLine, headers));
            OutputStream out = socket.getOutputStream();
            if (!expectedToken.equals(headers.get("x-worker-token"))) {
                out.write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return;
            }
            String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((headers.get("sec-websocket-key") + GUID).getBytes(StandardCharsets.US_ASCII)));
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            current = socket;
            readFrames(new DataInputStream(in), socket);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void readFrames(DataInputStream in, Socket socket) throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        while (true) {
            int first = in.readUnsignedByte();
            int second = in.readUnsignedByte();
            int opcode = first & 0x0F;
            long length = second & 0x7F;
            if (length == 126) length = in.readUnsignedShort();
            else if (length == 127) length = in.readLong();
            byte[] mask = new byte[4];
            if ((second & 0x80) != 0) in.readFully(mask);
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            for (int i = 0; i < payload.length; i++) payload[i] ^= mask[i % 4];
            if (opcode == 0x8) {
                synchronized (this) {
                    socket.getOutputStream().write(new byte[] {(byte) 0x88, 0});
                }
                return;
            }
            if (opcode == 0x1 || opcode == 0x0) {
                message.write(payload);
                if ((first & 0x80) != 0) {
                    received.add(message.toString(StandardCharsets.UTF_8));
                    message.reset();
                }
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
            if (c != '\r') line.append((char) c);
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        drop();
        acceptor.interrupt();
    }
}
