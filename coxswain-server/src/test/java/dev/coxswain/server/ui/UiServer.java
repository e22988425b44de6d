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

    /** The native API with the admin key, for putting test data in as a client would. */
    public NativeApi api() {
        return new NativeApi(base(), ADMIN);
    }

    @Override
    public void close() {
        server.close();
    }
}
