package dev.coxswain.worker;

/** Level of a task log line, as the server files it. */
public enum LogLevel {
    INFO("info"),
    WARN("warn"),
    ERROR("error");

    private final String wire;

    LogLevel(String wire) {
        this.wire = wire;
    }

    /** The level as written in a {@code log} event. */
    public String wireName() {
        return wire;
    }
}
