package dev.coxswain.core.domain;

import java.time.Instant;
import java.util.List;

/**
 * A PostgreSQL server users analyse. The password is not part of it: it stays encrypted in the
 * store and is opened only to connect ({@code hasPassword} says whether there is one).
 *
 * @param source {@code api} or {@code config} (declared in the configuration file)
 */
public record TargetConnection(long id, String name, String host, int port, String database, String username,
                               boolean hasPassword, String sslmode, String environment, List<String> tags, String source,
                               Instant createdAt, Instant updatedAt) {
    /** The sslmode values of libpq / pgJDBC. */
    public static final List<String> SSLMODES = List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    /** Never prints the password (there is none here) — kept explicit for readers. */
    @Override
    public String toString() {
        return "TargetConnection[" + id + " " + name + " " + username + "@" + host + ":" + port + "/" + database + "]";
    }
}
