package dev.coxswain.server.orchestrator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.service.ConflictException;
import dev.coxswain.core.service.NotFoundException;
import dev.coxswain.core.workflow.Job;
import dev.coxswain.core.workflow.JobStatus;
import dev.coxswain.core.workflow.WorkflowService;
import dev.coxswain.server.http.Respond;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The client routes on jobs and blueprints: a job's state, its cancel and history, a client's
 * job list and quarantined jobs, the dashboard figures and a blueprint's graph. A client sees its
 * own jobs only ({@link JobAccess}); an admin sees every job.
 */
final class JobRoutes {
    static final String GRAPHVIZ = "text/vnd.graphviz; charset=utf-8";
    static final int MAX_LIMIT = 1000;
    private static final String BAD_PAGE = "Invalid limit/offset parameter";

    private final WorkflowService workflows;
    private final JobAccess access;
    private final WorkerRecords workers;
    private final ZoneId zone;

    JobRoutes(WorkflowService workflows, JobAccess access, WorkerRecords workers, ZoneId zone) {
        this.workflows = workflows;
        this.access = access;
        this.workers = workers;
        this.zone = zone;
    }

    /** The job's state; {@code ?fields=a,b} keeps only those keys (and {@code id}). */
    void get(ServerRequest req, ServerResponse res, Principal who) {
        Job j = access.visible(jobId(req), who);
        Respond.json(res, 200, JobJson.job(j, fields(req.query().first("fields").orElse(null))));
    }

    /** Cancels a job that has not ended; one that has, like one that does not exist, is the original's 404. */
    void cancel(ServerRequest req, ServerResponse res, Principal who) {
        Job j = access.visible(jobId(req), who);
        try {
            workflows.cancel(j.id());
        } catch (ConflictException | NotFoundException e) {
            throw OrchestratorError.json(404, "Job not found or already terminal.");
        }
        Respond.json(res, 200, Json.object().put("status", "cancellation_request_accepted"));
    }

    void history(ServerRequest req, ServerResponse res, Principal who) {
        Job j = access.visible(jobId(req), who);
        Respond.json(res, 200, JobJson.history(workflows.history(j.id()), zone));
    }

    /** The client's jobs, newest first ({@code ?limit=100&offset=0}); an admin's list has every client's. */
    void list(ServerRequest req, ServerResponse res, Principal who) {
        int limit = page(req, "limit", 100, MAX_LIMIT);
        int offset = page(req, "offset", 0, Integer.MAX_VALUE);
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (Job j : workflows.list(owner(who), null, offset, limit).items()) out.add(JobJson.listItem(j));
        Respond.json(res, 200, out);
    }

    /** The caller's quarantined jobs (the original lists every client's, which the research file calls a defect). */
    void quarantined(ServerRequest req, ServerResponse res, Principal who) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (Job j : workflows.quarantined(owner(who))) out.add(JobJson.job(j, null));
        Respond.json(res, 200, out);
    }

    /**
     * {@code {"workers": {"total"}, "jobs": {"queued", <status>: count…}}}: live workers; the
     * caller's jobs by status (every status that has some, as the original's summary), and
     * {@code queued}, the jobs accepted and not yet started ({@code pending}).
     */
    void dashboard(ServerRequest req, ServerResponse res, Principal who) {
        Map<String, Long> counts = OrchestratorAccess.seesEveryJob(who) ? workflows.countsByStatus() : counts(who.id());
        ObjectNode out = Json.object();
        out.putObject("workers").put("total", workers.liveCount());
        ObjectNode jobs = out.putObject("jobs").put("queued", counts.getOrDefault(JobStatus.PENDING.wire(), 0L));
        for (JobStatus s : JobStatus.values()) {
            long n = counts.getOrDefault(s.wire(), 0L);
            if (n > 0) jobs.put(s.wire(), n);
        }
        Respond.json(res, 200, out);
    }

    /** The newest version of the blueprint as DOT source. */
    void graph(ServerRequest req, ServerResponse res, Principal who) {
        String dot = workflows.graph(req.path().pathParameters().get("name"));
        res.header(HeaderNames.CONTENT_TYPE, GRAPHVIZ);
        res.send(dot.getBytes(StandardCharsets.UTF_8));
    }

    private Map<String, Long> counts(String owner) {
        Map<String, Long> out = new java.util.HashMap<>();
        for (JobStatus s : JobStatus.values()) out.put(s.wire(), workflows.list(owner, s, 0, 1).total());
        return out;
    }

    private static String owner(Principal who) {
        return OrchestratorAccess.seesEveryJob(who) ? null : who.id();
    }

    /** The job id of the path: {@code {job_id}}, or {@code {id}} on the path shared with Chadburn. */
    static String jobId(ServerRequest req) {
        var p = req.path().pathParameters();
        return p.first("job_id").orElseGet(() -> p.get("id"));
    }

    /** {@code ?fields=a,b}: null (every key) when absent or empty, as the original reads it. */
    static Set<String> fields(String param) {
        if (param == null || param.isEmpty()) return null;
        Set<String> out = new LinkedHashSet<>();
        for (String f : param.split(",")) out.add(f.strip());
        return out;
    }

    private static int page(ServerRequest req, String name, int dflt, int max) {
        String v = req.query().first(name).orElse(null);
        if (v == null) return dflt;
        try {
            int n = Integer.parseInt(v.strip());
            if (n < 0 || n > max) throw OrchestratorError.badRequest(BAD_PAGE);
            return n;
        } catch (NumberFormatException e) {
            throw OrchestratorError.badRequest(BAD_PAGE);
        }
    }
}
