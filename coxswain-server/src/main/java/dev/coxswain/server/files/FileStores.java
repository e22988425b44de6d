package dev.coxswain.server.files;

import dev.coxswain.core.files.BlobStore;
import dev.coxswain.core.files.LocalBlobStore;
import dev.coxswain.core.files.S3BlobStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Supplier;
import java.util.logging.Logger;

/** Opens the file store the configuration names. */
public final class FileStores {
    private static final Logger LOG = Logger.getLogger(FileStores.class.getName());

    private FileStores() {
    }

    /**
     * @param signingKey        key of the local store's URL signatures (the same on every node)
     * @param listeningBaseUrl  {@code http://<bind>:<port>} once the server listens (the local
     *                          store's default public URL)
     * @return the store, or null when files are off
     * @throws dev.coxswain.core.files.BlobStoreException the S3 bucket cannot be reached or created
     */
    public static BlobStore open(FilesConfig cfg, Path dataDir, byte[] signingKey, Supplier<String> listeningBaseUrl, Clock clock) {
        return switch (cfg.mode()) {
            case OFF -> {
                LOG.info("file storage is off: the job file endpoints answer 501");
                yield null;
            }
            case LOCAL -> {
                Path dir = cfg.dir() != null ? cfg.dir() : dataDir.resolve("files");
                Supplier<String> base = cfg.publicUrl() != null ? cfg::publicUrl : listeningBaseUrl;
                LOG.info("file storage: local directory " + dir);
                yield new LocalBlobStore(dir, signingKey, base, clock);
            }
            case S3 -> {
                LOG.info("file storage: " + cfg.s3()); // S3Settings.toString hides the secret key
                yield S3BlobStore.open(cfg.s3());
            }
        };
    }

    /** {@code http://host:port} for a bind address: the wildcard becomes loopback, IPv6 gets brackets. */
    public static String baseUrl(String bind, int port) {
        String host = bind;
        if (host.equals("0.0.0.0")) host = "127.0.0.1";
        else if (host.equals("::") || host.equals("[::]")) host = "[::1]";
        else if (host.contains(":") && !host.startsWith("[")) host = "[" + host + "]";
        return "http://" + host + ":" + port;
    }
}
