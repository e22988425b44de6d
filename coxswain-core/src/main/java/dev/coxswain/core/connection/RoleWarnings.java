package dev.coxswain.core.connection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the role a connection logs in as may do beyond reading statistics. Every analysis, and
 * {@code custom_sql} above all, runs with that role's privileges, so a superuser or a member of a
 * role that reaches the server's files, programs or other sessions turns a guard gap into real
 * damage; {@code pg_monitor} is all the analyses need.
 */
final class RoleWarnings {
    /** The predefined roles that reach past the database, in the order they are reported. */
    private static final Map<String, String> POWERFUL = Map.of(
            "pg_read_server_files", "can read any file the database server can (pg_read_file, COPY FROM a file)",
            "pg_write_server_files", "can write files on the database server (COPY TO a file, lo_export)",
            "pg_execute_server_program", "can run programs on the database server (COPY … PROGRAM)",
            "pg_signal_backend", "can cancel and terminate other sessions (pg_cancel_backend, pg_terminate_backend)");
    private static final List<String> ORDER = List.of("pg_read_server_files", "pg_write_server_files",
            "pg_execute_server_program", "pg_signal_backend");

    private RoleWarnings() {
    }

    /** Sentences naming the role and what it may do; empty when it is an ordinary role. */
    static List<String> of(Connection c) throws SQLException {
        String role;
        boolean superuser;
        try (PreparedStatement ps = c.prepareStatement("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) return List.of();
            role = rs.getString(1);
            superuser = rs.getBoolean(2);
        }
        if (superuser) {
            // A superuser holds every role below, so naming them would only repeat this.
            return List.of("role " + role + " is a superuser: analyses, custom_sql included, run with every privilege on "
                    + "the server; connect as a role with pg_monitor instead");
        }
        List<String> out = new ArrayList<>();
        // Roles a server version does not have (pg_execute_server_program came in 11) are simply absent.
        try (PreparedStatement ps = c.prepareStatement("SELECT rolname FROM pg_roles WHERE rolname = ANY (?) "
                + "AND pg_has_role(current_user, oid, 'MEMBER')")) {
            ps.setArray(1, c.createArrayOf("text", ORDER.toArray()));
            List<String> held = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) held.add(rs.getString(1));
            }
            for (String r : ORDER) {
                if (held.contains(r)) out.add("role " + role + " is a member of " + r + ": it " + POWERFUL.get(r));
            }
        }
        return out;
    }
}
