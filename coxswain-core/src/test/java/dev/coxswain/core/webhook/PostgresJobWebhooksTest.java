package dev.coxswain.core.webhook;

import dev.coxswain.core.store.Database;
import dev.coxswain.core.testing.TestDatabases;

class PostgresJobWebhooksTest extends JobWebhooksContract {
    private TestDatabases.PgDatabase pg;

    @Override
    protected Database open() {
        pg = TestDatabases.freshPostgres();
        return pg.open();
    }

    @Override
    protected void cleanup() {
        pg.close();
    }
}
