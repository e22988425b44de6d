package dev.coxswain.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.server.http.Respond;
import dev.coxswain.server.nativeapi.NativeErrors;
import dev.coxswain.server.http.RouteTable;
import dev.coxswain.server.ratelimit.RateLimiter;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import static dev.coxswain.server.http.RouteTable.Access.OPEN;

/**
 * The "docs" face: {@code /openapi.json} (the hand-written document in
 * {@code openapi/coxswain.json}, with {@code info.version} set to this server's version) and
 * {@code /docs}, a Swagger UI page whose files we serve ourselves from the swagger-ui webjar, so
 * the page works offline and loads nothing from a CDN. All open: the document describes routes,
 * not data, and {@code /api} still needs a credential for every call the page makes.
 */
final class OpenApiRoutes {
    private static final String DOCUMENT = "/openapi/coxswain.json";
    private static final String ASSET_PATH = "/docs/assets/";
    private static final String WEBJAR_POM = "/META-INF/maven/org.webjars/swagger-ui/pom.properties";
    private static final String WEBJAR_ROOT = "/META-INF/resources/webjars/swagger-ui/";
    /** The only files served, with their types: a name is a map key, never a path. */
    private static final Map<String, String> ASSET_TYPES = Map.of(
            "swagger-ui.css", "text/css; charset=utf-8",
            "swagger-ui-bundle.js", "text/javascript; charset=utf-8",
            "swagger-ui-standalone-preset.js", "text/javascript; charset=utf-8",
            "favicon-32x32.png", "image/png",
            "favicon-16x16.png", "image/png");

    private final byte[] document;
    private final byte[] page;
    private final Map<String, byte[]> assets = new HashMap<>();

    /** Reads everything once, so a broken build fails at start rather than on the first visit. */
    OpenApiRoutes(String version) {
        ObjectNode doc = (ObjectNode) Json.read(new String(resource(DOCUMENT), StandardCharsets.UTF_8));
        ((ObjectNode) doc.get("info")).put("version", version);
        this.document = Json.write(doc).getBytes(StandardCharsets.UTF_8);
        this.page = PAGE.getBytes(StandardCharsets.UTF_8);
        String root = WEBJAR_ROOT + webjarVersion() + "/";
        for (String name : ASSET_TYPES.keySet()) assets.put(name, resource(root + name));
    }

    /**
     * The docs face is charged to the client address (unlike health and metrics); its 429 is the
     * native API's error envelope, the API the document describes.
     */
    private static void tooMany(ServerResponse res, RateLimiter.Decision d) {
        Respond.json(res, 429, new NativeErrors().rateLimited(
                "rate limit exceeded: " + d.limit() + " unauthenticated requests per minute").body());
    }

    void register(RouteTable table) {
        table.face("docs")
                .limitedPerAddress(OpenApiRoutes::tooMany)
                .get("/openapi.json", OPEN, (req, res) -> send(res, "application/json", document))
                .get("/docs", OPEN, (req, res) -> send(res, "text/html; charset=utf-8", page))
                .get(ASSET_PATH + "{file}", OPEN, this::asset);
    }

    private void asset(ServerRequest req, ServerResponse res) {
        String name = req.path().pathParameters().get("file");
        byte[] body = assets.get(name);
        if (body == null) {
            res.status(Status.NOT_FOUND_404);
            send(res, "text/plain; charset=utf-8", "no such asset\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        // Names carry no version, so cache for a day rather than forever: an upgrade shows within one.
        res.header(HeaderNames.CACHE_CONTROL, "public, max-age=86400");
        send(res, ASSET_TYPES.get(name), body);
    }

    private static void send(ServerResponse res, String contentType, byte[] body) {
        res.header(HeaderNames.CONTENT_TYPE, contentType);
        res.header("X-Content-Type-Options", "nosniff");
        res.send(body);
    }

    /** The webjar's own version, so upgrading it in the pom needs no change here. */
    private static String webjarVersion() {
        Properties p = new Properties();
        try {
            p.load(new ByteArrayInputStream(resource(WEBJAR_POM)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String v = p.getProperty("version");
        if (v == null) throw new IllegalStateException("no version in " + WEBJAR_POM);
        return v;
    }

    private static byte[] resource(String path) {
        try (InputStream in = OpenApiRoutes.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("missing class-path resource " + path);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read class-path resource " + path, e);
        }
    }

    private static final String PAGE = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <title>Coxswain API</title>
              <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
              <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png" sizes="32x32">
              <link rel="icon" type="image/png" href="/docs/assets/favicon-16x16.png" sizes="16x16">
              <style>body { margin: 0; }</style>
            </head>
            <body>
              <div id="swagger-ui"></div>
              <script src="/docs/assets/swagger-ui-bundle.js"></script>
              <script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
              <script>
                window.ui = SwaggerUIBundle({
                  url: "/openapi.json",
                  dom_id: "#swagger-ui",
                  deepLinking: true,
                  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
                  plugins: [SwaggerUIBundle.plugins.DownloadUrl],
                  layout: "StandaloneLayout"
                });
              </script>
            </body>
            </html>
            """;
}
