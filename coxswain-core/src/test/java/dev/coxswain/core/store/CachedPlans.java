package dev.coxswain.core.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL's plan of a statement the way the driver runs it on a busy connection: prepared on
 * the server and executed again and again. After five executions PostgreSQL may keep one generic
 * plan for it, made for the table as it was then; it is not made again for new rows, only
 * after ANALYZE or a schema change. Here the statement is planned ten times on the store as it
 * is, {@code change} runs, and the plan it gets then is returned.
 */
final class CachedPlans {
    /** Work around the statement inside its transaction (the dialect's settings). */
    interface Around {
        void run(Connection c) throws SQLException;
    }

    private CachedPlans() {
    }

    /**
     * @param sql    the statement with {@code ?} parameters
     * @param args   its arguments as SQL literals, comma-separated
     * @param change SQL run between the first ten plans and the one returned
     */
    static List<String> afterChange(Database db, String sql, String args, String change, Around before, Around after) {
        StringBuilder numbered = new StringBuilder();
        int n = 0;
        for (char ch : sql.toCharArray()) {
            if (ch == '?') numbered.append('$').append(++n);
            else numbered.append(ch);
        }
        String prepared = numbered.toString();
        return db.write(tx -> {
            Connection c = tx.connection();
            List<String> rows = new ArrayList<>();
            try (Statement s = c.createStatement()) {
                before.run(c);
                s.execute("PREPARE cached_plan_test AS " + prepared);
                try {
                    for (int i = 0; i < 10; i++) s.execute("EXPLAIN EXECUTE cached_plan_test(" + args + ")");
                    s.execute(change);
                    try (ResultSet rs = s.executeQuery("EXPLAIN EXECUTE cached_plan_test(" + args + ")")) {
                        while (rs.next()) rows.add(rs.getString(1));
                    }
                } finally {
                    s.execute("DEALLOCATE cached_plan_test");
                }
                after.run(c);
            }
            return rows;
        });
    }

    /** The plan's scans of the tasks table (sequential, index, bitmap heap). */
    static List<String> scansOfTasks(List<String> plan) {
        return plan.stream().filter(l -> l.matches("\\s*(->\\s*)?[A-Z][A-Za-z ]*Scan\\b.* on tasks\\b.*")).toList();
    }
}
