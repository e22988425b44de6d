package dev.coxswain.core.domain;

import java.util.Locale;

/** {@code active} fires; {@code paused} does not until resumed; {@code completed} will never fire again. */
public enum ScheduleStatus {
    ACTIVE, PAUSED, COMPLETED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ScheduleStatus fromWire(String s) {
        for (ScheduleStatus v : values()) if (v.wire().equals(s)) return v;
        return null;
    }
}
