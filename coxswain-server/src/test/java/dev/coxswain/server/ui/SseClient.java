package dev.coxswain.server.ui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Reads a Server-Sent Events response the way an EventSource does (field lines, blank line ends
 * an event, comments start with ':'), on a thread of its own, so a test waits for the next event
 * with a timeout instead of blocking on the socket.
 */
final class SseClient implements AutoCloseable {
    /** One event; a comment (keep-alive) has name ":" and the comment text as data. */
    record Event(String name, String id, String data) {
        JsonNode json() {
            return Json.read(data);
        }
    }

    /** Put on the queue when the server closed the stream. */
    static final Event CLOSED = new Event("<closed>", null, null);

    final HttpResponse<Stream<String>> response;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Thread reader;

    SseClient(UiClient signedIn, String url, Map<String, String> headers) {
        HttpClient http = HttpClient.newBuilder().cookieHandler(signedIn.cookies())
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET().header("Accept", "text/event-stream");
        headers.forEach(b::header);
        try {
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        reader = Thread.ofVirtual().start(this::read);
    }

    private void read() {
        String name = null, id = null;
        StringBuilder data = null;
        try (Stream<String> lines = response.body()) {
            for (var it = lines.iterator(); it.hasNext(); ) {
                String line = it.next();
                if (line.isEmpty()) {
                    if (data != null || name != null) events.add(new Event(name == null ? "message" : name, id, data == null ? "" : data.toString()));
                    name = null;
                    id = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    events.add(new Event(":", null, line.substring(1).trim()));
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1);
                    if (value.startsWith(" ")) value = value.substring(1);
                    switch (field) {
                        case "event" -> name = value;
                        case "id" -> id = value;
                        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                        default -> { } // retry: and unknown fields
                    }
                }
            }
        } catch (RuntimeException e) {
            // the connection was closed under us
        }
        events.add(CLOSED);
    }

    int status() {
        return response.statusCode();
    }

    String header(String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    /** The next event (comments included), or fails the test after {@code within}. */
    Event next(Duration within) {
        try {
            Event e = events.poll(within.toMillis(), TimeUnit.MILLISECONDS);
            if (e == null) throw new AssertionError("no event within " + within);
            return e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The next event that is not a comment. */
    Event nextEvent(Duration within) {
        long end = System.nanoTime() + within.toNanos();
        while (true) {
            Event e = next(Duration.ofNanos(Math.max(1, end - System.nanoTime())));
            if (!e.name().equals(":")) return e;
        }
    }

    /** Events up to and including the first named {@code name} (comments skipped). */
    List<Event> until(String name, Duration within) {
        long end = System.nanoTime() + within.toNanos();
        List<Event> out = new ArrayList<>();
        while (true) {
            Event e = nextEvent(Duration.ofNanos(Math.max(1, end - System.nanoTime())));
            out.add(e);
            if (e.name().equals(name) || e == CLOSED) return out;
        }
    }

    @Override
    public void close() {
        reader.interrupt();
        try {
            response.body().close();
        } catch (RuntimeException e) {
            // already closed
        }
    }
}
