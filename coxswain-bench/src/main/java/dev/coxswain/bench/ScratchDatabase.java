package dev.coxswain.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A PostgreSQL database created for one measurement through an admin URL and dropped afterwards
 * (with its connections, should any be left); no other database is touched.
 */
final class ScratchDatabase implements AutoCloseable {
    private final String admin;
    private final String name;
    private final String url;

    private ScratchDatabase(String admin, String name) {
        this.admin = admin;
        this.name = name;
        this.url = EngineBench.withDatabase(admin, name);
    }

    /** Creates {@code <prefix>_<random>}. */
    static ScratchDatabase create(String adminUrl, String prefix) throws SQLException {
        String name = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return new ScratchDatabase(adminUrl, name);
    }

    String name() {
        return name;
    }

    /** JDBC URL of the database, with the admin URL's query (user, ...). */
    String url() {
        return url;
    }

    @Override
    public void close() {
        try (Connection c = DriverManager.getConnection(admin); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            System.out.println("  could not drop database " + name + ": " + e.getMessage());
        }
    }
}
