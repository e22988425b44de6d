package dev.coxswain.core.pganalysis;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;

/**
 * Renders result-set cells as JSON: numbers and booleans keep their type; everything else
 * (dates, json, arrays, bytea, …) is PostgreSQL's own text form, which is exact and round-trips.
 */
final class ResultSetJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ResultSetJson() {
    }

    static ArrayNode columns(ResultSetMetaData md) throws SQLException {
        ArrayNode cols = F.arrayNode();
        for (int c = 1; c <= md.getColumnCount(); c++) {
            ObjectNode col = cols.addObject();
            col.put("name", md.getColumnLabel(c));
            col.put("type", md.getColumnTypeName(c));
        }
        return cols;
    }

    static ArrayNode row(ResultSet rs, ResultSetMetaData md) throws SQLException {
        ArrayNode row = F.arrayNode();
        for (int c = 1; c <= md.getColumnCount(); c++) {
            switch (md.getColumnType(c)) {
                case Types.SMALLINT, Types.INTEGER, Types.BIGINT -> {
                    long v = rs.getLong(c);
                    if (rs.wasNull()) row.addNull(); else row.add(v);
                }
                case Types.NUMERIC, Types.DECIMAL -> row.add(rs.getBigDecimal(c));
                case Types.REAL, Types.DOUBLE, Types.FLOAT -> {
                    double v = rs.getDouble(c);
                    // NaN and Infinity have no JSON number form; keep PostgreSQL's spelling.
                    if (rs.wasNull()) row.addNull(); else if (Double.isFinite(v)) row.add(v); else row.add(rs.getString(c));
                }
                case Types.BOOLEAN, Types.BIT -> {
                    boolean v = rs.getBoolean(c);
                    if (rs.wasNull()) row.addNull(); else if ("bool".equals(md.getColumnTypeName(c))) row.add(v); else row.add(rs.getString(c));
                }
                default -> row.add(rs.getString(c));
            }
        }
        return row;
    }
}
