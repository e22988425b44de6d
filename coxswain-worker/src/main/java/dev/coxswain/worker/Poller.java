package dev.coxswain.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.worker.protocol.Protocol;
import java.time.Duration;

/**
 * Fetches tasks with one long poll at a time, on its own thread, once the worker is registered
 * and while a task slot is free: {@code GET …/tasks/next?timeout=30.0&available_skills=a,b&hot_skills=}.
 * After a task it polls again at once (the task runs on its own thread); after an empty answer it
 * waits the idle delay (0.5 s); after a 429 the server's Retry-After; after a network error 1 s,
 * doubling to 60 s. A 404 means the server forgot the worker: the session keeper registers again
 * and polling resumes when it has.
 */
final class Poller implements Runnable {
    private static final System.Logger LOG = System.getLogger(Poller.class.getName());
    /** The SDK's client-side margin over the poll timeout the server holds at most. */
    private static final Duration CLIENT_MARGIN = Duration.ofSeconds(5);

    private final WorkerApi api;
    private final Session session;
    private final TaskSupervisor tasks;
    private final Settings settings;
    private final Timings timings;
    private final StopSignal stop;
    private final String pathAndQuery;

    Poller(WorkerApi api, Session session, TaskSupervisor tasks, SkillSet skills, Settings settings, Timings timings,
           StopSignal stop) {
        this.api = api;
        this.session = session;
        this.tasks = tasks;
        this.settings = settings;
        this.timings = timings;
        this.stop = stop;
        // The SDK writes the timeout as a float (timeout=30.0) and always sends hot_skills, empty.
        this.pathAndQuery = Protocol.nextTaskPath(settings.workerId())
                + "?" + Protocol.QUERY_TIMEOUT + "=" + settings.pollTimeout().toMillis() / 1000.0
                + "&" + Protocol.QUERY_AVAILABLE_SKILLS + "=" + String.join(",", skills.names())
                + "&" + Protocol.QUERY_HOT_SKILLS + "=";
    }

    @Override
    public void run() {
        Backoff backoff = new Backoff(timings.pollBackoff(), timings.pollBackoffMax());
        Duration httpTimeout = settings.pollTimeout().plus(CLIENT_MARGIN);
        while (!stop.isStopped()) {
            try {
                if (!session.awaitRegistered(Duration.ofMillis(250))) continue;
                tasks.acquireSlot();
            } catch (InterruptedException e) {
                return;
            }
            boolean handedOver = false;
            Duration pause;
            try {
                JsonNode task = api.get(pathAndQuery, httpTimeout);
                backoff.reset();
                if (task != null && task.isObject() && !task.isEmpty()) {
                    tasks.start(task);
                    handedOver = true;
                    continue;
                }
                pause = settings.idlePollDelay();
            } catch (ApiException e) {
                pause = switch (e.kind()) {
                    case RATE_LIMITED -> e.retryAfter() != null ? e.retryAfter() : max(backoff.next(), timings.rateLimitFloor());
                    case NETWORK -> backoff.next();
                    default -> settings.idlePollDelay();
                };
                if (e.kind() != ApiException.Kind.NETWORK && e.sessionLost()) session.lost();
                LOG.log(System.Logger.Level.INFO, "Poll failed ({0}); next in {1} ms", e.getMessage(), pause.toMillis());
            } catch (InterruptedException e) {
                return;
            } finally {
                if (!handedOver) tasks.releaseSlot();
            }
            if (!stop.pause(pause)) return;
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
