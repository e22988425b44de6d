package dev.coxswain.core.engine;

import dev.coxswain.core.store.Tx;
import java.sql.SQLException;
import java.util.Collection;

/**
 * Told, inside the transaction that does it, that tasks reached a final state (completed, failed
 * for good, cancelled). A workflow job whose step those tasks are marks itself due in that same
 * transaction, so the task's end and the job's knowledge of it commit together.
 */
public interface TaskEndings {
    TaskEndings NONE = (tx, ids) -> {
    };

    void ended(Tx tx, Collection<Long> taskIds) throws SQLException;
}
