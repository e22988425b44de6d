package dev.coxswain.server.face;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.store.StoreUnavailableException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database blip ({@link StoreUnavailableException}) is answered by every face with 503, a
 * {@code Retry-After} and the face's own error body, never a 500. The blip is injected through
 * the clock every service reads inside its write (and authentication reads before it): while
 * armed, it throws what the store throws when it loses its connection.
 */
class StoreUnavailableHttpTest {
    @TempDir
    Path tmp;
    private final BlipClock clock = new BlipClock();
    private FaceClient api;

    @BeforeEach
    void start() {
        api = FaceClient.start(tmp.resolve("data"), null, clock);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void nativeFaceAnswers503InItsEnvelope() {
        FaceClient.Resp r = during(() -> api.post("/api/tasks", "{\"name\":\"n\",\"command\":\"echo hi\"}",
                "Authorization", "ApiKey " + FaceClient.ADMIN_KEY));
        unavailable(r);
        JsonNode e = r.json().path("error");
        assertThat(e.path("code").asText()).isEqualTo("unavailable");
        assertThat(e.path("message").asText()).isNotBlank().doesNotContain("jdbc");
    }

    @Test
    void chadburnFaceAnswers503InItsEnvelope() {
        FaceClient.Resp r = during(() -> api.post("/api/v1/jobs",
                "{\"name\":\"c\",\"schedule\":\"0 0 * * *\",\"command\":\"echo hi\"}"));
        unavailable(r);
        JsonNode e = r.json().path("error");
        assertThat(e.path("code").asText()).isEqualTo("unavailable");
        assertThat(e.path("message").asText()).isNotBlank();
        assertThat(e.size()).isEqualTo(2);
    }

    @Test
    void schedulerFaceAnswers503WithADetail() {
        long conn = api.connection("target");
        FaceClient.Resp r = during(() -> api.post("/scheduler/tasks", "{\"name\":\"s\",\"task_type\":\"config_check\","
                + "\"connection_id\":" + conn + ",\"cron_schedule\":\"0 2 * * *\"}"));
        unavailable(r);
        assertThat(r.json().fieldNames()).toIterable().containsExactly("detail");
        assertThat(r.json().path("detail").isTextual()).isTrue();
    }

    @Test
    void deviceFaceAnswers50301InItsEnvelope() {
        for (String[] call : new String[][] {{"GET", "/api/v1/task/stats"}, {"POST", "/api/v1/task/retry-all"}}) {
            FaceClient.Resp r = during(() -> api.send(call[0], call[1], null));
            unavailable(r);
            assertThat(r.json().path("code").asInt()).isEqualTo(50301);
            assertThat(r.json().path("message").asText()).isNotBlank().doesNotContain("jdbc");
            assertThat(r.json().has("data")).isTrue();
        }
        assertThat(api.get("/api/v1/task/stats").status()).isEqualTo(200);
    }

    @Test
    void aReadDuringTheBlipIs503TooAndTheFaceRecoversAfterIt() {
        unavailable(during(() -> api.get("/api/v1/jobs")));
        assertThat(api.get("/api/v1/jobs").status()).isEqualTo(200);
    }

    private static void unavailable(FaceClient.Resp r) {
        assertThat(r.status()).as(r.text()).isEqualTo(503);
        assertThat(r.header("Retry-After")).isEqualTo("1");
        assertThat(r.header("Content-Type")).startsWith("application/json");
    }

    private FaceClient.Resp during(java.util.function.Supplier<FaceClient.Resp> call) {
        clock.down = true;
        try {
            return call.get();
        } finally {
            clock.down = false;
        }
    }

    /** The system clock, or a lost database connection while {@link #down}. */
    static final class BlipClock extends Clock {
        volatile boolean down;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            if (down) throw new StoreUnavailableException("connection to the database lost", null);
            return Instant.now();
        }
    }
}
