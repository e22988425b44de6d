package dev.coxswain.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.store.Database;
import dev.coxswain.core.testing.TestDatabases;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PostgresSlotBatchTest extends SlotBatchContract {
    private TestDatabases.PgDatabase pg;

    @Override
    protected Database open() {
        pg = TestDatabases.freshPostgres();
        return pg.open();
    }

    @Override
    protected void cleanup() {
        pg.close();
    }

    @Test
    void onePassIsOneTransaction() {
        everySecond(N);
        f.pass();
        f.clock.set(SLOT);
        f.pass();
        // Every row a transaction writes carries its id (xmin): the runs, their log lines and the
        // schedules moved on all come from one.
        assertThat(count("SELECT COUNT(DISTINCT x) FROM (SELECT xmin::text AS x FROM tasks"
                + " UNION ALL SELECT xmin::text FROM task_logs UNION ALL SELECT xmin::text FROM schedules"
                + " WHERE last_slot_at IS NOT NULL) w")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM tasks")).isEqualTo(N);
    }

    @Test
    void twoNodesFiringTheSameThousandSlotsAtOnceFireEachOnce() throws Exception {
        everySecond(N);
        try (Database other = pg.open()) {
            SchedulerFixture g = new SchedulerFixture(other, dir.resolve("other"), T0, ZoneOffset.UTC);
            f.pass();
            g.pass(); // both timers hold every slot
            for (int round = 0; round < 3; round++) {
                f.clock.set(SLOT.plusSeconds(round));
                g.clock.set(SLOT.plusSeconds(round));
                CountDownLatch go = new CountDownLatch(1);
                CompletableFuture<Void> a = CompletableFuture.runAsync(() -> awaitThen(go, f));
                CompletableFuture<Void> b = CompletableFuture.runAsync(() -> awaitThen(go, g));
                go.countDown();
                a.get(60, TimeUnit.SECONDS);
                b.get(60, TimeUnit.SECONDS);
                assertThat(count("SELECT COUNT(*) FROM tasks WHERE slot_at = ?", SLOT.plusSeconds(round).toEpochMilli()))
                        .as("runs of round %d", round).isEqualTo(N);
                assertThat(count("SELECT COUNT(DISTINCT origin_id) FROM tasks WHERE slot_at = ?",
                        SLOT.plusSeconds(round).toEpochMilli())).isEqualTo(N);
            }
        }
        assertThat(warnings).as("firing failures (a deadlock, a unique-index collision)").isEmpty();
    }

    private static void awaitThen(CountDownLatch go, SchedulerFixture fixture) {
        try {
            go.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        fixture.pass();
    }
}
