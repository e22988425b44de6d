package dev.coxswain.core.store;

import dev.coxswain.core.testing.TestDatabases;
import dev.coxswain.core.testing.TestDatabases.PgDatabase;

/** The rollups contract on the cluster store: two writer threads, so ops of one round commit in parallel. */
class PostgresTaskRollupsTest extends TaskRollupsContract {
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
    protected int rollupMigration() {
        return 15;
    }
}
