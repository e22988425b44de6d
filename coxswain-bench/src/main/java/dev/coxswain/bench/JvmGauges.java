package dev.coxswain.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a server's JVM says about its own memory, read from its {@code /metrics} (Micrometer's
 * JVM binders): heap in use and committed, non-heap in use, live threads. Next to the resident
 * set, they say where the memory is.
 */
record JvmGauges(long heapUsed, long heapCommitted, long heapMax, long nonHeapUsed, int threads) {
    private static final Pattern SAMPLE = Pattern.compile("^(\\w+)\\{(.*)} ([0-9.eE+-]+)$");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    static JvmGauges read(String base) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException("GET /metrics answered " + r.statusCode());
        double heapUsed = 0, heapCommitted = 0, heapMax = 0, nonHeap = 0, threads = 0;
        for (String line : r.body().split("\n")) {
            if (line.startsWith("jvm_threads_live_threads ")) {
                threads = Double.parseDouble(line.substring(line.indexOf(' ') + 1));
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) continue;
            boolean heap = m.group(2).contains("area=\"heap\"");
            double v = Double.parseDouble(m.group(3));
            switch (m.group(1)) {
                case "jvm_memory_used_bytes" -> {
                    if (heap) heapUsed += v;
                    else nonHeap += v;
                }
                case "jvm_memory_committed_bytes" -> {
                    if (heap) heapCommitted += v;
                }
                case "jvm_memory_max_bytes" -> {
                    if (heap && v > 0) heapMax += v;
                }
                case "jvm_threads_live_threads" -> threads = v;
                default -> {
                }
            }
        }
        return new JvmGauges((long) heapUsed, (long) heapCommitted, (long) heapMax, (long) nonHeap, (int) threads);
    }
}
