package dev.coxswain.core.files;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes a body through and throws {@link BlobTooLargeException} as soon as more than
 * {@code limit} bytes have been read: a body without a Content-Length is refused while it
 * streams, not after it was stored.
 */
public final class LimitedInputStream extends FilterInputStream {
    private final long limit;
    private long read;

    public LimitedInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) count(1);
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n > 0) count(n);
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long s = super.skip(n);
        if (s > 0) count(s);
        return s;
    }

    @Override
    public boolean markSupported() {
        return false; // a reset would un-count bytes
    }

    private void count(long n) throws BlobTooLargeException {
        read += n;
        if (read > limit) throw new BlobTooLargeException(limit);
    }
}
