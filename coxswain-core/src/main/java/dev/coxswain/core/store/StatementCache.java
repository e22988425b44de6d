package dev.coxswain.core.store;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps the prepared statements of SQLite's single writer connection for reuse.
 *
 * <p>The SQLite driver compiles every {@code prepareStatement} anew, and the writer runs the same
 * few dozen statements over and over; profiles showed it compiling SQL for about a quarter of its
 * time. The stores keep writing plain JDBC ({@code try (PreparedStatement ps = c.prepareStatement(sql))});
 * the connection handed to them returns a statement whose {@code close()} resets it (closes the
 * result set its user left open, clears parameters and batch) and puts it back, keyed by its SQL. A statement is
 * handed to one user at a time: asking for SQL that is checked out compiles a second one.
 * Only the one-argument {@code prepareStatement} is cached; everything else goes straight to the
 * driver. Not thread-safe, like the writer connection it serves (one writer thread).
 */
final class StatementCache {
    private StatementCache() {
    }

    /** The connection, with its {@code prepareStatement(sql)} served from a cache of {@code size} statements. */
    static Connection wrap(Connection c, int size) {
        Map<String, PreparedStatement> idle = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> e) {
                if (size() <= size) return false;
                closeQuietly(e.getValue());
                return true;
            }
        };
        InvocationHandler h = (proxy, m, args) -> {
            if (m.getName().equals("prepareStatement") && args != null && args.length == 1) {
                String sql = (String) args[0];
                PreparedStatement ps = idle.remove(sql);
                return lent(ps != null ? ps : c.prepareStatement(sql), sql, idle);
            }
            if (m.getName().equals("close")) {
                idle.values().forEach(StatementCache::closeQuietly);
                idle.clear();
            }
            return call(m, c, args);
        };
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, h);
    }

    /** The statement as its user sees it: closing it returns it to {@code idle}, reset. */
    private static PreparedStatement lent(PreparedStatement ps, String sql, Map<String, PreparedStatement> idle) {
        boolean[] returned = {false};
        // The result set its user opened, closed on return if the user did not (the driver refuses
        // to hand it out again through getResultSet while it is open).
        ResultSet[] opened = {null};
        InvocationHandler h = (proxy, m, args) -> {
            switch (m.getName()) {
                case "close" -> {
                    if (!returned[0]) {
                        returned[0] = true;
                        giveBack(ps, opened[0], sql, idle);
                    }
                    return null;
                }
                case "isClosed" -> {
                    return returned[0] || ps.isClosed();
                }
                default -> {
                    if (returned[0]) throw new SQLException("statement is closed");
                    Object result = call(m, ps, args);
                    if (result instanceof ResultSet rs) opened[0] = rs;
                    return result;
                }
            }
        };
        return (PreparedStatement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, h);
    }

    /** Resets and keeps the statement; one that cannot be reset is closed for good instead. */
    private static void giveBack(PreparedStatement ps, ResultSet opened, String sql, Map<String, PreparedStatement> idle) {
        try {
            if (opened != null && !opened.isClosed()) opened.close();
            ps.clearParameters();
            ps.clearBatch();
        } catch (SQLException | RuntimeException e) {
            closeQuietly(ps);
            return;
        }
        PreparedStatement displaced = idle.put(sql, ps);
        if (displaced != null && displaced != ps) closeQuietly(displaced);
    }

    private static Object call(Method m, Object target, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void closeQuietly(PreparedStatement ps) {
        try {
            ps.close();
        } catch (SQLException ignored) {
            // it is being thrown away
        }
    }
}
