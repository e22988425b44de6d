package dev.coxswain.core.dashboard;

import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.store.DashboardStore;
import dev.coxswain.core.store.Database;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dashboard's reads. Each answers from indexed queries whose cost does not grow with the
 * number of tasks: counts stop at a cap, lists are keyset-paginated, and a filter no index
 * serves is checked on a bounded window of rows (the answer says when the window cut it short).
 */
public final class DashboardService {
    /** Counts stop here ("100,000+"): counting a status of a million tasks would read them all. */
    public static final long DEFAULT_CAP = 100_000;
    /**
     * Rows looked at per page for filters the walked index does not serve (text above all); a
     * tenth of it when the list walks a tag's rows, which lie apart in the table.
     */
    public static final int WINDOW = 20_000;
    public static final int MAX_LIMIT = 200;
    static final int FIRINGS = 10;
    static final int MAX_TYPES = 100;
    /** A task id as the native API writes it ({@code task-42}) or bare digits. */
    private static final Pattern TASK_ID = Pattern.compile("(?:task-)?(\\d{1,18})", Pattern.CASE_INSENSITIVE);

    private final Database db;
    private final DashboardStore store;
    private final Clock clock;
    private final long cap;
    private final int window;

    public DashboardService(Database db, Clock clock) {
        this(db, clock, DEFAULT_CAP, WINDOW);
    }

    /** @param cap where counts stop; @param window rows looked at per page for unindexed filters */
    public DashboardService(Database db, Clock clock, long cap, int window) {
        if (cap < 1 || window < 1) throw new IllegalArgumentException("cap and window must be positive");
        this.db = db;
        this.store = new DashboardStore(db.dialect());
        this.clock = clock;
        this.cap = cap;
        this.window = window;
    }

    /** Queue depth by band, running, waiting, and the next schedule firings. */
    public Overview overview() {
        Instant at = clock.instant();
        return db.read(c -> {
            long[] n = store.overviewCounts(c, cap);
            List<NextFiring> firings = store.nextFirings(c, FIRINGS).stream()
                    .map(f -> new NextFiring(Long.toString(f.id()), f.name(), f.face(), f.nextRunAt())).toList();
            return new Overview(CappedCount.of(n[0], cap), CappedCount.of(n[1], cap), CappedCount.of(n[2], cap),
                    CappedCount.of(n[3], cap), CappedCount.of(n[4], cap), firings, at);
        });
    }

    /** Completed, failed and cancelled tasks per bucket of the period, up to the current bucket. */
    public Series series(Period period) {
        long bucket = period.bucket().toMillis();
        long current = Math.floorDiv(clock.millis(), bucket) * bucket;
        long from = current - (period.buckets() - 1) * bucket;
        long[][] n = db.read(c -> store.finishedSeries(c, from, bucket, period.buckets()));
        return new Series(period, Instant.ofEpochMilli(from), period.bucket(), n[0], n[1], n[2]);
    }

    /** Tasks of every status, each count capped. */
    public Map<TaskStatus, CappedCount> statusCounts() {
        Map<TaskStatus, Long> n = db.read(c -> store.statusCounts(c, cap));
        Map<TaskStatus, CappedCount> out = new EnumMap<>(TaskStatus.class);
        n.forEach((s, v) -> out.put(s, CappedCount.of(v, cap)));
        return out;
    }

    /** The distinct task types, in name order, at most {@value #MAX_TYPES}. */
    public List<String> taskTypes() {
        return db.read(c -> store.taskTypes(c, MAX_TYPES));
    }

    /**
     * One page of tasks.
     *
     * @throws IllegalArgumentException for a limit out of range, a cursor this list did not hand
     *                                  out, {@link Sort#PRIORITY} without status queued, or
     *                                  {@link Sort#FINISHED} with an unfinished status (the
     *                                  message says which, for the user)
     */
    public TaskSlice tasks(TaskFilter f) {
        if (f.limit() < 1 || f.limit() > MAX_LIMIT) {
            throw new IllegalArgumentException("the page size must be between 1 and " + MAX_LIMIT);
        }
        DashboardStore.Order order = order(f);
        if (f.text() != null) {
            Matcher m = TASK_ID.matcher(f.text());
            if (m.matches()) {
                Task t = db.read(c -> store.find(c, Long.parseLong(m.group(1))));
                return new TaskSlice(t == null ? List.of() : List.of(t), null, null, false);
            }
        }
        Cursor at = Cursor.parse(f.cursor());
        String text = f.text() == null ? null : f.text().toLowerCase(Locale.ROOT);
        var q = new DashboardStore.ListQuery(f.status(), f.type(), f.tag(), f.workerId(), text, order,
                at == null ? null : at.position(), at != null && at.newer(), f.limit(), window);
        DashboardStore.ListPage page = db.read(c -> store.list(c, q));
        return new TaskSlice(page.rows(), Cursor.newer(page.previous()), Cursor.older(page.next()), page.windowed());
    }

    private static DashboardStore.Order order(TaskFilter f) {
        return switch (f.sort()) {
            case NEWEST -> DashboardStore.Order.NEWEST;
            case OLDEST -> DashboardStore.Order.OLDEST;
            case PRIORITY -> {
                if (f.status() != TaskStatus.QUEUED) {
                    throw new IllegalArgumentException("sorting by priority is offered for queued tasks only: filter by status queued");
                }
                yield DashboardStore.Order.PRIORITY;
            }
            case FINISHED -> {
                if (f.status() != null && !f.status().terminal()) {
                    throw new IllegalArgumentException("sorting by finish time needs finished tasks: filter by completed,"
                            + " failed or cancelled, or by no status");
                }
                yield DashboardStore.Order.FINISHED;
            }
        };
    }

    /**
     * A list cursor: {@code o:<key>:<id>} (the page after that row) or {@code n:<key>:<id>} (the
     * page before it), key being the sort's key of the row (ms, priority, or the id).
     */
    record Cursor(boolean newer, DashboardStore.Position position) {
        private static final Pattern FORM = Pattern.compile("([on]):(-?\\d{1,19}):(-?\\d{1,19})");

        static Cursor parse(String s) {
            if (s == null) return null;
            Matcher m = FORM.matcher(s);
            try {
                if (m.matches()) {
                    return new Cursor(m.group(1).equals("n"),
                            new DashboardStore.Position(Long.parseLong(m.group(2)), Long.parseLong(m.group(3))));
                }
            } catch (NumberFormatException e) {
                // out of range: as malformed
            }
            throw new IllegalArgumentException("this page link is not valid any more: start from the first page");
        }

        static String older(DashboardStore.Position p) {
            return p == null ? null : "o:" + p.key() + ":" + p.id();
        }

        static String newer(DashboardStore.Position p) {
            return p == null ? null : "n:" + p.key() + ":" + p.id();
        }
    }
}
