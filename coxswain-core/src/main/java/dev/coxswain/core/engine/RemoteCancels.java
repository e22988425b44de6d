package dev.coxswain.core.engine;

/**
 * Tells a remote worker at once that an attempt it runs was cancelled (over its socket, where one
 * is open on this node). The heartbeat answer's {@code cancel_task_ids} is the fallback, so a
 * push that reaches nobody loses nothing.
 */
public interface RemoteCancels {
    RemoteCancels NONE = new RemoteCancels() {
        @Override
        public void cancel(String workerId, long taskId, int attempt) {
        }

        @Override
        public void cancelAnywhere(long taskId, int attempt) {
        }
    };

    /** The attempt ran on {@code workerId} (null when unknown). */
    void cancel(String workerId, long taskId, int attempt);

    /** Another node cancelled the attempt; push it if its worker's socket is here. */
    void cancelAnywhere(long taskId, int attempt);
}
