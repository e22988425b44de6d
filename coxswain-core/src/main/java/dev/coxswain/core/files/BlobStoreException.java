package dev.coxswain.core.files;

/**
 * The store itself failed (disk, network, S3's answer). The message names the operation and the
 * key, never credentials.
 */
public final class BlobStoreException extends RuntimeException {
    public BlobStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
