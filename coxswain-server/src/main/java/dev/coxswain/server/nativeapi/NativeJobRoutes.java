package dev.coxswain.server.nativeapi;

import dev.coxswain.core.domain.Page;
import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.domain.Scopes;
import dev.coxswain.core.service.NotFoundException;
import dev.coxswain.core.service.ValidationException;
import dev.coxswain.core.workflow.InputValidationException;
import dev.coxswain.core.workflow.Job;
import dev.coxswain.core.workflow.JobEvent;
import dev.coxswain.core.workflow.JobStatus;
import dev.coxswain.core.workflow.NewJob;
import dev.coxswain.core.workflow.StoredBlueprint;
import dev.coxswain.core.workflow.WorkflowService;
import dev.coxswain.core.workflow.blueprint.State;
import dev.coxswain.core.workflow.blueprint.TaskTemplate;
import dev.coxswain.server.http.Bodies;
import dev.coxswain.server.http.Respond;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code /api/jobs}: workflow jobs for operators, and {@code POST /api/blueprints/{name}/jobs} to
 * start one natively. An admin sees every job; anyone else only the jobs they started (owner =
 * their principal id): another's job answers 404 exactly like a job that does not exist, so ids
 * cannot be probed.
 */
final class NativeJobRoutes {
    /** A job id as the store makes them: a canonical lower-case UUID. */
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final WorkflowService workflows;
    private final Bodies bodies;

    NativeJobRoutes(WorkflowService workflows, Bodies bodies) {
        this.workflows = workflows;
        this.bodies = bodies;
    }

    void list(ServerRequest req, ServerResponse res, Principal who) {
        NativeParams p = new NativeParams(req);
        int page = p.page(), limit = p.limit(NativeParams.DEFAULT_LIMIT, NativeParams.MAX_LIMIT);
        String st = p.string("status");
        JobStatus status = st == null ? null : JobStatus.fromWire(st.toLowerCase(Locale.ROOT));
        if (st != null && status == null) {
            throw NativeError.badParam("status", "status must be one of " + String.join(", ", statuses()));
        }
        String blueprint = p.string("blueprint");
        if (blueprint != null && blueprint.length() > 128) throw NativeError.badParam("blueprint", "blueprint is at most 128 characters");
        Page<Job> result = workflows.list(ownerFilter(who), blueprint, status, NativeParams.offset(page, limit), limit);
        Respond.json(res, 200, NativeJson.pageOf(result, NativeWorkflowJson::job, page, limit));
    }

    void get(ServerRequest req, ServerResponse res, Principal who) {
        Respond.json(res, 200, NativeJson.data(NativeWorkflowJson.job(visible(req, who))));
    }

    void history(ServerRequest req, ServerResponse res, Principal who) {
        Job j = visible(req, who);
        NativeParams p = new NativeParams(req);
        int page = p.page(), limit = p.limit(NativeParams.DEFAULT_LIMIT, NativeParams.MAX_LIMIT);
        List<JobEvent> all = workflows.history(j.id());
        int from = NativeParams.offset(page, limit);
        List<JobEvent> items = from >= all.size() ? List.of() : all.subList(from, Math.min(all.size(), from + limit));
        Respond.json(res, 200, NativeJson.pageOf(new Page<>(items, all.size()), NativeWorkflowJson::event, page, limit));
    }

    void cancel(ServerRequest req, ServerResponse res, Principal who) {
        Job j = visible(req, who);
        Respond.json(res, 200, NativeJson.data(NativeWorkflowJson.job(workflows.cancel(j.id()))));
    }

    /**
     * A human's decision for a job at an approval (or overriding a step that waits for a worker).
     * A decision the state has no transition for is 400, naming {@code decision}.
     */
    void decide(ServerRequest req, ServerResponse res, Principal who) {
        Job j = visible(req, who);
        NativeJobRequest.Decision d = NativeJobRequest.decision(bodies.readJson(req));
        Job decided;
        try {
            decided = workflows.decide(j.id(), d.decision(), null, d.metadata());
        } catch (ValidationException e) {
            Map<String, String> fields = e.fields();
            String message = fields.getOrDefault("decision", fields.values().stream().findFirst().orElse("invalid decision"));
            throw new NativeError(400, "bad_request", message, fields);
        }
        Respond.json(res, 200, NativeJson.data(NativeWorkflowJson.job(decided)));
    }

    /**
     * Starts a job of the blueprint's newest version, owned by the caller. Shell and custom SQL
     * steps need the same scopes as creating such a task directly.
     */
    void start(ServerRequest req, ServerResponse res, Principal who) {
        String name = NativeBlueprintRoutes.name(req);
        StoredBlueprint bp = workflows.blueprint(name);
        NewJob n = NativeJobRequest.start(bodies.readJson(req), who.id());
        for (String skill : skills(bp, new HashSet<>())) NativeGuard.requireToRun(who, skill);
        Job j;
        try {
            j = workflows.create(name, n);
        } catch (InputValidationException e) {
            String message = "Input validation failed for blueprint '" + e.blueprint() + "': " + e.getMessage();
            throw new NativeError(400, "bad_request", message, Map.of("initial_data", e.getMessage()));
        }
        Respond.json(res, 201, NativeJson.data(NativeWorkflowJson.job(j)));
    }

    /** The skills a job of this blueprint may dispatch, through its sub-blueprints' newest versions too. */
    private List<String> skills(StoredBlueprint bp, Set<String> seen) {
        List<String> out = new ArrayList<>();
        if (!seen.add(bp.name())) return out;
        for (State s : bp.blueprint().states().values()) {
            switch (s) {
                case State.Dispatch d -> out.add(d.skill());
                case State.Parallel p -> {
                    if (p.task() != null) out.add(p.task().skill());
                    if (p.tasks() != null) for (TaskTemplate t : p.tasks()) out.add(t.skill());
                }
                case State.SubBlueprint sub -> {
                    try {
                        out.addAll(skills(workflows.blueprint(sub.blueprint()), seen));
                    } catch (NotFoundException e) {
                        // registered later or never: the job fails at that step, and runs nothing there
                    }
                }
                default -> {
                }
            }
        }
        return out;
    }

    /** The job in the path if the caller may see it; otherwise the native 404. */
    private Job visible(ServerRequest req, Principal who) {
        String raw = req.path().pathParameters().get("id");
        if (raw == null || !UUID.matcher(raw.toLowerCase(Locale.ROOT)).matches()) throw new NotFoundException("Job not found");
        Job j = workflows.get(raw.toLowerCase(Locale.ROOT));
        String owner = ownerFilter(who);
        if (owner != null && !owner.equals(j.owner())) throw new NotFoundException("Job not found");
        return j;
    }

    /** Null for an admin (every job); the caller's principal id otherwise. */
    private static String ownerFilter(Principal who) {
        return who.has(Scopes.ADMIN) ? null : who.id();
    }

    private static List<String> statuses() {
        List<String> out = new ArrayList<>();
        for (JobStatus s : JobStatus.values()) out.add(s.wire());
        return out;
    }
}
