package dev.coxswain.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.domain.MisfirePolicy;
import dev.coxswain.core.domain.OverlapPolicy;
import dev.coxswain.core.domain.Schedule;
import dev.coxswain.core.domain.ScheduleRun;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.engine.StoreKind;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The dashboard's reads of a schedule's runs: a keyset page newest first, and each schedule's last run. */
@ParameterizedClass
@EnumSource(StoreKind.class)
class ScheduleHistoryTest {
    static final Instant T0 = Instant.parse("2030-01-01T00:00:30Z");

    @Parameter
    StoreKind store;
    @TempDir
    Path dir;

    private TestDatabases.PgDatabase pg;
    private Database db;

    private SchedulerFixture fixture() {
        if (store == StoreKind.SQLITE) {
            db = TestDatabases.sqlite(dir.resolve("db"));
        } else {
            pg = TestDatabases.freshPostgres();
            db = pg.open();
        }
        return new SchedulerFixture(db, dir, T0, ZoneOffset.UTC);
    }

    @AfterEach
    void close() {
        if (db != null) db.close();
        if (pg != null) pg.close();
    }

    @Test
    void recentRunsArePagedNewestFirstByKeysetAndStayWithinTheirSchedule() {
        SchedulerFixture f = fixture();
        Schedule a = f.create("a", "* * * * *", null, MisfirePolicy.RUN_ONCE, OverlapPolicy.ALLOW);
        Schedule b = f.create("b", "* * * * *", null, MisfirePolicy.RUN_ONCE, OverlapPolicy.ALLOW);
        for (int i = 0; i < 3; i++) {
            f.fireNext(a.id()); // fires b's slot too: same minute
        }
        Task manual = f.engine.schedules().runNow(a.id());
        ScheduleService s = f.engine.schedules();

        List<ScheduleRun> first = s.recentRuns(a.id(), null, 2);
        assertThat(first).extracting(r -> r.task().id()).first().isEqualTo(manual.id());
        assertThat(first).hasSize(2);
        assertThat(first.get(0).slotAt()).as("a manual run belongs to no slot").isNull();
        assertThat(first.get(1).slotAt()).isEqualTo(Instant.parse("2030-01-01T00:03:00Z"));
        List<ScheduleRun> rest = s.recentRuns(a.id(), first.get(1).task().id(), 10);
        assertThat(rest).extracting(ScheduleRun::slotAt)
                .containsExactly(Instant.parse("2030-01-01T00:02:00Z"), Instant.parse("2030-01-01T00:01:00Z"));
        assertThat(rest).allSatisfy(r -> assertThat(r.task().originId()).isEqualTo(Long.toString(a.id())));
        assertThat(s.recentRuns(b.id(), null, 10)).hasSize(3);
        assertThat(s.recentRuns(a.id(), rest.get(1).task().id(), 10)).isEmpty();
    }

    @Test
    void lastRunsReadEachSchedulesLastTaskInOneGo() {
        SchedulerFixture f = fixture();
        Schedule a = f.create("a", "* * * * *", null, MisfirePolicy.RUN_ONCE, OverlapPolicy.ALLOW);
        Schedule never = f.create("never", "0 0 1 1 *", null, MisfirePolicy.RUN_ONCE, OverlapPolicy.ALLOW);
        f.fireNext(a.id());
        Task manual = f.engine.schedules().runNow(a.id());
        ScheduleService s = f.engine.schedules();

        Map<Long, Task> last = s.lastRuns(List.of(s.get(a.id()), s.get(never.id())));
        assertThat(last).containsOnlyKeys(a.id());
        assertThat(last.get(a.id()).id()).isEqualTo(manual.id());
        assertThat(s.lastRuns(List.of())).isEmpty();
    }
}
