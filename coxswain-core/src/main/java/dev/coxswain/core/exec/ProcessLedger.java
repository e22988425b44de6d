package dev.coxswain.core.exec;

/**
 * Where an executor records the process group an attempt runs in, before the attempt's command
 * runs, so a node that restarts after being killed can stop what its previous life left running
 * (see {@code engine.AttemptProcesses}).
 */
@FunctionalInterface
public interface ProcessLedger {
    /**
     * Records that {@code leader} (its pid is the group id) runs this attempt: durably before the
     * attempt's completion is written, not necessarily before this returns. Throws if it could
     * not be recorded: the command must then not run.
     */
    void started(ProcessIdentity leader);

    ProcessLedger NONE = leader -> {
    };

    /** Gives each attempt its ledger. */
    @FunctionalInterface
    interface PerAttempt {
        ProcessLedger of(long taskId, int attempt);

        PerAttempt NONE = (taskId, attempt) -> ProcessLedger.NONE;
    }
}
