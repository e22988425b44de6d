package dev.coxswain.core.pganalysis;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Collects what {@link ConfigRules} judges: every pg_settings value (with its unit folded in) and
 * the facts that need privileges. A fact the role may not read is recorded as unknown with the
 * reason, never guessed. Privileges are asked first so that an ordinary role does not leave
 * "permission denied" errors in the server log on every run.
 */
final class PgFactsReader {
    private static final Pattern MEM_TOTAL = Pattern.compile("MemTotal:\\s+(\\d+)\\s*kB");

    private PgFactsReader() {
    }

    /** Runs in autocommit mode, so one failed query does not abort the ones after it. */
    static Map<String, String> read(Connection c) throws SQLException {
        Map<String, String> f = new HashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT name, setting, unit FROM pg_settings")) {
            while (rs.next()) f.put(rs.getString(1), PgUnits.fromPgSettings(rs.getString(2), rs.getString(3)));
        }
        boolean superuser = bool(c, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user");
        f.put(ConfigRules.FACT_CURRENT_USER_SUPERUSER, superuser ? "on" : "off");
        f.put(ConfigRules.FACT_LOGIN_SUPERUSERS, String.join("\n",
                strings(c, "SELECT rolname FROM pg_roles WHERE rolsuper AND rolcanlogin ORDER BY rolname")));
        readRam(c, f, superuser);
        readRolesWithoutPassword(c, f);
        readHbaTrust(c, f);
        return f;
    }

    /** /proc/meminfo of the server host; needs superuser or pg_read_server_files. */
    private static void readRam(Connection c, Map<String, String> f, boolean superuser) {
        try {
            if (!superuser && !bool(c, "SELECT pg_has_role(current_user, 'pg_read_server_files', 'USAGE')")) {
                f.put(ConfigRules.FACT_RAM_UNKNOWN, "pg_read_file('/proc/meminfo') needs superuser or pg_read_server_files");
                return;
            }
            List<String> text = strings(c, "SELECT pg_read_file('/proc/meminfo')");
            Matcher m = MEM_TOTAL.matcher(text.isEmpty() ? "" : text.get(0));
            if (m.find()) f.put(ConfigRules.FACT_RAM, Long.toString(Long.parseLong(m.group(1)) * PgUnits.KB));
            else f.put(ConfigRules.FACT_RAM_UNKNOWN, "/proc/meminfo has no MemTotal line (not Linux?)");
        } catch (SQLException e) {
            f.put(ConfigRules.FACT_RAM_UNKNOWN, "pg_read_file('/proc/meminfo') failed: " + e.getMessage());
        }
    }

    private static void readRolesWithoutPassword(Connection c, Map<String, String> f) {
        try {
            if (!bool(c, "SELECT has_table_privilege('pg_catalog.pg_authid', 'SELECT')")) {
                f.put(ConfigRules.FACT_NO_PASSWORD_UNKNOWN, "pg_authid is readable only by superusers");
                return;
            }
            f.put(ConfigRules.FACT_NO_PASSWORD, String.join("\n", strings(c,
                    "SELECT rolname FROM pg_authid WHERE rolcanlogin AND rolpassword IS NULL ORDER BY rolname")));
        } catch (SQLException e) {
            f.put(ConfigRules.FACT_NO_PASSWORD_UNKNOWN, "pg_authid: " + e.getMessage());
        }
    }

    private static void readHbaTrust(Connection c, Map<String, String> f) {
        try {
            if (!bool(c, "SELECT has_table_privilege('pg_catalog.pg_hba_file_rules', 'SELECT')")) {
                f.put(ConfigRules.FACT_HBA_TRUST_UNKNOWN, "pg_hba_file_rules is not readable by this role");
                return;
            }
            f.put(ConfigRules.FACT_HBA_TRUST, String.join("\n", strings(c,
                    "SELECT line_number || '|' || coalesce(type, '') || '|' || coalesce(address, '') FROM pg_hba_file_rules"
                            + " WHERE auth_method = 'trust' ORDER BY line_number")));
        } catch (SQLException e) {
            f.put(ConfigRules.FACT_HBA_TRUST_UNKNOWN, "pg_hba_file_rules: " + e.getMessage());
        }
    }

    private static boolean bool(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }
}
