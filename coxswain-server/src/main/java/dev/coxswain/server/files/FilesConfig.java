package dev.coxswain.server.files;

import dev.coxswain.core.files.S3Settings;
import java.nio.file.Path;

/**
 * Where job files are kept ({@code files}: local, s3 or off) and how they are reached.
 *
 * @param dir       the local store's directory; null: {@code <data-dir>/files}
 * @param publicUrl the base of the local store's signed URLs; null: {@code http://<bind>:<port>}
 * @param maxBytes  the largest file accepted through the server (the streamed upload)
 * @param s3        the S3 store's settings (used when the mode is {@link Mode#S3}); null otherwise
 */
public record FilesConfig(Mode mode, Path dir, String publicUrl, long maxBytes, S3Settings s3) {
    /** 5 GiB: S3's own limit for one PutObject, and the default here. */
    public static final long DEFAULT_MAX_BYTES = 5L * 1024 * 1024 * 1024;

    public enum Mode { LOCAL, S3, OFF }

    public static FilesConfig defaults() {
        return new FilesConfig(Mode.LOCAL, null, null, DEFAULT_MAX_BYTES, null);
    }

    /** S3Settings' own toString hides the secret key. */
    @Override
    public String toString() {
        return "FilesConfig[mode=" + mode + ", dir=" + dir + ", publicUrl=" + publicUrl + ", maxBytes=" + maxBytes + ", s3=" + s3 + "]";
    }
}
