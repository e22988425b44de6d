package dev.coxswain.core.workflow;

import dev.coxswain.core.runtime.Duty;
import dev.coxswain.core.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
        if (db.dialect().singleWriter()) {
            // One writer applies them one after the other anyway: submitted together, the group
            // committer commits many steps with one sync instead of one each. (Not on PostgreSQL:
            // there a batch holding several job rows could deadlock with a batch of completions
            // that marks the same jobs in another order.)
            List<CompletableFuture<Void>> steps = new ArrayList<>(due.size());
            for (String id : due) steps.add(db.writeAsync(tx -> step(tx, id)).exceptionally(e -> failed(id, e)));
            for (CompletableFuture<Void> f : steps) f.join();
        } else {
            for (String id : due) {
                try {
                    db.write(tx -> step(tx, id));
                } catch (RuntimeException e) {
                    failed(id, e);
                }
            }
        }
        return due.size() == BATCH ? Duration.ZERO : idle;
    }

    private Void step(dev.coxswain.core.store.Tx tx, String id) throws java.sql.SQLException {
        JobRow j = jobs.findForUpdate(tx, id);
        if (j == null || !j.stepDue) return null; // another node stepped it
        steps.step(tx, j, Instant.now(clock));
        return null;
    }

    /** One job's failure must not stall the others: its mark stays and the next pass retries it. */
    private static Void failed(String id, Throwable e) {
        LOG.log(Level.WARNING, "could not step job " + id + ": " + e.getMessage(), e);
        return null;
    }
}
