package dev.coxswain.server.ui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.connection.ConnectionService;
import dev.coxswain.core.domain.TargetConnection;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.pganalysis.AnalysisExecutor;
import dev.coxswain.core.service.NotFoundException;
import dev.coxswain.core.service.TaskService;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /ui/connections}: the PostgreSQL servers analysis tasks connect to (never their
 * passwords) and the recent analysis runs; {@code /ui/analyses/{id}}: one run with its report drawn
 * as tables ({@link JsonTables}), not raw JSON. Reading needs what {@code GET /api/connections}
 * and {@code GET /api/tasks/{id}} need: {@code read} or {@code tasks:read}.
 */
public final class AnalysisPages {
    static final int MAX_CONNECTIONS = 200;
    private static final Pattern TASK_ID = Pattern.compile("task-([0-9]{1,18})");

    public record ConnectionRow(long id, String name, String host, int port, String database, String user,
                                boolean hasPassword, String sslmode, String environment, List<String> tags, String source,
                                String created) {
    }

    /** One analysis run in a list. */
    public record RunRow(String id, String type, String name, String status, String connection, String created,
                         String createdIso, String duration) {
    }

    /**
     * The runs section (also its own fragment, refreshed live on the first page).
     *
     * @param type  the analysis type shown, or null for every one
     * @param older cursor of the next (older) page, or null
     * @param newer cursor of the previous page, or null (then this is the first page and it refreshes)
     */
    public record Runs(List<RunRow> rows, List<String> types, String type, String older, String newer, String self) {
        public boolean live() {
            return newer == null;
        }

        public String newerHref() {
            return href(newer);
        }

        public String olderHref() {
            return href(older);
        }

        private String href(String cursor) {
            if (cursor == null) return null;
            return "/ui/connections?" + (type == null ? "" : "type=" + type + "&") + "cursor="
                    + java.net.URLEncoder.encode(cursor, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    public record ConnectionsPage(Chrome chrome, List<ConnectionRow> connections, long total, Runs runs) {
        public boolean capped() {
            return total > connections.size();
        }
    }

    /** A labelled value of the run. */
    public record Field(String label, String value) {
    }

    /**
     * One run. {@code result}: the report as tables, or null when there is none; {@code rawResult}:
     * the result as text when it is not JSON.
     */
    public record AnalysisPage(Chrome chrome, String id, String type, String name, String status, boolean terminal,
                               List<Field> fields, String error, JsonTables.Node params, JsonTables.Node result,
                               String rawResult) {
    }

    private final TaskService tasks;
    private final ConnectionService connections;
    private final AnalysisRuns runs;
    private final UiFormat fmt;

    AnalysisPages(TaskService tasks, ConnectionService connections, AnalysisRuns runs, UiFormat fmt) {
        this.tasks = tasks;
        this.connections = connections;
        this.runs = runs;
        this.fmt = fmt;
    }

    public void register(UiRoutes r) {
        r.get("/ui/connections", this::connections);
        r.get("/ui/connections/runs", this::runsFragment);
        r.get("/ui/analyses/{id}", call -> analysis(call, false));
        r.get("/ui/analyses/{id}/live", call -> analysis(call, true));
    }

    private void connections(UiCall call) {
        ReadScope.require(call);
        var page = connections.list(0, MAX_CONNECTIONS);
        List<ConnectionRow> rows = new ArrayList<>();
        for (TargetConnection c : page.items()) {
            rows.add(new ConnectionRow(c.id(), c.name(), c.host(), c.port(), c.database(), c.username(), c.hasPassword(),
                    c.sslmode(), c.environment(), c.tags(), c.source(), fmt.time(c.createdAt())));
        }
        call.page("connections_list.jte", new ConnectionsPage(call.chrome("Connections and analysis runs", "connections"), rows,
                page.total(), runs(call, names(page.items()))));
    }

    private void runsFragment(UiCall call) {
        ReadScope.require(call);
        call.page("connections_runs.jte", runs(call, names(connections.list(0, MAX_CONNECTIONS).items())));
    }

    private Runs runs(UiCall call, Map<Long, String> names) {
        String type = call.query("type");
        if (type != null && !AnalysisExecutor.TYPES.contains(type)) {
            throw UiException.badRequest("Unknown analysis type '" + type + "'; one of " + String.join(", ", AnalysisExecutor.TYPES) + ".");
        }
        AnalysisRuns.Slice slice = runs.slice(type, call.query("cursor"));
        List<RunRow> rows = new ArrayList<>();
        for (Task t : slice.rows()) {
            rows.add(new RunRow(fmt.taskId(t.id()), t.type(), t.name(), t.status().wire(), connection(t, names),
                    fmt.time(t.createdAt()), fmt.iso(t.createdAt()), fmt.duration(t.startedAt(), t.completedAt())));
        }
        String self = "/ui/connections/runs" + (type == null ? "" : "?type=" + type);
        return new Runs(rows, AnalysisExecutor.TYPES, type, slice.older(), slice.newer(), self);
    }

    private void analysis(UiCall call, boolean fragment) {
        ReadScope.require(call);
        Task t = run(call);
        List<Field> fields = new ArrayList<>();
        fields.add(new Field("Type", t.type()));
        fields.add(new Field("Connection", connection(t, new HashMap<>())));
        fields.add(new Field("Created", fmt.time(t.createdAt())));
        fields.add(new Field("Started", fmt.time(t.startedAt())));
        fields.add(new Field("Finished", fmt.time(t.completedAt())));
        fields.add(new Field("Duration", fmt.duration(t.startedAt(), t.completedAt())));
        fields.add(new Field("Attempts", t.attempt() + " (retries " + t.retryCount() + " of " + t.maxRetries() + ")"));
        fields.add(new Field("Worker", t.workerId() == null ? "—" : t.workerId()));
        if (t.originKind() != null) fields.add(new Field("Started by", t.originKind() + (t.originId() == null ? "" : " " + t.originId())));
        JsonNode params = t.payload() == null ? null : t.payload().get("params");
        JsonTables.Node result = null;
        String raw = null;
        if (t.result() != null) {
            try {
                result = JsonTables.render(Json.read(t.result()));
            } catch (UncheckedIOException e) {
                raw = t.result(); // not JSON: shown as the text it is
            }
        }
        AnalysisPage page = new AnalysisPage(call.chrome("Analysis " + fmt.taskId(t.id()), "connections"), fmt.taskId(t.id()),
                t.type(), t.name(), t.status().wire(), t.status().terminal(), fields, t.error(),
                params == null || params.isNull() ? null : JsonTables.render(params), result, raw);
        call.page(fragment ? "analyses_body.jte" : "analyses_detail.jte", page);
    }

    /** The run in the path: a task of an analysis type, else 404 (another task is no analysis). */
    private Task run(UiCall call) {
        String raw = call.path("id");
        Matcher m = raw == null ? null : TASK_ID.matcher(raw);
        if (m == null || !m.matches()) throw UiException.notFound("Analysis run " + (raw == null ? "" : raw));
        Task t = tasks.get(Long.parseLong(m.group(1)));
        if (!AnalysisExecutor.TYPES.contains(t.type())) throw UiException.notFound("Analysis run " + raw);
        return t;
    }

    /** "name (#3)", or "#3 (deleted)"; {@code names}: the connections already read (others are looked up). */
    private String connection(Task t, Map<Long, String> names) {
        JsonNode id = t.payload() == null ? null : t.payload().get("connection_id");
        if (id == null || !id.canConvertToLong()) return "—";
        long cid = id.asLong();
        String name = names.get(cid);
        if (name == null && !names.containsKey(cid)) {
            try {
                name = connections.get(cid).name();
            } catch (NotFoundException e) {
                name = null;
            }
            names.put(cid, name);
        }
        return name == null ? "#" + cid + " (deleted)" : name + " (#" + cid + ")";
    }

    private static Map<Long, String> names(List<TargetConnection> cs) {
        Map<Long, String> out = new HashMap<>();
        for (TargetConnection c : cs) out.put(c.id(), c.name());
        return out;
    }
}
