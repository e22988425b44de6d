package dev.coxswain.core.domain;

import java.util.Locale;

public enum WorkerStatus {
    ACTIVE, IDLE, OFFLINE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static WorkerStatus fromWire(String s) {
        for (WorkerStatus w : values()) if (w.wire().equals(s)) return w;
        return null;
    }
}
