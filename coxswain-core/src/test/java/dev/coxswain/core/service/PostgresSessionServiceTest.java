package dev.coxswain.core.service;

import dev.coxswain.core.store.Database;
import dev.coxswain.core.testing.TestDatabases;

class PostgresSessionServiceTest extends SessionServiceContract {
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
