package dev.coxswain.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.coxswain.core.Json;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads request bodies with a size limit, for every API face. */
public final class Bodies {
    /** One JSON value and nothing after it: {@code {...} trailing} is malformed, not a valid object. */
    private static final ObjectReader READER = Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * How much of an over-limit body is still read (and thrown away) before the 413 goes out.
     * Answering while the client is still sending and then closing makes the kernel reset the
     * connection, and the client loses the 413 it was sent (seen as "header parser received no
     * bytes"). Draining a bounded amount first lets ordinary clients read the answer; anything
     * larger than this is cut off at once.
     */
    static final long DRAIN_LIMIT = 16L << 20;

    private final long maxBytes;

    public Bodies(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** The raw body; empty when there is none. Rejects a declared or actual size over the limit. */
    public byte[] read(ServerRequest req) {
        long declared = declaredLength(req);
        if (declared > maxBytes) {
            if (declared <= DRAIN_LIMIT && req.content().hasEntity()) drain(req, DRAIN_LIMIT);
            throw new BodyTooLargeException(maxBytes);
        }
        if (!req.content().hasEntity()) return new byte[0];
        try (InputStream in = req.content().inputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > maxBytes) {
                    discard(in, DRAIN_LIMIT - total);
                    throw new BodyTooLargeException(maxBytes);
                }
                out.write(buf, 0, n);
            }
            byte[] body = out.toByteArray();
            req.context().register(new ReadBody(req.socketId(), req.id(), body));
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The body as read; kept in the request's context so an idempotent create can fingerprint it. */
    private record ReadBody(String socket, int request, byte[] bytes) {
    }

    /** The body this request's route read, or an empty one when it read none. */
    public static byte[] readBefore(ServerRequest req) {
        return req.context().get(ReadBody.class)
                .filter(b -> b.request() == req.id() && b.socket().equals(req.socketId()))
                .map(ReadBody::bytes).orElse(new byte[0]);
    }

    private static long declaredLength(ServerRequest req) {
        return req.headers().first(HeaderNames.CONTENT_LENGTH).map(v -> {
            try {
                return Long.parseLong(v.trim());
            } catch (NumberFormatException e) {
                return -1L; // Helidon rejects a malformed Content-Length itself
            }
        }).orElse(-1L);
    }

    private static void drain(ServerRequest req, long limit) {
        try (InputStream in = req.content().inputStream()) {
            discard(in, limit);
        } catch (IOException | RuntimeException e) {
            // closing a half-read stream may fail too; the 413 is still the answer
        }
    }

    /**
     * Reads and drops up to {@code limit} bytes; stops early at the end of the stream. A broken
     * stream ends the drain quietly: the 413 is still the answer.
     */
    private static void discard(InputStream in, long limit) {
        byte[] buf = new byte[8192];
        long left = limit;
        int n;
        try {
            while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) left -= n;
        } catch (IOException | RuntimeException e) {
            // nothing to do: see above
        }
    }

    /** The body parsed as JSON; an empty body or malformed JSON is a {@link MalformedJsonException}. */
    public JsonNode readJson(ServerRequest req) {
        return parse(read(req));
    }

    /** Parses a body read before; an empty body or malformed JSON is a {@link MalformedJsonException}. */
    public static JsonNode parse(byte[] body) {
        if (body.length == 0) throw new MalformedJsonException("request body is empty; a JSON object is expected");
        try {
            JsonNode n = READER.readTree(body);
            if (n == null || n.isMissingNode()) throw new MalformedJsonException("request body is empty; a JSON object is expected");
            return n;
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new MalformedJsonException("malformed JSON" + (loc == null ? "" : " at line " + loc.getLineNr()
                    + ", column " + loc.getColumnNr()) + ": " + e.getOriginalMessage().replaceAll("\\s+", " "));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
