package dev.coxswain.core.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coxswain.core.domain.ApiKey;
import dev.coxswain.core.store.ApiKeyStore;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.Sql;
import dev.coxswain.core.testing.MutableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Monthly job quotas on each database: one guarded UPDATE per charge, so racing creations never
 * pass the quota; the count starts again in a new month (UTC); keys without a quota are unlimited.
 */
abstract class QuotaServiceContract {
    static final Instant JAN_31_LAST_SECOND = Instant.parse("2026-01-31T23:59:59Z");

    protected abstract Database open();

    protected abstract void cleanup() throws Exception;

    MutableClock clock;
    Database db;
    ApiKeyService keys;
    QuotaService quotas;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(JAN_31_LAST_SECOND);
        db = open();
        ApiKeyStore store = new ApiKeyStore();
        keys = new ApiKeyService(db, store, clock);
        quotas = new QuotaService(db, store, clock);
    }

    @AfterEach
    void tearDown() throws Exception {
        db.close();
        cleanup();
    }

    String key(Integer quota) {
        return "key:" + keys.create(new ApiKeyService.NewKey("client", Set.of("tasks:write"), null, null, quota)).key().id();
    }

    @Test
    void twentyRacersForAQuotaOfFiveGetExactlyFiveJobs() throws Exception {
        String principal = key(5);
        int racers = 20;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            for (int i = 0; i < racers; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        quotas.charge(principal);
                        return true;
                    } catch (QuotaExceededException e) {
                        return false;
                    }
                }));
            }
            start.countDown();
            int won = 0;
            for (Future<Boolean> f : results) if (f.get(30, TimeUnit.SECONDS)) won++;
            assertThat(won).isEqualTo(5);
        } finally {
            pool.shutdownNow();
        }
        QuotaService.Usage u = quotas.usage(principal);
        assertThat(u).isEqualTo(new QuotaService.Usage(5, 5, 0, "2026-01", Instant.parse("2026-02-01T00:00:00Z")));
    }

    @Test
    void racersInsideTheirOwnTransactionsAlsoStopAtTheQuota() throws Exception {
        String principal = key(3);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            for (int i = 0; i < 10; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        // As a job creation would: the charge and the job's own row in one transaction.
                        db.write(tx -> {
                            quotas.charge(tx, principal);
                            return null;
                        });
                        return true;
                    } catch (QuotaExceededException e) {
                        return false;
                    }
                }));
            }
            start.countDown();
            int won = 0;
            for (Future<Boolean> f : results) if (f.get(30, TimeUnit.SECONDS)) won++;
            assertThat(won).isEqualTo(3);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aChargeThatRollsBackWithItsJobIsNotCounted() {
        String principal = key(1);
        assertThatThrownBy(() -> db.write(tx -> {
            quotas.charge(tx, principal);
            throw new ValidationException("initial_data", "the job failed validation after the charge");
        })).isInstanceOf(ValidationException.class);
        assertThat(quotas.usage(principal).used()).isZero();
        quotas.charge(principal);
        assertThat(quotas.usage(principal).remaining()).isZero();
    }

    @Test
    void theCountStartsAgainWhenTheMonthChanges() {
        String principal = key(2);
        quotas.charge(principal);
        quotas.charge(principal);
        assertThatThrownBy(() -> quotas.charge(principal)).isInstanceOf(QuotaExceededException.class)
                .satisfies(e -> {
                    QuotaExceededException q = (QuotaExceededException) e;
                    assertThat(q.quota()).isEqualTo(2);
                    assertThat(q.period()).isEqualTo("2026-01");
                    assertThat(q.resetsAt()).isEqualTo(Instant.parse("2026-02-01T00:00:00Z"));
                })
                .hasMessage("monthly job quota of 2 is used up for 2026-01; it resets at 2026-02-01T00:00:00Z");

        clock.set(Instant.parse("2026-02-01T00:00:00Z"));
        assertThat(quotas.usage(principal)).isEqualTo(new QuotaService.Usage(2, 0, 2, "2026-02",
                Instant.parse("2026-03-01T00:00:00Z")));
        quotas.charge(principal);
        assertThat(quotas.usage(principal).used()).isEqualTo(1);
        quotas.charge(principal);
        assertThatThrownBy(() -> quotas.charge(principal)).isInstanceOf(QuotaExceededException.class);
        assertThat(db.<Long>read(c -> Sql.count(c, "SELECT quota_used FROM api_keys WHERE quota_period = '2026-02'"))).isEqualTo(2);

        // A key idle for months starts from zero too, and December rolls into the next year.
        clock.set(Instant.parse("2026-12-31T23:00:00Z"));
        quotas.charge(principal);
        assertThat(quotas.usage(principal)).isEqualTo(new QuotaService.Usage(2, 1, 1, "2026-12",
                Instant.parse("2027-01-01T00:00:00Z")));
    }

    @Test
    void keysWithoutAQuotaAreUnlimitedButCounted() {
        String principal = key(null);
        for (int i = 0; i < 25; i++) quotas.charge(principal);
        assertThat(quotas.usage(principal)).isEqualTo(new QuotaService.Usage(null, 25, null, "2026-01",
                Instant.parse("2026-02-01T00:00:00Z")));
    }

    @Test
    void aQuotaOfZeroRefusesEveryJob() {
        String principal = key(0);
        assertThatThrownBy(() -> quotas.charge(principal)).isInstanceOf(QuotaExceededException.class);
        assertThat(quotas.usage(principal).used()).isZero();
    }

    @Test
    void principalsThatAreNotKeysAreNeitherLimitedNorCounted() {
        for (String p : List.of("jwt:alice", "worker-token:shared", "key:", "key:x1", "key:999999")) {
            quotas.charge(p);
            assertThat(quotas.usage(p)).isEqualTo(new QuotaService.Usage(null, 0, null, "2026-01",
                    Instant.parse("2026-02-01T00:00:00Z")));
        }
    }

    @Test
    void theQuotaIsSetAtCreationChangedByPatchAndKeptOtherwise() {
        long id = keys.create(new ApiKeyService.NewKey("c", Set.of("tasks:write"), null, null, 1)).key().id();
        String principal = "key:" + id;
        quotas.charge(principal);
        assertThatThrownBy(() -> quotas.charge(principal)).isInstanceOf(QuotaExceededException.class);

        ApiKey raised = keys.update(id, new ApiKeyService.KeyPatch(null, null, null, null, Optional.of(3)));
        assertThat(raised.monthlyJobQuota()).isEqualTo(3);
        assertThat(raised.jobsIn("2026-01")).as("raising keeps this month's count").isEqualTo(1);
        quotas.charge(principal);

        ApiKey renamed = keys.update(id, new ApiKeyService.KeyPatch("renamed", null, null, null));
        assertThat(renamed.monthlyJobQuota()).as("a patch without the field leaves it").isEqualTo(3);

        ApiKey unlimited = keys.update(id, new ApiKeyService.KeyPatch(null, null, null, null, Optional.empty()));
        assertThat(unlimited.monthlyJobQuota()).isNull();
        for (int i = 0; i < 5; i++) quotas.charge(principal);
        assertThat(quotas.usage(principal).used()).isEqualTo(7);
    }

    @Test
    void aNegativeQuotaIsRefused() {
        assertThatThrownBy(() -> keys.create(new ApiKeyService.NewKey("c", Set.of("read"), null, null, -1)))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).fields()).containsKey("monthly_job_quota"));
        long id = keys.create(new ApiKeyService.NewKey("c", Set.of("read"), null, null, 4)).key().id();
        assertThatThrownBy(() -> keys.update(id, new ApiKeyService.KeyPatch(null, null, null, null, Optional.of(-5))))
                .isInstanceOf(ValidationException.class);
        assertThat(keys.get(id).monthlyJobQuota()).isEqualTo(4);
    }
}
