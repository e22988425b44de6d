package dev.coxswain.server.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.service.ConflictException;
import dev.coxswain.core.service.NotFoundException;
import dev.coxswain.core.service.ValidationException;
import dev.coxswain.core.workflow.Job;
import dev.coxswain.core.workflow.WorkflowService;
import dev.coxswain.server.http.Bodies;
import dev.coxswain.server.http.MalformedJsonException;
import dev.coxswain.server.http.Respond;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code POST /_public/webhooks/approval/{job_id}}: a human's decision for a job waiting for
 * approval (or overriding a step that waits for a worker), with the job owner's
 * {@code X-Client-Token}. The body is {@code {"decision": "<transition>", "security"?, "metadata"?}};
 * answers and texts are the original's.
 */
final class ApprovalRoute {
    private final WorkflowService workflows;
    private final JobAccess access;
    private final Bodies bodies;

    ApprovalRoute(WorkflowService workflows, JobAccess access, Bodies bodies) {
        this.workflows = workflows;
        this.access = access;
        this.bodies = bodies;
    }

    void decide(ServerRequest req, ServerResponse res, Principal who) {
        JsonNode body;
        try {
            body = Bodies.parse(bodies.read(req));
        } catch (MalformedJsonException e) {
            throw OrchestratorError.badRequest(OrchestratorErrors.INVALID_JSON);
        }
        if (!body.isObject()) throw OrchestratorError.badRequest(OrchestratorErrors.INVALID_JSON);
        JsonNode d = body.get("decision");
        if (d == null || !d.isTextual() || d.asText().isEmpty()) throw OrchestratorError.badRequest("decision is required in body");
        String decision = d.asText();
        Job j = access.visible(req.path().pathParameters().get("job_id"), who);
        try {
            workflows.decide(j.id(), decision, body.get("security"), body.get("metadata"));
        } catch (NotFoundException e) {
            throw OrchestratorError.json(404, JobAccess.NOT_FOUND);
        } catch (ConflictException e) {
            throw OrchestratorError.json(409, "Job is not in a state that can be approved");
        } catch (ValidationException e) {
            throw OrchestratorError.badRequest("Invalid decision '" + decision + "' for this job");
        }
        Respond.json(res, 200, Json.object().put("status", "approval_received").put("job_id", j.id()));
    }
}
