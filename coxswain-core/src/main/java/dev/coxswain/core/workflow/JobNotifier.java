package dev.coxswain.core.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.store.Tx;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Queues a job's webhook ({@code job_finished}, {@code job_failed}, {@code job_quarantined},
 * {@code worker_event:<type>}) in the transaction of the change it reports, so a committed change
 * is always reported and an uncommitted one never is.
 */
public interface JobNotifier {
    void notify(Tx tx, Job job, String event, JsonNode result, String error, Instant now) throws SQLException;
}
