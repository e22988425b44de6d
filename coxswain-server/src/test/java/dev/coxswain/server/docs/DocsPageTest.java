package dev.coxswain.server.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /docs}: a Swagger UI page that loads only files this server serves, with the right types. */
class DocsPageTest {
    private static final Map<String, String> ASSETS = Map.of(
            "swagger-ui.css", "text/css; charset=utf-8",
            "swagger-ui-bundle.js", "text/javascript; charset=utf-8",
            "swagger-ui-standalone-preset.js", "text/javascript; charset=utf-8",
            "favicon-32x32.png", "image/png",
            "favicon-16x16.png", "image/png");
    private static final Pattern LINK = Pattern.compile("(?:src|href)=\"([^\"]*)\"");

    @TempDir
    static Path dir;
    static DocsServer srv;

    @BeforeAll
    static void start() {
        srv = new DocsServer(dir);
    }

    @AfterAll
    static void stop() {
        srv.close();
    }

    @Test
    void pageRunsSwaggerUiFromLocalAssetsAgainstTheDocument() {
        DocsServer.Reply r = srv.get("/docs");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo("text/html; charset=utf-8");
        String html = r.text();
        assertThat(html).contains("SwaggerUIBundle(", "url: \"/openapi.json\"");
        List<String> links = new ArrayList<>();
        Matcher m = LINK.matcher(html);
        while (m.find()) links.add(m.group(1));
        assertThat(links).containsExactlyInAnyOrder("/docs/assets/swagger-ui.css", "/docs/assets/favicon-32x32.png",
                "/docs/assets/favicon-16x16.png", "/docs/assets/swagger-ui-bundle.js",
                "/docs/assets/swagger-ui-standalone-preset.js");
        // Every file the page loads is one we serve: nothing comes from elsewhere.
        for (String link : links) assertThat(srv.get(link).status()).as(link).isEqualTo(200);
    }

    @Test
    void assetsHaveTheirContentTypes() {
        ASSETS.forEach((name, type) -> {
            DocsServer.Reply r = srv.get("/docs/assets/" + name);
            assertThat(r.status()).as(name).isEqualTo(200);
            assertThat(r.contentType()).as(name).isEqualTo(type);
            assertThat(r.headers().firstValue("X-Content-Type-Options")).as(name).hasValue("nosniff");
            assertThat(r.headers().firstValue("Cache-Control")).as(name).hasValue("public, max-age=86400");
            assertThat(r.body()).as(name).isNotEmpty();
        });
        assertThat(srv.get("/docs/assets/swagger-ui-bundle.js").text()).contains("SwaggerUIBundle");
        byte[] png = srv.get("/docs/assets/favicon-32x32.png").body();
        assertThat(png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    }

    @Test
    void onlyAllowListedFilesAreServed() {
        // index.html and swagger-initializer.js exist in the webjar but are not on the list.
        for (String path : List.of("/docs/assets/nope.js", "/docs/assets/index.html", "/docs/assets/swagger-initializer.js",
                "/docs/assets/..%2F..%2Fopenapi%2Fcoxswain.json", "/docs/assets/%2E%2E%2Fswagger-ui.css",
                "/docs/assets/SWAGGER-UI.CSS")) {
            DocsServer.Reply r = srv.get(path);
            assertThat(r.status()).as(path).isEqualTo(404);
        }
        assertThat(srv.get("/docs/assets/nope.js").contentType()).isEqualTo("text/plain; charset=utf-8");
    }

    @Test
    void docsNeedNoCredential() {
        for (String path : List.of("/openapi.json", "/docs", "/docs/assets/swagger-ui.css")) {
            assertThat(srv.send("GET", path, null, null).status()).as(path).isEqualTo(200);
        }
    }
}
