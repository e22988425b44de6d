package dev.coxswain.server.files;

import static dev.coxswain.server.http.RouteTable.Access.OPEN;

import dev.coxswain.core.Json;
import dev.coxswain.core.files.BlobInfo;
import dev.coxswain.core.files.BlobNotFoundException;
import dev.coxswain.core.files.BlobStoreException;
import dev.coxswain.core.files.FileKeys;
import dev.coxswain.core.files.InvalidFileNameException;
import dev.coxswain.core.files.LocalBlobStore;
import dev.coxswain.core.files.StoredBlob;
import dev.coxswain.core.files.UrlSigner;
import dev.coxswain.server.http.Respond;
import dev.coxswain.server.http.RouteTable;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Serves the local store's presigned URLs: {@code PUT /_files/{key}} and {@code GET /_files/{key}}
 * with {@code ?expires=&sig=}. The routes are open (no API key): the signature is the credential,
 * checked before anything else; a bad one is 403 {@code Invalid signature}, an expired one 403
 * {@code Link expired}. Bodies stream both ways.
 */
public final class LocalFileRoutes {
    public static final String FACE = "files";
    private static final Logger LOG = Logger.getLogger(LocalFileRoutes.class.getName());

    private final LocalBlobStore store;
    private final StreamedUpload upload;

    public LocalFileRoutes(LocalBlobStore store, long maxBytes) {
        this.store = store;
        this.upload = new StreamedUpload(maxBytes);
    }

    public void register(RouteTable table) {
        table.face(FACE)
                .put("/_files/{key...}", OPEN, this::put)
                .get("/_files/{key...}", OPEN, this::get);
    }

    /** The key when the request's signature holds for it; otherwise answers 403 (or 400) and returns null. */
    private String authorized(ServerRequest req, ServerResponse res, String method) {
        String key = req.path().pathParameters().get("key");
        UrlSigner.Verdict v = store.verify(method, key, req.query().first("expires").orElse(null),
                req.query().first("sig").orElse(null));
        switch (v) {
            case BAD_SIGNATURE -> FileAnswers.error(res, 403, "Invalid signature");
            case EXPIRED -> FileAnswers.error(res, 403, "Link expired");
            case VALID -> {
                try {
                    return FileKeys.checkKey(key);
                } catch (InvalidFileNameException e) { // signed, yet not a key: only a store bug gets here
                    FileAnswers.error(res, 400, e.getMessage());
                }
            }
        }
        return null;
    }

    private void put(ServerRequest req, ServerResponse res) {
        String key = authorized(req, res, "PUT");
        if (key == null) return;
        StoredBlob b = upload.receive(req, res, store, key);
        if (b == null) return;
        Respond.json(res, 200, Json.object().put("status", "uploaded").put("s3_uri", b.uri()).put("size", b.size()));
    }

    private void get(ServerRequest req, ServerResponse res) throws IOException {
        String key = authorized(req, res, "GET");
        if (key == null) return;
        BlobInfo info;
        InputStream in;
        try {
            Optional<BlobInfo> found = store.stat(key);
            if (found.isEmpty()) {
                FileAnswers.error(res, 404, "File not found");
                return;
            }
            info = found.get();
            in = store.open(key);
        } catch (BlobNotFoundException e) { // deleted between stat and open
            FileAnswers.error(res, 404, "File not found");
            return;
        } catch (BlobStoreException e) {
            LOG.warning("file download of " + key + " failed: " + e.getMessage());
            FileAnswers.error(res, 503, "File storage is unavailable");
            return;
        }
        String name = key.substring(key.lastIndexOf('/') + 1);
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "application/octet-stream");
        res.header(HeaderNames.CONTENT_LENGTH, Long.toString(info.size()));
        res.header(HeaderNames.CONTENT_DISPOSITION,
                "attachment; filename*=UTF-8''" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
        try (InputStream body = in; OutputStream out = res.outputStream()) {
            body.transferTo(out);
        }
    }
}
