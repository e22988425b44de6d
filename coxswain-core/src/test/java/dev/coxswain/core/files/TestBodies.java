package dev.coxswain.core.files;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Bodies of any size made on the fly (never held in memory) and their digests. */
final class TestBodies {
    private TestBodies() {
    }

    /**
     * {@code size} pseudo-random bytes from {@code seed}; records the largest read it was asked
     * for, so a test can tell that a store reads in bounded chunks.
     */
    static final class Generated extends InputStream {
        private final long size;
        private long pos;
        private long state;
        int largestRead;

        Generated(long size, long seed) {
            this.size = size;
            this.state = seed;
        }

        @Override
        public int read() {
            if (pos >= size) return -1;
            pos++;
            return next() & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            largestRead = Math.max(largestRead, len);
            if (pos >= size) return -1;
            int n = (int) Math.min(len, size - pos);
            for (int i = 0; i < n; i++) b[off + i] = (byte) next();
            pos += n;
            return n;
        }

        private int next() {
            state = state * 6364136223846793005L + 1442695040888963407L;
            return (int) (state >>> 33);
        }
    }

    static String sha256(InputStream in) throws IOException {
        try (in) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) >= 0) d.update(buf, 0, n);
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
