package dev.coxswain.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.domain.MisfirePolicy;
import dev.coxswain.core.domain.OverlapPolicy;
import dev.coxswain.core.domain.Schedule;
import dev.coxswain.core.domain.ScheduleStatus;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The next firings a page shows for stored schedules in each state. */
class UpcomingFiringsTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:20Z");

    @TempDir
    Path dir;
    Database db;
    SchedulerFixture f;
    UpcomingFirings upcoming;

    @BeforeEach
    void start() {
        db = TestDatabases.sqlite(dir);
        f = new SchedulerFixture(db, dir, T0, ZoneOffset.UTC);
        upcoming = new UpcomingFirings(f.engine.schedules());
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void anEveryScheduleContinuesFromItsStoredSlotNotFromNow() {
        Schedule s = f.create("every", "@every 1h30m", null, MisfirePolicy.RUN_ONCE, OverlapPolicy.ALLOW);
        f.fireNext(s.id());
        f.clock.set(T0.plus(Duration.ofMinutes(100))); // between slots: "from now" would be wrong
        Schedule now = f.engine.schedules().get(s.id());
        assertThat(upcoming.of(now, 3)).containsExactly(T0.plus(Duration.ofMinutes(180)),
                T0.plus(Duration.ofMinutes(270)), T0.plus(Duration.ofMinutes(360)));
    }

    @Test
    void aCronScheduleListsItsNextSlots() {
        Schedule s = f.create("cron", "0 9 * * 1-5", "Europe/Berlin", MisfirePolicy.RUN_ONCE, OverlapPolicy.ALLOW);
        // Thursday 1 Jan 2026: 09:00 CET is 08:00Z; then Friday, then Monday.
        assertThat(upcoming.of(s, 3)).containsExactly(Instant.parse("2026-01-01T08:00:00Z"),
                Instant.parse("2026-01-02T08:00:00Z"), Instant.parse("2026-01-05T08:00:00Z"));
        assertThat(upcoming.of(s, 1)).containsExactly(Instant.parse("2026-01-01T08:00:00Z"));
        assertThat(upcoming.of(s, 0)).isEmpty();
    }

    @Test
    void aPausedScheduleShowsWhenItWouldFireIfResumedNow() {
        Schedule s = f.create("paused", "*/15 * * * *", null, MisfirePolicy.RUN_ONCE, OverlapPolicy.ALLOW);
        Schedule paused = f.engine.schedules().pause(s.id());
        assertThat(paused.nextRunAt()).isNull();
        f.clock.set(Instant.parse("2026-01-01T10:07:00Z"));
        assertThat(upcoming.of(paused, 2)).containsExactly(Instant.parse("2026-01-01T10:15:00Z"),
                Instant.parse("2026-01-01T10:30:00Z"));
    }

    @Test
    void aCompletedScheduleHasNone() {
        Schedule s = f.create("done", "0 0 0 1 1 * 2025", null, MisfirePolicy.RUN_ONCE, OverlapPolicy.ALLOW);
        assertThat(s.status()).isEqualTo(ScheduleStatus.COMPLETED);
        assertThat(upcoming.of(s, 5)).isEmpty();
    }

    @Test
    void aFiniteScheduleListsFewerThanAskedAndNeverThrows() {
        Schedule s = f.create("twice", "0 0 0 1 1 * 2027,2028", null, MisfirePolicy.RUN_ONCE, OverlapPolicy.ALLOW);
        assertThat(upcoming.of(s, 5)).containsExactly(Instant.parse("2027-01-01T00:00:00Z"),
                Instant.parse("2028-01-01T00:00:00Z"));
        Schedule unreadable = new Schedule(s.id(), s.face(), s.name(), null, "0 0 * * *", "Mars/Olympus_Mons",
                s.taskType(), s.payload(), 5, s.tags(), 0, "exponential", 60, s.misfire(), s.overlap(),
                ScheduleStatus.PAUSED, null, null, null, s.createdAt(), s.updatedAt());
        assertThat(upcoming.of(unreadable, 5)).isEmpty();
    }
}
