package dev.coxswain.server.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.webhook.WebhookSettings;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ApiFuzzer} against a real server on SQLite: every documented operation gets generated
 * requests, valid and mutated; no answer may be a 5xx, a hang or a break of its documented schema.
 *
 * <p>By default a short run (1,500 requests, a fixed seed). The long run is the same test with
 * more requests ({@code -Dfuzz.requests=15000}), another seed ({@code -Dfuzz.seed=}) or another
 * server ({@code -Dfuzz.url=http://127.0.0.1:8080 -Dfuzz.key=<admin key>}); see the README.
 */
class ApiFuzzTest {
    @TempDir
    static Path dir;

    @Test
    void noOperationAnswersWithA5xxOrOffItsSchema() {
        int requests = Integer.getInteger("fuzz.requests", 1_500);
        long seed = Long.getLong("fuzz.seed", 20_261_206L);
        String url = System.getProperty("fuzz.url");
        DocsServer srv = null;
        try {
            String key;
            if (url == null || url.isBlank()) {
                // Generous limits, so the credential-less mutations reach the faces instead of the rate
                // limiter; loopback webhooks, so generated ones (all at 127.0.0.1:9) are accepted.
                srv = new DocsServer(DocsServer.config(dir).withSecurity(DocsServer.limits(1_000_000))
                        .withWebhooks(new WebhookSettings(true, false, Duration.ofSeconds(5), 2, Duration.ofSeconds(1))));
                url = "http://127.0.0.1:" + srv.port();
                key = DocsServer.ADMIN;
            } else {
                key = System.getProperty("fuzz.key");
            }
            ApiFuzzer fuzzer = new ApiFuzzer(url, key, seed);
            ApiFuzzer.Report report = fuzzer.run(requests);
            System.out.println("seed " + seed + ", server " + url);
            System.out.print(report.summary());
            assertThat(report.perOperation).as("operations covered").hasSize(fuzzer.operations());
            assertThat(report.failures).as("failures (5xx, hangs, schema breaks)").isEmpty();
        } finally {
            if (srv != null) srv.close();
        }
    }
}
