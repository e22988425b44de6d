package dev.coxswain.server.orchestrator;

import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.files.BlobStore;
import dev.coxswain.core.service.WorkerService;
import dev.coxswain.core.workflow.WorkflowService;
import dev.coxswain.server.auth.Gatekeeper;
import dev.coxswain.server.face.FaceGuard;
import dev.coxswain.server.face.FaceRoutes;
import dev.coxswain.server.http.Bodies;
import dev.coxswain.server.http.Respond;
import dev.coxswain.server.http.RouteTable;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.ZoneId;
import java.util.regex.Pattern;

import static dev.coxswain.server.http.RouteTable.Access.OPEN;
import static dev.coxswain.server.orchestrator.OrchestratorAccess.READ;
import static dev.coxswain.server.orchestrator.OrchestratorAccess.WRITE;

/**
 * The orchestrator's client face ({@code seeds/orchestrator-api.ru.md}, wire truth in the research
 * file): {@code /_public/*} and the client routes under {@code /api/<api_version>/}. Its errors
 * are {@code {"error": "..."}}, with the original's plain-text ones where it has them.
 *
 * <p>Any credential the server accepts works here; orchestrator clients send theirs as
 * {@code X-Client-Token} (an API key). Routes under {@code /api/{api_version}} serve only a
 * well-formed version ({@code v<n>}); one that is well-formed but served by no blueprint answers
 * the original's unknown-route 404 before any authentication, as aiohttp does.
 *
 * <p>Two paths are shared with Chadburn, whose jobs also live under {@code /api/v1/jobs}:
 * {@code GET /api/v1/jobs/{id}} is the orchestrator's for a UUID (Chadburn's ids are
 * {@code job-<n>}), and {@code GET /api/v1/jobs} is the orchestrator's when the request carries
 * {@code X-Client-Token}, the header only orchestrator clients send (Chadburn's send
 * {@code X-API-Key} or {@code Authorization}). Everything else there reaches Chadburn.
 */
public final class OrchestratorApi {
    public static final String FACE = "orchestrator";
    /** What an {@code api_endpoint} may be after its leading slash (the blueprint validator's rule). */
    private static final Pattern ENDPOINT = Pattern.compile("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*");
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final WorkflowService workflows;
    private final boolean devMode;
    private final FaceGuard<OrchestratorError> guard;
    /** The approval webhook's own refusals: the original checks its token by hand, in plain text. */
    private final FaceGuard<OrchestratorError> approvalGuard;
    private final WorkerRecords workers;
    private final JobRoutes jobs;
    private final ApprovalRoute approval;
    private final BlueprintEndpoints endpoints;
    private final JobAccess access;
    private final OrchestratorFileRoutes files;

    /**
     * @param zone    the time zone of history timestamps (the server's {@code timezone})
     * @param devMode whether {@code POST /_public/debug/flush_db} exists
     */
    /**
     * @param files         the job file store, or null when files are off (the file routes answer 501)
     * @param fileMaxBytes  the largest file a streamed upload accepts
     */
    public OrchestratorApi(WorkflowService workflows, WorkerService workers, Gatekeeper gate, Bodies bodies, ZoneId zone,
                           boolean devMode, BlobStore files, long fileMaxBytes) {
        this.workflows = workflows;
        this.devMode = devMode;
        ApiVersions versions = new ApiVersions(workflows::apiVersions);
        FaceGuard.PreCheck knownVersion = req -> {
            String v = req.path().pathParameters().first("api_version").orElse(null);
            if (v != null && !versions.served(v)) throw OrchestratorError.noRoute();
        };
        this.guard = new FaceGuard<>(FACE, gate, new OrchestratorErrors(false), knownVersion);
        this.approvalGuard = new FaceGuard<>(FACE, gate, new OrchestratorErrors(true), FaceGuard.PreCheck.NONE);
        this.workers = new WorkerRecords(workers);
        JobAccess access = new JobAccess(workflows);
        this.jobs = new JobRoutes(workflows, access, this.workers, zone);
        this.approval = new ApprovalRoute(workflows, access, bodies);
        this.endpoints = new BlueprintEndpoints(workflows, bodies);
        this.access = access;
        this.files = new OrchestratorFileRoutes(files, this::fileAccess, fileMaxBytes);
    }

    /** The face's routes; before Chadburn's (two of them serve part of Chadburn's paths). */
    public void register(RouteTable table) {
        table.face(FACE)
                .get("/_public/status", OPEN, (req, res) -> Respond.json(res, 200, Json.object().put("status", "ok")))
                .post("/_public/debug/flush_db", OPEN, this::flush);
        new FaceRoutes(table, FACE, guard)
                .add(Method.GET, "/api/v1/jobs/{id}", OrchestratorApi::uuidJob, READ, jobs::get)
                .add(Method.GET, "/api/v1/jobs", OrchestratorApi::clientTokenSent, READ, jobs::list)
                .add(Method.GET, "/api/{api_version}/jobs/{job_id}", OrchestratorApi::otherVersion, READ, jobs::get)
                .add(Method.GET, "/api/{api_version}/jobs", OrchestratorApi::otherVersion, READ, jobs::list)
                .add(Method.POST, "/api/{api_version}/jobs/{job_id}/cancel", OrchestratorApi::versioned, WRITE, jobs::cancel)
                .add(Method.GET, "/api/{api_version}/jobs/{job_id}/history", OrchestratorApi::versioned, READ, jobs::history)
                .add(Method.GET, "/api/{api_version}/blueprints/{name}/graph", OrchestratorApi::versioned, READ, jobs::graph)
                .add(Method.GET, "/api/{api_version}/workers", OrchestratorApi::versioned, READ, this::workers)
                .add(Method.GET, "/api/{api_version}/dashboard", OrchestratorApi::versioned, READ, jobs::dashboard)
                .get("/_public/jobs/quarantined", READ, jobs::quarantined);
        // A job's files: the guard admits the caller, fileAccess decides on the job.
        files.register(table.face(FACE), "/api/{api_version}", h -> guard.guard(READ, (req, res, who) -> {
            req.context().register(new Caller(who));
            h.handle(req, res);
        }));
        new FaceRoutes(table, FACE, approvalGuard)
                .post("/_public/webhooks/approval/{job_id}", WRITE, approval::decide)
                .fallback("/_public/*", guard.answer(req -> OrchestratorError.noRoute()));
    }

    /**
     * {@code POST /api/<api_version><endpoint>} of the blueprints: after every built-in route
     * (Chadburn's included), so it never shadows one, and before the catch-all 404s, which answer
     * the paths no blueprint serves.
     */
    public void registerEndpoints(RouteTable table) {
        new FaceRoutes(table, FACE, guard)
                .add(Method.POST, "/api/{api_version}/{endpoint...}", this::servedEndpoint, WRITE, endpoints::create);
    }

    /**
     * Whether a blueprint serves this path. A path none serves is not this face's: it reaches the
     * 404 of the face whose space it is in (Chadburn's under {@code /api/v1}, the native API's
     * elsewhere), as it did before any blueprint existed. Only paths shaped as an
     * {@code api_endpoint} can be (segments of its characters), so most are told apart unread.
     */
    private boolean servedEndpoint(ServerRequest req) {
        var p = req.path().pathParameters();
        return versioned(req) && ENDPOINT.matcher(p.get("endpoint")).matches()
                && workflows.byEndpoint(p.get("api_version"), "/" + p.get("endpoint")).isPresent();
    }

    /** The routes under {@code /api/{api_version}} leave every other {@code /api/<x>/…} path to the other faces. */
    private static boolean versioned(ServerRequest req) {
        return ApiVersions.wellFormed(req.path().pathParameters().first("api_version").orElse(null));
    }

    /** Under {@code v1} these two paths are shared with Chadburn: see the concrete {@code /api/v1} routes. */
    private static boolean otherVersion(ServerRequest req) {
        return versioned(req) && !ApiVersions.V1.equals(req.path().pathParameters().get("api_version"));
    }

    private static boolean uuidJob(ServerRequest req) {
        return UUID.matcher(req.path().pathParameters().get("id")).matches();
    }

    private static boolean clientTokenSent(ServerRequest req) {
        return req.headers().contains(HeaderNames.create("X-Client-Token"));
    }

    /** Who the guard admitted, for the file routes' access check. */
    private record Caller(Principal who) {
    }

    /**
     * A job's files are its owner's (or an admin's), as the job is; getting an upload link and
     * uploading need {@code tasks:write}, downloading a read scope.
     */
    private void fileAccess(ServerRequest req, String jobId) {
        Principal who = req.context().get(Caller.class).map(Caller::who)
                .orElseThrow(() -> new IllegalStateException("file route without the face's guard"));
        boolean writes = req.prologue().method() == Method.PUT || req.path().path().endsWith("/files/upload");
        if (writes && !WRITE.allows(who)) throw guard.errors().forbidden(WRITE);
        access.visible(jobId, who);
    }

    private void workers(ServerRequest req, ServerResponse res, Principal who) {
        Respond.json(res, 200, workers.render());
    }

    /** Development only: deletes every job; without dev mode the route does not exist (the original's 404 text). */
    private void flush(ServerRequest req, ServerResponse res) {
        if (!devMode) {
            OrchestratorError.noRoute().writeTo(res);
            return;
        }
        workflows.flush();
        Respond.json(res, 200, Json.object().put("status", "db_flushed"));
    }
}
