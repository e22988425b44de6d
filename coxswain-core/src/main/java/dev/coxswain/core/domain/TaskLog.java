package dev.coxswain.core.domain;

import java.time.Instant;

public record TaskLog(Instant timestamp, LogLevel level, String message) {
}
