package dev.coxswain.core.runtime;

import java.time.Duration;

/**
 * One engine maintenance job (dispatch, promote, reap leases, …): a single pass that returns how
 * long it may sleep before the next pass. Tests call {@link #runOnce()} directly with a settable
 * clock; in the server a {@link DutyRunner} loops it.
 */
public interface Duty {
    String name();

    /** @return the longest the runner may wait before calling again (it wakes earlier when signalled) */
    Duration runOnce() throws Exception;
}
