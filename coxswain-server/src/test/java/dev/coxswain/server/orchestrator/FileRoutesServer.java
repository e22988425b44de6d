package dev.coxswain.server.orchestrator;

import dev.coxswain.core.files.BlobStore;
import dev.coxswain.core.files.LocalBlobStore;
import dev.coxswain.server.files.FileAnswers;
import dev.coxswain.server.files.FileStores;
import dev.coxswain.server.files.LocalFileRoutes;
import dev.coxswain.server.http.ConnectionGuard;
import dev.coxswain.server.http.ConnectionLimits;
import dev.coxswain.server.http.RouteTable;
import dev.coxswain.server.metrics.ServerMetrics;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The job file endpoints on a real Helidon server, until the orchestrator face registers them
 * with its own guard: {@link OrchestratorFileRoutes} under {@code /api/v1} with a stand-in
 * {@link OrchestratorFileRoutes.JobAccess} (header {@code X-Test-Token} must be {@link #TOKEN},
 * else 401; job {@code someone-elses} is 403, job {@code no-such-job} 404), plus the local
 * store's {@code /_files} routes, with the server's own connection guard.
 *
 * <p>{@link #main} runs it as a separate process (the memory test): args data-dir, port, max-bytes.
 */
public final class FileRoutesServer implements AutoCloseable {
    public static final String TOKEN = "files-test-token";
    static final byte[] SIGNING_KEY = "files-test-signing-key-0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /** What the stand-in access check throws; the stand-in guard answers it. */
    static final class Denied extends Exception {
        final int status;

        Denied(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    final WebServer web;
    final BlobStore store;
    final RouteTable routes;
    private final ConnectionGuard guard = new ConnectionGuard(ConnectionLimits.defaults());
    private final ServerMetrics metrics = new ServerMetrics();

    /** @param store null: files off */
    FileRoutesServer(BlobStore store, long maxBytes, int port, AtomicReference<String> baseUrl) {
        this.store = store;
        HttpRouting.Builder routing = HttpRouting.builder();
        routes = new RouteTable(routing, metrics, req -> null);
        OrchestratorFileRoutes.JobAccess access = (req, jobId) -> {
            if (!TOKEN.equals(req.headers().first(io.helidon.http.HeaderNames.create("X-Test-Token")).orElse(null))) {
                throw new Denied(401, "Unauthorized");
            }
            if ("someone-elses".equals(jobId)) throw new Denied(403, "Forbidden");
            if ("no-such-job".equals(jobId)) throw new Denied(404, "Job not found");
        };
        new OrchestratorFileRoutes(store, access, maxBytes).register(routes.face("orchestrator"), "/api/v1", FileRoutesServer::guarded);
        if (store instanceof LocalBlobStore local) new LocalFileRoutes(local, maxBytes).register(routes);
        routes.face("health").get("/health/live", RouteTable.Access.OPEN, (req, res) -> res.send("ok"));
        web = WebServer.builder().host("127.0.0.1").port(port).shutdownHook(false).update(guard::applyTo)
                .maxPayloadSize(-1).routing(routing).build().start();
        if (baseUrl != null) baseUrl.set(FileStores.baseUrl("127.0.0.1", web.port()));
    }

    /** The stand-in for the face's guard: its refusals become answers. */
    private static Handler guarded(Handler h) {
        return (req, res) -> {
            try {
                h.handle(req, res);
            } catch (Denied d) {
                FileAnswers.error(res, d.status, d.getMessage());
            }
        };
    }

    /** A server with a local store under {@code dir} whose links point back at it. */
    static FileRoutesServer local(Path dir, long maxBytes, int port, Clock clock) {
        AtomicReference<String> base = new AtomicReference<>();
        LocalBlobStore store = new LocalBlobStore(dir.resolve("files"), SIGNING_KEY, base::get, clock);
        return new FileRoutesServer(store, maxBytes, port, base);
    }

    int port() {
        return web.port();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    @Override
    public void close() {
        web.stop();
        guard.close();
        if (store != null) store.close();
        metrics.close();
    }

    public static void main(String[] args) throws InterruptedException {
        FileRoutesServer s = local(Path.of(args[0]), Long.parseLong(args[2]), Integer.parseInt(args[1]), Clock.systemUTC());
        System.out.println("READY " + s.port() + " max heap " + Runtime.getRuntime().maxMemory());
        System.out.flush();
        new CountDownLatch(1).await(); // until the test kills this process
    }
}
