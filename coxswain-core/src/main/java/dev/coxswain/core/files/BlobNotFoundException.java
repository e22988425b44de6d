package dev.coxswain.core.files;

/** No object is stored under the key. */
public final class BlobNotFoundException extends RuntimeException {
    public BlobNotFoundException(String key) {
        super("no file " + key);
    }
}
