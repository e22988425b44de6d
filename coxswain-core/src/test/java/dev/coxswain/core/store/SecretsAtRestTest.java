package dev.coxswain.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.connection.SecretBox;
import dev.coxswain.core.domain.MisfirePolicy;

import dev.coxswain.core.domain.NewSchedule;
import dev.coxswain.core.domain.NewTask;
import dev.coxswain.core.domain.OverlapPolicy;
import dev.coxswain.core.domain.Schedule;
import dev.coxswain.core.domain.SchedulePatch;
import dev.coxswain.core.domain.ScheduleStatus;
import dev.coxswain.core.exec.ShellExecutor;
import dev.coxswain.core.node.Engine;
import dev.coxswain.core.node.EngineConfig;
import dev.coxswain.core.runtime.EngineObserver;
import dev.coxswain.core.testing.MutableClock;
import dev.coxswain.core.testing.TestDatabases;
import dev.coxswain.core.webhook.WebhookService;
import dev.coxswain.core.webhook.WebhookSettings;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Webhook secrets and environment values are sealed in the rows themselves (on both stores):
 * nothing a dump or the database files show contains them, while the services still read them
 * back in clear; rows an earlier version wrote in clear are sealed at the next start.
 */
class SecretsAtRestTest {
    static final String HOOK_SECRET = "hook-secret-at-rest-0123456789";
    static final String ENV_VALUE = "env-value-at-rest-9876543210";
    static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");

    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock(T0);
    final SecretBox box = new SecretBox(new byte[32]);
    final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : open.reversed()) c.close();
    }

    Database database(String kind) {
        Supplier<Database> make = switch (kind) {
            case "sqlite" -> () -> TestDatabases.sqlite(dir);
            default -> {
                TestDatabases.PgDatabase pg = TestDatabases.freshPostgres();
                open.add(pg);
                yield pg::open;
            }
        };
        Database db = make.get();
        open.add(db);
        return db;
    }

    Engine engine(Database db, Sealer sealer) {
        return new Engine(db, EngineConfig.defaults("worker-t", "host", "test", dir), List.of(new ShellExecutor()), clock, ZoneOffset.UTC,
                new SplittableRandom(1), EngineObserver.NONE, WebhookSettings.defaults(), sealer);
    }

    static NewSchedule chadburnJob(String name) {
        ObjectNode payload = Json.object().put("command", "echo \"$SECRET_VALUE\"");
        payload.putObject("env").put("SECRET_VALUE", ENV_VALUE);
        return new NewSchedule("chadburn", name, null, "0 * * * *", "UTC", "shell", payload, 5, List.of(), 0,
                "fixed:60", 60, MisfirePolicy.RUN_ONCE, OverlapPolicy.FORBID, false);
    }

    /** Every text column of every row of the table, as one string. */
    static String dump(Database db, String table) {
        return db.read(c -> {
            StringBuilder out = new StringBuilder();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    for (int i = 1; i <= md.getColumnCount(); i++) out.append(rs.getString(i)).append('|');
                    out.append('\n');
                }
            }
            return out.toString();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void theRowsHoldNeitherWebhookSecretsNorEnvironmentValues(String kind) {
        Database db = database(kind);
        Engine engine = engine(db, box);
        long hook = engine.webhooks().create(new WebhookService.NewWebhook("http://8.8.8.8/hook", Set.of("task.created"),
                HOOK_SECRET, true, null)).webhook().id();
        Schedule job = engine.schedules().create(chadburnJob("nightly"));
        engine.schedules().runNow(job.id());
        ObjectNode nativePayload = Json.object().put("command", "true");
        nativePayload.putObject("env").put("OTHER", ENV_VALUE);
        engine.tasks().create(new NewTask("shell", "direct", null, nativePayload, 5, 0, "exponential", null, 60, List.of(),
                List.of(), false, "api", null));
        // A changed secret and a changed environment are sealed too.
        engine.webhooks().update(hook, new WebhookService.WebhookPatch(null, null, HOOK_SECRET + "-2", null, null));
        ObjectNode changed = Json.object().put("command", "echo changed");
        changed.putObject("env").put("SECRET_VALUE", ENV_VALUE + "-2");
        engine.schedules().update(job.id(), new SchedulePatch(null, null, null, null, changed, null, null, null, null,
                null, null, null, null));

        for (String table : List.of("webhooks", "schedules", "tasks")) {
            assertThat(dump(db, table)).as(table).doesNotContain(HOOK_SECRET).doesNotContain(ENV_VALUE);
        }
        assertThat(dump(db, "schedules")).as("the rest of the payload stays readable").contains("echo changed");
        // The services still read them in clear.
        assertThat(db.read(c -> new WebhookStore(box).target(c, hook)).secret()).isEqualTo(HOOK_SECRET + "-2");
        assertThat(engine.schedules().get(job.id()).payload().path("env").path("SECRET_VALUE").asText())
                .isEqualTo(ENV_VALUE + "-2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void rowsWrittenInClearAreSealedAtTheNextStartAndStillRead(String kind) {
        Database db = database(kind);
        Engine before = engine(db, Sealer.NONE); // an earlier version: everything in clear
        long hook = before.webhooks().create(new WebhookService.NewWebhook("http://8.8.8.8/hook", Set.of("task.created"),
                HOOK_SECRET, true, null)).webhook().id();
        Schedule job = before.schedules().create(chadburnJob("legacy"));
        long run = before.schedules().runNow(job.id()).id();
        assertThat(dump(db, "webhooks")).contains(HOOK_SECRET);
        assertThat(dump(db, "schedules")).contains(ENV_VALUE);
        assertThat(dump(db, "tasks")).contains(ENV_VALUE);

        Engine after = engine(db, box);

        for (String table : List.of("webhooks", "schedules", "tasks")) {
            assertThat(dump(db, table)).as(table).doesNotContain(HOOK_SECRET).doesNotContain(ENV_VALUE);
        }
        assertThat(db.read(c -> new WebhookStore(box).target(c, hook)).secret()).isEqualTo(HOOK_SECRET);
        Schedule read = after.schedules().get(job.id());
        assertThat(read.payload().path("env").path("SECRET_VALUE").asText()).isEqualTo(ENV_VALUE);
        assertThat(read.status()).isEqualTo(ScheduleStatus.ACTIVE);
        assertThat(new SealedEnv(box).open(after.tasks().get(run).payload()).path("env").path("SECRET_VALUE").asText())
                .isEqualTo(ENV_VALUE);
        // Done once per database: later starts do not scan every task again.
        assertThat(db.<Long>read(c -> Sql.count(c, "SELECT COUNT(*) FROM store_markers WHERE name = ?", SecretSweep.MARKER)))
                .isEqualTo(1L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite"})
    void aScheduleSealedWithAnotherKeyStaysReadableAndItsRunsCarryTheSealedEnvironment(String kind) {
        Database db = database(kind);
        Schedule job = engine(db, box).schedules().create(chadburnJob("other-key"));
        Engine wrongKey = engine(db, new SecretBox(java.util.HexFormat.of().parseHex("ff".repeat(32))));

        Schedule read = wrongKey.schedules().get(job.id());
        assertThat(read.payload().has("env")).isFalse();
        assertThat(read.payload().path("command").asText()).contains("SECRET_VALUE");
        long run = wrongKey.schedules().runNow(job.id()).id();
        assertThat(wrongKey.tasks().get(run).payload().path(SealedEnv.FIELD).asText()).startsWith("v1:");
        assertThat(dump(db, "tasks")).doesNotContain(ENV_VALUE);
    }
}
