package dev.coxswain.server.ui;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Page;
import dev.coxswain.core.domain.Schedule;
import dev.coxswain.core.domain.ScheduleRun;
import dev.coxswain.core.domain.ScheduleStatus;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.schedule.CronWords;
import dev.coxswain.core.schedule.ScheduleService;
import dev.coxswain.core.schedule.UpcomingFirings;
import dev.coxswain.core.service.NotFoundException;
import dev.coxswain.server.http.SecretMask;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Schedules of every face (native {@code /api/schedules} ones, Chadburn jobs, {@code /scheduler}
 * analysis tasks): the list with filters by kind and status, a schedule's page with its next
 * firings, task template, policies and history, and pause / resume / run now with the scopes the
 * owning API demands ({@link ScheduleRights}).
 */
public final class SchedulePages {
    /** Schedules are thousands at most, not millions: an offset page of the id order is cheap. */
    static final int PAGE_SIZE = 50;
    static final int MAX_PAGE = 10_000;
    static final int HISTORY = 20;
    static final int FIRINGS = 5;
    private static final Pattern ID = Pattern.compile("(?:sch-|job-)?([1-9][0-9]{0,17})");
    private static final DateTimeFormatter ZONED = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm:ss xxx", Locale.ROOT);
    /** The faces that own schedules, as the dashboard names them. */
    private static final Map<String, String> KINDS = new LinkedHashMap<>();

    static {
        KINDS.put("native", "Schedule");
        KINDS.put("chadburn", "Chadburn job");
        KINDS.put("scheduler", "Analysis task");
    }

    public record Option(String value, String label, boolean selected) {
    }

    /** One schedule in the list; times already written for people. */
    public record Row(String href, String id, String name, String kind, String expression, String words, String timezone,
                      String status, String statusClass, String nextRun, String nextRunIso, String nextRunRelative, String lastRunHref,
                      String lastRunId, String lastRunStatus, String lastRunTime, String lastRunIso) {
    }

    /** {@code prevHref}/{@code nextHref}: null on the first/last page. */
    public record ListPage(Chrome chrome, List<Row> rows, List<Option> kinds, List<Option> statuses, String total,
                           String range, String prevHref, String nextHref) {
    }

    /** A firing: in the schedule's own zone (with its offset), in the server's zone, and how far off. */
    public record Firing(String local, String server, String iso, String relative) {
    }

    /** One run of the history. {@code slot}: the slot it fired for, or "manual run". */
    public record Run(String href, String id, String status, String slot, String created, String createdIso,
                      String duration, String worker, boolean skipped) {
    }

    public record Field(String label, String value) {
    }

    /**
     * A schedule's page. {@code firingsNote} says what the firings mean for a paused or completed
     * one; {@code olderHref} continues the history (null when there is no more), {@code newestHref}
     * goes back to its start (null when already there).
     */
    public record DetailPage(Chrome chrome, String action, String id, String name, String description, String kind,
                             String status, String statusClass, String expression, String words, String timezone, List<Field> fields,
                             List<Field> template, String payload, List<Firing> firings, String firingsNote,
                             String serverZone, List<Run> history, String olderHref, String newestHref,
                             boolean canPause, boolean canResume, boolean canRun) {
    }

    private final ScheduleService schedules;
    private final UpcomingFirings firings;
    private final CronWords words;
    private final UiFormat fmt;

    SchedulePages(ScheduleService schedules, UiFormat fmt) {
        this.schedules = schedules;
        // The next firings and the words come from the engine's own cron code: what the page
        // promises is what the firer does.
        this.firings = new UpcomingFirings(schedules);
        this.words = new CronWords();
        this.fmt = fmt;
    }

    void register(UiRoutes r) {
        r.get("/ui/schedules", this::list);
        r.get("/ui/schedules/{id}", this::detail);
        r.post("/ui/schedules/{id}/pause", this::pause);
        r.post("/ui/schedules/{id}/resume", this::resume);
        r.post("/ui/schedules/{id}/run", this::run);
    }

    // ---- list -------------------------------------------------------------------------------

    private void list(UiCall call) {
        ReadScope.require(call);
        String kind = call.query("kind");
        if (kind != null && !KINDS.containsKey(kind)) {
            throw UiException.badRequest("kind must be one of " + String.join(", ", KINDS.keySet()) + ".");
        }
        String st = call.query("status");
        ScheduleStatus status = st == null ? null : ScheduleStatus.fromWire(st);
        if (st != null && status == null) throw UiException.badRequest("status must be active, paused or completed.");
        int page = call.pageNumber(MAX_PAGE);
        Page<Schedule> found = schedules.list(kind, status, null, (page - 1) * PAGE_SIZE, PAGE_SIZE);
        Map<Long, Task> last = schedules.lastRuns(found.items());
        List<Row> rows = found.items().stream().map(s -> row(s, last.get(s.id()))).toList();

        List<Option> kinds = new ArrayList<>(List.of(new Option("", "All kinds", kind == null)));
        KINDS.forEach((k, label) -> kinds.add(new Option(k, label + "s", k.equals(kind))));
        List<Option> statuses = new ArrayList<>(List.of(new Option("", "Any status", status == null)));
        for (ScheduleStatus s : ScheduleStatus.values()) statuses.add(new Option(s.wire(), s.wire(), s == status));
        long from = (long) (page - 1) * PAGE_SIZE;
        String range = found.items().isEmpty() ? "" : (from + 1) + "–" + (from + found.items().size());
        String prev = page > 1 ? listHref(kind, st, page - 1) : null;
        String next = from + found.items().size() < found.total() && page < MAX_PAGE ? listHref(kind, st, page + 1) : null;
        call.page("schedules_list.jte", new ListPage(call.chrome("Schedules", "schedules"), rows, kinds, statuses,
                fmt.count(found.total()), range, prev, next));
    }

    private Row row(Schedule s, Task last) {
        return new Row(href(s), displayId(s), s.name(), kindLabel(s.face()), s.expression(), words.describe(s.expression()),
                UiFormat.zoneName(s.timezone()), s.status().wire(), badge(s.status()), fmt.time(s.nextRunAt()), fmt.iso(s.nextRunAt()), fmt.relative(s.nextRunAt()),
                last == null ? null : taskHref(last.id()), last == null ? null : fmt.taskId(last.id()),
                last == null ? null : last.status().wire(), last == null ? null : fmt.relative(last.createdAt()),
                last == null ? null : fmt.iso(last.createdAt()));
    }

    private static String listHref(String kind, String status, int page) {
        StringBuilder b = new StringBuilder("/ui/schedules?");
        if (kind != null) b.append("kind=").append(enc(kind)).append('&');
        if (status != null) b.append("status=").append(enc(status)).append('&');
        return b.append("page=").append(page).toString();
    }

    // ---- one schedule -----------------------------------------------------------------------

    private void detail(UiCall call) {
        ReadScope.require(call);
        Schedule s = find(call);
        Long before = before(call.query("before"));
        List<ScheduleRun> runs = schedules.recentRuns(s.id(), before, HISTORY + 1);
        boolean more = runs.size() > HISTORY;
        if (more) runs = runs.subList(0, HISTORY);
        List<Run> history = runs.stream().map(this::run).toList();
        String older = more ? href(s) + "?before=" + runs.get(runs.size() - 1).task().id() + "#history" : null;

        List<Field> fields = new ArrayList<>();
        fields.add(new Field("Kind", kindLabel(s.face())));
        fields.add(new Field("Status", s.status().wire()));
        fields.add(new Field("Next run", s.nextRunAt() == null ? "—" : fmt.time(s.nextRunAt()) + " (" + fmt.relative(s.nextRunAt()) + ")"));
        fields.add(new Field("Last slot fired", s.lastSlotAt() == null ? "—" : fmt.time(s.lastSlotAt()) + " (" + fmt.relative(s.lastSlotAt()) + ")"));
        fields.add(new Field("Overlap policy", overlap(s)));
        fields.add(new Field("Misfire policy", misfire(s)));
        fields.add(new Field("Tags", s.tags().isEmpty() ? "—" : String.join(", ", s.tags())));
        fields.add(new Field("Created", fmt.time(s.createdAt())));
        fields.add(new Field("Updated", fmt.time(s.updatedAt())));
        List<Field> template = List.of(
                new Field("Task type", s.taskType()),
                new Field("Priority", Integer.toString(s.priority())),
                new Field("Retries", s.maxRetries() == 0 ? "none" : s.maxRetries() + " (backoff " + s.backoff() + ")"),
                new Field("Timeout", fmt.duration(java.time.Duration.ofSeconds(s.timeoutSeconds()))));

        List<Instant> next = firings.of(s, FIRINGS);
        String note = switch (s.status()) {
            case PAUSED -> "Paused: these are the firings it would have if it were resumed now.";
            case COMPLETED -> "Completed: it will never fire again.";
            case ACTIVE -> next.isEmpty() ? "No further firings." : null;
        };
        ZoneId zone = zoneOf(s);
        List<Firing> shown = next.stream()
                .map(t -> new Firing(zone == null ? fmt.time(t) : ZONED.format(t.atZone(zone)), fmt.time(t), fmt.iso(t), fmt.relative(t)))
                .toList();

        boolean paused = s.status() == ScheduleStatus.PAUSED, active = s.status() == ScheduleStatus.ACTIVE;
        boolean mayPause = ScheduleRights.mayPause(call.who(), s);
        call.page("schedules_detail.jte", new DetailPage(call.chrome(s.name() + " · Schedules", "schedules"), href(s),
                displayId(s), s.name(), s.description(), kindLabel(s.face()), s.status().wire(), badge(s.status()), s.expression(),
                words.describe(s.expression()), UiFormat.zoneName(s.timezone()), fields, template, payload(s), shown, note, zoneName(fmt.zone()), history,
                older, before == null ? null : href(s) + "#history", mayPause && active, mayPause && paused,
                ScheduleRights.mayRun(call.who(), s)));
    }

    private Run run(ScheduleRun r) {
        Task t = r.task();
        String slot = r.slotAt() == null ? "manual run" : fmt.time(r.slotAt());
        return new Run(taskHref(t.id()), fmt.taskId(t.id()), r.skipped() ? "skipped" : t.status().wire(), slot,
                fmt.time(t.createdAt()), fmt.iso(t.createdAt()),
                t.startedAt() == null ? "—" : fmt.duration(t.startedAt(), t.completedAt() == null ? fmt.now() : t.completedAt()),
                t.workerId() == null ? "—" : t.workerId(), r.skipped());
    }

    /** "UTC" for the offset zone whose id is "Z" (what a reader expects in a column head). */
    private static String zoneName(ZoneId z) {
        return UiFormat.zoneName(z);
    }

    private static ZoneId zoneOf(Schedule s) {
        try {
            return ZoneId.of(s.timezone());
        } catch (DateTimeException | NullPointerException e) {
            return null;
        }
    }

    /** The task template's payload as indented JSON, environment values masked as every API shows them. */
    private static String payload(Schedule s) {
        if (s.payload() == null || s.payload().isNull()) return null;
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(SecretMask.mask(s.payload()));
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String overlap(Schedule s) {
        return s.overlap().wire() + switch (s.overlap()) {
            case FORBID -> " — a slot that comes while the previous run is going is recorded as skipped";
            case ALLOW -> " — runs may overlap";
            case REPLACE -> " — a new slot cancels the previous run and starts anew";
        };
    }

    private static String misfire(Schedule s) {
        return s.misfire().wire() + switch (s.misfire()) {
            case RUN_ONCE -> " — slots missed while nothing could fire them run once, together";
            case SKIP -> " — missed slots are dropped";
            case RUN_ALL -> " — each missed slot runs (up to a bound)";
        };
    }

    // ---- actions ----------------------------------------------------------------------------

    private void pause(UiCall call) {
        Schedule s = find(call);
        ScheduleRights.requirePause(call, s);
        if (s.status() == ScheduleStatus.PAUSED) throw new UiException(409, label(s) + " is already paused.");
        schedules.pause(s.id()); // a completed one: the service's conflict, shown as a 409 page
        call.redirect(href(s), "Paused " + label(s) + ".");
    }

    private void resume(UiCall call) {
        Schedule s = find(call);
        ScheduleRights.requirePause(call, s);
        if (s.status() == ScheduleStatus.ACTIVE) throw new UiException(409, label(s) + " is already active.");
        Schedule after = schedules.resume(s.id());
        call.redirect(href(s), "Resumed " + label(s) + (after.nextRunAt() == null ? "." : "; next run " + fmt.time(after.nextRunAt()) + "."));
    }

    /** Runs it now, outside its schedule (a paused one too, as the APIs do); the run is a task like any other. */
    private void run(UiCall call) {
        Schedule s = find(call);
        ScheduleRights.requireRun(call, s);
        Task t = schedules.runNow(s.id());
        call.redirect(href(s), "Started " + fmt.taskId(t.id()) + " from " + label(s) + ".");
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** The schedule the path names: its number, or the API's id for it ({@code sch-7}, {@code job-7}); else 404. */
    private Schedule find(UiCall call) {
        String raw = call.path("id");
        Matcher m = raw == null ? null : ID.matcher(raw);
        if (m == null || !m.matches()) throw UiException.notFound("Schedule " + raw);
        try {
            return schedules.get(Long.parseLong(m.group(1)));
        } catch (NotFoundException e) {
            throw UiException.notFound("Schedule " + raw);
        }
    }

    private static Long before(String raw) {
        if (raw == null) return null;
        try {
            long v = Long.parseLong(raw);
            if (v > 0) return v;
        } catch (NumberFormatException e) {
            // answered below
        }
        throw UiException.badRequest("before must be a task number.");
    }

    /** The badge look of a schedule's status (the stylesheet's existing badge classes). */
    static String badge(ScheduleStatus s) {
        return switch (s) {
            case ACTIVE -> "ok";
            case PAUSED -> "status-queued";
            case COMPLETED -> "idle";
        };
    }

    static String href(Schedule s) {
        return "/ui/schedules/" + s.id();
    }

    static String taskHref(long id) {
        return "/ui/tasks/task-" + id;
    }

    /** The id its own API shows: {@code sch-7} (native), {@code job-7} (Chadburn), {@code 7} (/scheduler). */
    static String displayId(Schedule s) {
        return switch (s.face()) {
            case "native" -> "sch-" + s.id();
            case "chadburn" -> "job-" + s.id();
            default -> Long.toString(s.id());
        };
    }

    static String kindLabel(String face) {
        return KINDS.getOrDefault(face, face);
    }

    private static String label(Schedule s) {
        return kindLabel(s.face()).toLowerCase(Locale.ROOT).replace("chadburn", "Chadburn") + " '" + s.name() + "'";
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
