package dev.coxswain.core.engine;

import dev.coxswain.core.runtime.Duty;
import dev.coxswain.core.exec.StopReason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Stops local attempts that outlive their task's timeout; sleeps until the nearest deadline. */
public final class TimeoutWatcher implements Duty {
    private final LocalWorker worker;
    private final Clock clock;
    private final Duration idle;

    public TimeoutWatcher(LocalWorker worker, Clock clock, Duration idle) {
        this.worker = worker;
        this.clock = clock;
        this.idle = idle;
    }

    @Override
    public String name() {
        return "timeout-watcher";
    }

    @Override
    public Duration runOnce() {
        Instant now = clock.instant();
        Duration next = idle;
        for (Execution ex : worker.running()) {
            if (!now.isBefore(ex.deadline())) {
                ex.control().stop(StopReason.TIMED_OUT);
            } else {
                Duration left = Duration.between(now, ex.deadline());
                if (left.compareTo(next) < 0) next = left;
            }
        }
        return next;
    }
}
