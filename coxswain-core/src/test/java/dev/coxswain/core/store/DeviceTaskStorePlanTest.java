package dev.coxswain.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.engine.StoreKind;
import dev.coxswain.core.testing.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every statement of the device face is served by an index on both databases: each database is
 * asked for its plan of the very SQL {@link DeviceTaskStore} runs. On PostgreSQL sequential scans
 * are switched off for the question, so a plan without one proves an index can serve the query
 * (the planner would fall back to a sequential scan if none could); a partial index is used only
 * when the query implies its predicate, which is what the owner's open-devices query must do.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class DeviceTaskStorePlanTest {
    @Parameter
    StoreKind store;

    @TempDir
    Path tmp;

    private TestDatabases.PgDatabase pg;
    private Database db;

    @BeforeEach
    void open() {
        if (store == StoreKind.SQLITE) {
            db = TestDatabases.sqlite(tmp);
        } else {
            pg = TestDatabases.freshPostgres();
            db = pg.open();
        }
    }

    @AfterEach
    void close() {
        if (db != null) db.close();
        if (pg != null) pg.close();
    }

    /** The plan's lines; parameters are bound in order. */
    private List<String> plan(String sql, Object... args) {
        return db.write(tx -> {
            Connection c = tx.connection();
            boolean sqlite = store == StoreKind.SQLITE;
            if (!sqlite) {
                try (Statement s = c.createStatement()) {
                    s.execute("SET LOCAL enable_seqscan = off");
                }
            }
            List<String> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement((sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + sql)) {
                for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) rows.add(rs.getString(sqlite ? 4 : 1));
                }
            }
            return rows;
        });
    }

    /** No step of the plan reads the whole tasks table. */
    private void indexed(List<String> plan) {
        String all = String.join("\n", plan);
        if (store == StoreKind.SQLITE) {
            assertThat(plan).as(all).noneMatch(r -> r.matches("SCAN tasks\\b(?! USING).*"));
        } else {
            assertThat(plan).as(all).noneMatch(r -> r.contains("Seq Scan"));
        }
    }

    private void listAndCount(DeviceTaskStore.Filter f) {
        List<Object> args = new ArrayList<>();
        String where = DeviceTaskStore.where(f, args);
        indexed(plan(DeviceTaskStore.countSql(where), args.toArray()));
        args.add(20);
        args.add(40L);
        indexed(plan(DeviceTaskStore.listSql(where), args.toArray()));
    }

    @Test
    void listsAndCountsUseAnIndexWhateverTheFilter() {
        Set<TaskStatus> failed = EnumSet.of(TaskStatus.FAILED, TaskStatus.CANCELLED);
        listAndCount(DeviceTaskStore.Filter.all());
        listAndCount(new DeviceTaskStore.Filter(Set.of(), null, null, "api"));
        listAndCount(new DeviceTaskStore.Filter(Set.of(), "S1", null, null));
        listAndCount(new DeviceTaskStore.Filter(failed, null, "follow", null));
        listAndCount(new DeviceTaskStore.Filter(failed, "S1", "follow", "ui"));
    }

    @Test
    void theDeviceFilterUsesTheDeviceIndex() {
        List<Object> args = new ArrayList<>();
        String where = DeviceTaskStore.where(new DeviceTaskStore.Filter(Set.of(), "S1", null, null), args);
        List<String> p = plan(DeviceTaskStore.countSql(where), args.toArray());
        assertThat(p).as(String.join("\n", p)).anyMatch(r -> r.contains("ix_tasks_device") || r.contains("ix_tasks_origin"));
    }

    @Test
    void retryableAndFindUseAnIndex() {
        indexed(plan(DeviceTaskStore.RETRYABLE, DeviceTaskStore.ORIGIN, 3));
        indexed(plan(DeviceTaskStore.findSql(3), 1L, 2L, 3L, DeviceTaskStore.ORIGIN));
    }

    @Test
    void anOwnersOpenDevicesComeFromThePartialIndex() {
        List<String> p = plan(DeviceTaskStore.OPEN_DEVICES, "key:1");
        assertThat(p).as(String.join("\n", p)).anyMatch(r -> r.contains("ix_tasks_owner_open"));
    }

    @Test
    void theOwnerLockIsReentrantWithinATransaction() {
        DeviceTaskStore s = new DeviceTaskStore(db.dialect());
        db.write(tx -> {
            s.lockOwner(tx, "key:1");
            s.lockOwner(tx, "key:1"); // re-entrant within a transaction
            s.lockOwner(tx, null);
            return null;
        });
    }
}
