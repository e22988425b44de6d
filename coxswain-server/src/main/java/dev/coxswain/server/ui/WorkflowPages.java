package dev.coxswain.server.ui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.domain.Scopes;
import dev.coxswain.core.workflow.Job;
import dev.coxswain.core.workflow.JobEvent;
import dev.coxswain.core.workflow.JobStatus;
import dev.coxswain.core.workflow.StoredBlueprint;
import dev.coxswain.core.workflow.WorkflowService;
import dev.coxswain.core.workflow.blueprint.Blueprint;
import dev.coxswain.core.workflow.blueprint.Edge;
import dev.coxswain.core.workflow.blueprint.State;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code /ui/workflows}: the orchestrator's blueprints (their state machines drawn) and the jobs
 * that run them, with a job's history and, while it waits for a person, the decisions its approval
 * state offers. Visibility and rights are those of {@code /api/jobs}: an admin sees every job,
 * anyone else only the jobs they started (another's answers 404, as an unknown id); reading needs
 * {@code read} or {@code tasks:read}, deciding and cancelling {@code tasks:write}.
 */
public final class WorkflowPages {
    static final int RECENT_JOBS = 50;
    static final int BLUEPRINT_JOBS = 20;
    /** History rows shown for one job (the newest; a long-running loop can have many). */
    static final int MAX_EVENTS = 200;
    /** Task links shown for the current step (a fan-out can have hundreds). */
    static final int MAX_STEP_TASKS = 20;
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,128}");
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    public record BlueprintRow(String name, int version, String endpoint, int states, String created, String createdBy,
                               String description) {
    }

    public record JobRow(String id, String blueprint, int version, String status, String state, String owner,
                         String created, String createdIso, String updated) {
    }

    /**
     * The recent jobs (also a live fragment). {@code status}: the filter, or null; {@code windowed}:
     * the filter looked through the newest jobs only.
     */
    public record Jobs(List<JobRow> rows, List<String> statuses, String status, boolean windowed, String self,
                       boolean everyone) {
    }

    public record WorkflowsPage(Chrome chrome, List<BlueprintRow> blueprints, Jobs jobs) {
    }

    public record StateRow(String name, String type, String detail, boolean start, List<String> transitions) {
    }

    public record VersionRow(int version, String created, String createdBy, boolean shown) {
    }

    public record BlueprintPage(Chrome chrome, BlueprintRow blueprint, String graphSvg, List<StateRow> states,
                                List<VersionRow> versions, List<JobRow> jobs) {
    }

    public record EventRow(String at, String atIso, String type, String state, String move, String worker, String taskId,
                           String attempt, String duration, JsonTables.Node data) {
    }

    public record Field(String label, String value, String href) {
    }

    /**
     * One job. {@code decisions}: the choices of the approval it waits at (buttons when the viewer
     * may decide); {@code canCancel}: not ended and the viewer may cancel.
     */
    public record JobPage(Chrome chrome, String id, String blueprint, int version, String status, boolean terminal,
                          String state, String approvalMessage, List<Field> fields, String error, String graphSvg,
                          List<String> decisions, boolean canDecide, boolean canCancel, JsonTables.Node initialData,
                          JsonTables.Node result, List<EventRow> events, int totalEvents) {
        public boolean eventsCapped() {
            return totalEvents > events.size();
        }
    }

    private final WorkflowService workflows;
    private final BlueprintGraph graph;
    private final UiFormat fmt;

    WorkflowPages(WorkflowService workflows, GraphSvg svg, UiFormat fmt) {
        this.workflows = workflows;
        this.graph = new BlueprintGraph(svg);
        this.fmt = fmt;
    }

    public void register(UiRoutes r) {
        r.get("/ui/workflows", this::overview);
        r.get("/ui/workflows/jobs", this::jobsFragment);
        r.get("/ui/workflows/blueprints/{name}", this::blueprint);
        r.get("/ui/workflows/jobs/{id}", call -> job(call, false));
        r.get("/ui/workflows/jobs/{id}/live", call -> job(call, true));
        r.post("/ui/workflows/jobs/{id}/decision", this::decide);
        r.post("/ui/workflows/jobs/{id}/cancel", this::cancel);
    }

    private void overview(UiCall call) {
        ReadScope.require(call);
        List<BlueprintRow> bps = new ArrayList<>();
        for (StoredBlueprint b : workflows.blueprints()) bps.add(blueprintRow(b));
        call.page("workflows_list.jte", new WorkflowsPage(call.chrome("Workflows", "workflows"), bps, jobs(call)));
    }

    private void jobsFragment(UiCall call) {
        ReadScope.require(call);
        call.page("workflows_jobs.jte", jobs(call));
    }

    private Jobs jobs(UiCall call) {
        String st = call.query("status");
        JobStatus status = st == null ? null : JobStatus.fromWire(st.toLowerCase(Locale.ROOT));
        if (st != null && status == null) throw UiException.badRequest("Unknown job status '" + st + "'.");
        WorkflowService.RecentJobs recent = workflows.recent(owner(call), null, status, RECENT_JOBS);
        List<String> statuses = new ArrayList<>();
        for (JobStatus s : JobStatus.values()) statuses.add(s.wire());
        return new Jobs(rows(recent.jobs()), statuses, status == null ? null : status.wire(), recent.windowed(),
                "/ui/workflows/jobs" + (status == null ? "" : "?status=" + status.wire()), owner(call) == null);
    }

    private void blueprint(UiCall call) {
        ReadScope.require(call);
        String name = call.path("name");
        if (name == null || !NAME.matcher(name).matches()) throw UiException.notFound("Blueprint " + (name == null ? "" : name));
        String v = call.query("version");
        StoredBlueprint b;
        if (v == null) {
            b = workflows.blueprint(name);
        } else {
            int version;
            try {
                version = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw UiException.badRequest("The version must be a whole number.");
            }
            b = workflows.blueprint(name, version);
        }
        Blueprint bp = b.blueprint();
        List<StateRow> states = new ArrayList<>();
        for (Map.Entry<String, State> e : bp.states().entrySet()) {
            List<String> ways = new ArrayList<>();
            for (Edge x : e.getValue().exits()) ways.add(x.label() + " → " + x.to());
            states.add(new StateRow(e.getKey(), e.getValue().type(), BlueprintGraph.describe(e.getValue()),
                    e.getKey().equals(bp.startState()), ways));
        }
        List<VersionRow> versions = new ArrayList<>();
        for (StoredBlueprint x : workflows.versions(name).reversed()) {
            versions.add(new VersionRow(x.version(), fmt.time(x.createdAt()), x.createdBy(), x.version() == b.version()));
        }
        List<JobRow> jobs = rows(workflows.recent(owner(call), name, null, BLUEPRINT_JOBS).jobs());
        call.page("workflows_blueprint.jte", new BlueprintPage(call.chrome("Blueprint " + name, "workflows"), blueprintRow(b),
                graph.draw(bp), states, versions, jobs));
    }

    private void job(UiCall call, boolean fragment) {
        ReadScope.require(call);
        Job j = visible(call);
        StoredBlueprint b = workflows.blueprint(j.blueprintName(), j.blueprintVersion());
        Blueprint bp = b.blueprint();
        List<JobEvent> history = workflows.history(j.id());
        Set<String> visited = new HashSet<>();
        for (JobEvent e : history) if ("state_started".equals(e.type()) && e.state() != null) visited.add(e.state());
        List<EventRow> events = new ArrayList<>();
        for (JobEvent e : history.subList(Math.max(0, history.size() - MAX_EVENTS), history.size()).reversed()) {
            events.add(event(e));
        }
        List<String> decisions = new ArrayList<>();
        String message = null;
        if (j.status() == JobStatus.WAITING_FOR_HUMAN && j.currentState() != null
                && bp.states().get(j.currentState()) instanceof State.Approval a) {
            decisions.addAll(a.transitions().keySet());
            // As rendered for this job when it reached the state (the blueprint holds the template).
            JsonNode m = j.data().path("approval_message");
            message = m.isTextual() ? m.asText() : a.message();
        }
        boolean mayWrite = call.who().has(Scopes.TASKS_WRITE);
        List<Field> fields = new ArrayList<>();
        fields.add(new Field("Blueprint", j.blueprintName() + " v" + j.blueprintVersion(),
                "/ui/workflows/blueprints/" + j.blueprintName() + "?version=" + j.blueprintVersion()));
        fields.add(new Field("Owner", j.owner(), null));
        fields.add(new Field("Created", fmt.time(j.createdAt()), null));
        fields.add(new Field("Updated", fmt.time(j.updatedAt()) + " (" + fmt.relative(j.updatedAt()) + ")", null));
        if (j.finishedAt() != null) fields.add(new Field("Finished", fmt.time(j.finishedAt()), null));
        fields.add(new Field("Transitions", String.valueOf(j.transitionCount()), null));
        if (j.retryCount() > 0) fields.add(new Field("Step retries", String.valueOf(j.retryCount()), null));
        for (Long t : j.taskIds().subList(0, Math.min(MAX_STEP_TASKS, j.taskIds().size()))) {
            fields.add(new Field("Current step's task", fmt.taskId(t), "/ui/tasks/" + fmt.taskId(t)));
        }
        if (j.taskIds().size() > MAX_STEP_TASKS) {
            fields.add(new Field("Current step's tasks", (j.taskIds().size() - MAX_STEP_TASKS) + " more not listed", null));
        }
        if (j.parentJobId() != null) fields.add(new Field("Parent job", j.parentJobId(), "/ui/workflows/jobs/" + j.parentJobId()));
        if (j.childJobId() != null) fields.add(new Field("Child job", j.childJobId(), "/ui/workflows/jobs/" + j.childJobId()));
        if (j.dispatchDeadline() != null) fields.add(new Field("Dispatch deadline", fmt.relative(j.dispatchDeadline()), null));
        if (j.resultDeadline() != null) fields.add(new Field("Result deadline", fmt.relative(j.resultDeadline()), null));
        JsonNode initial = j.initialData();
        JobPage page = new JobPage(call.chrome("Job " + j.id(), "workflows"), j.id(), j.blueprintName(), j.blueprintVersion(),
                j.status().wire(), j.status().terminal(), j.currentState(), message, fields, j.errorMessage(),
                graph.draw(bp, visited, j.currentState(), j.status().wire()), decisions,
                mayWrite && !decisions.isEmpty(), mayWrite && !j.status().terminal(),
                initial == null || initial.isMissingNode() || initial.isNull() ? null : JsonTables.render(initial),
                j.result() == null || j.result().isNull() ? null : JsonTables.render(j.result()), events, history.size());
        call.page(fragment ? "workflows_job_body.jte" : "workflows_job.jte", page);
    }

    private void decide(UiCall call) {
        call.require(Scopes.TASKS_WRITE);
        Job j = visible(call);
        String decision = call.form().get("decision");
        if (decision == null) throw UiException.badRequest("Choose a decision.");
        workflows.decide(j.id(), decision, null, null);
        call.redirect("/ui/workflows/jobs/" + j.id(), "Job " + j.id() + ": decision '" + decision + "' recorded.");
    }

    private void cancel(UiCall call) {
        call.require(Scopes.TASKS_WRITE);
        Job j = visible(call);
        workflows.cancel(j.id());
        call.redirect("/ui/workflows/jobs/" + j.id(), "Job " + j.id() + " cancelled.");
    }

    /** The job in the path if the viewer may see it, else 404 (the same answer as an unknown id). */
    private Job visible(UiCall call) {
        String raw = call.path("id");
        String id = raw == null ? "" : raw.toLowerCase(Locale.ROOT);
        if (!UUID.matcher(id).matches()) throw UiException.notFound("Job " + (raw == null ? "" : raw));
        Job j = workflows.get(id);
        String owner = owner(call);
        if (owner != null && !owner.equals(j.owner())) throw UiException.notFound("Job " + raw);
        return j;
    }

    /** Null for an admin (every job); the viewer's principal id otherwise. */
    private static String owner(UiCall call) {
        return call.who().has(Scopes.ADMIN) ? null : call.who().id();
    }

    private BlueprintRow blueprintRow(StoredBlueprint b) {
        return new BlueprintRow(b.name(), b.version(), b.apiEndpoint() == null ? null : "/api/" + b.apiVersion() + b.apiEndpoint(),
                b.blueprint().states().size(), fmt.time(b.createdAt()), b.createdBy(), b.blueprint().description());
    }

    private List<JobRow> rows(List<Job> jobs) {
        List<JobRow> out = new ArrayList<>();
        for (Job j : jobs) {
            out.add(new JobRow(j.id(), j.blueprintName(), j.blueprintVersion(), j.status().wire(), j.currentState(), j.owner(),
                    fmt.time(j.createdAt()), fmt.iso(j.createdAt()), fmt.relative(j.updatedAt())));
        }
        return out;
    }

    private EventRow event(JobEvent e) {
        String move = e.previousState() != null && e.nextState() != null ? e.previousState() + " → " + e.nextState()
                : e.nextState() != null ? "→ " + e.nextState() : e.previousState() != null ? e.previousState() + " →" : null;
        return new EventRow(fmt.time(e.at()), fmt.iso(e.at()), e.type(), e.state(), move, e.workerId(),
                e.taskId() == null ? null : fmt.taskId(e.taskId()), e.attempt() == null ? null : String.valueOf(e.attempt()),
                e.durationMs() == null ? null : fmt.duration(java.time.Duration.ofMillis(e.durationMs())),
                e.data() == null || e.data().isNull() || e.data().isEmpty() ? null
                        : JsonTables.render(e.data(), new JsonTables.Limits(20, 10, 300, 3, 60)));
    }
}
