package dev.coxswain.core.domain;

import java.util.Locale;

/** Sortable task fields; the wire name is the API field name. */
public enum TaskSort {
    CREATED_AT("created_at"), UPDATED_AT("updated_at"), PRIORITY("priority"),
    SCHEDULED_AT("run_at"), STARTED_AT("started_at"), COMPLETED_AT("completed_at"),
    NAME("name"), STATUS("status"), ID("id");

    private final String column;

    TaskSort(String column) {
        this.column = column;
    }

    /** The SQL column; a fixed identifier, never user text. */
    public String column() {
        return column;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TaskSort fromWire(String s) {
        for (TaskSort t : values()) if (t.wire().equals(s)) return t;
        return null;
    }
}
