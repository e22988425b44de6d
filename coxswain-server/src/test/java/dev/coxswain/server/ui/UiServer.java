package dev.coxswain.server.ui;

import dev.coxswain.server.CoxswainServer;
import dev.coxswain.server.ServerConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;

/** A Coxswain server on 127.0.0.1 (SQLite in {@code dataDir}) for the dashboard's tests. */
public final class UiServer implements AutoCloseable {
    public static final String ADMIN = "test-admin-key-ui-0123456789abcdef";

    public final CoxswainServer server;

    public UiServer(Path dataDir, Clock clock) {
        this(config(dataDir), clock);
    }

    public UiServer(ServerConfig cfg, Clock clock) {
        this.server = CoxswainServer.start(cfg, clock);
    }

    public static ServerConfig config(Path dataDir) {
        return new ServerConfig(0, "127.0.0.1", dataDir, null, null, null, ADMIN, 2, Duration.ZERO,
                ZoneOffset.UTC, 1 << 20, 1000, false, "worker-ui", Duration.ofSeconds(30));
    }

    public String base() {
        return "http://127.0.0.1:" + server.port();
    }

    /** A fresh browser-like client (own cookie jar), not signed in. */
    public UiClient client() {
        return new UiClient(base());
    }

    /** A client signed in with the admin key. */
    public UiClient admin() {
        UiClient c = client();
        c.signIn(ADMIN);
        return c;
    }

    /** Creates an API key through the engine and returns its secret. */
    public String key(String name, java.util.Set<String> scopes) {
        return server.engine().apiKeys().create(name, scopes, "unlimited").secret();
    }

    /** Calls the native API with the admin key (test setup through the public API); returns the status. */
    public int api(String method, String path, String json) {
        try {
            var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(base() + path))
                    .header("Authorization", "ApiKey " + ADMIN).header("Content-Type", "application/json")
                    .method(method, json == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                            : java.net.http.HttpRequest.BodyPublishers.ofString(json))
                    .build();
            return java.net.http.HttpClient.newHttpClient().send(req, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
