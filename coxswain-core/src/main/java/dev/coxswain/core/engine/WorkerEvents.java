package dev.coxswain.core.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.store.Tx;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Told, inside the transaction that stores it, of an event a worker reported for a running task
 * (progress, or a custom event type). A workflow job records it in its history and queues its
 * {@code worker_event:<type>} webhook in that same transaction.
 */
public interface WorkerEvents {
    WorkerEvents NONE = (tx, task, workerId, type, payload, now) -> {
    };

    void reported(Tx tx, Task task, String workerId, String type, JsonNode payload, Instant now) throws SQLException;
}
