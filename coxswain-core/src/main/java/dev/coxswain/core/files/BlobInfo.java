package dev.coxswain.core.files;

import java.time.Instant;

/** An object's size and last modification. */
public record BlobInfo(String key, long size, Instant lastModified) {
}
