package dev.coxswain.core.store;

import java.sql.Connection;
import java.sql.SQLException;

@FunctionalInterface
public interface SqlFunction<T> {
    T apply(Connection c) throws SQLException;
}
