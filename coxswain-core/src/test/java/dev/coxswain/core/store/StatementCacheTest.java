package dev.coxswain.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite writer's statement cache behaves like plain JDBC to the stores that use it. */
class StatementCacheTest {
    @TempDir
    Path dir;
    Connection raw;
    Connection c;

    @BeforeEach
    void open() throws SQLException {
        raw = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("t.db"));
        try (Statement s = raw.createStatement()) {
            s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
        }
        raw.setAutoCommit(false);
        c = StatementCache.wrap(raw, 2);
    }

    @AfterEach
    void close() throws SQLException {
        c.close();
    }

    private static PreparedStatement unwrap(PreparedStatement ps) throws SQLException {
        return ps.unwrap(PreparedStatement.class);
    }

    @Test
    void aClosedStatementIsReusedResetForTheSameSql() throws SQLException {
        PreparedStatement first;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (v) VALUES (?)")) {
            ps.setString(1, "a");
            ps.executeUpdate();
            first = unwrap(ps);
            assertThat(ps.isClosed()).isFalse();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (v) VALUES (?)")) {
            assertThat(unwrap(ps)).as("the same compiled statement").isSameAs(first);
            ps.setString(1, "b");
            ps.addBatch();
            ps.setString(1, "c");
            ps.addBatch();
            assertThat(ps.executeBatch()).hasSize(2);
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (v) VALUES (?)")) {
            // Parameters and batch were cleared when it came back.
            assertThat(ps.executeBatch()).isEmpty();
        }
        assertThat(values()).isEqualTo("a,b,c");
    }

    @Test
    void aResultSetLeftOpenIsClosedWhenTheStatementComesBack() throws SQLException {
        insert("x");
        insert("y");
        PreparedStatement first;
        try (PreparedStatement ps = c.prepareStatement("SELECT v FROM t ORDER BY id")) {
            ResultSet rs = ps.executeQuery(); // deliberately not closed, not read to the end
            assertThat(rs.next()).isTrue();
            first = unwrap(ps);
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT v FROM t ORDER BY id"); ResultSet rs = ps.executeQuery()) {
            assertThat(unwrap(ps)).as("reset and reused").isSameAs(first);
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("x");
        }
        // Nothing keeps a cursor open: the writer can commit and the data is there.
        c.commit();
        assertThat(values()).isEqualTo("x,y");
    }

    @Test
    void sqlAlreadyLentOutGetsItsOwnStatementAndAClosedOneRefusesUse() throws SQLException {
        insert("1");
        try (PreparedStatement outer = c.prepareStatement("SELECT COUNT(*) FROM t");
             PreparedStatement inner = c.prepareStatement("SELECT COUNT(*) FROM t")) {
            assertThat(unwrap(inner)).isNotSameAs(unwrap(outer));
        }
        PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM t");
        ps.close();
        ps.close(); // twice is harmless
        assertThat(ps.isClosed()).isTrue();
        assertThatThrownBy(ps::executeQuery).isInstanceOf(SQLException.class);
    }

    @Test
    void theCacheIsBoundedAndClosingTheConnectionClosesWhatItKept() throws SQLException {
        PreparedStatement a = lendAndReturn("SELECT 1");
        lendAndReturn("SELECT 2");
        lendAndReturn("SELECT 3"); // evicts the least recently used, SELECT 1
        assertThat(a.isClosed()).as("evicted").isTrue();
        PreparedStatement three = lendAndReturn("SELECT 3");
        assertThat(three.isClosed()).isFalse();
        c.close();
        assertThat(three.isClosed()).isTrue();
        assertThat(raw.isClosed()).isTrue();
    }

    @Test
    void aFailedStatementIsStillReusable() throws SQLException {
        insert("dup");
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (id, v) VALUES (?, ?)")) {
            ps.setInt(1, 1);
            ps.setString(2, "again");
            assertThatThrownBy(ps::executeUpdate).isInstanceOf(SQLException.class);
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (id, v) VALUES (?, ?)")) {
            ps.setInt(1, 2);
            ps.setString(2, "fine");
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        assertThat(values()).isEqualTo("dup,fine");
    }

    private PreparedStatement lendAndReturn(String sql) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
        }
        PreparedStatement real = unwrap(ps);
        ps.close();
        return real;
    }

    private void insert(String v) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (v) VALUES (?)")) {
            ps.setString(1, v);
            ps.executeUpdate();
        }
    }

    private String values() throws SQLException {
        StringBuilder b = new StringBuilder();
        try (PreparedStatement ps = c.prepareStatement("SELECT v FROM t ORDER BY id"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) b.append(b.isEmpty() ? "" : ",").append(rs.getString(1));
        }
        return b.toString();
    }
}
