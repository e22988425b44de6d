package dev.coxswain.server.ui;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Page;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskLog;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.service.NotFoundException;
import dev.coxswain.core.service.TaskService;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code GET /ui/tasks/{id}/log/stream}: a task's log as Server-Sent Events, written by hand on
 * the response's output stream (one flush per event). It sends the lines stored so far, then
 * polls the store for new ones and for status changes, and ends with {@code end} once the task
 * is finished and its last line was sent. Each line's {@code id:} is its line number, so a
 * reconnecting EventSource (Last-Event-ID) resumes where it stopped, without duplicates.
 *
 * <p>Polling, not a push from the engine: lines reach the store in batches (the log buffer's
 * flush), other nodes of a cluster write them too, and the store is the one place that sees all
 * of them in order. A poll is two indexed reads (the task by id, its lines by (task_id, id)).
 */
final class TaskLogStream {
    private static final Logger LOG = Logger.getLogger(TaskLogStream.class.getName());
    private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);
    /** Lines read per poll; a long backlog is sent in several reads without pausing between them. */
    static final int BATCH = 500;
    /**
     * How long lines are still awaited after a cancel: the killed process's last output and the
     * "killed" line are written after the cancel itself commits (the kill waits up to 300 ms).
     * Completions and failures commit their last lines with the status, so they end at once.
     */
    static final Duration SETTLE = Duration.ofSeconds(2);

    /** Timing of the loop; tests shorten it. */
    record Timing(Duration poll, Duration keepAlive, Duration maxLife) {
        static Timing defaults() {
            return new Timing(Duration.ofMillis(250), Duration.ofSeconds(15), Duration.ofMinutes(30));
        }
    }

    private final TaskService tasks;
    private final UiStreams streams;
    private final UiFormat fmt;
    private final Timing timing;

    TaskLogStream(TaskService tasks, UiStreams streams, UiFormat fmt, Timing timing) {
        this.tasks = tasks;
        this.streams = streams;
        this.fmt = fmt;
        this.timing = timing;
    }

    void stream(UiCall call) {
        long id = TaskPages.taskId(call.path("id"));
        Task first = tasks.get(id); // unknown: 404 page, before anything is streamed
        long sent = resumeFrom(call);
        try (UiStreams.Stream s = streams.open()) {
            ServerResponse res = call.res();
            UiHeaders.page(res);
            res.status(Status.OK_200);
            res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
            res.header(HeaderNames.CACHE_CONTROL, "no-store");
            // A proxy that buffers responses (nginx) would hold the events back.
            res.header(HeaderNames.create("X-Accel-Buffering"), "no");
            try (OutputStream out = res.outputStream()) {
                follow(s, out, id, first, sent);
            } catch (IOException | UncheckedIOException e) {
                // The client went away (a write failed): nothing to answer.
            } catch (RuntimeException e) {
                // The store failed mid-stream: the headers are out, so the stream just ends and
                // the client's EventSource tries again (from its Last-Event-ID).
                failed(id, e);
            }
        }
    }

    /**
     * Writes the events of task {@code id} on {@code out} until the task ended (and {@code end}
     * was sent), the stream's lifetime is over, or the registry closed.
     *
     * @param first the task as read before the stream began
     * @param sent  the line number the client already has
     * @throws IOException when a write fails (the client went away)
     */
    void follow(UiStreams.Stream s, OutputStream out, long id, Task first, long sent) throws IOException {
        new Loop(s, out, id, first, sent).run();
    }

    /** The line number the client already has: Last-Event-ID (a reconnect), else {@code after}, else 0. */
    private static long resumeFrom(UiCall call) {
        String v = call.req().headers().first(HeaderNames.create("Last-Event-ID")).orElse(null);
        if (v == null) v = call.query("after");
        if (v == null) return 0;
        try {
            return Math.max(0, Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private final class Loop {
        private final UiStreams.Stream stream;
        private final OutputStream out;
        private final long id;
        private Task task;
        private long sent;
        private TaskStatus shown;
        private long lastWrite = System.nanoTime();
        private final long deadline;
        private long settleUntil = -1;

        Loop(UiStreams.Stream stream, OutputStream out, long id, Task task, long sent) {
            this.stream = stream;
            this.out = out;
            this.id = id;
            this.task = task;
            this.sent = sent;
            this.deadline = System.nanoTime() + timing.maxLife().toNanos();
        }

        void run() throws IOException {
            // How soon a dropped connection is retried: the default (3 s) feels slow for a live log.
            write("retry: 2000\n\n");
            boolean first = true;
            while (stream.live() && System.nanoTime() < deadline) {
                if (!first) {
                    try {
                        task = tasks.get(id); // status first: lines committed with a final status are then all visible
                    } catch (NotFoundException gone) {
                        event("end", null, Json.object().put("status", "deleted"));
                        return;
                    }
                }
                first = false;
                if (task.status() != shown) {
                    shown = task.status();
                    event("status", null, Json.object().put("status", shown.wire()));
                }
                int got = sendNewLines();
                if (got == BATCH) continue; // more backlog waiting
                if (task.status().terminal() && got == 0 && settled()) {
                    event("end", null, Json.object().put("status", task.status().wire()));
                    return;
                }
                if (System.nanoTime() - lastWrite >= timing.keepAlive().toNanos()) write(": keep-alive\n\n");
                try {
                    stream.pause(timing.poll());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            // Lifetime over or server stopping: the client's EventSource reconnects (Last-Event-ID) elsewhere or later.
        }

        /** Whether lines that follow the final status could still arrive (after a cancel, briefly). */
        private boolean settled() {
            if (task.status() != TaskStatus.CANCELLED) return true;
            if (settleUntil < 0) {
                Instant done = task.completedAt();
                boolean old = done != null && Duration.between(done, fmt.now()).compareTo(SETTLE) > 0;
                settleUntil = old ? System.nanoTime() : System.nanoTime() + SETTLE.toNanos();
            }
            return System.nanoTime() >= settleUntil;
        }

        private int sendNewLines() throws IOException {
            Page<TaskLog> page;
            try {
                page = tasks.logs(id, null, (int) Math.min(Integer.MAX_VALUE, sent), BATCH);
            } catch (NotFoundException gone) {
                return 0; // noticed by the next status read
            }
            for (TaskLog l : page.items()) {
                sent++;
                ObjectNode d = Json.object().put("seq", sent).put("time", HMS.format(l.timestamp().atZone(fmt.zone())))
                        .put("level", l.level() == null ? "info" : l.level().wire()).put("message", l.message());
                event("line", sent, d);
            }
            return page.items().size();
        }

        private void event(String name, Long eventId, ObjectNode data) throws IOException {
            StringBuilder b = new StringBuilder(64);
            b.append("event: ").append(name).append('\n');
            if (eventId != null) b.append("id: ").append(eventId).append('\n');
            // Json.write escapes line breaks, so the data is one SSE line whatever the message holds.
            b.append("data: ").append(Json.write(data)).append("\n\n");
            write(b.toString());
        }

        private void write(String s) throws IOException {
            out.write(s.getBytes(StandardCharsets.UTF_8));
            out.flush();
            lastWrite = System.nanoTime();
        }
    }

    /** Logs a failure inside a stream that can no longer be answered with an error page. */
    static void failed(long id, RuntimeException e) {
        LOG.log(Level.FINE, "log stream of task-" + id + " ended", e);
    }
}
