package dev.coxswain.core.remote;

import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.engine.RemoteCancels;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.TaskStore;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The open push channels (WebSockets) of remote workers connected to this node, one per worker:
 * a new connection replaces the old one, which is closed with 1008, as the orchestrator does.
 * Cancels go out through here at once; the heartbeat answer's {@code cancel_task_ids} covers a
 * worker without a socket (or one connected to another node that missed the bus message).
 */
public final class RemoteChannels implements RemoteCancels {
    private static final Logger LOG = Logger.getLogger(RemoteChannels.class.getName());

    /** One worker's socket, as the HTTP layer exposes it. */
    public interface PushChannel {
        /** Sends one text frame. @return false when the socket is gone */
        boolean send(String text);

        void close(int code, String reason);

        /** Sends a ping frame. @return false when the socket is gone */
        boolean ping();
    }

    private final Database db;
    private final TaskStore tasks;
    private final ConcurrentHashMap<String, PushChannel> open = new ConcurrentHashMap<>();

    public RemoteChannels(Database db, TaskStore tasks) {
        this.db = db;
        this.tasks = tasks;
    }

    /** A worker's socket opened; an older one of the same worker is closed. */
    public void opened(String workerId, PushChannel ch) {
        PushChannel old = open.put(workerId, ch);
        if (old != null && old != ch) old.close(1008, "New connection established");
    }

    /** A socket closed; forgets it unless a newer one already replaced it. */
    public void closed(String workerId, PushChannel ch) {
        open.remove(workerId, ch);
    }

    public boolean connected(String workerId) {
        return open.containsKey(workerId);
    }

    /** Sends a command frame to the worker. @return whether a socket took it */
    public boolean send(String workerId, String frame) {
        PushChannel ch = workerId == null ? null : open.get(workerId);
        if (ch == null) return false;
        if (ch.send(frame)) return true;
        open.remove(workerId, ch);
        return false;
    }

    @Override
    public void cancel(String workerId, long taskId, int attempt) {
        String frame = Json.object().put("command", "cancel_task").put("task_id", WireIds.taskId(taskId, attempt))
                .put("job_id", WireIds.jobId(taskId)).toString();
        if (send(workerId, frame)) LOG.fine("cancel of task-" + taskId + " pushed to " + workerId);
    }

    @Override
    public void cancelAnywhere(long taskId, int attempt) {
        if (open.isEmpty()) return;
        try {
            Task t = db.read(c -> tasks.find(c, taskId));
            if (t != null && t.workerId() != null) cancel(t.workerId(), taskId, attempt);
        } catch (RuntimeException e) {
            LOG.fine("could not look up task-" + taskId + " for a pushed cancel: " + e.getMessage());
        }
    }

    /**
     * Pings every open socket. The peer's pong is traffic on the connection, so an idle socket is
     * not taken for an idle HTTP connection and closed (the server reads with a timeout), and a
     * dead one is found and forgotten.
     */
    public void pingAll() {
        for (var e : open.entrySet()) {
            if (!e.getValue().ping()) open.remove(e.getKey(), e.getValue());
        }
    }

    /** Server shutdown: every socket is closed with 1001 (going away). */
    public void closeAll() {
        for (var e : open.entrySet()) {
            e.getValue().close(1001, "Server shutting down");
            open.remove(e.getKey(), e.getValue());
        }
    }
}
