package dev.coxswain.core.files;

import java.time.Instant;

/** A URL that grants one HTTP method on one object until {@code expiresAt}. */
public record PresignedUrl(String url, String method, Instant expiresAt) {
}
