package dev.coxswain.core.workflow;

import dev.coxswain.core.runtime.Duty;
import dev.coxswain.core.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Enforces jobs' dispatch and result deadlines. It sleeps until the earliest deadline (so one
 * fires within milliseconds of it, not on the next sweep as in the original's 20 s watcher), and
 * is woken whenever a step sets a new one.
 */
final class JobTimeouts implements Duty {
    private static final Logger LOG = Logger.getLogger(JobTimeouts.class.getName());
    private static final int BATCH = 100;
    private final Database db;
    private final JobStore jobs;
    private final JobSteps steps;
    private final Clock clock;
    private final Duration fallback;

    JobTimeouts(Database db, JobStore jobs, JobSteps steps, Clock clock, Duration fallback) {
        this.db = db;
        this.jobs = jobs;
        this.steps = steps;
        this.clock = clock;
        this.fallback = fallback;
    }

    @Override
    public String name() {
        return "job-timeouts";
    }

    @Override
    public Duration runOnce() {
        Instant now = clock.instant();
        List<String> dispatch = db.read(c -> jobs.dispatchExpired(c, now, BATCH));
        for (String id : dispatch) apply(id, true);
        List<String> result = db.read(c -> jobs.resultExpired(c, now, BATCH));
        for (String id : result) apply(id, false);
        if (dispatch.size() == BATCH || result.size() == BATCH) return Duration.ZERO;
        Instant next = db.read(jobs::nextDeadline);
        if (next == null) return fallback;
        Duration wait = Duration.between(clock.instant(), next);
        if (wait.isNegative()) return Duration.ZERO;
        return wait.compareTo(fallback) < 0 ? wait : fallback;
    }

    private void apply(String id, boolean dispatch) {
        try {
            db.write(tx -> {
                JobRow j = jobs.findForUpdate(tx, id);
                Instant now = clock.instant();
                if (j == null) return null;
                Instant deadline = dispatch ? j.dispatchDeadline : j.resultDeadline;
                if (deadline == null || deadline.isAfter(now)) return null; // moved on meanwhile
                if (dispatch) steps.dispatchDeadline(tx, j, now);
                else steps.resultDeadline(tx, j, now);
                return null;
            });
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not apply a deadline of job " + id + ": " + e.getMessage(), e);
        }
    }
}
