package dev.coxswain.core.exec;

import dev.coxswain.core.domain.LogLevel;

/** Where an executor writes the log lines of one attempt. Implementations must be thread-safe. */
@FunctionalInterface
public interface LogSink {
    void line(LogLevel level, String message);
}
