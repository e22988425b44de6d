package dev.coxswain.core.files;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;

/**
 * Where job files live: the data directory ({@link LocalBlobStore}) or an S3-compatible bucket
 * ({@link S3BlobStore}). Keys are {@code /}-separated paths checked by {@link FileKeys}; jobs use
 * {@code jobs/<job_id>/<filename>}. No method holds a whole body in memory.
 *
 * <p>Failures of the store itself (disk full, S3 unreachable, refused credentials) are
 * {@link BlobStoreException}s; failures reading the caller's body stream are the stream's own
 * {@link IOException}s, so a caller can tell its client's fault from the store's.
 */
public interface BlobStore extends AutoCloseable {
    /** A URL that accepts one {@code PUT} of the object's bytes until {@code ttl} has passed. */
    PresignedUrl presignPut(String key, Duration ttl);

    /** A URL that answers {@code GET} with the object's bytes until {@code ttl} has passed. */
    PresignedUrl presignGet(String key, Duration ttl);

    /**
     * Stores {@code body} under {@code key}, replacing what was there; the object is visible only
     * once complete. Reads the body in bounded chunks.
     *
     * @param contentLengthOrMinus1 the body's length when the caller knows it (a body that ends
     *                              early or runs longer is refused), or -1
     * @throws IOException reading {@code body} failed (including {@link BlobTooLargeException}
     *                     from a {@link LimitedInputStream}); nothing was stored
     */
    StoredBlob put(String key, InputStream body, long contentLengthOrMinus1) throws IOException;

    /** Size and modification time, or empty when there is no such object. */
    Optional<BlobInfo> stat(String key);

    /**
     * The object's bytes; the caller closes the stream.
     *
     * @throws BlobNotFoundException there is no such object
     */
    InputStream open(String key);

    /** Deletes every object whose key starts with {@code prefix} (which ends with {@code /}). */
    void deleteTree(String prefix);

    /**
     * The object's URI as clients see it: {@code s3://<bucket>/<key>} for both stores (the local
     * store's bucket is {@link LocalBlobStore#BUCKET}), so the wire shape does not depend on
     * where files are kept.
     */
    String uri(String key);

    @Override
    default void close() {
    }
}
