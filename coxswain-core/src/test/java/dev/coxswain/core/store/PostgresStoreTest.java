package dev.coxswain.core.store;

import dev.coxswain.core.testing.TestDatabases;
import dev.coxswain.core.testing.TestDatabases.PgDatabase;

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
}
