package dev.coxswain.core.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.engine.WorkerEvents;
import dev.coxswain.core.store.Tx;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * A worker's event for a job's step: recorded in the job's history as {@code worker_event:<type>}
 * and sent to the job's webhook under that name (research §12), in the event's own transaction.
 */
final class JobWorkerEvents implements WorkerEvents {
    private final JobStore jobs;
    private final JobHistoryStore history;
    private final JobNotifier notifier;

    JobWorkerEvents(JobStore jobs, JobHistoryStore history, JobNotifier notifier) {
        this.jobs = jobs;
        this.history = history;
        this.notifier = notifier;
    }

    @Override
    public void reported(Tx tx, Task task, String workerId, String type, JsonNode payload, Instant now)
            throws SQLException {
        if (!"job".equals(task.originKind()) || task.originId() == null) return;
        JobRow j = jobs.find(tx.connection(), task.originId());
        if (j == null || j.status.terminal()) return;
        String name = "worker_event:" + type;
        history.append(tx, List.of(new JobEvent(0, j.id, now, name, j.currentState, null, null, workerId, task.id(),
                task.attempt(), null, payload)));
        if (j.webhookUrl != null) notifier.notify(tx, j.snapshot(), name, payload, null, now);
    }
}
