package dev.coxswain.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.testing.TestDatabases;
import dev.coxswain.core.testing.TestDatabases.PgDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * The store contract on the cluster store: a new PostgreSQL database per test, dropped after it.
 * Skipped loudly when no PostgreSQL answers (and failed under {@code CI=true}), see
 * {@link TestDatabases#freshPostgres()}.
 */
class PostgresStoreTest extends StoreContract {
    private PgDatabase pg;

    @Override
    protected Database open() {
        if (pg == null) pg = TestDatabases.freshPostgres();
        return pg.open();
    }

    @Override
    protected void cleanup() {
        if (pg != null) {
            pg.close();
            pg = null;
        }
    }

    @Override
    protected int writerThreads() {
        return 2; // TestDatabases.PgDatabase#open: Database.postgres(url, null, null, 4, 2)
    }

    @Override
    protected boolean multiNode() {
        return true;
    }

    /**
     * The plan PostgreSQL caches for completing an attempt stays a primary-key lookup even when
     * ANALYZE ran while no task was running (the queue's usual worst moment): V6 keeps the
     * status column out of the statistics that once made the status index win, and the worker is
     * compared in a form no index serves.
     */
    @Test
    void completingAnAttemptLooksUpThePrimaryKeyWhateverTheStatisticsSaw() throws Exception {
        for (int i = 0; i < 2_000; i++) queued("shell", 5, T0);
        try (Connection c = DriverManager.getConnection(pg.url()); Statement st = c.createStatement()) {
            st.execute("ANALYZE tasks");
            st.execute("SET plan_cache_mode = force_generic_plan");
            String sql = TaskStore.COMPLETE;
            for (int n = 1; sql.contains("?"); n++) sql = sql.replaceFirst("\\?", "\\$" + n);
            st.execute("PREPARE complete AS " + sql);
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = st.executeQuery("EXPLAIN EXECUTE complete(1, 1, 'r', 0, 5, 42, 1, 'worker-a')")) {
                while (rs.next()) plan.append(rs.getString(1)).append('\n');
            }
            assertThat(plan.toString()).contains("tasks_pkey").doesNotContain("ix_tasks_status_created", "ix_tasks_worker");
        }
    }

    /** The batched completion (one statement over arrays) probes the primary key for each element. */
    @Test
    void completingABatchInOneStatementProbesThePrimaryKey() throws Exception {
        for (int i = 0; i < 2_000; i++) queued("shell", 5, T0);
        try (Connection c = DriverManager.getConnection(pg.url()); Statement st = c.createStatement()) {
            st.execute("ANALYZE tasks");
            st.execute("SET plan_cache_mode = force_generic_plan");
            String sql = new PostgresDialect().completeAllSql();
            for (int n = 1; sql.contains("?::"); n++) sql = sql.replaceFirst("\\?::", "\\$" + n + "::");
            st.execute("PREPARE complete_all AS " + sql);
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = st.executeQuery("EXPLAIN EXECUTE complete_all(ARRAY[1, 2], ARRAY[1, 1], ARRAY['w', 'w'],"
                    + " ARRAY[1, 1], ARRAY['r', 'r'], ARRAY[0, 0], ARRAY[5, 5])")) {
                while (rs.next()) plan.append(rs.getString(1)).append('\n');
            }
            assertThat(plan.toString()).contains("tasks_pkey").doesNotContain("Seq Scan on tasks", "ix_tasks_status_created");
        }
    }
}
