package dev.coxswain.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.Json;
import dev.coxswain.core.domain.MisfirePolicy;
import dev.coxswain.core.domain.NewSchedule;
import dev.coxswain.core.domain.OverlapPolicy;
import dev.coxswain.core.node.Engine;
import dev.coxswain.core.node.EngineConfig;
import dev.coxswain.core.runtime.EngineObserver;
import dev.coxswain.core.exec.ExecutionContext;
import dev.coxswain.core.exec.ExecutionResult;
import dev.coxswain.core.exec.TaskExecutor;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.testing.TestDatabases;
import dev.coxswain.core.webhook.WebhookSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two engines on one PostgreSQL database, 200 schedules firing every second for 30 seconds, in
 * real time: every slot of every schedule fired exactly once (counted per slot), none missing,
 * both engines took part, and no firing ever collided (the compare-and-set decided, not the
 * unique index).
 */
class TwoEnginesOnePostgresTest {
    static final int SCHEDULES = 200;
    static final Duration RUN_FOR = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** Succeeds at once: the test is about firing, not running. */
    static final class Noop implements TaskExecutor {
        @Override
        public String type() {
            return "noop";
        }

        @Override
        public ExecutionResult execute(ExecutionContext ctx) {
            return ExecutionResult.ok(0, null);
        }
    }

    static final class Counting implements EngineObserver {
        final AtomicInteger fired = new AtomicInteger();

        @Override
        public void slotFired(Duration lateness) {
            fired.incrementAndGet();
        }
    }

    @Test
    void eachSlotFiresExactlyOnce() throws Exception {
        List<LogRecord> failures = new ArrayList<>();
        Handler watch = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    synchronized (failures) {
                        failures.add(r);
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger firerLog = Logger.getLogger(ScheduleFirer.class.getName());
        firerLog.addHandler(watch);
        try (TestDatabases.PgDatabase pg = TestDatabases.freshPostgres();
             Database db1 = pg.open(); Database db2 = pg.open()) {
            Counting c1 = new Counting(), c2 = new Counting();
            Engine e1 = engine(db1, "worker-a", c1);
            Engine e2 = engine(db2, "worker-b", c2);
            for (int i = 0; i < SCHEDULES; i++) {
                e1.schedules().create(new NewSchedule("native", "every-second-" + i, null, "* * * * * *", "UTC", "noop",
                        Json.object(), 5, List.of(), 0, "exponential", 60, MisfirePolicy.RUN_ALL, OverlapPolicy.ALLOW, false));
            }
            e1.start();
            e2.start();
            Thread.sleep(RUN_FOR.toMillis());
            e1.shutdown(Duration.ofSeconds(5));
            e2.shutdown(Duration.ofSeconds(5));

            Map<String, List<Long>> slots = new HashMap<>();
            long duplicates;
            try (Connection c = java.sql.DriverManager.getConnection(pg.url())) {
                try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM (SELECT origin_id, slot_at FROM tasks"
                        + " WHERE origin_kind = 'schedule' GROUP BY origin_id, slot_at HAVING COUNT(*) > 1) d");
                     ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    duplicates = rs.getLong(1);
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT origin_id, slot_at FROM tasks WHERE origin_kind = 'schedule'"
                        + " ORDER BY origin_id, slot_at"); ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) slots.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getLong(2));
                }
            }
            assertThat(duplicates).as("slots fired more than once").isZero();
            assertThat(slots).hasSize(SCHEDULES);
            int total = 0;
            for (var e : slots.entrySet()) {
                List<Long> s = e.getValue();
                total += s.size();
                assertThat(s.size()).as("slots of schedule %s", e.getKey()).isGreaterThanOrEqualTo((int) RUN_FOR.toSeconds() - 5);
                for (int i = 1; i < s.size(); i++) {
                    assertThat(s.get(i) - s.get(i - 1)).as("schedule %s: consecutive slots", e.getKey()).isEqualTo(1000L);
                }
            }
            assertThat(c1.fired.get() + c2.fired.get()).isEqualTo(total);
            assertThat(c1.fired.get()).as("engine a fired some").isPositive();
            assertThat(c2.fired.get()).as("engine b fired some").isPositive();
            System.out.printf("two engines: %d slots fired once each (a %d, b %d)%n", total, c1.fired.get(), c2.fired.get());
        } finally {
            firerLog.removeHandler(watch);
        }
        assertThat(failures).as("firing failures (e.g. a unique-index collision)").isEmpty();
    }

    private Engine engine(Database db, String worker, EngineObserver observer) {
        EngineConfig cfg = EngineConfig.defaults(worker, "host", "test", dir).withConcurrency(16);
        return new Engine(db, cfg, List.of(new Noop()), Clock.systemUTC(), ZoneOffset.UTC, new SplittableRandom(),
                observer, WebhookSettings.defaults());
    }
}
