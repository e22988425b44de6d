package dev.coxswain.core.files;

import java.io.IOException;

/** A body ran past the size limit; thrown by {@link LimitedInputStream} as it is read. */
public final class BlobTooLargeException extends IOException {
    private final long limit;

    public BlobTooLargeException(long limit) {
        super("the file is larger than " + limit + " bytes");
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }
}
