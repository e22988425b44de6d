package dev.coxswain.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coxswain.worker.protocol.Protocol;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The worker's WebSocket, {@code ws(s)://…/_worker/ws/{id}} with the same identity headers as
 * HTTP. The server pushes {@code {"command":"cancel_task","task_id":…}} over it, so a cancel
 * lands at once instead of with the next heartbeat; the worker sends its events over it while it
 * is up. Connects once the worker is registered and reconnects after 1 s, doubling to 60 s.
 */
final class SocketLink implements Runnable {
    private static final System.Logger LOG = System.getLogger(SocketLink.class.getName());

    private final HttpClient http;
    private final URI uri;
    private final String workerId;
    private final WorkerApi api;
    private final Session session;
    private final Consumer<String> cancelTask;
    private final ObjectMapper mapper;
    private final Timings timings;
    private final StopSignal stop;
    /** java.net.http.WebSocket allows one outstanding send at a time. */
    private final ReentrantLock sending = new ReentrantLock();
    private volatile WebSocket socket;

    SocketLink(HttpClient http, URI uri, String workerId, WorkerApi api, Session session, Consumer<String> cancelTask,
               ObjectMapper mapper, Timings timings, StopSignal stop) {
        this.http = http;
        this.uri = uri;
        this.workerId = workerId;
        this.api = api;
        this.session = session;
        this.cancelTask = cancelTask;
        this.mapper = mapper;
        this.timings = timings;
        this.stop = stop;
    }

    /** The socket's address for a server URL, as the SDK derives it. */
    static URI webSocketUri(URI server, String workerId) {
        String base = server.toString().replaceAll("/+$", "");
        // The SDK replaces the first "http" of the URL: http → ws, https → wss.
        if (base.startsWith("http")) base = "ws" + base.substring(4);
        return URI.create(base + Protocol.webSocketPath(workerId));
    }

    @Override
    public void run() {
        Backoff backoff = new Backoff(timings.socketRetry(), timings.socketRetryMax());
        while (!stop.isStopped()) {
            try {
                if (!session.awaitRegistered(Duration.ofMillis(250))) continue;
            } catch (InterruptedException e) {
                return;
            }
            Listener listener = new Listener();
            try {
                WebSocket connected = http.newWebSocketBuilder()
                        .connectTimeout(timings.requestTimeout())
                        .header(Protocol.HEADER_WORKER_TOKEN, api.currentToken())
                        .header(Protocol.HEADER_WORKER_ID, workerId)
                        .header(Protocol.HEADER_PROTOCOL_VERSION, Protocol.PROTOCOL_VERSION)
                        .buildAsync(uri, listener)
                        .get(timings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
                socket = connected;
                backoff.reset();
                LOG.log(System.Logger.Level.INFO, "WebSocket connected to {0}", uri);
                listener.closed.get();
                LOG.log(System.Logger.Level.INFO, "WebSocket closed");
            } catch (InterruptedException e) {
                return;
            } catch (ExecutionException | TimeoutException e) {
                LOG.log(System.Logger.Level.DEBUG, "WebSocket connection failed: {0}", String.valueOf(e.getCause() != null ? e.getCause() : e));
            } finally {
                WebSocket gone = socket;
                socket = null;
                if (gone != null) gone.abort();
            }
            if (!stop.pause(backoff.next())) return;
        }
    }

    /** Sends a text frame if connected; false when not connected or the send failed. */
    boolean trySend(String text) {
        WebSocket current = socket;
        if (current == null) return false;
        sending.lock();
        try {
            current.sendText(text, true).get(timings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(System.Logger.Level.DEBUG, "WebSocket send failed: {0}", String.valueOf(e.getCause()));
            return false;
        } finally {
            sending.unlock();
        }
    }

    boolean isConnected() {
        return socket != null;
    }

    /** Says goodbye (1000) and drops the connection; the run loop ends with the stop signal. */
    void close() {
        WebSocket current = socket;
        if (current == null) return;
        try {
            current.sendClose(WebSocket.NORMAL_CLOSURE, "worker stopping").get(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException ignored) {
            // Dropped below either way.
        }
        current.abort();
    }

    private void onCommand(String text) {
        JsonNode command;
        try {
            command = mapper.readTree(text);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Ignoring a WebSocket frame that is not JSON");
            return;
        }
        String name = command.path("command").asText("");
        if (Protocol.COMMAND_CANCEL_TASK.equals(name) && command.path("task_id").isTextual()) {
            cancelTask.accept(command.get("task_id").textValue());
        } else {
            LOG.log(System.Logger.Level.DEBUG, "Ignoring WebSocket command {0}", name);
        }
    }

    /** Collects fragmented text frames and completes {@link #closed} when the connection ends. */
    private final class Listener implements WebSocket.Listener {
        private final CompletableFuture<Void> closed = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                onCommand(message);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(null);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(null);
        }
    }
}
