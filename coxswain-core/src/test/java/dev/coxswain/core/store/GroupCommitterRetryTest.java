package dev.coxswain.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A batch that meets a transient failure is rolled back and run again, whole, a bounded number of times. */
class GroupCommitterRetryTest {
    @TempDir
    Path dir;

    static final String TRANSIENT = "TEST-BUSY";

    Connection open() {
        try {
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("t.db"));
            c.setAutoCommit(false);
            return c;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    long count(String table) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("t.db"));
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            return rs.getLong(1);
        }
    }

    @Test
    void aTransientFailureRerunsTheWholeBatchAndCommitsEachOpOnce() throws Exception {
        try (Connection c = open(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (v INTEGER)");
            c.commit();
        }
        AtomicInteger tries = new AtomicInteger();
        try (GroupCommitter w = new GroupCommitter("t", this::open, 1, 16, e -> TRANSIENT.equals(e.getSQLState()))) {
            CompletableFuture<Integer> flaky = w.submit(tx -> {
                insert(tx, 1);
                if (tries.incrementAndGet() <= 2) throw new SQLException("busy", TRANSIENT);
                return tries.get();
            });
            CompletableFuture<String> steady = w.submit(tx -> {
                insert(tx, 2);
                return "ok";
            });
            assertThat(flaky.get(10, TimeUnit.SECONDS)).isEqualTo(3);
            assertThat(steady.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
        }
        assertThat(count("t")).as("each op's row once, whatever the retries").isEqualTo(2);
    }

    @Test
    void aFailureThatStaysGivesUpAfterTheBound() throws Exception {
        try (Connection c = open(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (v INTEGER)");
            c.commit();
        }
        AtomicInteger tries = new AtomicInteger();
        try (GroupCommitter w = new GroupCommitter("t", this::open, 1, 16, e -> TRANSIENT.equals(e.getSQLState()))) {
            assertThatThrownBy(() -> w.run(tx -> {
                insert(tx, 1);
                tries.incrementAndGet();
                throw new SQLException("busy", TRANSIENT);
            })).isInstanceOf(StoreException.class).hasMessageContaining("retries");
        }
        assertThat(tries.get()).isEqualTo(GroupCommitter.TRANSIENT_RETRIES + 1);
        assertThat(count("t")).isZero();
    }

    private static void insert(Tx tx, int v) throws SQLException {
        try (Statement s = tx.connection().createStatement()) {
            s.execute("INSERT INTO t (v) VALUES (" + v + ")");
        }
    }
}
