package dev.coxswain.core.remote;

import dev.coxswain.core.engine.StoreKind;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/**
 * Remote-worker tests run once per store: subclasses carry
 * {@code @ParameterizedClass @EnumSource(StoreKind.class)}; each test gets its own harness (a
 * fresh SQLite file or PostgreSQL database, and a clock at {@link RemoteHarness#T0}).
 */
abstract class RemoteTestBase {
    @Parameter
    StoreKind store;

    @TempDir
    Path tmp;

    RemoteHarness h;

    @BeforeEach
    void openHarness() {
        h = RemoteHarness.open(store, tmp);
    }

    @AfterEach
    void closeHarness() {
        if (h != null) h.close();
    }
}
