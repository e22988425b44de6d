package dev.coxswain.core.service;

import dev.coxswain.core.domain.ApiKey;
import dev.coxswain.core.store.ApiKeyStore;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.Tx;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;

/**
 * Monthly job quotas of API keys: each job a key creates is counted in the calendar month (UTC)
 * it is created in, and refused once the key's {@code monthly_job_quota} is reached. Keys without
 * a quota are unlimited, but their jobs are counted too, so their usage shows; principals that are
 * not API keys (JWTs, worker tokens) are neither limited nor counted. Unlike the original orchestrator, which charged
 * every client request including reads, only job creations count.
 */
public final class QuotaService {
    private static final String KEY_PRINCIPAL = "key:";

    private final Database db;
    private final ApiKeyStore keys;
    private final Clock clock;

    public QuotaService(Database db, ApiKeyStore keys, Clock clock) {
        this.db = db;
        this.keys = keys;
        this.clock = clock;
    }

    /**
     * A principal's quota and what it has used this month.
     *
     * @param quota     null: unlimited
     * @param remaining null: unlimited
     * @param period    the current month, {@code YYYY-MM} (UTC)
     * @param resetsAt  when the count starts again (the first instant of the next month)
     */
    public record Usage(Integer quota, int used, Integer remaining, String period, Instant resetsAt) {
    }

    /** Counts one job creation for the principal, in a transaction of its own. */
    public void charge(String principalId) {
        db.write(tx -> {
            charge(tx, principalId);
            return null;
        });
    }

    /**
     * Counts one job creation inside the caller's transaction (the job's own, so a creation that
     * rolls back takes its count with it).
     *
     * @throws QuotaExceededException when the principal's quota for this month is used up
     */
    public void charge(Tx tx, String principalId) throws SQLException {
        Long id = keyId(principalId);
        if (id == null) return;
        YearMonth month = month();
        if (keys.charge(tx, id, month.toString())) return;
        ApiKey k = keys.find(tx.connection(), id);
        // No such key: nothing to count against (keys are revoked, never deleted, so this is a
        // principal from elsewhere that happens to look like a key).
        if (k == null || k.monthlyJobQuota() == null) return;
        throw new QuotaExceededException(k.monthlyJobQuota(), month.toString(), resetsAt(month));
    }

    /** The principal's quota and this month's count (unlimited and zero for principals that are not keys). */
    public Usage usage(String principalId) {
        Long id = keyId(principalId);
        ApiKey k = id == null ? null : db.read(c -> keys.find(c, id));
        return usage(k);
    }

    /** As {@link #usage(String)} for a key already read (null: not a key). */
    public Usage usage(ApiKey k) {
        YearMonth month = month();
        int used = k == null ? 0 : k.jobsIn(month.toString());
        Integer quota = k == null ? null : k.monthlyJobQuota();
        return new Usage(quota, used, quota == null ? null : Math.max(0, quota - used), month.toString(), resetsAt(month));
    }

    private YearMonth month() {
        return YearMonth.from(clock.instant().atZone(ZoneOffset.UTC));
    }

    private static Instant resetsAt(YearMonth month) {
        return month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The key id of a {@code key:<n>} principal, else null. */
    static Long keyId(String principalId) {
        if (principalId == null || !principalId.startsWith(KEY_PRINCIPAL)) return null;
        String n = principalId.substring(KEY_PRINCIPAL.length());
        if (n.isEmpty() || n.length() > 18 || !n.chars().allMatch(ch -> ch >= '0' && ch <= '9')) return null;
        return Long.parseLong(n);
    }
}
