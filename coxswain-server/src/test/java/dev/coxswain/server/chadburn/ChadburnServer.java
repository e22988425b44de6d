package dev.coxswain.server.chadburn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.domain.Tier;
import dev.coxswain.server.CoxswainServer;
import dev.coxswain.server.SecurityConfig;
import dev.coxswain.server.ServerConfig;
import dev.coxswain.server.docs.SchemaCheck;
import dev.coxswain.server.testing.SecretLedger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One in-process Coxswain server on 127.0.0.1, port 0, spoken to over real HTTP the way a
 * Chadburn client would: {@code X-API-Key} by default. The starter tier is limited to
 * {@link #STARTER_PER_MINUTE} requests a minute so the rate limit can be reached quickly; the
 * admin key (configured, so the tests know it) is unlimited.
 */
final class ChadburnServer implements AutoCloseable {
    static final String ADMIN_KEY = "cox_chadburn_admin_key_0123456789";
    static final int STARTER_PER_MINUTE = 5;
    static final ObjectMapper JSON = new ObjectMapper();
    static final String JOBS = "/api/v1/jobs";

    final CoxswainServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private SchemaCheck schemas;
    private JsonNode doc;

    private ChadburnServer(CoxswainServer server) {
        this.server = server;
        this.base = "http://127.0.0.1:" + server.port();
    }

    static ChadburnServer start(Path dataDir) {
        Map<Tier, Integer> limits = new EnumMap<>(SecurityConfig.defaultLimits());
        limits.put(Tier.STARTER, STARTER_PER_MINUTE);
        ServerConfig cfg = new ServerConfig(0, "127.0.0.1", dataDir, null, null, null, ADMIN_KEY, 4, Duration.ZERO,
                ZoneOffset.UTC, 1 << 20, 10_000, false, "worker-chadburn", Duration.ofSeconds(30))
                .withSecurity(new SecurityConfig(SecurityConfig.defaults().jwt(), null, limits, 100));
        SecretLedger.install();
        SecretLedger.secret(ADMIN_KEY);
        return new ChadburnServer(CoxswainServer.start(cfg, Clock.systemUTC()));
    }

    @Override
    public void close() {
        server.close();
    }

    /** A new API key with these scopes and tier; its secret. */
    String key(String name, Set<String> scopes, String tier) {
        String secret = server.engine().apiKeys().create(name, scopes, tier).secret();
        SecretLedger.secret(secret);
        return secret;
    }

    // ---- requests ---------------------------------------------------------------------------

    /** A request under construction; it carries the admin key in {@code X-API-Key} unless told otherwise. */
    final class Call {
        private final String method;
        private final String path;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();

        private Call(String method, String path) {
            this.method = method;
            this.path = path;
            headers.put("X-API-Key", ADMIN_KEY);
        }

        /** Sends {@code key} in {@code X-API-Key} instead of the admin key. */
        Call key(String key) {
            headers.remove("Authorization");
            headers.put("X-API-Key", key);
            return this;
        }

        /** Sends only this {@code Authorization} header. */
        Call authorization(String value) {
            headers.remove("X-API-Key");
            headers.put("Authorization", value);
            return this;
        }

        /** Sends no credential at all. */
        Call anonymous() {
            headers.remove("X-API-Key");
            headers.remove("Authorization");
            return this;
        }

        Call body(String json) {
            this.body = HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8);
            headers.putIfAbsent("Content-Type", "application/json");
            return this;
        }

        Call body(JsonNode json) {
            return body(json.toString());
        }

        Resp send() {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                    .method(method, body);
            headers.forEach(b::header);
            try {
                HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                SecretLedger.response(method + " " + path, r.headers().map().toString(), r.body());
                return Resp.of(method + " " + path, r.statusCode(), r.headers(), r.body());
            } catch (IOException e) {
                throw new UncheckedIOException(method + " " + path + " failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    Call call(String method, String path) {
        return new Call(method, path);
    }

    Resp get(String path) {
        return call("GET", path).send();
    }

    Resp post(String path, JsonNode body) {
        return call("POST", path).body(body).send();
    }

    Resp post(String path, String body) {
        return call("POST", path).body(body).send();
    }

    Resp post(String path) {
        return call("POST", path).send();
    }

    Resp put(String path, JsonNode body) {
        return call("PUT", path).body(body).send();
    }

    Resp put(String path, String body) {
        return call("PUT", path).body(body).send();
    }

    Resp delete(String path) {
        return call("DELETE", path).send();
    }

    /** A response, its body parsed as JSON when it is JSON. */
    record Resp(String request, int status, HttpHeaders headers, String body, JsonNode json) {
        static Resp of(String request, int status, HttpHeaders headers, String body) {
            JsonNode json = null;
            try {
                if (body != null && !body.isBlank()) json = JSON.readTree(body);
            } catch (IOException e) {
                json = null;
            }
            return new Resp(request, status, headers, body, json);
        }

        JsonNode data() {
            return json.get("data");
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return request + " -> " + status + " " + body;
        }
    }

    // ---- Chadburn shapes --------------------------------------------------------------------

    /** A success: the status, JSON, {@code data} and no {@code error}; returns {@code data}. */
    static JsonNode ok(Resp r, int status) {
        assertThat(r.status()).as("%s", r).isEqualTo(status);
        assertThat(r.header("Content-Type")).as("content type of %s", r).startsWith("application/json");
        assertThat(r.json()).as("JSON body of %s", r).isNotNull();
        assertThat(r.json().has("data")).as("data in %s", r).isTrue();
        assertThat(r.json().has("error")).as("no error in %s", r).isFalse();
        return r.data();
    }

    /** Chadburn's error: {@code {"error":{"code","message"}}} and nothing else; returns the message. */
    static String error(Resp r, int status, String code) {
        assertThat(r.status()).as("%s", r).isEqualTo(status);
        assertThat(r.header("Content-Type")).as("content type of %s", r).startsWith("application/json");
        assertThat(r.json()).as("JSON body of %s", r).isNotNull();
        assertThat(r.json().size()).as("only error in %s", r).isEqualTo(1);
        JsonNode e = r.json().get("error");
        assertThat(e).as("error in %s", r).isNotNull();
        assertThat(e.path("code").asText()).as("error.code in %s", r).isEqualTo(code);
        assertThat(e.path("message").isTextual()).as("error.message in %s", r).isTrue();
        assertThat(e.path("message").asText()).as("error.message in %s", r).isNotBlank();
        return e.get("message").asText();
    }

    /** The answer fits the schema the OpenAPI document gives for this operation and status. */
    JsonNode fits(Resp r, String path, String method, int status) {
        assertThat(r.status()).as("%s", r).isEqualTo(status);
        if (schemas == null) {
            Resp d = call("GET", "/openapi.json").anonymous().send();
            assertThat(d.status()).as("%s", d.request()).isEqualTo(200);
            doc = d.json();
            schemas = new SchemaCheck(doc);
        }
        assertThat(schemas.problems(r.json(), schemas.responseSchema(path, method, status)))
                .as("%s %s %d: %s", method.toUpperCase(), path, status, r.body()).isEmpty();
        JsonNode response = schemas.resolve(doc.path("paths").path(path).path(method).path("responses").path(Integer.toString(status)));
        for (String h : List.of("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After")) {
            if (r.header(h) != null) {
                assertThat(response.path("headers").has(h)).as("%s %s %d sends %s but does not document it",
                        method.toUpperCase(), path, status, h).isTrue();
            }
        }
        return r.json();
    }

    static void time(JsonNode n, String what) {
        assertThat(n).as(what).isNotNull();
        assertThat(n.isTextual()).as("%s is a string: %s", what, n).isTrue();
        // RFC 3339 UTC with a Z, as the seed's examples.
        assertThat(n.asText()).as(what).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        Instant.parse(n.asText());
    }

    // ---- job helpers --------------------------------------------------------------------------

    static ObjectNode job(String name, String schedule, String command) {
        return JSON.createObjectNode().put("name", name).put("schedule", schedule).put("command", command);
    }

    /** Creates a job, expecting 201; returns its {@code data}. */
    JsonNode create(ObjectNode body) {
        return ok(post(JOBS, body), 201);
    }

    /** Runs a job now, expecting 200; returns the execution id. */
    String runNow(String jobId) {
        JsonNode d = ok(post(JOBS + "/" + jobId + "/run"), 200);
        assertThat(d.get("message").asText()).isEqualTo("Job triggered successfully");
        assertThat(d.get("execution_id").asText()).matches("exec-\\d+");
        return d.get("execution_id").asText();
    }

    /** The execution of a job with this id, from the executions list; null when it is not listed. */
    JsonNode execution(String jobId, String execId) {
        JsonNode d = ok(get(JOBS + "/" + jobId + "/executions?limit=1000"), 200);
        for (JsonNode e : d) if (e.get("id").asText().equals(execId)) return e;
        return null;
    }

    /** Waits until the execution is listed and no longer in progress; returns it. */
    JsonNode awaitFinished(String jobId, String execId) {
        return eventually(() -> execution(jobId, execId),
                e -> e != null && !e.get("status").asText().equals("in_progress"), Duration.ofSeconds(90));
    }

    /** Polls until {@code supplier} gives a value {@code accept} takes; returns that value. */
    static <T> T eventually(java.util.function.Supplier<T> supplier, Predicate<T> accept, Duration atMost) {
        Object[] seen = new Object[1];
        await().atMost(atMost).pollInterval(Duration.ofMillis(100)).until(() -> {
            T v = supplier.get();
            seen[0] = v;
            return accept.test(v);
        });
        @SuppressWarnings("unchecked")
        T v = (T) seen[0];
        return v;
    }

    /** The number in {@code job-<n>} / {@code exec-<n>}. */
    static long number(String id) {
        return Long.parseLong(id.substring(id.indexOf('-') + 1));
    }
}
