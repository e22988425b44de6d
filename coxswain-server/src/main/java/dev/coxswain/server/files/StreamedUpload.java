package dev.coxswain.server.files;

import dev.coxswain.core.files.BlobStore;
import dev.coxswain.core.files.BlobStoreException;
import dev.coxswain.core.files.BlobTooLargeException;
import dev.coxswain.core.files.LimitedInputStream;
import dev.coxswain.core.files.StoredBlob;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.OptionalLong;
import java.util.logging.Logger;

/**
 * Streams a request body into a {@link BlobStore} (never the whole body in memory) with the
 * {@code files-max-bytes} limit: a Content-Length over it is refused before a byte is read, a
 * chunked body as soon as it passes it. Failures are answered here (413, 400, 503).
 */
public final class StreamedUpload {
    private static final Logger LOG = Logger.getLogger(StreamedUpload.class.getName());
    private final long maxBytes;

    public StreamedUpload(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The stored file, or null when the failure was answered. */
    public StoredBlob receive(ServerRequest req, ServerResponse res, BlobStore store, String key) {
        OptionalLong declared = req.headers().contentLength();
        long length = declared.isPresent() ? declared.getAsLong() : -1;
        if (length > maxBytes) {
            FileAnswers.error(res, 413, tooLarge());
            return null;
        }
        try (InputStream body = new LimitedInputStream(new ClientBody(req.content().inputStream()), maxBytes)) {
            return store.put(key, body, length);
        } catch (BlobTooLargeException e) {
            FileAnswers.error(res, 413, tooLarge());
        } catch (BlobStoreException e) {
            LOG.warning("file upload to " + key + " failed: " + e.getMessage());
            FileAnswers.error(res, 503, "File storage is unavailable");
        } catch (IOException e) {
            // The client's body broke off or did not match its Content-Length; it may be gone.
            FileAnswers.error(res, 400, "Incomplete request body: " + e.getMessage());
        }
        return null;
    }

    private String tooLarge() {
        return "File is larger than the limit of " + maxBytes + " bytes";
    }

    /**
     * The request's body stream, whose failures (the client closed early, a broken chunk) Helidon
     * reports as unchecked exceptions; here they are IOExceptions, the body's own failures, so
     * they cannot be mistaken for the store's.
     */
    private static final class ClientBody extends java.io.FilterInputStream {
        ClientBody(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (RuntimeException e) {
                throw broken(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (RuntimeException e) {
                throw broken(e);
            }
        }

        private static IOException broken(RuntimeException e) {
            return new IOException("the request body broke off", e);
        }
    }
}
