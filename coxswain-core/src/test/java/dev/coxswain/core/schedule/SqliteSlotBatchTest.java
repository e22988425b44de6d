package dev.coxswain.core.schedule;

import dev.coxswain.core.store.Database;
import dev.coxswain.core.testing.TestDatabases;

class SqliteSlotBatchTest extends SlotBatchContract {
    @Override
    protected Database open() {
        return TestDatabases.sqlite(dir);
    }

    @Override
    protected void cleanup() {
    }
}
