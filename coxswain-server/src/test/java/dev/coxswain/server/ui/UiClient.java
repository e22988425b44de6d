package dev.coxswain.server.ui;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser stand-in for the dashboard's HTTP tests: keeps cookies, does not follow redirects
 * (tests look at them), and sends back the CSRF token of the last page it read, as a form does.
 */
public final class UiClient {
    private static final Pattern META_CSRF = Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]+)\">");
    private static final Pattern FIELD_CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    /** An answer: status, body (HTML or JSON text), headers. */
    public record Page(int status, String body, HttpHeaders headers) {
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public String location() {
            return header("Location");
        }
    }

    private final String base;
    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient http;
    private String csrf;

    UiClient(String base) {
        this.base = base;
        this.http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    public String csrf() {
        return csrf;
    }

    public CookieManager cookies() {
        return cookies;
    }

    /** Signs in through the sign-in form; fails the test unless it lands on a dashboard page. */
    public Page signIn(String credential) {
        Page form = get("/ui/sign-in");
        Page r = postRaw("/ui/sign-in", Map.of("_csrf", csrf, "credential", credential, "next", "/ui"), Map.of());
        if (r.status() != 303 || !r.location().startsWith("/ui")) {
            throw new AssertionError("sign-in failed: " + r.status() + " " + r.body());
        }
        csrf = null;
        return r;
    }

    public Page get(String path) {
        return get(path, Map.of());
    }

    public Page get(String path, Map<String, String> headers) {
        Page p = send(HttpRequest.newBuilder(URI.create(base + path)).GET(), headers);
        remember(p);
        return p;
    }

    /** Posts a form with the CSRF token of the last page read (as the page's form would). */
    public Page post(String path, Map<String, String> fields) {
        if (csrf == null) throw new IllegalStateException("read a page first: no CSRF token known");
        Map<String, String> f = new LinkedHashMap<>(fields);
        f.putIfAbsent("_csrf", csrf);
        return postRaw(path, f, Map.of());
    }

    /** Posts exactly these fields (no CSRF token added) with extra headers. */
    public Page postRaw(String path, Map<String, String> fields, Map<String, String> headers) {
        String body = fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return postBody(path, body, headers);
    }

    /** Posts an already encoded form body (repeated fields, odd encodings). */
    public Page postBody(String path, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        Page p = send(b, headers);
        remember(p);
        return p;
    }

    private void remember(Page p) {
        if (p.body() == null) return;
        Matcher m = META_CSRF.matcher(p.body());
        if (m.find()) {
            csrf = m.group(1);
            return;
        }
        m = FIELD_CSRF.matcher(p.body());
        if (m.find()) csrf = m.group(1);
    }

    private Page send(HttpRequest.Builder b, Map<String, String> headers) {
        b.timeout(Duration.ofSeconds(20));
        headers.forEach(b::header);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Page(r.statusCode(), r.body(), r.headers());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
