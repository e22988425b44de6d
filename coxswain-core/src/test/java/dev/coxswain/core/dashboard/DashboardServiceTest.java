package dev.coxswain.core.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.engine.StoreKind;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.testing.MutableClock;
import dev.coxswain.core.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** What the dashboard's reads answer, on both stores. */
@ParameterizedClass
@EnumSource(StoreKind.class)
class DashboardServiceTest {
    /** 2025-01-01T10:00:00Z plus a few seconds, so the current bucket is partly over. */
    private static final Instant NOW = Instant.parse("2025-01-01T10:07:30Z");

    @Parameter
    StoreKind store;

    @TempDir
    Path tmp;

    private TestDatabases.PgDatabase pg;
    private Database db;
    private TaskRows rows;
    private final MutableClock clock = new MutableClock(NOW);

    @BeforeEach
    void open() {
        if (store == StoreKind.SQLITE) {
            db = TestDatabases.sqlite(tmp);
        } else {
            pg = TestDatabases.freshPostgres();
            db = pg.open();
        }
        rows = new TaskRows(db);
    }

    @AfterEach
    void close() {
        if (db != null) db.close();
        if (pg != null) pg.close();
    }

    private long task(TaskStatus status, int priority) {
        long t = NOW.toEpochMilli();
        return rows.insert(new TaskRows.Row("shell", "t", status, priority, t, status.terminal() ? t : null, null, List.of()));
    }

    // ---- overview, counts, types ------------------------------------------------------------

    @Test
    void theOverviewCountsTheQueueByBandAndTheOpenTasks() {
        for (int p = 1; p <= 10; p++) task(TaskStatus.QUEUED, p);
        task(TaskStatus.QUEUED, 9);
        task(TaskStatus.RUNNING, 5);
        task(TaskStatus.PENDING, 5);
        task(TaskStatus.PENDING, 1);
        task(TaskStatus.COMPLETED, 10);

        Overview o = new DashboardService(db, clock).overview();

        assertThat(o.queuedHigh()).isEqualTo(new CappedCount(1, false)); // 10
        assertThat(o.queuedNormal()).isEqualTo(new CappedCount(6, false)); // 5..9, 9
        assertThat(o.queuedLow()).isEqualTo(new CappedCount(4, false)); // 1..4
        assertThat(o.running()).isEqualTo(new CappedCount(1, false));
        assertThat(o.waiting()).isEqualTo(new CappedCount(2, false));
        assertThat(o.at()).isEqualTo(NOW);
    }

    @Test
    void countsStopAtTheCap() {
        for (int i = 0; i < 4; i++) task(TaskStatus.QUEUED, 10);
        for (int i = 0; i < 3; i++) task(TaskStatus.QUEUED, 5);
        task(TaskStatus.QUEUED, 1);
        for (int i = 0; i < 3; i++) task(TaskStatus.COMPLETED, 5);

        DashboardService s = new DashboardService(db, clock, 3, 10);
        Overview o = s.overview();
        assertThat(o.queuedHigh()).isEqualTo(new CappedCount(3, true));
        assertThat(o.queuedNormal()).isEqualTo(new CappedCount(3, false));
        assertThat(o.queuedLow()).isEqualTo(new CappedCount(1, false));
        assertThat(o.running()).isEqualTo(new CappedCount(0, false));

        Map<TaskStatus, CappedCount> counts = s.statusCounts();
        assertThat(counts).containsEntry(TaskStatus.QUEUED, new CappedCount(3, true))
                .containsEntry(TaskStatus.COMPLETED, new CappedCount(3, false))
                .containsEntry(TaskStatus.FAILED, new CappedCount(0, false))
                .hasSize(TaskStatus.values().length);
        assertThat(new DashboardService(db, clock).statusCounts().get(TaskStatus.QUEUED)).isEqualTo(new CappedCount(8, false));
    }

    @Test
    void theNextFiringsAreTheTenActiveSchedulesDueSoonest() {
        long t = NOW.toEpochMilli();
        for (int i = 12; i >= 1; i--) rows.schedule("chadburn", "job" + i, "active", t + i * 60_000L);
        rows.schedule("native", "paused", "paused", t + 1);
        rows.schedule("native", "done", "completed", null);
        rows.schedule("native", "never", "active", null);

        List<NextFiring> f = new DashboardService(db, clock).overview().nextFirings();

        assertThat(f).hasSize(10);
        assertThat(f).extracting(NextFiring::name).containsExactly("job1", "job2", "job3", "job4", "job5", "job6", "job7",
                "job8", "job9", "job10");
        assertThat(f.getFirst().face()).isEqualTo("chadburn");
        assertThat(f.getFirst().nextRunAt()).isEqualTo(NOW.plusSeconds(60));
        assertThat(f.getFirst().scheduleId()).matches("\\d+");
    }

    @Test
    void taskTypesAreDistinctAndSorted() {
        long t = NOW.toEpochMilli();
        for (String type : List.of("sync", "email", "sync", "backup", "email", "zeta")) {
            rows.insert(new TaskRows.Row(type, "x", TaskStatus.COMPLETED, 5, t, t, null, List.of()));
        }
        assertThat(new DashboardService(db, clock).taskTypes()).containsExactly("backup", "email", "sync", "zeta");
    }

    // ---- the series -------------------------------------------------------------------------

    @Test
    void theHourSeriesCountsFinishedTasksPerMinuteUpToTheCurrentOne() {
        long now = NOW.toEpochMilli();
        long current = now - now % 60_000; // 10:07:00
        long from = current - 59 * 60_000L; // 09:08:00
        finished(TaskStatus.COMPLETED, from); // first bucket, first ms
        finished(TaskStatus.COMPLETED, from - 1); // before the chart
        finished(TaskStatus.FAILED, from + 60_000 + 59_999); // bucket 1, last ms
        finished(TaskStatus.CANCELLED, current + 10); // the current bucket
        finished(TaskStatus.COMPLETED, current + 59_999); // the current bucket, ahead of the clock
        finished(TaskStatus.COMPLETED, current + 60_000); // after the chart
        finished(TaskStatus.COMPLETED, current - 1); // bucket 58
        task(TaskStatus.RUNNING, 5);

        Series s = new DashboardService(db, clock).series(Period.HOUR);

        assertThat(s.period()).isEqualTo(Period.HOUR);
        assertThat(s.from()).isEqualTo(Instant.ofEpochMilli(from));
        assertThat(s.bucket()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.completed()).hasSize(60);
        assertThat(s.completed()[0]).isEqualTo(1);
        assertThat(s.failed()[1]).isEqualTo(1);
        assertThat(s.cancelled()[59]).isEqualTo(1);
        assertThat(s.completed()[59]).isEqualTo(1);
        assertThat(s.completed()[58]).isEqualTo(1);
        assertThat(sum(s.completed()) + sum(s.failed()) + sum(s.cancelled())).isEqualTo(5);
    }

    @Test
    void theDaySeriesHasNinetySixQuarterHoursAndFollowsTheClock() {
        long now = NOW.toEpochMilli();
        long current = now - now % 900_000; // 10:00
        finished(TaskStatus.FAILED, current);
        finished(TaskStatus.FAILED, current - 95 * 900_000L); // the first bucket
        finished(TaskStatus.COMPLETED, current - 96 * 900_000L + 899_999); // still the first bucket

        DashboardService svc = new DashboardService(db, clock);
        Series s = svc.series(Period.DAY);
        assertThat(s.from()).isEqualTo(Instant.ofEpochMilli(current - 95 * 900_000L));
        assertThat(s.failed()).hasSize(96);
        assertThat(s.failed()[95]).isEqualTo(1);
        assertThat(s.failed()[0]).isEqualTo(1);
        assertThat(s.completed()[0]).isEqualTo(0); // 09:59:59.999 the day before: outside
        assertThat(sum(s.completed())).isZero();

        clock.advance(Duration.ofMinutes(15)); // one bucket on: everything moves one to the left
        Series next = svc.series(Period.DAY);
        assertThat(next.failed()[94]).isEqualTo(1);
        assertThat(next.failed()[95]).isZero();
        assertThat(sum(next.failed())).isEqualTo(1); // the first one fell off
    }

    private void finished(TaskStatus status, long completedAt) {
        rows.insert(new TaskRows.Row("shell", "f", status, 5, completedAt - 1000, completedAt, null, List.of()));
    }

    private static long sum(long[] a) {
        long s = 0;
        for (long v : a) s += v;
        return s;
    }

    // ---- the task list ----------------------------------------------------------------------

    private static final String[] TYPES = {"email", "report", "sync"};
    private static final String[] WORKERS = {"w-1", "w-2", "w-3"};

    /** 150 tasks in creation order, three per created_at (ties), finish times with ties too. */
    private List<TaskRows.Row> population() {
        Random r = new Random(13);
        List<TaskRows.Row> out = new ArrayList<>();
        long base = NOW.toEpochMilli() - 3_600_000;
        TaskStatus[] statuses = TaskStatus.values();
        for (int i = 0; i < 150; i++) {
            TaskStatus s = statuses[r.nextInt(statuses.length)];
            long created = base + (i / 3) * 1000L;
            Long completed = s.terminal() ? base + 200_000 + r.nextInt(40) * 5000L : null;
            String worker = s == TaskStatus.PENDING || s == TaskStatus.QUEUED ? null : WORKERS[r.nextInt(3)];
            List<String> tags = switch (r.nextInt(4)) {
                case 0 -> List.of("a");
                case 1 -> List.of("a", "b");
                case 2 -> List.of("b");
                default -> List.of();
            };
            String name = (r.nextInt(5) == 0 ? "Needle " : "job ") + i;
            out.add(new TaskRows.Row(TYPES[r.nextInt(3)], name, s, 1 + r.nextInt(10), created, completed, worker, tags));
        }
        return out;
    }

    /** The population inserted; ids in the same order. */
    private List<Task> insertPopulation(List<TaskRows.Row> pop) {
        List<Task> out = new ArrayList<>();
        for (TaskRows.Row row : pop) {
            long id = rows.insert(row);
            out.add(new Task(id, row.type(), row.name(), null, null, row.status(), row.priority(), null, null,
                    Instant.ofEpochMilli(row.createdAt()), null, null,
                    row.completedAt() == null ? null : Instant.ofEpochMilli(row.completedAt()), 0, 0, null, 0, 0,
                    row.tags(), List.of(), row.workerId(), null, null, null, null, false, null, 0, null, null));
        }
        return out;
    }

    private static Comparator<Task> order(Sort sort) {
        Comparator<Task> byId = Comparator.comparingLong(Task::id);
        return switch (sort) {
            case NEWEST -> Comparator.comparing(Task::createdAt).thenComparing(byId).reversed();
            case OLDEST -> Comparator.comparing(Task::createdAt).thenComparing(byId);
            case PRIORITY -> Comparator.comparingInt(Task::priority).reversed().thenComparing(byId);
            case FINISHED -> Comparator.comparing(Task::completedAt).thenComparing(byId).reversed();
        };
    }

    private static Predicate<Task> matches(TaskFilter f) {
        return t -> (f.status() == null || t.status() == f.status())
                && (f.type() == null || t.type().equals(f.type()))
                && (f.tag() == null || t.tags().contains(f.tag()))
                && (f.workerId() == null || f.workerId().equals(t.workerId()))
                && (f.text() == null || t.name().toLowerCase(Locale.ROOT).contains(f.text().toLowerCase(Locale.ROOT)))
                && (f.sort() != Sort.FINISHED || t.completedAt() != null);
    }

    private static TaskFilter filter(TaskStatus status, String type, String tag, String worker, String text, Sort sort) {
        return new TaskFilter(status, type, tag, worker, text, sort, null, 7);
    }

    private static List<TaskFilter> filters() {
        return List.of(
                filter(null, null, null, null, null, Sort.NEWEST),
                filter(null, null, null, null, null, Sort.OLDEST),
                filter(TaskStatus.COMPLETED, null, null, null, null, Sort.NEWEST),
                filter(TaskStatus.QUEUED, null, null, null, null, Sort.NEWEST),
                filter(null, "email", null, null, null, Sort.NEWEST),
                filter(null, null, null, "w-2", null, Sort.OLDEST),
                filter(null, null, "a", null, null, Sort.NEWEST),
                filter(null, null, "b", null, null, Sort.OLDEST),
                filter(TaskStatus.FAILED, "sync", null, null, null, Sort.NEWEST),
                filter(TaskStatus.RUNNING, null, "a", null, null, Sort.NEWEST),
                filter(null, null, "a", "w-1", null, Sort.NEWEST),
                filter(null, null, null, null, "needle", Sort.NEWEST),
                filter(null, "report", null, null, "NEEDLE", Sort.OLDEST),
                filter(TaskStatus.QUEUED, null, null, null, null, Sort.PRIORITY),
                filter(TaskStatus.QUEUED, "email", "b", null, null, Sort.PRIORITY),
                filter(null, null, null, null, null, Sort.FINISHED),
                filter(TaskStatus.CANCELLED, null, null, null, null, Sort.FINISHED),
                filter(null, null, "a", null, "needle", Sort.FINISHED),
                filter(null, "nothing-has-this-type", null, null, "x", Sort.NEWEST));
    }

    /**
     * Every filter and order, paged forward with the older cursors and back with the newer ones,
     * with a window smaller than the data: the pages together are exactly the matching tasks in
     * order, whatever the window cut short.
     */
    @Test
    void pagingBothWaysReadsEveryMatchOnceInOrderWhateverTheWindow() {
        List<Task> all = insertPopulation(population());
        DashboardService svc = new DashboardService(db, clock, 100, 10);
        int windowed = 0;
        for (TaskFilter f : filters()) {
            List<Long> expected = all.stream().filter(matches(f)).sorted(order(f.sort())).map(Task::id).toList();
            String what = f.toString();

            List<Long> forward = new ArrayList<>();
            TaskSlice page = svc.tasks(f);
            assertThat(page.newer()).as(what).isNull();
            for (int guard = 0; ; guard++) {
                assertThat(guard).as(what).isLessThan(200);
                assertThat(page.rows().size()).as(what).isLessThanOrEqualTo(7);
                page.rows().forEach(t -> forward.add(t.id()));
                if (page.windowed()) windowed++;
                if (page.older() == null) break;
                page = svc.tasks(f.at(page.older()));
            }
            assertThat(forward).as(what).isEqualTo(expected);

            // Back from the last page to the top.
            List<Long> backward = new ArrayList<>(page.rows().stream().map(Task::id).toList());
            String newer = page.newer();
            for (int guard = 0; newer != null; guard++) {
                assertThat(guard).as(what).isLessThan(200);
                TaskSlice p = svc.tasks(f.at(newer));
                assertThat(p.rows().size()).as(what).isLessThanOrEqualTo(7);
                backward.addAll(0, p.rows().stream().map(Task::id).toList());
                newer = p.newer();
            }
            assertThat(backward).as(what + " backwards").isEqualTo(expected);
        }
        assertThat(windowed).as("pages the window cut short").isGreaterThan(10);
    }

    @Test
    void aTextSearchSaysWhenTheWindowCutItShort() {
        long t = NOW.toEpochMilli();
        long needle = rows.insert(new TaskRows.Row("shell", "the Needle", TaskStatus.COMPLETED, 5, t, t, null, List.of()));
        for (int i = 0; i < 30; i++) rows.insert(new TaskRows.Row("shell", "hay " + i, TaskStatus.COMPLETED, 5, t + 1 + i, t, null, List.of()));
        DashboardService svc = new DashboardService(db, clock, 100, 10);
        TaskFilter f = new TaskFilter(null, null, null, null, "needle", Sort.NEWEST, null, 5);

        TaskSlice first = svc.tasks(f);
        assertThat(first.rows()).isEmpty();
        assertThat(first.windowed()).isTrue();
        assertThat(first.older()).isNotNull();

        TaskSlice s = first;
        for (int i = 0; i < 5 && s.rows().isEmpty(); i++) s = svc.tasks(f.at(s.older()));
        assertThat(s.rows()).extracting(Task::id).containsExactly(needle);
        assertThat(s.rows().getFirst().name()).isEqualTo("the Needle");
        assertThat(s.older()).isNull();

        // With the default window the first page finds it at once.
        TaskSlice whole = new DashboardService(db, clock).tasks(f);
        assertThat(whole.rows()).extracting(Task::id).containsExactly(needle);
        assertThat(whole.windowed()).isFalse();
        assertThat(whole.older()).isNull();
    }

    @Test
    void aTaskIdFindsThatTaskAlone() {
        long t = NOW.toEpochMilli();
        long a = rows.insert(new TaskRows.Row("shell", "one", TaskStatus.QUEUED, 5, t, null, null, List.of("x")));
        rows.insert(new TaskRows.Row("shell", "two " + a, TaskStatus.QUEUED, 5, t, null, null, List.of()));
        DashboardService svc = new DashboardService(db, clock);

        for (String text : List.of(Long.toString(a), "task-" + a, " TASK-" + a + " ")) {
            TaskSlice s = svc.tasks(new TaskFilter(TaskStatus.FAILED, null, null, null, text, Sort.NEWEST, null, 20));
            assertThat(s.rows()).as(text).extracting(Task::id).containsExactly(a);
            assertThat(s.rows().getFirst().tags()).containsExactly("x");
            assertThat(s.newer()).isNull();
            assertThat(s.older()).isNull();
        }
        assertThat(svc.tasks(new TaskFilter(null, null, null, null, "999999", null, null, 20)).rows()).isEmpty();
    }

    @Test
    void likeWildcardsInTheTextAreLiteral() {
        long t = NOW.toEpochMilli();
        long pct = rows.insert(new TaskRows.Row("shell", "50% off_sale", TaskStatus.QUEUED, 5, t, null, null, List.of()));
        rows.insert(new TaskRows.Row("shell", "500 offXsale", TaskStatus.QUEUED, 5, t, null, null, List.of()));
        DashboardService svc = new DashboardService(db, clock);
        assertThat(svc.tasks(new TaskFilter(null, null, null, null, "0% off_", null, null, 20)).rows())
                .extracting(Task::id).containsExactly(pct);
        assertThat(svc.tasks(new TaskFilter(null, null, null, null, "f_s", null, null, 20)).rows())
                .extracting(Task::id).containsExactly(pct);
        long bang = rows.insert(new TaskRows.Row("shell", "go! now\\", TaskStatus.QUEUED, 5, t, null, null, List.of()));
        assertThat(svc.tasks(new TaskFilter(null, null, null, null, "! now\\", null, null, 20)).rows())
                .extracting(Task::id).containsExactly(bang);
    }

    @Test
    void rowsAreWholeTasks() {
        long t = NOW.toEpochMilli();
        long id = rows.insert(new TaskRows.Row("email", "mail it", TaskStatus.FAILED, 7, t, t + 5, "w-9", List.of("b", "a")));
        Task row = new DashboardService(db, clock).tasks(TaskFilter.newest(10)).rows().getFirst();
        assertThat(row.id()).isEqualTo(id);
        assertThat(row.type()).isEqualTo("email");
        assertThat(row.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(row.priority()).isEqualTo(7);
        assertThat(row.createdAt()).isEqualTo(Instant.ofEpochMilli(t));
        assertThat(row.completedAt()).isEqualTo(Instant.ofEpochMilli(t + 5));
        assertThat(row.workerId()).isEqualTo("w-9");
        assertThat(row.tags()).containsExactly("b", "a");
    }

    @Test
    void priorityOrderIsForTheQueueOnly() {
        DashboardService svc = new DashboardService(db, clock);
        for (TaskStatus s : new TaskStatus[]{null, TaskStatus.PENDING, TaskStatus.RUNNING, TaskStatus.COMPLETED}) {
            assertThatThrownBy(() -> svc.tasks(new TaskFilter(s, null, null, null, null, Sort.PRIORITY, null, 20)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queued");
        }
        assertThatThrownBy(() -> svc.tasks(new TaskFilter(TaskStatus.RUNNING, null, null, null, null, Sort.FINISHED, null, 20)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finished");
        assertThat(svc.tasks(new TaskFilter(TaskStatus.QUEUED, null, null, null, null, Sort.PRIORITY, null, 20)).rows()).isEmpty();
    }

    @Test
    void badCursorsAndPageSizesAreRefused() {
        DashboardService svc = new DashboardService(db, clock);
        for (String c : List.of("x", "o:1", "o:a:1", "q:1:2", "o:1:99999999999999999999")) {
            assertThatThrownBy(() -> svc.tasks(TaskFilter.newest(10).at(c)))
                    .as(c).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("first page");
        }
        assertThatThrownBy(() -> svc.tasks(TaskFilter.newest(0))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> svc.tasks(TaskFilter.newest(201))).isInstanceOf(IllegalArgumentException.class);
        assertThat(svc.tasks(TaskFilter.newest(200)).rows()).isEmpty();
        assertThat(new TaskFilter(null, " ", "", null, "  ", null, "", 5))
                .isEqualTo(new TaskFilter(null, null, null, null, null, Sort.NEWEST, null, 5));
    }
}
