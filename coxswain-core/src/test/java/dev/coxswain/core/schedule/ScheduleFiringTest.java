package dev.coxswain.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.domain.MisfirePolicy;
import dev.coxswain.core.domain.OverlapPolicy;
import dev.coxswain.core.domain.Schedule;
import dev.coxswain.core.domain.ScheduleRun;
import dev.coxswain.core.domain.ScheduleStatus;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.engine.StoreKind;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Firing with a settable clock: daylight-saving changes in two zones, misfire policies after the
 * server was down across three slots, overlap policies while the previous run is unfinished,
 * pause/resume, and schedules that complete. On each database.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class ScheduleFiringTest {
    @Parameter
    StoreKind store;
    @TempDir
    Path dir;
    TestDatabases.PgDatabase pg;
    Database db;
    SchedulerFixture f;

    SchedulerFixture start(Instant t0, ZoneId zone) {
        if (store == StoreKind.SQLITE) {
            db = TestDatabases.sqlite(dir);
        } else {
            pg = TestDatabases.freshPostgres();
            db = pg.open();
        }
        f = new SchedulerFixture(db, dir, t0, zone);
        return f;
    }

    @AfterEach
    void close() {
        if (db != null) db.close();
        if (pg != null) pg.close();
    }

    // ---- daylight saving ------------------------------------------------------------------------

    @Test
    void springForwardInBerlinFiresTheSkippedSlotOnceRightAfterTheGap() {
        start(Instant.parse("2026-03-27T12:00:00Z"), ZoneId.of("Europe/Berlin"));
        Schedule s = f.create("nightly", "30 2 * * *", null, MisfirePolicy.RUN_ONCE, OverlapPolicy.ALLOW);
        for (int i = 0; i < 4; i++) f.fireNext(s.id());
        // 28 Mar 02:30 CET; 29 Mar 02:30 does not exist -> 03:00 CEST; then 02:30 CEST.
        assertThat(f.slots(s.id())).containsExactly(Instant.parse("2026-03-28T01:30:00Z"),
                Instant.parse("2026-03-29T01:00:00Z"), Instant.parse("2026-03-30T00:30:00Z"),
                Instant.parse("2026-03-31T00:30:00Z"));
    }

    @Test
    void fallBackInNewYorkFiresTheRepeatedSlotOnce() {
        start(Instant.parse("2026-10-30T12:00:00Z"), ZoneId.of("America/New_York"));
        Schedule s = f.create("early", "30 1 * * *", null, MisfirePolicy.RUN_ONCE, OverlapPolicy.ALLOW);
        for (int i = 0; i < 4; i++) f.fireNext(s.id());
        // 31 Oct 01:30 EDT; 1 Nov 01:30 happens twice: only the first (EDT, 05:30Z); then EST.
        assertThat(f.slots(s.id())).containsExactly(Instant.parse("2026-10-31T05:30:00Z"),
                Instant.parse("2026-11-01T05:30:00Z"), Instant.parse("2026-11-02T06:30:00Z"),
                Instant.parse("2026-11-03T06:30:00Z"));
    }

    @Test
    void springForwardInNewYorkAndFallBackInBerlinWithTheZoneOnTheSchedule() {
        start(Instant.parse("2026-03-07T00:00:00Z"), ZoneOffset.UTC);
        Schedule ny = f.create("ny", "30 2 * * *", "America/New_York", MisfirePolicy.RUN_ONCE, OverlapPolicy.ALLOW);
        for (int i = 0; i < 3; i++) f.fireNext(ny.id());
        assertThat(f.slots(ny.id())).containsExactly(Instant.parse("2026-03-07T07:30:00Z"),
                Instant.parse("2026-03-08T07:00:00Z"), Instant.parse("2026-03-09T06:30:00Z"));

        f.clock.set(Instant.parse("2026-10-24T12:00:00Z"));
        Schedule de = f.create("de", "CRON_TZ=Europe/Berlin 30 2 * * *", null, MisfirePolicy.RUN_ONCE, OverlapPolicy.ALLOW);
        for (int i = 0; i < 3; i++) f.fireNext(de.id());
        assertThat(f.slots(de.id())).containsExactly(Instant.parse("2026-10-25T00:30:00Z"),
                Instant.parse("2026-10-26T01:30:00Z"), Instant.parse("2026-10-27T01:30:00Z"));
    }

    @Test
    void springForwardInLondonSkipsTheMissingSlotOfAWildcardHourJob() {
        start(Instant.parse("2027-03-27T23:59:00Z"), ZoneId.of("Europe/London"));
        Schedule s = f.create("hourly-7", "7 * 28 3 *", null, MisfirePolicy.RUN_ONCE, OverlapPolicy.ALLOW);
        for (int i = 0; i < 3; i++) f.fireNext(s.id());
        // 00:07 GMT; 01:07 does not exist; 02:07 BST; 03:07 BST - no extra run at 01:00Z.
        assertThat(f.slots(s.id())).containsExactly(Instant.parse("2027-03-28T00:07:00Z"),
                Instant.parse("2027-03-28T01:07:00Z"), Instant.parse("2027-03-28T02:07:00Z"));
    }

    // ---- misfire: the server was down across three hourly slots -------------------------------

    Schedule downAcrossThreeSlots(MisfirePolicy policy) {
        start(Instant.parse("2026-06-01T09:10:00Z"), ZoneOffset.UTC);
        Schedule s = f.create("hourly-" + policy.wire(), "0 * * * *", null, policy, OverlapPolicy.ALLOW);
        assertThat(s.nextRunAt()).isEqualTo(Instant.parse("2026-06-01T10:00:00Z"));
        f.clock.set(Instant.parse("2026-06-01T12:20:00Z")); // 10:00, 11:00 and 12:00 passed unseen
        f.pass();
        return f.engine.schedules().get(s.id());
    }

    @Test
    void runOnceFiresOneRunForAllMissedSlots() {
        Schedule s = downAcrossThreeSlots(MisfirePolicy.RUN_ONCE);
        assertThat(f.slots(s.id())).containsExactly(Instant.parse("2026-06-01T12:00:00Z"));
        assertThat(s.nextRunAt()).isEqualTo(Instant.parse("2026-06-01T13:00:00Z"));
    }

    @Test
    void skipDropsMissedSlots() {
        Schedule s = downAcrossThreeSlots(MisfirePolicy.SKIP);
        assertThat(f.runs(s.id())).isEmpty();
        assertThat(s.nextRunAt()).isEqualTo(Instant.parse("2026-06-01T13:00:00Z"));
        f.fireNext(s.id()); // and fires on time again afterwards
        assertThat(f.slots(s.id())).containsExactly(Instant.parse("2026-06-01T13:00:00Z"));
    }

    @Test
    void runAllFiresEachMissedSlot() {
        Schedule s = downAcrossThreeSlots(MisfirePolicy.RUN_ALL);
        assertThat(f.slots(s.id())).containsExactly(Instant.parse("2026-06-01T10:00:00Z"),
                Instant.parse("2026-06-01T11:00:00Z"), Instant.parse("2026-06-01T12:00:00Z"));
        assertThat(s.nextRunAt()).isEqualTo(Instant.parse("2026-06-01T13:00:00Z"));
    }

    @Test
    void runAllIsBounded() {
        start(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC);
        Schedule s = f.create("minutely", "* * * * *", null, MisfirePolicy.RUN_ALL, OverlapPolicy.ALLOW);
        f.clock.advance(Duration.ofHours(5)); // 300 slots
        f.pass();
        assertThat(f.slots(s.id())).hasSize(SlotPlanner.RUN_ALL_BOUND)
                .last().isEqualTo(Instant.parse("2026-06-01T05:00:00Z"));
    }

    @Test
    void aSlightlyLateSlotStillFiresUnderSkip() {
        start(Instant.parse("2026-06-01T09:10:00Z"), ZoneOffset.UTC);
        Schedule s = f.create("late", "0 * * * *", null, MisfirePolicy.SKIP, OverlapPolicy.ALLOW);
        f.clock.set(Instant.parse("2026-06-01T10:00:30Z"));
        f.pass();
        assertThat(f.slots(s.id())).containsExactly(Instant.parse("2026-06-01T10:00:00Z"));
    }

    // ---- overlap: the previous run has not finished ---------------------------------------------

    @Test
    void forbidRecordsASkippedRun() {
        start(Instant.parse("2026-06-01T09:59:00Z"), ZoneOffset.UTC);
        Schedule s = f.create("forbid", "*/5 * * * *", null, MisfirePolicy.RUN_ONCE, OverlapPolicy.FORBID);
        f.fireNext(s.id());
        f.fireNext(s.id());
        List<ScheduleRun> runs = f.runs(s.id());
        assertThat(runs).hasSize(2);
        assertThat(runs.get(0).skipped()).isFalse();
        assertThat(runs.get(0).task().status()).isEqualTo(TaskStatus.QUEUED);
        assertThat(runs.get(1).skipped()).isTrue();
        assertThat(runs.get(1).outcome()).isEqualTo(ScheduleRun.Outcome.SKIPPED);
        assertThat(runs.get(1).task().status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(runs.get(1).task().error()).contains("Skipped").contains("task-" + runs.get(0).task().id());
        assertThat(runs.get(1).slotAt()).isEqualTo(Instant.parse("2026-06-01T10:05:00Z"));
    }

    @Test
    void allowStartsAnotherRun() {
        start(Instant.parse("2026-06-01T09:59:00Z"), ZoneOffset.UTC);
        Schedule s = f.create("allow", "*/5 * * * *", null, MisfirePolicy.RUN_ONCE, OverlapPolicy.ALLOW);
        f.fireNext(s.id());
        f.fireNext(s.id());
        assertThat(f.runs(s.id())).extracting(r -> r.task().status()).containsExactly(TaskStatus.QUEUED, TaskStatus.QUEUED);
    }

    @Test
    void replaceCancelsThePreviousRun() {
        start(Instant.parse("2026-06-01T09:59:00Z"), ZoneOffset.UTC);
        Schedule s = f.create("replace", "*/5 * * * *", null, MisfirePolicy.RUN_ONCE, OverlapPolicy.REPLACE);
        f.fireNext(s.id());
        f.fireNext(s.id());
        assertThat(f.runs(s.id())).extracting(r -> r.task().status()).containsExactly(TaskStatus.CANCELLED, TaskStatus.QUEUED);
        assertThat(f.runs(s.id())).noneMatch(ScheduleRun::skipped);
    }

    // ---- states ---------------------------------------------------------------------------------

    @Test
    void pauseStopsFiringAndResumeContinuesFromNow() {
        start(Instant.parse("2026-06-01T09:59:00Z"), ZoneOffset.UTC);
        Schedule s = f.create("p", "*/5 * * * *", null, MisfirePolicy.RUN_ONCE, OverlapPolicy.ALLOW);
        Schedule paused = f.engine.schedules().pause(s.id());
        assertThat(paused.status()).isEqualTo(ScheduleStatus.PAUSED);
        assertThat(paused.nextRunAt()).isNull();
        f.clock.advance(Duration.ofMinutes(30));
        f.pass();
        assertThat(f.runs(s.id())).isEmpty();
        Schedule resumed = f.engine.schedules().resume(s.id());
        assertThat(resumed.nextRunAt()).isEqualTo(Instant.parse("2026-06-01T10:30:00Z"));
        // A manual run works whatever the state.
        f.engine.schedules().pause(s.id());
        f.engine.schedules().runNow(s.id());
        assertThat(f.runs(s.id())).singleElement().satisfies(r -> assertThat(r.slotAt()).isNull());
    }

    @Test
    void aScheduleWhoseLastSlotPassedCompletes() {
        start(Instant.parse("2026-12-31T23:00:00Z"), ZoneOffset.UTC);
        Schedule s = f.create("once", "0 30 23 31 12 * 2026", null, MisfirePolicy.RUN_ONCE, OverlapPolicy.ALLOW);
        assertThat(s.nextRunAt()).isEqualTo(Instant.parse("2026-12-31T23:30:00Z"));
        f.fireNext(s.id());
        Schedule done = f.engine.schedules().get(s.id());
        assertThat(done.status()).isEqualTo(ScheduleStatus.COMPLETED);
        assertThat(done.nextRunAt()).isNull();
        assertThat(f.slots(s.id())).hasSize(1);
    }

    @Test
    void changingTheExpressionMovesTheNextSlot() {
        start(Instant.parse("2026-06-01T09:59:00Z"), ZoneOffset.UTC);
        Schedule s = f.create("c", "*/5 * * * *", null, MisfirePolicy.RUN_ONCE, OverlapPolicy.ALLOW);
        var patched = f.engine.schedules().update(s.id(), new dev.coxswain.core.domain.SchedulePatch(null, null, "0 12 * * *",
                null, null, null, null, null, null, null, null, null, null));
        assertThat(patched.nextRunAt()).isEqualTo(Instant.parse("2026-06-01T12:00:00Z"));
    }
}
