package dev.coxswain.core.store;

/**
 * Wake-ups between nodes that share one store. In-process signals wake this node's loops; the
 * bus carries the few facts another node must hear at once rather than at its slow fallback
 * poll: work became claimable, and an attempt running over there must stop. On SQLite there is
 * only one node, so the bus does nothing; on PostgreSQL it is LISTEN/NOTIFY.
 *
 * <p>Messages are hints, never the source of truth: a node that misses one (reconnecting, say)
 * still finds the work at its next poll and the cancelled attempt at its next heartbeat.
 */
public interface ClusterBus extends AutoCloseable {

    /** What the other nodes asked of this one. Called on the bus's own thread. */
    interface Listener {
        /** Tasks became queued on another node; try to claim. */
        void tasksQueued();

        /** Stop this attempt if it runs here (it was cancelled on another node). */
        void stop(long taskId, int attempt);

        /**
         * The bus has just started listening, for the first time or after a broken connection:
         * messages sent before may have been missed, so look for work now.
         */
        void listening();
    }

    /** Tell the other nodes that tasks became queued. Cheap and non-blocking: announcements coalesce. */
    void tasksQueued();

    /** Ask whichever node runs this attempt to stop it. Non-blocking. */
    void stop(long taskId, int attempt);

    /** Starts delivering the other nodes' messages to {@code listener}. */
    void start(Listener listener);

    /** Sends what is still waiting to be sent, then stops. */
    @Override
    void close();

    /** The single-node bus: nobody else to tell. */
    ClusterBus NONE = new ClusterBus() {
        @Override
        public void tasksQueued() {
        }

        @Override
        public void stop(long taskId, int attempt) {
        }

        @Override
        public void start(Listener listener) {
        }

        @Override
        public void close() {
        }
    };
}
