package dev.coxswain.core.engine;

import dev.coxswain.core.domain.LogLevel;
import dev.coxswain.core.store.LogStore.Line;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Output lines of running attempts, waiting to be written in batches. Bounds each task's log:
 * once a task has {@code maxLinesPerTask} lines stored or buffered, further output lines are
 * counted and dropped, and one warning line says how many.
 */
public final class TaskLogBuffer {
    /** Longest single line kept; the rest of a longer line is cut off. */
    static final int MAX_LINE_CHARS = 16 * 1024;

    private final Clock clock;
    private final int maxLinesPerTask;
    private final Map<Long, TaskLines> perTask = new ConcurrentHashMap<>();

    public TaskLogBuffer(Clock clock, int maxLinesPerTask) {
        this.clock = clock;
        this.maxLinesPerTask = maxLinesPerTask;
    }

    /** Starts buffering for an attempt; {@code stored} is how many lines the task already has. */
    public void open(long taskId, int attempt, int stored) {
        perTask.put(taskId, new TaskLines(attempt, stored));
    }

    public void add(long taskId, LogLevel level, String message) {
        TaskLines t = perTask.get(taskId);
        if (t == null) return;
        if (message.length() > MAX_LINE_CHARS) message = message.substring(0, MAX_LINE_CHARS) + " … [line cut]";
        synchronized (t) {
            if (t.count >= maxLinesPerTask) {
                t.dropped++;
                return;
            }
            t.count++;
            t.lines.add(new Line(taskId, clock.millis(), level, message));
        }
    }

    /** Takes every buffered line (for a periodic flush). */
    public List<Line> drainAll() {
        List<Line> out = new ArrayList<>();
        for (TaskLines t : perTask.values()) {
            synchronized (t) {
                out.addAll(t.lines);
                t.lines.clear();
            }
        }
        return out;
    }

    /**
     * Takes a finished attempt's remaining lines, plus the "lines dropped" notice, and forgets it.
     * A stale attempt (its lease was lost and this node already runs the task's next attempt)
     * closes nothing: the buffer belongs to the attempt that opened it last.
     */
    public List<Line> close(long taskId, int attempt) {
        TaskLines t = perTask.get(taskId);
        if (t == null || t.attempt != attempt || !perTask.remove(taskId, t)) return List.of();
        synchronized (t) {
            List<Line> out = new ArrayList<>(t.lines);
            if (t.dropped > 0) {
                out.add(new Line(taskId, clock.millis(), LogLevel.WARN, t.dropped + " output lines dropped: the log keeps at most "
                        + maxLinesPerTask + " lines per task"));
            }
            return out;
        }
    }

    private static final class TaskLines {
        final List<Line> lines = new ArrayList<>();
        final int attempt;
        int count;
        long dropped;

        TaskLines(int attempt, int stored) {
            this.attempt = attempt;
            this.count = stored;
        }
    }
}
