package dev.coxswain.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.testing.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The database drops every connection (a restart, a failover, an administrator): the pool still
 * holds them. Reads must succeed on a fresh connection; a write must either commit or say the
 * store is unavailable (faces answer 503), never fail as an internal error.
 */
class PostgresConnectionLossTest {
    private TestDatabases.PgDatabase pg;
    private Database db;

    @BeforeEach
    void open() {
        pg = TestDatabases.freshPostgres();
        db = pg.open();
        db.write(tx -> {
            try (Statement s = tx.connection().createStatement()) {
                s.execute("CREATE TABLE blip (v INT)");
            }
            return null;
        });
    }

    @AfterEach
    void close() {
        db.close();
        pg.close();
    }

    /** Ends every backend of the test database but the caller's own; returns how many. */
    private int terminateAll() throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.url()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                     + "WHERE datname = current_database() AND pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private long count() {
        return db.read(c -> Sql.count(c, "SELECT count(*) FROM blip"));
    }

    private void insert(int v) {
        db.write(tx -> {
            try (Statement s = tx.connection().createStatement()) {
                s.execute("INSERT INTO blip VALUES (" + v + ")");
            }
            return null;
        });
    }

    @Test
    void readsSucceedAfterEveryBackendWasTerminated() throws Exception {
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 4; i++) count(); // connections in the pool, recently used
            assertThat(terminateAll()).isPositive();
            assertThat(count()).as("round " + round).isZero();
            assertThat(db.healthy()).isTrue();
        }
    }

    @Test
    void writesCommitOrSayUnavailableAfterEveryBackendWasTerminated() throws Exception {
        List<String> outcomes = new ArrayList<>();
        int committed = 0;
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 4; i++) committed += attempt(-1, outcomes); // the writers' connections are warm
            assertThat(terminateAll()).isPositive();
            int afterCut = 0;
            for (int i = 0; i < 4; i++) afterCut += attempt(round, outcomes);
            // A write that lost its connection runs once more on a fresh one: the store works again.
            assertThat(afterCut).as("writes committed after cut %d (%s)", round, outcomes).isPositive();
            committed += afterCut;
        }
        assertThat(outcomes).allMatch(o -> !o.startsWith("internal error"), "no write failed as an internal error");
        assertThat(count()).isEqualTo(committed);
    }

    /** One insert; records how it ended and returns 1 if it committed. */
    private int attempt(int v, List<String> outcomes) {
        try {
            insert(v);
            outcomes.add("committed");
            return 1;
        } catch (CommitOutcomeUnknownException e) {
            outcomes.add("unknown");
            return 0; // not seen here: the commits in this test are never cut in flight
        } catch (StoreUnavailableException e) {
            outcomes.add("unavailable");
            return 0;
        } catch (StoreException e) {
            outcomes.add("internal error: " + e.getMessage());
            return 0;
        }
    }

    @Test
    void writerConnectionsHaveStatementAndSocketTimeouts() {
        int network = db.write(tx -> tx.connection().getNetworkTimeout());
        String statement = db.write(tx -> {
            try (Statement s = tx.connection().createStatement(); ResultSet rs = s.executeQuery("SHOW statement_timeout")) {
                rs.next();
                return rs.getString(1);
            }
        });
        assertThat(network).as("socket timeout (ms)").isPositive();
        assertThat(statement).isNotEqualTo("0");
    }
}
