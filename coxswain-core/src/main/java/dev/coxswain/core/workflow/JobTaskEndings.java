package dev.coxswain.core.workflow;

import dev.coxswain.core.engine.TaskEndings;
import dev.coxswain.core.store.Tx;
import java.sql.SQLException;
import java.util.Collection;

/**
 * Marks due, in the transaction that ends a task, the job that task is a step of, and wakes the
 * stepper once that transaction has committed.
 */
public final class JobTaskEndings implements TaskEndings {
    private final JobStore jobs;
    private final Runnable wake;

    JobTaskEndings(JobStore jobs, Runnable wake) {
        this.jobs = jobs;
        this.wake = wake;
    }

    @Override
    public void ended(Tx tx, Collection<Long> taskIds) throws SQLException {
        if (jobs.markDueByTasks(tx, taskIds) > 0) tx.afterCommit(wake);
    }
}
