package dev.coxswain.server.nativeapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.testing.TestDatabases;
import dev.coxswain.server.nativeapi.ApiServer.Resp;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.coxswain.server.nativeapi.ApiServer.task;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outside tester's reproduction: clients keep creating and reading tasks while every
 * PostgreSQL backend of the server is terminated, again and again. Before, the pool handed out
 * dead connections and some requests got 500 {@code internal_error}. Now a request either
 * succeeds or gets 503 with {@code Retry-After} in the native envelope, and every acknowledged
 * create is in the store.
 */
class NativePostgresBackendLossTest {
    private static final int CLIENTS = 4;
    private static final int ROUNDS_OF_TERMINATION = 12;

    @TempDir
    static Path dir;
    static TestDatabases.PgDatabase pg;
    static ApiServer api;

    @BeforeAll
    static void start() {
        pg = TestDatabases.freshPostgres();
        api = ApiServer.start(ApiServer.config(dir, pg.url(), 2, 1 << 20), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        try {
            if (api != null) api.close();
        } finally {
            if (pg != null) pg.close();
        }
    }

    @Test
    void terminatedBackendsGiveSuccessOr503NeverA500() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<String> created = new CopyOnWriteArrayList<>();
        List<String> wrong = new CopyOnWriteArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> running = new java.util.ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            running.add(clients.submit(() -> {
                for (int i = 0; !stop.get(); i++) {
                    Resp r = i % 2 == 0 ? api.post("/api/tasks", task("blip-" + client + "-" + i, "true"))
                            : api.get("/api/tasks?limit=5");
                    statuses.computeIfAbsent(r.status(), s -> new AtomicInteger()).incrementAndGet();
                    if (r.status() == 201) {
                        created.add(r.json().get("data").get("id").asText());
                    } else if (r.status() == 503) {
                        if (r.headers().firstValue("Retry-After").isEmpty()
                                || !"unavailable".equals(r.json().path("error").path("code").asText())) {
                            wrong.add(r.toString());
                        }
                    } else if (r.status() != 200) {
                        wrong.add(r.toString());
                    }
                }
                return null;
            }));
        }
        int terminated = 0;
        try (Connection admin = DriverManager.getConnection(pg.url()); Statement st = admin.createStatement()) {
            for (int round = 0; round < ROUNDS_OF_TERMINATION; round++) {
                Thread.sleep(150); // let requests run on the pool between the cuts
                try (ResultSet rs = st.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                        + " WHERE datname = current_database() AND pid <> pg_backend_pid()")) {
                    rs.next();
                    terminated += rs.getInt(1);
                }
            }
        } finally {
            Thread.sleep(300);
            stop.set(true);
            for (Future<?> f : running) f.get(60, TimeUnit.SECONDS);
            clients.shutdown();
        }

        System.out.println("statuses " + statuses + ", backends terminated " + terminated);
        assertThat(terminated).as("backends terminated").isGreaterThan(ROUNDS_OF_TERMINATION);
        assertThat(wrong).as("answers other than 200, 201 or a well-formed 503 (statuses %s)", statuses).isEmpty();
        assertThat(created).isNotEmpty();
        // Every acknowledged create is committed.
        for (String id : created) {
            JsonNode t = Shapes.ok(api.get("/api/tasks/" + id), 200);
            assertThat(t.get("id").asText()).isEqualTo(id);
        }
    }
}
