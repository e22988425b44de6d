package dev.coxswain.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.store.Database;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The rollups ({@code TaskRollups}: {@code task_counts}, {@code task_finished}) against a
 * computation from scratch over the tasks table: stripes added up, rows that add up to zero left
 * out, they must be equal. Any test that drives tasks through the store can end with it.
 */
public final class RollupCheck {
    private static final long[] GRAINS = {86_400_000L, 3_600_000L, 60_000L};

    private RollupCheck() {
    }

    public static void assertEqualToTheTasks(Database db) {
        db.read(c -> {
            Map<String, Long> counts = new TreeMap<>();
            Map<String, List<Long>> finished = new TreeMap<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT status, origin_kind, priority, started_at, completed_at FROM tasks")) {
                while (rs.next()) {
                    String status = rs.getString(1);
                    String origin = rs.getString(2) == null ? "" : rs.getString(2);
                    counts.merge(status + "|" + origin + "|" + rs.getInt(3), 1L, Long::sum);
                    long completed = rs.getLong(5);
                    if (rs.wasNull() || !Set.of("completed", "failed", "cancelled").contains(status)) continue;
                    long started = rs.getLong(4);
                    boolean timed = !rs.wasNull();
                    for (long g : GRAINS) {
                        List<Long> v = finished.computeIfAbsent(g + "|" + Math.floorDiv(completed, g) * g + "|" + status,
                                k -> new ArrayList<>(List.of(0L, 0L, 0L)));
                        v.set(0, v.get(0) + 1);
                        v.set(1, v.get(1) + (timed ? 1 : 0));
                        v.set(2, v.get(2) + (timed ? completed - started : 0));
                    }
                }
            }
            Map<String, Long> rolledCounts = new TreeMap<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT status, origin_kind, priority, SUM(n) FROM task_counts GROUP BY status, origin_kind, priority")) {
                while (rs.next()) {
                    if (rs.getLong(4) != 0) rolledCounts.put(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getInt(3), rs.getLong(4));
                }
            }
            Map<String, List<Long>> rolledFinished = new TreeMap<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT grain, start, status, SUM(n), SUM(timed),"
                    + " SUM(run_ms) FROM task_finished GROUP BY grain, start, status")) {
                while (rs.next()) {
                    List<Long> v = List.of(rs.getLong(4), rs.getLong(5), rs.getLong(6));
                    if (!v.equals(List.of(0L, 0L, 0L))) rolledFinished.put(rs.getLong(1) + "|" + rs.getLong(2) + "|" + rs.getString(3), v);
                }
            }
            assertThat(rolledCounts).as("task_counts against the tasks").isEqualTo(counts);
            assertThat(rolledFinished).as("task_finished against the tasks").isEqualTo(finished);
            return null;
        });
    }
}
