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

    private final long maxBytes;

    public Bodies(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** The raw body; empty when there is none. Rejects a declared or actual size over the limit. */
    public byte[] read(ServerRequest req) {
        req.headers().first(HeaderNames.CONTENT_LENGTH).ifPresent(v -> {
            try {
                if (Long.parseLong(v.trim()) > maxBytes) throw new BodyTooLargeException(maxBytes);
            } catch (NumberFormatException ignored) {
                // Helidon rejects a malformed Content-Length itself
            }
        });
        if (!req.content().hasEntity()) return new byte[0];
        try (InputStream in = req.content().inputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > maxBytes) throw new BodyTooLargeException(maxBytes);
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The body parsed as JSON; an empty body or malformed JSON is a {@link MalformedJsonException}. */
    public JsonNode readJson(ServerRequest req) {
        byte[] body = read(req);
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
