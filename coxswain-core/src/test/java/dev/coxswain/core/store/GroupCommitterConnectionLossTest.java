package dev.coxswain.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer connection that breaks: before the commit the batch runs again on a fresh connection
 * (nothing was applied); during the commit nobody knows, so it is not run again and its callers
 * hear exactly that. Neither is an internal error.
 */
class GroupCommitterConnectionLossTest {
    private static final String LOST = "08006";

    @TempDir
    Path dir;
    private final AtomicInteger opened = new AtomicInteger();
    /** Which operation of the next connection breaks it: "execute", "commit" or none. */
    private volatile String breakOn;

    @BeforeEach
    void table() throws SQLException {
        try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (v INTEGER)");
        }
    }

    private String url() {
        return "jdbc:sqlite:" + dir.resolve("t.db");
    }

    /** A real connection; the first one opened fails with a lost-connection state on {@link #breakOn}. */
    private Connection open() {
        try {
            Connection real = DriverManager.getConnection(url());
            real.setAutoCommit(false);
            boolean breaks = opened.getAndIncrement() == 0;
            return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{Connection.class},
                    (proxy, m, args) -> {
                        if (breaks && m.getName().equals(breakOn)) {
                            throw new SQLException("An I/O error occurred while sending to the backend.", LOST);
                        }
                        if (breaks && breakOn.equals("execute") && m.getName().equals("createStatement")) {
                            Statement s = real.createStatement();
                            return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{Statement.class},
                                    (p2, m2, a2) -> {
                                        if (m2.getName().equals("execute")) throw new SQLException("terminating connection", "57P01");
                                        return m2.invoke(s, a2);
                                    });
                        }
                        try {
                            return m.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private GroupCommitter committer() {
        return new GroupCommitter("t", this::open, 1, 16, e -> false, Database::connectionLost, () -> { });
    }

    private long count() throws SQLException {
        try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
            return rs.getLong(1);
        }
    }

    private static int insert(Tx tx, AtomicInteger runs) throws SQLException {
        runs.incrementAndGet();
        try (Statement s = tx.connection().createStatement()) {
            s.execute("INSERT INTO t (v) VALUES (1)");
        }
        return 1;
    }

    @Test
    void aConnectionLostBeforeTheCommitRunsTheBatchAgainOnAFreshOne() throws Exception {
        breakOn = "execute";
        AtomicInteger runs = new AtomicInteger();
        try (GroupCommitter w = committer()) {
            assertThat((int) w.<Integer>run(tx -> insert(tx, runs))).isEqualTo(1);
        }
        assertThat(opened.get()).as("connections opened").isEqualTo(2);
        assertThat(runs.get()).isEqualTo(2);
        assertThat(count()).isEqualTo(1);
    }

    @Test
    void aConnectionLostDuringTheCommitIsNotRunAgainAndSaysTheOutcomeIsUnknown() throws Exception {
        breakOn = "commit";
        AtomicInteger runs = new AtomicInteger();
        try (GroupCommitter w = committer()) {
            assertThatThrownBy(() -> w.run(tx -> insert(tx, runs)))
                    .isInstanceOf(CommitOutcomeUnknownException.class)
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("may or may not");
            assertThat(runs.get()).as("not run again: it may have been applied").isEqualTo(1);
            assertThat((int) w.<Integer>run(tx -> insert(tx, runs))).as("the next write uses a fresh connection").isEqualTo(1);
        }
        assertThat(opened.get()).isEqualTo(2);
    }
}
