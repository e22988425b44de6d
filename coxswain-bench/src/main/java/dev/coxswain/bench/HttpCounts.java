package dev.coxswain.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's own count of HTTP requests by method, route and status, read from its
 * {@code /metrics} (the {@code coxswain_http_requests_seconds_count} series). Two readings
 * subtracted give what one phase cost.
 */
final class HttpCounts {
    private static final Pattern COUNT = Pattern.compile("^coxswain_http_requests_seconds_count\\{(.*)} ([0-9.eE+]+)$");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI metrics;

    HttpCounts(String base) {
        this.metrics = URI.create(base + "/metrics");
    }

    /** {@code "GET /route 200"} → requests so far. */
    Map<String, Long> read() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException("GET /metrics answered " + r.statusCode());
        Map<String, Long> out = new TreeMap<>();
        for (String line : r.body().split("\n")) {
            Matcher m = COUNT.matcher(line);
            if (!m.matches()) continue;
            Map<String, String> labels = new TreeMap<>();
            Matcher l = LABEL.matcher(m.group(1));
            while (l.find()) labels.put(l.group(1), l.group(2));
            String key = labels.get("method") + " " + labels.get("route") + " " + labels.get("status");
            out.merge(key, (long) Double.parseDouble(m.group(2)), Long::sum);
        }
        return out;
    }

    /** {@code after − before}, keys with no requests between them left out. */
    static Map<String, Long> diff(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> out = new TreeMap<>();
        after.forEach((k, v) -> {
            long d = v - before.getOrDefault(k, 0L);
            if (d > 0) out.put(k, d);
        });
        return out;
    }
}
