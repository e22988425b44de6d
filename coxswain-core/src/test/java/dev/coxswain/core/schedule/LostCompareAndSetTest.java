package dev.coxswain.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.coxswain.core.domain.MisfirePolicy;
import dev.coxswain.core.domain.OverlapPolicy;
import dev.coxswain.core.domain.Schedule;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.testing.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that loses a slot to another must still fire the next one: the winner may die right
 * after its commit. Played on PostgreSQL with one engine and the settable clock; the other node
 * is a plain connection that holds the schedule row's lock while this node comes to fire it, then
 * advances {@code next_run_at} past the slot and "dies" (does nothing more).
 */
class LostCompareAndSetTest {
    @TempDir
    Path dir;

    @Test
    void theLoserKeepsTheStoredNextSlotOnItsTimer() throws Exception {
        Instant t0 = Instant.parse("2026-06-01T10:00:00.500Z");
        Instant slot = Instant.parse("2026-06-01T10:00:01Z");
        Instant nextSlot = slot.plusSeconds(1);
        try (TestDatabases.PgDatabase pg = TestDatabases.freshPostgres(); Database db = pg.open();
             Connection winner = DriverManager.getConnection(pg.url())) {
            SchedulerFixture f = new SchedulerFixture(db, dir, t0, ZoneOffset.UTC);
            Schedule s = f.create("every-second", "* * * * * *", null, MisfirePolicy.RUN_ONCE, OverlapPolicy.ALLOW);
            assertThat(s.nextRunAt()).isEqualTo(slot);
            f.pass(); // loads the timer; the next load is 5 s away

            winner.setAutoCommit(false);
            exec(winner, "SELECT id FROM schedules WHERE id = ? FOR UPDATE", s.id());
            f.clock.set(slot);
            CompletableFuture<Void> firing = CompletableFuture.runAsync(f::pass);
            // This node now waits for the row's lock to read the schedule it is to fire.
            await().atMost(Duration.ofSeconds(20)).until(() -> waitingForLocks(winner, pg.name()) > 0);
            exec(winner, "UPDATE schedules SET next_run_at = ? WHERE id = ?", nextSlot.toEpochMilli(), s.id());
            winner.commit(); // ... and the winner dies before the next slot
            firing.get(20, TimeUnit.SECONDS);
            assertThat(f.runs(s.id())).as("the slot belonged to the winner").isEmpty();

            f.clock.set(nextSlot);
            f.pass(); // still before the next load: only the timer can fire it
            assertThat(f.slots(s.id())).containsExactly(nextSlot);
        }
    }

    private static void exec(Connection c, String sql, Object... args) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            ps.execute();
        }
    }

    private static int waitingForLocks(Connection c, String database) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = ? AND wait_event_type = 'Lock'")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
