package dev.coxswain.core.dashboard;

/**
 * A count that stopped at a cap: counting every row of a million-task table would cost a scan,
 * so the dashboard counts at most {@code cap + 1} index entries and shows "cap+" beyond.
 *
 * @param value  the number of rows, or the cap when {@code capped}
 * @param capped more rows than {@code value} exist
 */
public record CappedCount(long value, boolean capped) {
    /** From a count that stopped at {@code cap + 1}. */
    static CappedCount of(long counted, long cap) {
        return counted > cap ? new CappedCount(cap, true) : new CappedCount(counted, false);
    }
}
