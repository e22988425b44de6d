package dev.coxswain.server.orchestrator;

import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.service.NotFoundException;
import dev.coxswain.core.workflow.Job;
import dev.coxswain.core.workflow.WorkflowService;
import java.util.Objects;

/**
 * Who may see and act on a job: the client that started it, the owner of the job it is a child
 * of (a sub-blueprint's job belongs to its parent's client, as in the original), and an admin.
 * Anyone else gets the original's 403 text; a job that does not exist is 404
 * {@code {"error": "Job not found"}}. The files routes use the same check.
 */
public final class JobAccess {
    /** Parents followed at most: sub-blueprints nest, but not without end. */
    private static final int MAX_DEPTH = 16;
    static final String NOT_FOUND = "Job not found";

    private final WorkflowService workflows;

    public JobAccess(WorkflowService workflows) {
        this.workflows = workflows;
    }

    /**
     * The job, if {@code who} may see it.
     *
     * @throws OrchestratorError 404 when there is no such job, 403 (text) when it is another client's
     */
    public Job visible(String id, Principal who) {
        // No job id holds a NUL (and PostgreSQL could not even look one up).
        Job j = id == null || id.indexOf('\0') >= 0 ? null : find(id);
        if (j == null) throw OrchestratorError.json(404, NOT_FOUND);
        if (OrchestratorAccess.seesEveryJob(who) || owns(j, who.id())) return j;
        throw OrchestratorError.notOwner();
    }

    private boolean owns(Job j, String principal) {
        Job cur = j;
        for (int depth = 0; cur != null && depth < MAX_DEPTH; depth++) {
            if (Objects.equals(cur.owner(), principal)) return true;
            cur = cur.parentJobId() == null ? null : find(cur.parentJobId());
        }
        return false;
    }

    private Job find(String id) {
        try {
            return workflows.get(id);
        } catch (NotFoundException e) {
            return null;
        }
    }
}
