package dev.coxswain.core.workflow;

import dev.coxswain.core.runtime.Duty;
import dev.coxswain.core.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Moves jobs whose step ended (their {@code step_due} mark) to their next state, one job per
 * transaction. The mark is set in the transaction that ended the step's task, so after a crash
 * the first pass finds every job where it was.
 */
final class WorkflowStepper implements Duty {
    private static final Logger LOG = Logger.getLogger(WorkflowStepper.class.getName());
    private static final int BATCH = 100;
    private final Database db;
    private final JobStore jobs;
    private final JobSteps steps;
    private final Clock clock;
    private final Duration idle;

    WorkflowStepper(Database db, JobStore jobs, JobSteps steps, Clock clock, Duration idle) {
        this.db = db;
        this.jobs = jobs;
        this.steps = steps;
        this.clock = clock;
        this.idle = idle;
    }

    @Override
    public String name() {
        return "workflow-stepper";
    }

    @Override
    public Duration runOnce() {
        List<String> due = db.read(c -> jobs.due(c, BATCH));
        for (String id : due) {
            try {
                db.write(tx -> {
                    JobRow j = jobs.findForUpdate(tx, id);
                    if (j == null || !j.stepDue) return null; // another node stepped it
                    steps.step(tx, j, Instant.now(clock));
                    return null;
                });
            } catch (RuntimeException e) {
                // One job's failure must not stall the others; its mark stays and the next pass retries it.
                LOG.log(Level.WARNING, "could not step job " + id + ": " + e.getMessage(), e);
            }
        }
        return due.size() == BATCH ? Duration.ZERO : idle;
    }
}
