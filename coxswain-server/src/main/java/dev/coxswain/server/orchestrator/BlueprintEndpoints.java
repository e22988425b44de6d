package dev.coxswain.server.orchestrator;

import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.workflow.InputValidationException;
import dev.coxswain.core.workflow.Job;
import dev.coxswain.core.workflow.NewJob;
import dev.coxswain.core.workflow.StoredBlueprint;
import dev.coxswain.core.workflow.WorkflowService;
import dev.coxswain.server.http.Bodies;
import dev.coxswain.server.http.Respond;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code POST /api/<api_version><api_endpoint>}: starts a job of the blueprint that serves that
 * endpoint. Blueprints come and go while the server runs, so the endpoint is looked up per
 * request ({@link WorkflowService#byEndpoint}); the route is registered after every built-in
 * route, so it never shadows one (registration refuses an endpoint that would, too), and takes
 * only the paths a blueprint serves (see {@link OrchestratorApi}).
 */
final class BlueprintEndpoints {
    private final WorkflowService workflows;
    private final Bodies bodies;

    BlueprintEndpoints(WorkflowService workflows, Bodies bodies) {
        this.workflows = workflows;
        this.bodies = bodies;
    }

    void create(ServerRequest req, ServerResponse res, Principal who) {
        var p = req.path().pathParameters();
        StoredBlueprint bp = workflows.byEndpoint(p.get("api_version"), "/" + p.get("endpoint"))
                .orElseThrow(OrchestratorError::noRoute); // only if it went between the route's look-up and this one
        NewJob job = JobRequest.parse(bodies.read(req), who.id());
        Job j;
        try {
            j = workflows.create(bp.name(), job);
        } catch (InputValidationException e) {
            throw OrchestratorError.badRequest("Input validation failed for blueprint '" + e.blueprint() + "': " + e.getMessage());
        }
        Respond.json(res, 202, Json.object().put("status", "accepted").put("job_id", j.id()));
    }
}
