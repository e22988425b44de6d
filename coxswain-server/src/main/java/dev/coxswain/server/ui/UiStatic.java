package dev.coxswain.server.ui;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The dashboard's own files (CSS, script, the vendored htmx and uPlot) from the class path: the
 * dashboard works with no internet access and no CDN.
 */
final class UiStatic {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
    private static final Map<String, String> TYPES = Map.of(
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml",
            "png", "image/png", "txt", "text/plain; charset=utf-8", "md", "text/plain; charset=utf-8",
            "ico", "image/x-icon", "woff2", "font/woff2");
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    void serve(ServerRequest req, ServerResponse res) {
        String file = req.path().pathParameters().get("file");
        String ext = file == null ? "" : file.substring(file.lastIndexOf('.') + 1);
        byte[] body = file == null || !SAFE.matcher(file).matches() || file.contains("..") || !TYPES.containsKey(ext)
                ? null : load(file);
        res.header(HeaderNames.create("X-Content-Type-Options"), "nosniff");
        if (body == null) {
            res.status(Status.NOT_FOUND_404);
            res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            res.send("not found");
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, TYPES.get(ext));
        // Pages link these with the server's version in the query, so a long cache is safe.
        res.header(HeaderNames.CACHE_CONTROL, "public, max-age=86400");
        res.send(body);
    }

    private byte[] load(String file) {
        byte[] b = cache.get(file);
        if (b != null) return b;
        try (InputStream in = UiStatic.class.getClassLoader().getResourceAsStream("ui/static/" + file)) {
            if (in == null) return null;
            b = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        cache.put(file, b);
        return b;
    }
}
