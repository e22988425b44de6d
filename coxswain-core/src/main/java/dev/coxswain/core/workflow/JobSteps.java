package dev.coxswain.core.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.NewTask;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.service.TaskService;
import dev.coxswain.core.service.ValidationException;
import dev.coxswain.core.store.Tx;
import dev.coxswain.core.workflow.JobStore.TaskOutcome;
import dev.coxswain.core.workflow.blueprint.Blueprint;
import dev.coxswain.core.workflow.blueprint.State;
import dev.coxswain.core.workflow.blueprint.TaskTemplate;
import dev.coxswain.core.workflow.blueprint.Templates;
import dev.coxswain.core.engine.Backoff;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The workflow state machine: what entering a state does (dispatch tasks, wait for a human,
 * start a child job, branch, end) and what a finished step means (which state comes next). Every
 * method works inside the caller's transaction on a locked job row, so a step and the tasks it
 * creates or cancels commit together.
 */
final class JobSteps {
    /** The original's guard against blueprints that loop forever. */
    static final int MAX_TRANSITIONS = 100;
    /** A transient failure or a result timeout re-dispatches the step this many times, then quarantines the job. */
    static final int MAX_STEP_RETRIES = 3;
    /** Error codes after which no retry can help: the job is quarantined at once (research §8). */
    static final Set<String> QUARANTINE_CODES = Set.of("PERMANENT_ERROR", "SECURITY_ERROR", "DEPENDENCY_ERROR",
            "CONTRACT_VIOLATION");
    /** Error codes that mean the job's own input was wrong: failed, not quarantined. */
    static final Set<String> FAIL_CODES = Set.of("INVALID_INPUT_ERROR", "INTEGRITY_MISMATCH");
    /** A step's execution timeout when its state names none: the native API's task default. */
    static final int DEFAULT_STEP_TIMEOUT = 3600;
    static final String DISPATCH_TIMEOUT = "Worker task timed out while waiting in queue (dispatch timeout)";

    private final JobStore jobs;
    private final JobHistoryStore history;
    private final BlueprintRegistry blueprints;
    private final TaskService tasks;
    private final JobNotifier notifier;
    private final Runnable stepperWake;
    private final Runnable deadlineWake;

    JobSteps(JobStore jobs, JobHistoryStore history, BlueprintRegistry blueprints, TaskService tasks,
             JobNotifier notifier, Runnable stepperWake, Runnable deadlineWake) {
        this.jobs = jobs;
        this.history = history;
        this.blueprints = blueprints;
        this.tasks = tasks;
        this.notifier = notifier;
        this.stepperWake = stepperWake;
        this.deadlineWake = deadlineWake;
    }

    // ---- creation -----------------------------------------------------------------------------

    /** Inserts a new job and enters its start state. */
    JobRow create(Tx tx, StoredBlueprint bp, NewJob n, String parentJobId, Instant now) throws SQLException {
        JobRow j = new JobRow();
        j.id = UUID.randomUUID().toString();
        j.blueprintName = bp.name();
        j.blueprintVersion = bp.version();
        j.owner = n.owner();
        j.status = JobStatus.PENDING;
        j.data = Json.object();
        j.data.set("initial_data", n.initialData() == null ? Json.object() : n.initialData());
        j.data.putObject("state_history");
        j.data.putObject("steps");
        j.webhookUrl = n.webhookUrl();
        j.dispatchTimeout = n.dispatchTimeout();
        j.resultTimeout = n.resultTimeout();
        j.metadata = n.metadata();
        j.parentJobId = parentJobId;
        j.createdAt = now;
        j.updatedAt = now;
        jobs.insert(tx, j);
        List<JobEvent> ev = new ArrayList<>();
        ev.add(event(j, now, "job_created", null, null, null, null, null));
        enter(tx, j, bp.blueprint(), bp.blueprint().startState(), now, ev);
        save(tx, j, now, ev);
        return j;
    }

    // ---- entering a state ----------------------------------------------------------------------

    /** Moves the job into {@code name} and does what that state does. */
    private void enter(Tx tx, JobRow j, Blueprint bp, String name, Instant now, List<JobEvent> ev) throws SQLException {
        String previous = j.currentState;
        if (previous != null) ev.add(event(j, now, "state_finished", previous, previous, name, null, null));
        j.currentState = name;
        j.transitionCount++;
        j.taskIds = new ArrayList<>();
        j.childJobId = null;
        j.dispatchDeadline = null;
        j.resultDeadline = null;
        if (j.transitionCount > MAX_TRANSITIONS) {
            end(tx, j, JobStatus.FAILED, "Maximum transitions per job exceeded (" + MAX_TRANSITIONS + ")", now, ev);
            return;
        }
        State s = bp.states().get(name);
        ev.add(event(j, now, "state_started", name, previous, null, null, null));
        j.status = JobStatus.RUNNING;
        try {
            switch (s) {
                case State.Dispatch d -> dispatch(tx, j, bp, name, d, now, ev);
                case State.Parallel p -> parallel(tx, j, bp, name, p, now, ev);
                case State.Approval a -> {
                    j.status = JobStatus.WAITING_FOR_HUMAN;
                    if (a.message() != null) j.data.put("approval_message", Templates.text(a.message(), context(j)));
                }
                case State.SubBlueprint sb -> subJob(tx, j, sb, now, ev);
                case State.GoTo g -> enter(tx, j, bp, g.next(context(j)), now, ev);
                case State.End e -> finishAt(tx, j, e, now, ev);
            }
        } catch (ValidationException | IllegalArgumentException e) {
            // A step the engine cannot start (templated params no skill accepts, an unknown child
            // blueprint): the job fails with the reason rather than the request or the stepper.
            end(tx, j, JobStatus.FAILED, "State '" + name + "' could not start: " + e.getMessage(), now, ev);
        }
    }

    private void dispatch(Tx tx, JobRow j, Blueprint bp, String state, State.Dispatch d, Instant now, List<JobEvent> ev)
            throws SQLException {
        JsonNode params = Templates.render(d.params(), context(j));
        Task t = tasks.createIn(tx, task(j, bp, state, d.task(), params), now);
        j.taskIds = new ArrayList<>(List.of(t.id()));
        j.status = JobStatus.WAITING_FOR_WORKER;
        deadlines(j, d.dispatchTimeoutSeconds(), d.resultTimeoutSeconds(), now);
        ObjectNode info = Json.object().put("type", d.skill());
        info.set("params", params);
        ev.add(event(j, now, "task_dispatched", state, null, null, t.id(), info));
    }

    private void parallel(Tx tx, JobRow j, Blueprint bp, String state, State.Parallel p, Instant now, List<JobEvent> ev)
            throws SQLException {
        List<State.Parallel.Fork> forks = p.forks(context(j));
        List<Long> ids = new ArrayList<>();
        for (State.Parallel.Fork f : forks) {
            JsonNode params = Templates.render(f.task().params(), f.context());
            Task t = tasks.createIn(tx, task(j, bp, state + "[" + f.index() + "]", f.task(), params), now);
            ids.add(t.id());
            ObjectNode info = Json.object().put("type", f.task().skill()).put("branch", f.index());
            info.set("params", params);
            ev.add(event(j, now, "task_dispatched", state, null, null, t.id(), info));
        }
        j.taskIds = ids;
        if (ids.isEmpty()) {
            aggregate(tx, j, bp, state, p, List.of(), now, ev);
            return;
        }
        j.status = JobStatus.WAITING_FOR_PARALLEL_TASKS;
        TaskTemplate first = forks.get(0).task();
        deadlines(j, first.dispatchTimeoutSeconds(), first.resultTimeoutSeconds(), now);
    }

    private void subJob(Tx tx, JobRow j, State.SubBlueprint sb, Instant now, List<JobEvent> ev) throws SQLException {
        StoredBlueprint child = blueprints.latest(tx.connection(), sb.blueprint());
        if (child == null) throw new IllegalArgumentException("no blueprint named '" + sb.blueprint() + "'");
        JsonNode input = sb.initialData() == null ? j.data.path("initial_data") : Templates.render(sb.initialData(), context(j));
        JobRow c = create(tx, child, new NewJob(j.owner, input, null, j.dispatchTimeout, j.resultTimeout, null), j.id, now);
        j.childJobId = c.id;
        j.status = c.status.terminal() ? JobStatus.RUNNING : JobStatus.WAITING_FOR_SUB_JOB;
        ObjectNode info = Json.object().put("child_job_id", c.id).put("blueprint", child.name());
        ev.add(event(j, now, "sub_job_started", j.currentState, null, null, null, info));
        if (c.status.terminal()) {
            // The child ended at once (an end state first): its parent moves on in this same step.
            j.stepDue = true;
            tx.afterCommit(stepperWake);
        }
    }

    private void finishAt(Tx tx, JobRow j, State.End e, Instant now, List<JobEvent> ev) throws SQLException {
        j.result = e.result() == null ? j.data.path("state_history").deepCopy() : Templates.render(e.result(), context(j));
        end(tx, j, e.finished() ? JobStatus.FINISHED : JobStatus.FAILED, null, now, ev);
    }

    private NewTask task(JobRow j, Blueprint bp, String state, TaskTemplate d, JsonNode params) {
        ObjectNode payload = Json.object();
        payload.set("params", params == null || params.isNull() ? Json.object() : params);
        if (d.requirements() != null) payload.set("requirements", d.requirements());
        return new NewTask(d.skill(), bp.name() + ":" + state, "Step '" + state + "' of job " + j.id, payload,
                d.priority() == null ? 5 : d.priority(), d.retries(), Backoff.EXPONENTIAL, null,
                d.timeoutSeconds() == null ? DEFAULT_STEP_TIMEOUT : d.timeoutSeconds(), List.of("job:" + j.id), List.of(), false, "job", j.id);
    }

    private void deadlines(JobRow j, Integer stateDispatch, Integer stateResult, Instant now) {
        Integer dt = stateDispatch != null ? stateDispatch : j.dispatchTimeout;
        Integer rt = stateResult != null ? stateResult : j.resultTimeout;
        j.dispatchDeadline = dt == null ? null : now.plusSeconds(dt);
        j.resultDeadline = rt == null ? null : now.plusSeconds(rt);
    }

    // ---- a finished step -----------------------------------------------------------------------

    /**
     * The job was marked due: if its current step is over, decides where it goes. A spurious
     * mark (a step still running, a job already ended) only clears the mark.
     */
    void step(Tx tx, JobRow j, Instant now) throws SQLException {
        j.stepDue = false;
        List<JobEvent> ev = new ArrayList<>();
        if (!j.status.terminal()) {
            Blueprint bp = blueprints.get(tx.connection(), j.blueprintName, j.blueprintVersion).blueprint();
            State s = bp.states().get(j.currentState);
            switch (s) {
                case State.Dispatch d -> {
                    List<TaskOutcome> out = jobs.outcomes(tx.connection(), j.taskIds);
                    if (!out.isEmpty() && out.get(0).status().terminal()) dispatchEnded(tx, j, bp, d, out.get(0), now, ev);
                }
                case State.Parallel p -> {
                    List<TaskOutcome> out = jobs.outcomes(tx.connection(), j.taskIds);
                    if (out.stream().allMatch(o -> o.status().terminal())) {
                        for (TaskOutcome o : out) ev.add(taskFinished(j, o, now));
                        aggregate(tx, j, bp, j.currentState, p, out, now, ev);
                    }
                }
                case State.SubBlueprint sb -> {
                    JobRow child = j.childJobId == null ? null : jobs.find(tx.connection(), j.childJobId);
                    if (child == null || child.status.terminal()) subJobEnded(tx, j, bp, sb, child, now, ev);
                }
                default -> {
                }
            }
        }
        save(tx, j, now, ev);
    }

    private void dispatchEnded(Tx tx, JobRow j, Blueprint bp, State.Dispatch d, TaskOutcome o, Instant now,
                               List<JobEvent> ev) throws SQLException {
        ev.add(taskFinished(j, o, now));
        String state = j.currentState;
        Map<String, String> tr = d.transitions();
        switch (o.status()) {
            case COMPLETED -> {
                String status = o.resultStatus() == null ? "success" : o.resultStatus();
                JsonNode data = resultData(o.result());
                j.obj("steps").set(state, data);
                if (data.isObject()) j.obj("state_history").setAll((ObjectNode) data);
                if (tr.containsKey(status)) enter(tx, j, bp, tr.get(status), now, ev);
                else end(tx, j, JobStatus.FAILED, "Worker returned unhandled status: " + status, now, ev);
            }
            case CANCELLED -> {
                if (tr.containsKey("cancelled")) enter(tx, j, bp, tr.get("cancelled"), now, ev);
                else end(tx, j, JobStatus.CANCELLED, "Step '" + state + "' was cancelled", now, ev);
            }
            default -> failed(tx, j, bp, d, o, now, ev);
        }
    }

    /** A step's task failed for good (its own retries are spent, or no retry could help). */
    private void failed(Tx tx, JobRow j, Blueprint bp, State.Dispatch d, TaskOutcome o, Instant now, List<JobEvent> ev)
            throws SQLException {
        String code = o.errorCode();
        String message = o.error() == null ? "task failed" : o.error();
        ObjectNode err = Json.object().put("status", "failure").put("error", message);
        if (code != null) err.put("code", code);
        j.obj("steps").set(j.currentState, err);
        if (d.transitions().containsKey("failure")) {
            enter(tx, j, bp, d.transitions().get("failure"), now, ev);
        } else if (code != null && FAIL_CODES.contains(code)) {
            end(tx, j, JobStatus.FAILED, "Task failed due to invalid input: " + message, now, ev);
        } else {
            // Permanent errors at once; transient ones after the task's own retries are spent.
            end(tx, j, JobStatus.QUARANTINED, "Step '" + j.currentState + "' failed"
                    + (code == null ? "" : " (" + code + ")") + ": " + message, now, ev);
        }
    }

    private void aggregate(Tx tx, JobRow j, Blueprint bp, String state, State.Parallel p, List<TaskOutcome> out,
                           Instant now, List<JobEvent> ev) throws SQLException {
        ArrayNode results = Json.MAPPER.createArrayNode();
        ObjectNode byTask = Json.object();
        int ok = 0;
        for (TaskOutcome o : out) {
            ObjectNode r = Json.object();
            boolean success = o.status() == TaskStatus.COMPLETED;
            if (success) ok++;
            r.put("task_id", "task-" + o.id());
            r.put("status", success ? (o.resultStatus() == null ? "success" : o.resultStatus())
                    : o.status() == TaskStatus.CANCELLED ? "cancelled" : "failure");
            r.set("data", success ? resultData(o.result()) : null);
            if (!success) {
                ObjectNode e = r.putObject("error").put("message", o.error() == null ? "task failed" : o.error());
                if (o.errorCode() != null) e.put("code", o.errorCode());
            }
            results.add(r);
            byTask.set("task-" + o.id(), r);
        }
        ArrayNode data = Json.MAPPER.createArrayNode();
        for (JsonNode r : results) data.add(r.get("data"));
        j.obj("steps").set(state, data);
        ObjectNode agg = Json.object().put("total", out.size()).put("succeeded", ok).put("failed", out.size() - ok);
        agg.set("results", results);
        j.data.set("aggregation", agg);
        j.data.set("aggregation_results", byTask);
        enter(tx, j, bp, p.aggregateInto(), now, ev);
    }

    private void subJobEnded(Tx tx, JobRow j, Blueprint bp, State.SubBlueprint sb, JobRow child, Instant now,
                             List<JobEvent> ev) throws SQLException {
        boolean ok = child != null && child.status == JobStatus.FINISHED;
        String status = ok ? "success" : "failure";
        JsonNode result = child == null ? null : child.result;
        j.obj("steps").set(j.currentState, result == null ? Json.object() : result);
        if (ok && result != null && result.isObject()) j.obj("state_history").setAll((ObjectNode) result);
        ObjectNode info = Json.object().put("child_job_id", j.childJobId).put("status",
                child == null ? "missing" : child.status.wire());
        ev.add(event(j, now, "sub_job_finished", j.currentState, null, null, null, info));
        String next = sb.transitions().get(status);
        if (next != null) enter(tx, j, bp, next, now, ev);
        else end(tx, j, JobStatus.FAILED, "Sub-job " + j.childJobId + " ended "
                + (child == null ? "missing" : child.status.wire()) + " and state '" + j.currentState
                + "' has no '" + status + "' transition", now, ev);
    }

    // ---- decisions, cancels, timeouts -----------------------------------------------------------

    /**
     * A human decision: a job waiting for approval moves to the decision's state; one waiting for a
     * worker has its pending step overridden through the dispatch's transitions (as the original
     * allows). The caller has checked the status.
     */
    void decide(Tx tx, JobRow j, String decision, Instant now) throws SQLException {
        Blueprint bp = blueprints.get(tx.connection(), j.blueprintName, j.blueprintVersion).blueprint();
        State s = bp.states().get(j.currentState);
        Map<String, String> tr = transitionsOf(s);
        String next = tr.get(decision);
        if (next == null) {
            throw new ValidationException("decision", "must be one of " + tr.keySet() + " for state '" + j.currentState + "'");
        }
        List<JobEvent> ev = new ArrayList<>();
        if (j.status == JobStatus.WAITING_FOR_WORKER) cancelTasks(tx, j, now);
        j.data.put("decision", decision);
        ev.add(event(j, now, "approval_received", j.currentState, null, next, null,
                Json.object().put("decision", decision)));
        enter(tx, j, bp, next, now, ev);
        save(tx, j, now, ev);
    }

    static Map<String, String> transitionsOf(State s) {
        return switch (s) {
            case State.Approval a -> a.transitions();
            case State.Dispatch d -> d.transitions();
            default -> Map.of();
        };
    }

    /** Cancels the job, its running steps and its child job. */
    void cancel(Tx tx, JobRow j, Instant now) throws SQLException {
        List<JobEvent> ev = new ArrayList<>();
        cancelTasks(tx, j, now);
        if (j.childJobId != null) {
            JobRow child = jobs.findForUpdate(tx, j.childJobId);
            if (child != null && !child.status.terminal()) cancel(tx, child, now);
        }
        end(tx, j, JobStatus.CANCELLED, "Cancelled by request", now, ev);
        save(tx, j, now, ev);
    }

    private void cancelTasks(Tx tx, JobRow j, Instant now) throws SQLException {
        for (long id : j.taskIds) {
            Task t = tasks.lockIn(tx, id);
            if (t != null) tasks.cancelIn(tx, t, now);
        }
    }

    /**
     * The dispatch deadline passed: if a step's task is still waiting for a worker, the job fails
     * (the protocol does not retry a dispatch timeout); if every task was picked up, the deadline
     * no longer applies.
     */
    void dispatchDeadline(Tx tx, JobRow j, Instant now) throws SQLException {
        List<JobEvent> ev = new ArrayList<>();
        j.dispatchDeadline = null;
        if (!j.status.terminal()) {
            boolean waiting = jobs.outcomes(tx.connection(), j.taskIds).stream()
                    .anyMatch(o -> o.status() == TaskStatus.QUEUED || o.status() == TaskStatus.PENDING);
            if (waiting) {
                cancelTasks(tx, j, now);
                end(tx, j, JobStatus.FAILED, DISPATCH_TIMEOUT, now, ev);
            }
        }
        save(tx, j, now, ev);
    }

    /**
     * The result deadline passed with the step unfinished: its tasks are stopped and the step is
     * dispatched again, up to {@link #MAX_STEP_RETRIES} times; then the job is quarantined.
     */
    void resultDeadline(Tx tx, JobRow j, Instant now) throws SQLException {
        List<JobEvent> ev = new ArrayList<>();
        j.resultDeadline = null;
        if (!j.status.terminal() && !j.taskIds.isEmpty()) {
            List<TaskOutcome> out = jobs.outcomes(tx.connection(), j.taskIds);
            if (!out.stream().allMatch(o -> o.status().terminal())) {
                cancelTasks(tx, j, now);
                ev.add(event(j, now, "task_finished", j.currentState, null, null, j.taskIds.get(0),
                        Json.object().put("status", "failure").put("error", "timeout")
                                .put("message", "no result before the result deadline")));
                if (j.retryCount < MAX_STEP_RETRIES) {
                    j.retryCount++;
                    Blueprint bp = blueprints.get(tx.connection(), j.blueprintName, j.blueprintVersion).blueprint();
                    String state = j.currentState;
                    j.transitionCount--; // a retry of the same state is not a transition
                    j.currentState = null;
                    enter(tx, j, bp, state, now, ev);
                } else {
                    end(tx, j, JobStatus.QUARANTINED, "Step '" + j.currentState + "' timed out waiting for its result "
                            + (MAX_STEP_RETRIES + 1) + " times", now, ev);
                }
            }
        }
        save(tx, j, now, ev);
    }

    // ---- ending --------------------------------------------------------------------------------

    private void end(Tx tx, JobRow j, JobStatus status, String error, Instant now, List<JobEvent> ev) throws SQLException {
        j.status = status;
        j.errorMessage = error;
        j.finishedAt = now;
        j.dispatchDeadline = null;
        j.resultDeadline = null;
        String type = switch (status) {
            case FINISHED -> "job_completed";
            case CANCELLED -> "job_cancelled";
            case QUARANTINED -> "job_quarantined";
            default -> "job_failed";
        };
        ObjectNode info = Json.object().put("status", status.wire());
        if (error != null) info.put("error", error);
        ev.add(event(j, now, type, j.currentState, null, null, null, info));
        String hook = switch (status) {
            case FINISHED -> "job_finished";
            case FAILED -> "job_failed";
            case QUARANTINED -> "job_quarantined";
            default -> null;
        };
        if (hook != null && j.webhookUrl != null) {
            j.updatedAt = now;
            notifier.notify(tx, j.snapshot(), hook, j.result, error, now);
        }
        if (j.parentJobId != null) {
            jobs.markDue(tx, j.parentJobId);
            tx.afterCommit(stepperWake);
        }
    }

    private void save(Tx tx, JobRow j, Instant now, List<JobEvent> ev) throws SQLException {
        j.updatedAt = now;
        jobs.update(tx, j);
        history.append(tx, ev);
        if (j.dispatchDeadline != null || j.resultDeadline != null) tx.afterCommit(deadlineWake);
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** What templates and conditions see. */
    static ObjectNode context(JobRow j) {
        ObjectNode c = Json.object();
        c.set("initial_data", j.data.path("initial_data"));
        c.set("state_history", j.data.path("state_history"));
        c.set("steps", j.data.path("steps"));
        if (j.data.has("aggregation")) c.set("aggregation", j.data.get("aggregation"));
        if (j.data.has("decision")) c.set("decision", j.data.get("decision"));
        c.put("job_id", j.id);
        return c;
    }

    /** A task's result as data: its JSON object, or its text under {@code output}. */
    static JsonNode resultData(String result) {
        if (result == null || result.isEmpty()) return Json.object();
        try {
            JsonNode n = Json.read(result);
            if (n != null && n.isObject()) return n;
        } catch (RuntimeException ignored) {
            // plain text output (a shell command's stdout)
        }
        return Json.object().put("output", result);
    }

    private JobEvent taskFinished(JobRow j, TaskOutcome o, Instant now) {
        ObjectNode info = Json.object().put("status", o.status() == TaskStatus.COMPLETED
                ? (o.resultStatus() == null ? "success" : o.resultStatus()) : o.status().wire());
        if (o.error() != null) info.put("error", o.error());
        if (o.errorCode() != null) info.put("code", o.errorCode());
        Long ms = o.startedAt() == null || o.completedAt() == null ? null
                : Duration.between(o.startedAt(), o.completedAt()).toMillis();
        return new JobEvent(0, j.id, now, "task_finished", j.currentState, null, null, o.workerId(), o.id(),
                o.attempt(), ms, info);
    }

    private static JobEvent event(JobRow j, Instant now, String type, String state, String previous, String next,
                                  Long taskId, JsonNode data) {
        return new JobEvent(0, j.id, now, type, state, previous, next, null, taskId, null, null, data);
    }
}
