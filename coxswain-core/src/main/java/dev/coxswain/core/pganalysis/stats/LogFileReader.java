package dev.coxswain.core.pganalysis.stats;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.coxswain.core.Json;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Fetches the server's own log text over the SQL connection (the log lives on the database host,
 * not ours): a given path, or the stderr-format files of pg_ls_logdir() touched within the time
 * range when logging_collector is on. Reads the tail only, at most {@code maxBytes} in all, and as
 * bytes (pg_read_binary_file) so a cut through a multi-byte character cannot fail the read.
 */
final class LogFileReader {
    /** @param text null when unavailable; {@code reason} then says why */
    record Result(String text, ArrayNode files, String reason) {
    }

    private LogFileReader() {
    }

    static Result read(Connection c, LogAnalysisParams p) {
        ArrayNode files = Json.MAPPER.createArrayNode();
        try {
            List<String> paths = new ArrayList<>();
            if (p.logFile() != null) {
                paths.add(p.logFile());
            } else {
                if (!"on".equals(setting(c, "logging_collector"))) {
                    return new Result(null, files, "logging_collector is off, so pg_ls_logdir() has nothing; the server writes its log to"
                            + " stderr (Debian/Ubuntu: /var/log/postgresql/postgresql-<version>-<cluster>.log) - pass that path as log_file");
                }
                String dir = setting(c, "log_directory");
                try (PreparedStatement ps = c.prepareStatement("""
                        SELECT name FROM pg_ls_logdir()
                         WHERE name LIKE '%.log' AND modification >= now() - make_interval(hours => ?)
                         ORDER BY modification DESC""")) {
                    ps.setInt(1, p.timeRangeHours());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) paths.add(dir + "/" + rs.getString(1));
                    }
                }
                if (paths.isEmpty()) return new Result("", files, null);
            }
            // Newest first until the byte budget is spent, then put back in time order.
            long budget = p.maxBytes();
            List<String> parts = new ArrayList<>();
            for (String path : paths) {
                if (budget <= 0) break;
                long size = Sql.guarded(c, () -> {
                    try (PreparedStatement ps = c.prepareStatement("SELECT size FROM pg_stat_file(?)")) {
                        ps.setString(1, path);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            return rs.getLong(1);
                        }
                    }
                });
                long offset = Math.max(0, size - budget), len = size - offset;
                byte[] bytes = Sql.guarded(c, () -> {
                    try (PreparedStatement ps = c.prepareStatement("SELECT pg_read_binary_file(?, ?, ?)")) {
                        ps.setString(1, path);
                        ps.setLong(2, offset);
                        ps.setLong(3, len);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            return rs.getBytes(1);
                        }
                    }
                });
                String text = new String(bytes, StandardCharsets.UTF_8);
                if (offset > 0) text = text.substring(text.indexOf('\n') + 1); // the first line was cut
                parts.add(0, text);
                files.addObject().put("path", path).put("size_bytes", size).put("read_bytes", len).put("truncated", offset > 0);
                budget -= len;
            }
            return new Result(String.join("\n", parts), files, null);
        } catch (SQLException e) {
            return new Result(null, files, Sql.describe(e));
        }
    }

    static String setting(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT current_setting(?, true)")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
