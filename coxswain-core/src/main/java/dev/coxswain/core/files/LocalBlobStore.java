package dev.coxswain.core.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Files in a directory of this node ({@code files-dir}, by default {@code <data-dir>/files}):
 * objects under {@code objects/<key>}, uploads in progress under {@code tmp/} (same file system,
 * so the finished file is moved into place atomically and a reader never sees half of it).
 *
 * <p>Presigned URLs point at the Coxswain server itself:
 * {@code <publicBaseUrl>/_files/<key>?expires=<epoch s>&sig=<hex HMAC>} (see {@link UrlSigner});
 * the server's {@code /_files} routes check them and stream the bytes. With several nodes the
 * directory must be shared, or files stay on the node that received them.
 */
public final class LocalBlobStore implements BlobStore {
    /** The bucket name in the local store's {@code s3://} URIs. */
    public static final String BUCKET = "coxswain-local";
    /** The path under the public base URL that serves signed URLs. */
    public static final String ROUTE = "/_files/";
    private static final int BUFFER = 64 * 1024;

    private final Path objects;
    private final Path tmp;
    private final UrlSigner signer;
    private final Supplier<String> publicBaseUrl;
    private final Clock clock;

    /**
     * @param publicBaseUrl where clients reach this server, e.g. {@code http://127.0.0.1:8000}
     *                      (a trailing {@code /} is dropped)
     */
    public LocalBlobStore(Path dir, byte[] hmacKey, String publicBaseUrl, Clock clock) {
        this(dir, hmacKey, () -> publicBaseUrl, clock);
    }

    /**
     * @param publicBaseUrl asked at each presign: a server on port 0 knows its address only once
     *                      it listens
     */
    public LocalBlobStore(Path dir, byte[] hmacKey, Supplier<String> publicBaseUrl, Clock clock) {
        this.objects = dir.resolve("objects").toAbsolutePath().normalize();
        this.tmp = dir.resolve("tmp").toAbsolutePath().normalize();
        this.signer = new UrlSigner(hmacKey, clock);
        this.publicBaseUrl = publicBaseUrl;
        this.clock = clock;
        try {
            Files.createDirectories(objects);
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the files directory " + dir, e);
        }
    }

    @Override
    public PresignedUrl presignPut(String key, Duration ttl) {
        return presign("PUT", key, ttl);
    }

    @Override
    public PresignedUrl presignGet(String key, Duration ttl) {
        return presign("GET", key, ttl);
    }

    private PresignedUrl presign(String method, String key, Duration ttl) {
        FileKeys.checkKey(key);
        Instant expires = clock.instant().plus(ttl);
        long at = expires.getEpochSecond();
        String base = publicBaseUrl.get();
        if (base.endsWith("/")) base = base.substring(0, base.length() - 1);
        String url = base + ROUTE + encodePath(key) + "?expires=" + at + "&sig=" + signer.sign(method, key, at);
        return new PresignedUrl(url, method, Instant.ofEpochSecond(at));
    }

    /** Whether a request to a presigned URL may go ahead (the {@code /_files} routes ask). */
    public UrlSigner.Verdict verify(String method, String key, String expires, String signature) {
        return signer.verify(method, key, expires, signature);
    }

    @Override
    public StoredBlob put(String key, InputStream body, long contentLengthOrMinus1) throws IOException {
        Path target = path(key);
        Path part = tmp.resolve(UUID.randomUUID() + ".part");
        boolean done = false;
        try {
            long size = copy(body, part, contentLengthOrMinus1);
            try {
                Files.createDirectories(target.getParent());
                try {
                    Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                throw new BlobStoreException("cannot store " + key + ": " + e.getMessage(), e);
            }
            done = true;
            return new StoredBlob(key, uri(key), size);
        } finally {
            if (!done) Files.deleteIfExists(part);
        }
    }

    /**
     * Streams the body into {@code part} with one small buffer and forces it to disk (the answer
     * to an upload means the file is kept). A read failure is the body's (IOException); a write
     * failure is the store's.
     */
    private static long copy(InputStream body, Path part, long expected) throws IOException {
        FileChannel out;
        try {
            out = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new BlobStoreException("cannot create a temporary file: " + e.getMessage(), e);
        }
        try (out) {
            byte[] buf = new byte[BUFFER];
            long total = 0;
            int n;
            while ((n = body.read(buf)) >= 0) {
                total += n;
                if (expected >= 0 && total > expected) throw new IOException("the body is longer than its Content-Length " + expected);
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                try {
                    while (bb.hasRemaining()) out.write(bb);
                } catch (IOException e) {
                    throw new BlobStoreException("cannot write a file: " + e.getMessage(), e);
                }
            }
            if (expected >= 0 && total != expected) {
                throw new IOException("the body ended after " + total + " of " + expected + " bytes");
            }
            try {
                out.force(true);
            } catch (IOException e) {
                throw new BlobStoreException("cannot write a file: " + e.getMessage(), e);
            }
            return total;
        }
    }

    @Override
    public Optional<BlobInfo> stat(String key) {
        Path p = path(key);
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            if (!a.isRegularFile()) return Optional.empty();
            return Optional.of(new BlobInfo(key, a.size(), a.lastModifiedTime().toInstant()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new BlobStoreException("cannot read " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream open(String key) {
        Path p = path(key);
        if (!Files.isRegularFile(p)) throw new BlobNotFoundException(key);
        try {
            return Files.newInputStream(p);
        } catch (NoSuchFileException e) {
            throw new BlobNotFoundException(key);
        } catch (IOException e) {
            throw new BlobStoreException("cannot read " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void deleteTree(String prefix) {
        FileKeys.checkPrefix(prefix);
        Path dir = path(prefix.substring(0, prefix.length() - 1));
        if (!Files.exists(dir)) return;
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.deleteIfExists(p);
                } catch (DirectoryNotEmptyException e) {
                    // a file was uploaded into it meanwhile: it stays, with its folder
                }
            }
        } catch (IOException e) {
            throw new BlobStoreException("cannot delete " + prefix + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String uri(String key) {
        return "s3://" + BUCKET + "/" + FileKeys.checkKey(key);
    }

    /** The file of a key; a key that would resolve outside the objects folder is refused. */
    private Path path(String key) {
        FileKeys.checkKey(key);
        Path p = objects.resolve(key).normalize();
        if (!p.startsWith(objects) || p.equals(objects)) throw new InvalidFileNameException("key is outside the store");
        return p;
    }

    /** Percent-encodes each segment (space as %20, not +), keeping the {@code /} between them. */
    static String encodePath(String key) {
        StringBuilder sb = new StringBuilder();
        for (String seg : key.split("/", -1)) {
            if (!sb.isEmpty()) sb.append('/');
            sb.append(URLEncoder.encode(seg, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return sb.toString();
    }
}
