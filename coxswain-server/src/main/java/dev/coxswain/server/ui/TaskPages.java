package dev.coxswain.server.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.dashboard.DashboardService;
import dev.coxswain.core.dashboard.Sort;
import dev.coxswain.core.dashboard.TaskFilter;
import dev.coxswain.core.dashboard.TaskHistory;
import dev.coxswain.core.dashboard.TaskSlice;
import dev.coxswain.core.domain.NewTask;
import dev.coxswain.core.domain.Scopes;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskLog;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.pganalysis.AnalysisExecutor;
import dev.coxswain.core.service.ConflictException;
import dev.coxswain.core.service.NotFoundException;
import dev.coxswain.core.service.TaskService;
import dev.coxswain.core.service.ValidationException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The task pages: the list (filters, keyset pages, live rows, bulk cancel and retry), the create
 * form, and one task's page (fields, dependencies, attempts, live log, cancel and retry).
 */
public final class TaskPages {
    /** Lines of the log shown to a browser without JavaScript (the stream shows all of them). */
    static final int NOSCRIPT_LINES = 200;
    /** Tasks one bulk action may name: a page of the list, with room to spare. */
    static final int MAX_BULK = 500;

    // ---- page models -----------------------------------------------------------------------

    /** A labelled time: shown local, with "3 min ago", and the ISO instant for {@code <time>}. */
    public record When(String label, String time, String iso, String relative) {
    }

    /** A link to another task, with its state. */
    public record TaskLink(String id, String href, String name, String status) {
    }

    /** The task's own fields, already formatted for display (all text; the template escapes it). */
    public record TaskView(String id, String name, String description, String type, String status, int priority,
                           String band, List<When> times, String duration, String worker, String retries, String timeout,
                           List<String> tags, String exitCode, String error, String errorCode, String result,
                           String progress, String origin, String payloadLabel, String payload, String requirements,
                           List<String> envNames, boolean checkpointEnabled, String checkpoint) {
        /** The task list filtered by one tag. */
        public String tagHref(String tag) {
            return "/ui/tasks?tag=" + java.net.URLEncoder.encode(tag, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** One attempt: claim by a worker and how it ended. */
    public record AttemptRow(int number, String worker, String started, String startedIso, String ended, String took,
                             String outcome, String error) {
        /** The badge class: an attempt's outcome coloured like the task status it resembles. */
        public String badge() {
            return switch (outcome) {
                case "completed" -> "status-completed";
                case "failed", "retrying" -> "status-failed";
                case "running" -> "status-running";
                default -> "status-cancelled";
            };
        }
    }

    /**
     * The dependency neighbourhood: drawn as a graph, and the same as lists (for screen readers).
     *
     * @param svg the drawing, made by {@link GraphSvg} (which escapes every label); null when there is nothing to draw
     */
    public record Deps(List<TaskLink> dependsOn, List<TaskLink> dependents, boolean more, String svg) {
        public boolean empty() {
            return dependsOn.isEmpty() && dependents.isEmpty();
        }
    }

    /** A stored log line, for the page without JavaScript. */
    public record LogLine(String time, String level, String message) {
    }

    public record ShowPage(Chrome chrome, TaskView task, Deps deps, List<AttemptRow> attempts, boolean canCancel,
                           boolean canRetry, String streamUrl, List<LogLine> tail, long logLines) {
    }

    /**
     * The create form: what was typed (kept when it comes back with errors) and each field's problem.
     *
     * @param values field name → what was typed
     * @param errors field name → what is wrong with it
     */
    public record NewPage(Chrome chrome, Map<String, String> values, Map<String, String> errors, String zone) {
        public String value(String field) {
            String v = values.get(field);
            return v == null ? "" : v;
        }

        public String error(String field) {
            return errors.get(field);
        }

        /** Problems with no field of the form (a dependency, the body as a whole). */
        public List<String> otherErrors() {
            List<String> out = new ArrayList<>();
            errors.forEach((k, v) -> {
                if (!TaskForm.FIELDS.contains(k)) out.add(k + ": " + v);
            });
            return out;
        }
    }

    /**
     * The list's filters as the user gave them (the filter form shows them again, the page links
     * carry them). Blank is null.
     */
    public record Filters(String status, String type, String tag, String worker, String text, String sort) {
        /** The query string of these filters (no leading {@code ?}; empty when none), plus {@code extra} pairs. */
        public String query(String... extra) {
            StringBuilder b = new StringBuilder();
            add(b, "status", status);
            add(b, "type", type);
            add(b, "tag", tag);
            add(b, "worker", worker);
            add(b, "text", text);
            add(b, "sort", sort);
            for (int i = 0; i + 1 < extra.length; i += 2) add(b, extra[i], extra[i + 1]);
            return b.toString();
        }

        private static void add(StringBuilder b, String k, String v) {
            if (v == null) return;
            if (!b.isEmpty()) b.append('&');
            b.append(k).append('=').append(java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8));
        }

        public boolean any() {
            return status != null || type != null || tag != null || worker != null || text != null;
        }
    }

    /** One row of the list. */
    public record Row(String id, String href, String name, String type, String status, int priority, String band,
                      String created, String createdIso, String createdRelative, String finished, String took, String worker,
                      List<String> tags) {
        /** The row's checkbox id (kept across live refreshes by hx-preserve). */
        public String boxId() {
            return "sel-" + id;
        }
    }

    /**
     * The table part of the list, which refreshes itself on the first page.
     *
     * @param refresh    the fragment's own URL when it refreshes (first page), else null
     * @param selectable whether rows have checkboxes (the principal may cancel and retry)
     * @param windowed   the text filter searched only a bounded window of the newest rows
     * @param finishedColumn the list is sorted by finish time (show that column instead of created)
     */
    public record Rows(List<Row> rows, String newerHref, String olderHref, boolean windowed, String window, String refresh,
                       boolean selectable, boolean finishedColumn, boolean filtered) {
    }

    /**
     * The list page.
     *
     * @param back where the bulk form comes back to: this very page
     */
    public record ListPage(Chrome chrome, Filters filters, List<String> types, List<String> statuses, Rows table, String back,
                           boolean canCreate) {
    }

    // ---- routes ----------------------------------------------------------------------------

    /** Rows per page. */
    static final int PAGE = 50;
    private static final java.util.regex.Pattern BACK = java.util.regex.Pattern.compile(
            "/ui/tasks(\\?[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*)?");

    private final TaskService tasks;
    private final DashboardService dashboard;
    private final TaskHistory history;
    private final UiFormat fmt;
    private final TaskLogStream logStream;
    private final GraphSvg graphs = new GraphSvg();

    TaskPages(TaskService tasks, DashboardService dashboard, TaskHistory history, UiStreams streams, UiFormat fmt) {
        this(tasks, dashboard, history, streams, fmt, TaskLogStream.Timing.defaults());
    }

    TaskPages(TaskService tasks, DashboardService dashboard, TaskHistory history, UiStreams streams, UiFormat fmt,
              TaskLogStream.Timing timing) {
        this.tasks = tasks;
        this.dashboard = dashboard;
        this.history = history;
        this.fmt = fmt;
        this.logStream = new TaskLogStream(tasks, streams, fmt, timing);
    }

    void register(UiRoutes r) {
        r.get("/ui/tasks", this::list);
        // Fixed paths before /ui/tasks/{id}, which would take "new" for an id.
        r.get("/ui/tasks/rows", this::rows);
        r.post("/ui/tasks/bulk", this::bulk);
        r.get("/ui/tasks/new", this::newForm);
        r.post("/ui/tasks", this::create);
        r.get("/ui/tasks/{id}", this::show);
        r.get("/ui/tasks/{id}/log/stream", logStream::stream);
        r.post("/ui/tasks/{id}/cancel", this::cancel);
        r.post("/ui/tasks/{id}/retry", this::retry);
    }

    /** The store id of a native task id ({@code task-42}); anything else is 404, as no such task exists. */
    static long taskId(String raw) {
        if (raw != null && raw.startsWith("task-")) {
            try {
                long id = Long.parseLong(raw.substring(5));
                if (id > 0 && raw.equals("task-" + id)) return id;
            } catch (NumberFormatException e) {
                // falls through
            }
        }
        throw UiException.notFound("Task " + (raw == null ? "" : raw));
    }

    private static String href(long id) {
        return "/ui/tasks/task-" + id;
    }

    // ---- the list --------------------------------------------------------------------------

    private static final List<String> STATUSES = java.util.Arrays.stream(TaskStatus.values()).map(TaskStatus::wire).toList();
    private static final Map<String, Sort> SORTS = Map.of("newest", Sort.NEWEST, "oldest", Sort.OLDEST,
            "priority", Sort.PRIORITY, "finished", Sort.FINISHED);

    private static Filters filters(UiCall call) {
        return new Filters(lower(call.query("status")), call.query("type"), call.query("tag"), call.query("worker"),
                call.query("text"), lower(call.query("sort")));
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(java.util.Locale.ROOT);
    }

    /** The core filter for the list's parameters; a value no list has is the user's 400, said in words. */
    private static TaskFilter filter(Filters f, String cursor) {
        TaskStatus status = null;
        if (f.status() != null) {
            status = TaskStatus.fromWire(f.status());
            if (status == null) throw UiException.badRequest("The status filter must be one of " + String.join(", ", STATUSES) + ".");
        }
        Sort sort = Sort.NEWEST;
        if (f.sort() != null) {
            sort = SORTS.get(f.sort());
            if (sort == null) throw UiException.badRequest("The sort must be one of newest, oldest, priority, finished.");
        }
        return new TaskFilter(status, f.type(), f.tag(), f.worker(), f.text(), sort, cursor, PAGE);
    }

    private Rows table(UiCall call, Filters f) {
        String cursor = call.query("cursor");
        TaskSlice slice = dashboard.tasks(filter(f, cursor));
        boolean finished = "finished".equals(f.sort());
        List<Row> rows = slice.rows().stream().map(this::row).toList();
        String q = f.query();
        return new Rows(rows,
                slice.newer() == null ? null : "/ui/tasks?" + f.query("cursor", slice.newer()),
                slice.older() == null ? null : "/ui/tasks?" + f.query("cursor", slice.older()),
                slice.windowed(), fmt.count(DashboardService.WINDOW),
                // Only the first page follows the newest state: a later page would shift under the reader.
                cursor == null ? "/ui/tasks/rows" + (q.isEmpty() ? "" : "?" + q) : null,
                call.who().has(Scopes.TASKS_WRITE), finished, f.any());
    }

    private Row row(Task t) {
        return new Row(fmt.taskId(t.id()), href(t.id()), t.name(), t.type(), t.status().wire(), t.priority(), band(t.priority()),
                fmt.time(t.createdAt()), fmt.iso(t.createdAt()), fmt.relative(t.createdAt()), fmt.time(t.completedAt()),
                t.startedAt() == null ? "—" : fmt.duration(t.startedAt(), t.completedAt() != null ? t.completedAt()
                        : t.status() == TaskStatus.RUNNING ? fmt.now() : null),
                t.workerId(), t.tags());
    }

    private void list(UiCall call) {
        Filters f = filters(call);
        Rows table = table(call, f);
        Chrome chrome = call.chrome("Tasks", "tasks");
        List<String> types = new ArrayList<>(dashboard.taskTypes());
        if (f.type() != null && !types.contains(f.type())) types.add(0, f.type());
        String raw = call.req().query().rawValue();
        String back = "/ui/tasks" + (raw == null || raw.isEmpty() ? "" : "?" + raw);
        if (!BACK.matcher(back).matches()) back = "/ui/tasks";
        call.page("tasks_list.jte", new ListPage(chrome, f, types, STATUSES, table, back,
                chrome.canWrite() && chrome.can(Scopes.toRun("shell"))));
    }

    /** The table alone, for the first page's live refresh (htmx swaps it every 5 s). */
    private void rows(UiCall call) {
        call.page("tasks_rows.jte", table(call, filters(call)));
    }

    private void bulk(UiCall call) {
        call.require(Scopes.TASKS_WRITE);
        String action = call.form().get("action");
        if (!"cancel".equals(action) && !"retry".equals(action)) {
            throw UiException.badRequest("The bulk action must be cancel or retry.");
        }
        String back = call.form().get("back");
        if (back == null || !BACK.matcher(back).matches()) back = "/ui/tasks";
        List<String> ids = call.form().all("id").stream().map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
        if (ids.isEmpty()) {
            call.redirect(back, "No tasks were selected.");
            return;
        }
        if (ids.size() > MAX_BULK) throw UiException.badRequest("At most " + MAX_BULK + " tasks can be changed at once.");
        call.redirect(back, bulk(action, ids).message());
    }

    // ---- the task page ---------------------------------------------------------------------

    private void show(UiCall call) {
        long id = taskId(call.path("id"));
        Task t = tasks.get(id);
        Chrome chrome = call.chrome(fmt.taskId(id) + " " + t.name(), "tasks");
        TaskHistory.Neighbours n = history.neighbours(id);
        Deps deps = new Deps(n.dependsOn().stream().map(this::link).toList(), n.dependents().stream().map(this::link).toList(),
                n.more(), graph(t, n));
        List<AttemptRow> attempts = history.attempts(id, t.createdAt()).stream().map(this::attempt).toList();
        boolean write = chrome.canWrite();
        var logs = tasks.logs(id, null, 0, 0);
        long total = logs.total();
        List<LogLine> tail = tasks.logs(id, null, (int) Math.max(0, total - NOSCRIPT_LINES), NOSCRIPT_LINES).items().stream()
                .map(this::line).toList();
        call.page("tasks_show.jte", new ShowPage(chrome, view(t), deps, attempts, write && !t.status().terminal(),
                write && t.status() == TaskStatus.FAILED, href(id) + "/log/stream", tail, total));
    }

    /**
     * The task, what it depends on (left of it) and what depends on it (right), each linked to its
     * page; arrows run from a dependency to the task that waits for it.
     */
    private String graph(Task t, TaskHistory.Neighbours n) {
        if (n.dependsOn().isEmpty() && n.dependents().isEmpty()) return null;
        List<GraphSvg.Node> nodes = new ArrayList<>();
        List<GraphSvg.Edge> edges = new ArrayList<>();
        String self = fmt.taskId(t.id());
        for (TaskHistory.Neighbour d : n.dependsOn()) {
            nodes.add(node(d.id(), d.name(), d.status(), ""));
            edges.add(new GraphSvg.Edge(fmt.taskId(d.id()), self));
        }
        nodes.add(node(t.id(), t.name(), t.status(), " is-current"));
        for (TaskHistory.Neighbour d : n.dependents()) {
            nodes.add(node(d.id(), d.name(), d.status(), ""));
            edges.add(new GraphSvg.Edge(self, fmt.taskId(d.id())));
        }
        for (TaskHistory.Link l : n.among()) edges.add(new GraphSvg.Edge(fmt.taskId(l.dependsOn()), fmt.taskId(l.task())));
        return graphs.render("deps-graph", "Dependencies of " + self, nodes, edges);
    }

    private GraphSvg.Node node(long id, String name, TaskStatus status, String extraClass) {
        String st = status == null ? "unknown" : status.wire();
        String ref = fmt.taskId(id);
        return new GraphSvg.Node(ref, ref + " " + name, "status-" + st + extraClass, href(id), ref + " " + name + " (" + st + ")");
    }

    private TaskLink link(TaskHistory.Neighbour n) {
        return new TaskLink(fmt.taskId(n.id()), href(n.id()), n.name(), n.status() == null ? "unknown" : n.status().wire());
    }

    private AttemptRow attempt(TaskHistory.Attempt a) {
        Instant end = a.endedAt();
        String took = end != null ? fmt.duration(a.startedAt(), end)
                : a.outcome().equals("running") ? fmt.duration(a.startedAt(), fmt.now()) : "—";
        return new AttemptRow(a.number(), a.workerId() == null ? "—" : a.workerId(), fmt.time(a.startedAt()), fmt.iso(a.startedAt()),
                fmt.time(end), took, a.outcome(), a.error());
    }

    private LogLine line(TaskLog l) {
        return new LogLine(fmt.time(l.timestamp()), l.level() == null ? "info" : l.level().wire(), l.message());
    }

    TaskView view(Task t) {
        List<When> times = new ArrayList<>();
        times.add(when("Created", t.createdAt()));
        if (t.scheduledAt() != null) times.add(when("Scheduled for", t.scheduledAt()));
        if (t.status() == TaskStatus.PENDING && t.runAt() != null) times.add(when("Due", t.runAt()));
        if (t.startedAt() != null) times.add(when("Started", t.startedAt()));
        if (t.completedAt() != null) times.add(when("Finished", t.completedAt()));
        times.add(when("Updated", t.updatedAt()));
        String duration = t.startedAt() == null ? null
                : t.completedAt() != null ? fmt.duration(t.startedAt(), t.completedAt())
                : t.status() == TaskStatus.RUNNING ? fmt.duration(t.startedAt(), fmt.now()) + " so far" : null;
        JsonNode payload = t.payload();
        String payloadLabel;
        String payloadText;
        JsonNode command = payload == null ? null : payload.get("command");
        if (command != null && command.isTextual()) {
            payloadLabel = "Command";
            payloadText = command.asText();
        } else {
            payloadLabel = "Parameters";
            payloadText = pretty(shownPayload(t));
        }
        List<String> envNames = new ArrayList<>();
        JsonNode env = payload == null ? null : payload.get("env");
        if (env != null && env.isObject()) env.fieldNames().forEachRemaining(envNames::add);
        String progress = t.progress() == null && t.progressMessage() == null ? null
                : (t.progress() == null ? "" : Math.round(t.progress() * 100) + " %")
                + (t.progressMessage() == null ? "" : (t.progress() == null ? "" : " · ") + t.progressMessage());
        String origin = t.originKind() == null ? null : t.originKind() + (t.originId() == null ? "" : " " + t.originId());
        return new TaskView(fmt.taskId(t.id()), t.name(), t.description(), t.type(), t.status().wire(), t.priority(),
                band(t.priority()), times, duration, t.workerId(),
                t.retryCount() + " of " + t.maxRetries(), fmt.duration(Duration.ofSeconds(t.timeoutSeconds())),
                t.tags(), t.exitCode() == null ? null : String.valueOf(t.exitCode()), t.error(), t.errorCode(),
                result(t), progress, origin, payloadLabel, payloadText,
                t.requirements() == null ? null : pretty(t.requirements()), envNames,
                t.checkpointEnabled(), t.checkpointData() == null || t.checkpointData().isNull() ? null : pretty(t.checkpointData()));
    }

    /**
     * What the page shows of a payload that is not a command: an analysis's or a skill's
     * parameters. Environment values never (they are secrets; their names are listed apart), nor
     * the requirements (shown apart).
     */
    private static JsonNode shownPayload(Task t) {
        if (t.payload() == null || !t.payload().isObject()) return t.payload();
        ObjectNode copy = ((ObjectNode) t.payload()).deepCopy();
        copy.remove("env");
        copy.remove("requirements");
        if (!AnalysisExecutor.TYPES.contains(t.type()) && copy.has("params") && copy.size() == 1) return copy.get("params");
        return copy;
    }

    /** A skill's result is JSON (pretty-printed here); a shell or analysis result is text. */
    private static String result(Task t) {
        String r = t.result();
        if (r == null || t.type().equals("shell") || AnalysisExecutor.TYPES.contains(t.type())) return r;
        try {
            return pretty(Json.read(r));
        } catch (RuntimeException e) {
            return r;
        }
    }

    static String pretty(JsonNode n) {
        if (n == null || n.isNull()) return null;
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(n);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return n.toString();
        }
    }

    /** The priority bands of the native API's system status (and the overview): high 10, normal 5–9, low 1–4. */
    static String band(int priority) {
        return priority >= 10 ? "high" : priority >= 5 ? "normal" : "low";
    }

    private When when(String label, Instant t) {
        return new When(label, fmt.time(t), fmt.iso(t), fmt.relative(t));
    }

    // ---- cancel and retry ------------------------------------------------------------------

    private void cancel(UiCall call) {
        call.require(Scopes.TASKS_WRITE);
        long id = taskId(call.path("id"));
        tasks.cancel(id);
        call.redirect(href(id), "Task " + fmt.taskId(id) + " cancelled.");
    }

    private void retry(UiCall call) {
        call.require(Scopes.TASKS_WRITE);
        long id = taskId(call.path("id"));
        tasks.retry(id);
        call.redirect(href(id), "Task " + fmt.taskId(id) + " will run again.");
    }

    // ---- create ----------------------------------------------------------------------------

    /** Creating a shell task needs what the native API asks for it: tasks:write and jobs:write. */
    private static void requireCreate(UiCall call) {
        call.require(Scopes.TASKS_WRITE);
        call.require(Scopes.toRun("shell"));
    }

    private void newForm(UiCall call) {
        requireCreate(call);
        call.page("tasks_new.jte", new NewPage(call.chrome("New task", "tasks"), TaskForm.defaults(), Map.of(),
                fmt.zoneName()));
    }

    private void create(UiCall call) {
        requireCreate(call);
        TaskForm form = TaskForm.read(call.form(), fmt.zone());
        Map<String, String> errors = new LinkedHashMap<>(form.errors());
        NewTask made = null;
        try {
            made = form.task();
        } catch (ValidationException e) {
            e.fields().forEach(errors::putIfAbsent);
        }
        if (errors.isEmpty()) {
            try {
                Task t = tasks.create(made);
                call.redirect(href(t.id()), "Task " + fmt.taskId(t.id()) + " created.");
                return;
            } catch (ValidationException e) {
                errors.putAll(e.fields());
            }
        }
        call.page(400, "tasks_new.jte", new NewPage(call.chrome("New task", "tasks"), form.values(), errors, fmt.zoneName()));
    }

    // ---- bulk ------------------------------------------------------------------------------

    /** The outcome of one bulk action: how many succeeded and why the others did not. */
    record BulkResult(String verb, int done, Map<String, String> failed) {
        /** One sentence for the flash message; long failure lists are cut (a cookie holds it). */
        String message() {
            StringBuilder b = new StringBuilder();
            int asked = done + failed.size();
            b.append(verb.substring(0, 1).toUpperCase(java.util.Locale.ROOT)).append(verb.substring(1)).append(' ')
                    .append(done).append(" of ").append(asked).append(asked == 1 ? " task." : " tasks.");
            if (!failed.isEmpty()) {
                b.append(" Not ").append(verb).append(": ");
                int shown = 0;
                Iterator<Map.Entry<String, String>> it = failed.entrySet().iterator();
                while (it.hasNext() && shown < 8) {
                    Map.Entry<String, String> e = it.next();
                    if (shown++ > 0) b.append("; ");
                    b.append(e.getKey()).append(" (").append(e.getValue()).append(')');
                }
                if (failed.size() > shown) b.append("; and ").append(failed.size() - shown).append(" more");
                b.append('.');
            }
            // The message travels in a cookie (4 KB, URL-encoded): keep it well short of that.
            return b.length() > 700 ? b.substring(0, 700) + "…" : b.toString();
        }
    }

    /** Cancels or retries each task on its own: one that cannot be (finished, unknown) does not stop the rest. */
    BulkResult bulk(String action, List<String> ids) {
        boolean cancel = action.equals("cancel");
        int done = 0;
        Map<String, String> failed = new LinkedHashMap<>();
        for (String raw : ids) {
            long id;
            try {
                id = taskId(raw);
            } catch (UiException e) {
                failed.put(raw, "no such task");
                continue;
            }
            try {
                if (cancel) tasks.cancel(id);
                else tasks.retry(id);
                done++;
            } catch (NotFoundException e) {
                failed.put(raw, "no such task");
            } catch (ConflictException e) {
                failed.put(raw, reason(e.getMessage(), raw));
            }
        }
        return new BulkResult(cancel ? "cancelled" : "retried", done, failed);
    }

    /** "task-3 is already completed and cannot be cancelled" → "is already completed and cannot be cancelled". */
    private static String reason(String message, String id) {
        if (message == null) return "not possible now";
        return message.startsWith(id + " ") ? message.substring(id.length() + 1) : message;
    }
}
