package dev.coxswain.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.Json;
import dev.coxswain.core.domain.MisfirePolicy;
import dev.coxswain.core.domain.NewTask;
import dev.coxswain.core.domain.OverlapPolicy;
import dev.coxswain.core.domain.Schedule;
import dev.coxswain.core.domain.ScheduleRun;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskLog;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.Sql;
import dev.coxswain.core.webhook.WebhookService;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The slots due at one pass fire together, on each database: 1,000 schedules due at one instant
 * get exactly one run each from a single pass, with the same creation records (log line, webhook
 * delivery) a run has always had; every misfire and overlap policy decides as it does alone; one
 * schedule that cannot fire does not hold back the others; and a batch of tasks gets its ids in
 * the order of its rows.
 */
abstract class SlotBatchContract {
    static final int N = 1_000;
    static final Instant T0 = Instant.parse("2026-06-01T09:59:59.200Z");
    static final Instant SLOT = Instant.parse("2026-06-01T10:00:00Z");

    @TempDir
    Path dir;
    Database db;
    SchedulerFixture f;
    final List<LogRecord> warnings = Collections.synchronizedList(new ArrayList<>());
    private final Handler watch = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) warnings.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    protected abstract Database open();

    protected abstract void cleanup() throws Exception;

    @BeforeEach
    void setUp() {
        db = open();
        f = new SchedulerFixture(db, dir, T0, ZoneOffset.UTC);
        Logger.getLogger(ScheduleFirer.class.getName()).addHandler(watch);
    }

    @AfterEach
    void tearDown() throws Exception {
        Logger.getLogger(ScheduleFirer.class.getName()).removeHandler(watch);
        db.close();
        cleanup();
    }

    List<Schedule> everySecond(int n) {
        List<Schedule> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(f.create("every-second-" + i, "* * * * * *", null, MisfirePolicy.RUN_ONCE, OverlapPolicy.ALLOW));
        }
        return out;
    }

    long count(String sql, Object... args) {
        return db.read(c -> Sql.count(c, sql, args));
    }

    @Test
    void aThousandSchedulesDueAtOneInstantFireOneRunEachInOnePass() {
        List<Schedule> all = everySecond(N);
        assertThat(all).allSatisfy(s -> assertThat(s.nextRunAt()).isEqualTo(SLOT));
        long hook = f.engine.webhooks().create(new WebhookService.NewWebhook("http://8.8.8.8/hook", Set.of("task.created"),
                null, true, null)).webhook().id();
        f.pass(); // loads the timer; nothing is due yet
        assertThat(count("SELECT COUNT(*) FROM tasks")).isZero();

        f.clock.set(SLOT);
        f.pass();

        assertThat(count("SELECT COUNT(*) FROM tasks WHERE origin_kind = 'schedule'")).isEqualTo(N);
        assertThat(count("SELECT COUNT(*) FROM (SELECT origin_id FROM tasks WHERE origin_kind = 'schedule'"
                + " GROUP BY origin_id HAVING COUNT(*) = 1 AND MIN(slot_at) = ?) one", SLOT.toEpochMilli()))
                .as("schedules with exactly one run, for the slot").isEqualTo(N);
        for (Schedule s : List.of(all.get(0), all.get(N / 2), all.get(N - 1))) {
            Schedule now = f.engine.schedules().get(s.id());
            assertThat(now.nextRunAt()).isEqualTo(SLOT.plusSeconds(1));
            assertThat(now.lastSlotAt()).isEqualTo(SLOT);
            ScheduleRun run = f.runs(s.id()).get(0);
            assertThat(now.lastTaskId()).isEqualTo(run.task().id());
            assertThat(run.slotAt()).isEqualTo(SLOT);
            assertThat(run.task().status()).isEqualTo(TaskStatus.QUEUED);
            assertThat(run.task().name()).isEqualTo(s.name());
            assertThat(f.engine.tasks().logs(run.task().id(), null, 0, 10).items()).extracting(TaskLog::message)
                    .containsExactly("Task created (queued)");
        }
        assertThat(count("SELECT COUNT(*) FROM schedules WHERE next_run_at = ? AND last_slot_at = ?",
                SLOT.plusSeconds(1).toEpochMilli(), SLOT.toEpochMilli())).isEqualTo(N);
        assertThat(count("SELECT COUNT(*) FROM schedules s JOIN tasks t ON t.id = s.last_task_id"
                + " WHERE t.origin_id = CAST(s.id AS " + textType() + ")")).isEqualTo(N);
        assertThat(f.engine.webhooks().deliveries(hook, null, 0, 1).total()).as("task.created deliveries").isEqualTo(N);

        f.pass(); // the same instant again: nothing more
        assertThat(count("SELECT COUNT(*) FROM tasks")).isEqualTo(N);
        f.clock.set(SLOT.plusSeconds(1));
        f.pass(); // the next slot was put on the timer by the firing, before any reload
        assertThat(count("SELECT COUNT(*) FROM tasks WHERE slot_at = ?", SLOT.plusSeconds(1).toEpochMilli())).isEqualTo(N);
        assertThat(warnings).isEmpty();
    }

    /** The SQL type a schedule id is cast to for comparing with {@code origin_id}. */
    String textType() {
        return "TEXT";
    }

    @Test
    void everyPolicyDecidesInABatchAsItDoesAlone() {
        Instant start = Instant.parse("2026-06-01T09:10:00Z");
        f.clock.set(start);
        List<Schedule> allow = new ArrayList<>();
        for (int i = 0; i < 50; i++) allow.add(f.create("allow-" + i, "0 * * * *", null, MisfirePolicy.RUN_ONCE, OverlapPolicy.ALLOW));
        Schedule forbidBusy = f.create("forbid-busy", "0 * * * *", null, MisfirePolicy.RUN_ONCE, OverlapPolicy.FORBID);
        Schedule forbidDone = f.create("forbid-done", "0 * * * *", null, MisfirePolicy.RUN_ONCE, OverlapPolicy.FORBID);
        Schedule replace = f.create("replace", "0 * * * *", null, MisfirePolicy.RUN_ONCE, OverlapPolicy.REPLACE);
        Schedule runAll = f.create("run-all", "0 * * * *", null, MisfirePolicy.RUN_ALL, OverlapPolicy.ALLOW);
        Schedule skip = f.create("skip", "0 * * * *", null, MisfirePolicy.SKIP, OverlapPolicy.ALLOW);
        Schedule runAllForbid = f.create("run-all-forbid", "0 * * * *", null, MisfirePolicy.RUN_ALL, OverlapPolicy.FORBID);
        Instant ten = Instant.parse("2026-06-01T10:00:00Z");
        Instant eleven = ten.plusSeconds(3600), twelve = eleven.plusSeconds(3600), thirteen = twelve.plusSeconds(3600);

        f.clock.set(ten);
        f.pass(); // every schedule gets its 10:00 run; they stay queued (nothing runs them)
        assertThat(count("SELECT COUNT(*) FROM tasks WHERE slot_at = ?", ten.toEpochMilli())).isEqualTo(56);
        f.engine.tasks().cancel(f.runs(forbidDone.id()).get(0).task().id()); // its previous run is over

        f.clock.set(twelve.plusSeconds(20 * 60)); // 11:00 passed unseen, 12:00 is 20 minutes late
        f.pass();

        for (Schedule s : allow) assertThat(f.slots(s.id())).containsExactly(ten, twelve);
        List<ScheduleRun> fb = f.runs(forbidBusy.id());
        assertThat(fb).hasSize(2);
        assertThat(fb.get(1).skipped()).isTrue();
        assertThat(fb.get(1).slotAt()).isEqualTo(twelve);
        assertThat(fb.get(1).task().status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(fb.get(1).task().error()).contains("task-" + fb.get(0).task().id());
        assertThat(f.slots(forbidDone.id())).containsExactly(ten, twelve);
        assertThat(f.runs(replace.id())).extracting(r -> r.task().status()).containsExactly(TaskStatus.CANCELLED, TaskStatus.QUEUED);
        assertThat(f.slots(runAll.id())).containsExactly(ten, eleven, twelve);
        assertThat(f.slots(skip.id())).containsExactly(ten);
        List<ScheduleRun> raf = f.runs(runAllForbid.id());
        assertThat(raf).extracting(ScheduleRun::slotAt).containsExactly(ten, eleven, twelve);
        assertThat(raf).extracting(ScheduleRun::skipped).containsExactly(false, true, true);

        for (Schedule s : List.of(allow.get(0), forbidBusy, forbidDone, replace, runAll, skip, runAllForbid)) {
            Schedule now = f.engine.schedules().get(s.id());
            assertThat(now.nextRunAt()).as(s.name()).isEqualTo(thirteen);
            List<ScheduleRun> runs = f.runs(s.id());
            List<ScheduleRun> started = runs.stream().filter(r -> !r.skipped()).toList();
            assertThat(now.lastTaskId()).as(s.name() + ": its newest run that was not skipped")
                    .isEqualTo(started.get(started.size() - 1).task().id());
        }
        assertThat(warnings).isEmpty();
    }

    @Test
    void aScheduleThatCannotFireDoesNotHoldBackTheOthers() {
        List<Schedule> all = everySecond(20);
        Schedule bad = all.get(7);
        // A row no API would write: its run fails validation, so its firing fails.
        db.write(tx -> {
            try (PreparedStatement ps = tx.connection().prepareStatement("UPDATE schedules SET priority = 99 WHERE id = ?")) {
                ps.setLong(1, bad.id());
                return ps.executeUpdate();
            }
        });
        f.pass();
        f.clock.set(SLOT);
        f.pass();

        assertThat(f.runs(bad.id())).isEmpty();
        assertThat(f.engine.schedules().get(bad.id()).nextRunAt()).as("still waiting for its slot").isEqualTo(SLOT);
        for (Schedule s : all) if (s.id() != bad.id()) assertThat(f.slots(s.id())).containsExactly(SLOT);
        assertThat(warnings).extracting(LogRecord::getMessage)
                .anyMatch(m -> m.contains("one by one"))
                .anyMatch(m -> m.contains("schedule " + bad.id()));
    }

    @Test
    void aBatchOfTasksGetsItsIdsInTheOrderOfItsRows() {
        int n = 1_300; // parts of 512, 512, 256, 16 and 4 rows
        List<NewTask> batch = new ArrayList<>(n);
        List<Instant> slots = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            batch.add(new NewTask("shell", "task-" + i, null, Json.object().put("command", "true"), 1 + i % 10, 0,
                    "exponential", i % 100 == 0 ? SLOT.plusSeconds(60) : null, 60,
                    i % 3 == 0 ? List.of("t" + i % 7, "every-third") : List.of(), List.of(), false, null, null));
            slots.add(null);
        }
        long[] ids = db.write(tx -> f.engine.tasks().createAllIn(tx, batch, slots, f.clock.instant()));
        assertThat(ids).hasSize(n).doesNotHaveDuplicates();
        for (int i = 0; i < n; i++) {
            Task t = f.engine.tasks().get(ids[i]);
            assertThat(t.name()).isEqualTo("task-" + i);
            assertThat(t.priority()).isEqualTo(1 + i % 10);
            assertThat(t.tags()).isEqualTo(batch.get(i).tags());
            TaskStatus status = i % 100 == 0 ? TaskStatus.PENDING : TaskStatus.QUEUED;
            assertThat(t.status()).isEqualTo(status);
            assertThat(f.engine.tasks().logs(ids[i], null, 0, 10).items()).extracting(TaskLog::message)
                    .containsExactly("Task created (" + status.wire() + ")");
        }
        assertThat(count("SELECT COUNT(*) FROM task_tags WHERE tag = 'every-third'")).isEqualTo((n + 2) / 3);
    }
}
