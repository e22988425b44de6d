package dev.coxswain.server.orchestrator;

import dev.coxswain.core.Json;
import dev.coxswain.core.files.BlobStore;
import dev.coxswain.core.files.BlobStoreException;
import dev.coxswain.core.files.FileKeys;
import dev.coxswain.core.files.InvalidFileNameException;
import dev.coxswain.core.files.PresignedUrl;
import dev.coxswain.core.files.StoredBlob;
import dev.coxswain.server.files.FileAnswers;
import dev.coxswain.server.files.StreamedUpload;
import dev.coxswain.server.http.Respond;
import dev.coxswain.server.http.RouteTable;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/**
 * The orchestrator face's job file endpoints (protocol §15), relative to the face's prefix
 * ({@code /api/v1}):
 * <ul>
 *   <li>{@code GET /jobs/{job_id}/files/upload?filename=&expires_in=} → 200
 *       {@code {"url", "expires_in", "method": "PUT"}}: a presigned PUT (default 3600 s, 1 s to 7 days);</li>
 *   <li>{@code PUT /jobs/{job_id}/files/content/{filename}} with the raw body, streamed to the store
 *       (at most {@code files-max-bytes}, else 413) → 200 {@code {"status": "uploaded", "s3_uri"}};</li>
 *   <li>{@code GET /jobs/{job_id}/files/download/{filename}} → 302 to a fresh presigned GET (60 s),
 *       404 when there is no such file.</li>
 * </ul>
 * With files off (no store) each answers 501 {@code {"error": "S3 support is not enabled"}}; a missing
 * or invalid filename is 400. Errors are {@code {"error": "<message>"}}. Files live under
 * {@code jobs/<job_id>/<filename>}.
 *
 * <p>Who may touch a job's files is the face's decision: {@link JobAccess#check} runs first on
 * every request and refuses by throwing (the face's guard turns that into its 401/403/404).
 */
public final class OrchestratorFileRoutes {
    /** The S3 presign limit (7 days), and the default of the protocol. */
    static final long MAX_EXPIRES_IN = 7 * 24 * 3600;
    static final long DEFAULT_EXPIRES_IN = 3600;
    static final Duration DOWNLOAD_TTL = Duration.ofSeconds(60);
    private static final Logger LOG = Logger.getLogger(OrchestratorFileRoutes.class.getName());

    /** Lets a request at a job's files through, or refuses it by throwing (the face maps the exception). */
    @FunctionalInterface
    public interface JobAccess {
        void check(ServerRequest req, String jobId) throws Exception;
    }

    private final BlobStore store;
    private final JobAccess access;
    private final StreamedUpload upload;

    /**
     * @param store    null when files are off (every endpoint answers 501)
     * @param maxBytes the largest body {@code PUT .../content/{filename}} accepts
     */
    public OrchestratorFileRoutes(BlobStore store, JobAccess access, long maxBytes) {
        this.store = store;
        this.access = access;
        this.upload = new StreamedUpload(maxBytes);
    }

    /**
     * Registers the three routes as authenticated routes of {@code face} under {@code prefix}
     * (e.g. {@code /api/v1}); {@code guard} wraps each handler with the face's authentication and
     * error mapping.
     */
    public void register(RouteTable.Face face, String prefix, UnaryOperator<Handler> guard) {
        face.get(prefix + "/jobs/{job_id}/files/upload", RouteTable.Access.AUTHENTICATED, guard.apply(this::upload))
                .put(prefix + "/jobs/{job_id}/files/content/{filename}", RouteTable.Access.AUTHENTICATED, guard.apply(this::content))
                .get(prefix + "/jobs/{job_id}/files/download/{filename}", RouteTable.Access.AUTHENTICATED, guard.apply(this::download));
    }

    /** {@code GET /jobs/{job_id}/files/upload}. */
    public void upload(ServerRequest req, ServerResponse res) throws Exception {
        String jobId = allowed(req, res);
        if (jobId == null) return;
        String key = key(res, jobId, req.query().first("filename").orElse(null));
        if (key == null) return;
        long expiresIn = DEFAULT_EXPIRES_IN;
        String raw = req.query().first("expires_in").orElse(null);
        if (raw != null) {
            try {
                expiresIn = Long.parseLong(raw.trim());
            } catch (NumberFormatException e) {
                expiresIn = -1;
            }
            if (expiresIn < 1 || expiresIn > MAX_EXPIRES_IN) {
                FileAnswers.error(res, 400, "expires_in must be an integer between 1 and " + MAX_EXPIRES_IN);
                return;
            }
        }
        PresignedUrl url;
        try {
            url = store.presignPut(key, Duration.ofSeconds(expiresIn));
        } catch (BlobStoreException e) {
            unavailable(res, key, e);
            return;
        }
        Respond.json(res, 200, Json.object().put("url", url.url()).put("expires_in", expiresIn).put("method", "PUT"));
    }

    /** {@code PUT /jobs/{job_id}/files/content/{filename}}. */
    public void content(ServerRequest req, ServerResponse res) throws Exception {
        String jobId = allowed(req, res);
        if (jobId == null) return;
        String key = key(res, jobId, req.path().pathParameters().get("filename"));
        if (key == null) return;
        StoredBlob b = upload.receive(req, res, store, key);
        if (b == null) return;
        Respond.json(res, 200, Json.object().put("status", "uploaded").put("s3_uri", b.uri()));
    }

    /** {@code GET /jobs/{job_id}/files/download/{filename}}. */
    public void download(ServerRequest req, ServerResponse res) throws Exception {
        String jobId = allowed(req, res);
        if (jobId == null) return;
        String key = key(res, jobId, req.path().pathParameters().get("filename"));
        if (key == null) return;
        PresignedUrl url;
        try {
            if (store.stat(key).isEmpty()) {
                FileAnswers.error(res, 404, "File not found");
                return;
            }
            url = store.presignGet(key, DOWNLOAD_TTL);
        } catch (BlobStoreException e) {
            unavailable(res, key, e);
            return;
        }
        res.status(Status.FOUND_302);
        res.header(HeaderNames.LOCATION, url.url());
        res.header(HeaderNames.CACHE_CONTROL, "no-store"); // the link expires; never reuse a cached redirect
        res.send();
    }

    /** 501 when files are off; then the face's access check; returns the job id, or null when answered. */
    private String allowed(ServerRequest req, ServerResponse res) throws Exception {
        if (store == null) {
            FileAnswers.error(res, 501, "S3 support is not enabled");
            return null;
        }
        String jobId = req.path().pathParameters().get("job_id");
        access.check(req, jobId);
        return jobId;
    }

    private static String key(ServerResponse res, String jobId, String filename) {
        try {
            return FileKeys.jobFile(jobId, filename);
        } catch (InvalidFileNameException e) {
            FileAnswers.error(res, 400, e.getMessage());
            return null;
        }
    }

    private static void unavailable(ServerResponse res, String key, BlobStoreException e) {
        LOG.warning("file storage failed for " + key + ": " + e.getMessage());
        FileAnswers.error(res, 503, "File storage is unavailable");
    }
}
