package dev.coxswain.server.ui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.domain.Page;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.Worker;
import dev.coxswain.core.domain.WorkerStatus;
import dev.coxswain.core.remote.DeviceRegistry;
import dev.coxswain.core.service.NotFoundException;
import dev.coxswain.core.service.WorkerService;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Workers, local and remote: the list (refreshed every 5 s) with skills, devices, resources,
 * capacity, current tasks, outcomes and heartbeat, and a worker's page with what it reported,
 * its devices and its newest tasks. Read-only: workers are managed by running them.
 */
public final class WorkerPages {
    static final int PAGE_SIZE = 50;
    static final int MAX_PAGE = 1000;
    static final int RECENT = 20;
    static final int DEVICES = 100;
    static final int CURRENT_SHOWN = 10;
    /** What a page shows of a worker's own report: enough to recognise it, never unbounded. */
    static final int MAX_REPORTED = 60;
    static final int MAX_VALUE = 300;

    public record Option(String value, String label, boolean selected) {
    }

    public record TaskLink(String href, String id) {
    }

    /** One worker in the list; {@code moreCurrent} is "+3 more" or null. */
    public record Row(String href, String id, String hostname, String kind, String status, String statusClass,
                      List<String> skills, String devices, String devicesHref, String resources, String capacity,
                      List<TaskLink> current, String moreCurrent, String completed, String failed, String heartbeat,
                      String heartbeatIso, String heartbeatRelative, String version) {
    }

    /** The list's live part: what the 5-second refresh replaces. */
    public record Table(String liveHref, List<Row> rows, List<Option> statuses, String total, String range,
                        String prevHref, String nextHref, String refreshed) {
    }

    public record ListPage(Chrome chrome, Table table) {
    }

    public record Field(String label, String value) {
    }

    public record Skill(String name, String type, String description) {
    }

    public record Device(String serial, String type, String model, String state, String stateClass, TaskLink task,
                         String accounts) {
    }

    public record TaskRow(String href, String id, String name, String type, String status, String created,
                          String createdIso, String duration) {
    }

    /** A worker's live part: its state, counters and current tasks. */
    public record State(String liveHref, String status, String statusClass, List<Field> fields, List<TaskLink> current,
                        String refreshed) {
    }

    /** {@code builtIn}: the task types a local worker runs (it reports no skills). */
    public record DetailPage(Chrome chrome, String id, String hostname, String kind, State state, List<Skill> skills,
                             List<String> builtIn, List<Field> reported, List<Device> devices, boolean moreDevices,
                             String devicesHref, List<TaskRow> recent, String tasksHref) {
    }

    private final WorkerService workers;
    private final DeviceRegistry devices;
    private final Set<String> localTypes;
    private final UiFormat fmt;

    /** @param localTypes the task types a local worker runs (this build's executors) */
    WorkerPages(WorkerService workers, DeviceRegistry devices, Set<String> localTypes, UiFormat fmt) {
        this.workers = workers;
        this.devices = devices;
        this.localTypes = new TreeSet<>(localTypes);
        this.fmt = fmt;
    }

    void register(UiRoutes r) {
        r.get("/ui/workers", this::list);
        r.get("/ui/workers/{id}", this::detail);
    }

    // ---- list -------------------------------------------------------------------------------

    /** The page, or with {@code part=table} the live part alone (htmx asks for it every 5 s). */
    private void list(UiCall call) {
        ReadScope.require(call);
        String st = call.query("status");
        WorkerStatus status = st == null ? null : WorkerStatus.fromWire(st);
        if (st != null && status == null) throw UiException.badRequest("status must be active, idle or offline.");
        int page = call.pageNumber(MAX_PAGE);
        Page<Worker> found = workers.list(status, (page - 1) * PAGE_SIZE, PAGE_SIZE);
        Map<String, Integer> counts = devices.presentCounts(found.items().stream().map(Worker::id).toList());
        List<Row> rows = found.items().stream().map(w -> row(w, counts.getOrDefault(w.id(), 0))).toList();
        List<Option> statuses = new ArrayList<>(List.of(new Option("", "Any status", status == null)));
        for (WorkerStatus s : WorkerStatus.values()) statuses.add(new Option(s.wire(), s.wire(), s == status));
        long from = (long) (page - 1) * PAGE_SIZE;
        String range = rows.isEmpty() ? "" : (from + 1) + "–" + (from + rows.size());
        Table table = new Table(listHref(st, page) + (st == null && page == 1 ? "?" : "&") + "part=table", rows, statuses,
                fmt.count(found.total()), range, page > 1 ? listHref(st, page - 1) : null,
                from + rows.size() < found.total() && page < MAX_PAGE ? listHref(st, page + 1) : null, fmt.time(fmt.now()));
        if ("table".equals(call.query("part"))) {
            call.page("workers_table.jte", table);
            return;
        }
        call.page("workers_list.jte", new ListPage(call.chrome("Workers", "workers"), table));
    }

    private Row row(Worker w, int deviceCount) {
        List<TaskLink> current = w.currentTaskIds().stream().limit(CURRENT_SHOWN).map(this::link).toList();
        int more = w.currentTaskIds().size() - current.size();
        return new Row(href(w.id()), w.id(), w.hostname(), w.kind(), w.status().wire(), badge(w.status()), skills(w),
                Integer.toString(deviceCount), DevicePages.listHref(w.id(), null), resources(w),
                w.capacity() > 0 ? w.currentTaskIds().size() + " / " + w.capacity() : Integer.toString(w.currentTaskIds().size()), current, more > 0 ? "+" + more + " more" : null,
                fmt.count(w.tasksCompleted()), fmt.count(w.tasksFailed()), fmt.time(w.lastHeartbeat()),
                fmt.iso(w.lastHeartbeat()), fmt.relative(w.lastHeartbeat()), w.version());
    }

    private static String listHref(String status, int page) {
        StringBuilder b = new StringBuilder("/ui/workers");
        String sep = "?";
        if (status != null) {
            b.append(sep).append("status=").append(enc(status));
            sep = "&";
        }
        if (page > 1) b.append(sep).append("page=").append(page);
        return b.toString();
    }

    // ---- one worker -------------------------------------------------------------------------

    /** The page, or with {@code part=state} its live part alone. */
    private void detail(UiCall call) {
        ReadScope.require(call);
        String id = call.path("id");
        Worker w;
        try {
            w = workers.get(id);
        } catch (NotFoundException e) {
            throw UiException.notFound("Worker " + id);
        }
        State state = state(w);
        if ("state".equals(call.query("part"))) {
            call.page("workers_state.jte", state);
            return;
        }
        List<Skill> skills = new ArrayList<>();
        if (w.skills() != null) {
            for (JsonNode s : w.skills()) {
                skills.add(new Skill(s.path("name").asText(""), s.path("type").isTextual() ? s.get("type").asText() : null,
                        s.path("description").isTextual() ? s.get("description").asText() : null));
            }
        }
        List<DeviceRegistry.DeviceView> owned = devices.page(w.id(), null, DEVICES + 1);
        List<Device> devs = owned.stream().limit(DEVICES).map(this::device).toList();
        List<TaskRow> recent = workers.recentTasks(w.id(), RECENT).stream().map(this::taskRow).toList();
        call.page("workers_detail.jte", new DetailPage(call.chrome(w.id() + " · Workers", "workers"), w.id(), w.hostname(),
                w.kind(), state, skills, isLocal(w) ? List.copyOf(localTypes) : List.of(), reported(w.info()), devs,
                owned.size() > DEVICES, DevicePages.listHref(w.id(), null), recent, "/ui/tasks?worker=" + enc(w.id())));
    }

    private State state(Worker w) {
        List<Field> f = new ArrayList<>();
        f.add(new Field("Kind", w.kind()));
        JsonNode type = w.info() == null ? null : w.info().get("worker_type");
        if (type != null && type.isTextual()) f.add(new Field("Worker type", type.asText()));
        f.add(new Field("Host", w.hostname()));
        // A remote worker that states no max_concurrent_tasks has capacity 0: dispatch sets it no limit.
        f.add(new Field("Running", w.currentTaskIds().size() + (w.capacity() > 0 ? " of " + w.capacity() + " slots" : " (no limit stated)")));
        f.add(new Field("Completed", fmt.count(w.tasksCompleted())));
        f.add(new Field("Failed", fmt.count(w.tasksFailed())));
        f.add(new Field("Resources", resources(w)));
        f.add(new Field("Last heartbeat", w.lastHeartbeat() == null ? "—"
                : fmt.time(w.lastHeartbeat()) + " (" + fmt.relative(w.lastHeartbeat()) + ")"));
        f.add(new Field("Registered", fmt.time(w.registeredAt())));
        f.add(new Field("Version", w.version()));
        if (!w.tags().isEmpty()) f.add(new Field("Tags", String.join(", ", w.tags())));
        return new State(href(w.id()) + "?part=state", w.status().wire(), badge(w.status()), f,
                w.currentTaskIds().stream().map(this::link).toList(), fmt.time(fmt.now()));
    }

    /**
     * What a remote worker reported about itself (resources but its device list, which the
     * devices table shows, software, capabilities, usage), one line per value, bounded.
     */
    private static List<Field> reported(JsonNode info) {
        List<Field> out = new ArrayList<>();
        if (info == null || !info.isObject()) return out;
        for (String part : List.of("resources", "installed_software", "capabilities", "usage", "metadata")) {
            JsonNode n = info.get(part);
            if (n == null || !n.isObject()) continue;
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext() && out.size() < MAX_REPORTED; ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (part.equals("resources") && e.getKey().equals("devices")) continue;
                out.add(new Field(part + "." + e.getKey(), clip(e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString())));
            }
        }
        return out;
    }

    private Device device(DeviceRegistry.DeviceView d) {
        return new Device(d.serial(), d.type(), d.model(), DevicePages.state(d), DevicePages.stateClass(d),
                d.currentTaskId() == null ? null : link(d.currentTaskId()), String.join(", ", d.accounts()));
    }

    private TaskRow taskRow(Task t) {
        return new TaskRow(taskHref(t.id()), fmt.taskId(t.id()), t.name(), t.type(), t.status().wire(), fmt.time(t.createdAt()),
                fmt.iso(t.createdAt()), t.startedAt() == null ? "—"
                : fmt.duration(t.startedAt(), t.completedAt() == null ? fmt.now() : t.completedAt()));
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** Skill names a remote worker serves, or the task types a local one runs. */
    private List<String> skills(Worker w) {
        if (isLocal(w)) return List.copyOf(localTypes);
        List<String> out = new ArrayList<>();
        if (w.skills() != null) for (JsonNode s : w.skills()) if (s.path("name").isTextual()) out.add(s.get("name").asText());
        return out;
    }

    private static boolean isLocal(Worker w) {
        return "local".equals(w.kind());
    }

    /**
     * Its load: the local worker's sampled CPU, memory and disk use; a remote worker's usage as it
     * reported it.
     */
    static String resources(Worker w) {
        List<String> parts = new ArrayList<>();
        Worker.Resources r = w.resources();
        if (r != null) {
            if (r.cpuUsage() != null) parts.add("CPU " + percent(r.cpuUsage()));
            if (r.memoryUsage() != null) parts.add("memory " + percent(r.memoryUsage()));
            if (r.diskUsage() != null) parts.add("disk " + percent(r.diskUsage()));
        } else if (w.info() != null && w.info().path("usage").isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = w.info().get("usage").fields(); it.hasNext() && parts.size() < 6; ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isValueNode()) parts.add(e.getKey().replace('_', ' ') + " " + clip(e.getValue().asText()));
            }
        }
        return parts.isEmpty() ? "—" : String.join(" · ", parts);
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.0f %%", fraction * 100);
    }

    private static String clip(String s) {
        return s.length() <= MAX_VALUE ? s : s.substring(0, MAX_VALUE) + "…";
    }

    private TaskLink link(long id) {
        return new TaskLink(taskHref(id), fmt.taskId(id));
    }

    static String badge(WorkerStatus s) {
        return switch (s) {
            case ACTIVE -> "live";
            case IDLE -> "ok";
            case OFFLINE -> "bad";
        };
    }

    static String href(String workerId) {
        return "/ui/workers/" + enc(workerId).replace("+", "%20");
    }

    static String taskHref(long id) {
        return "/ui/tasks/task-" + id;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
