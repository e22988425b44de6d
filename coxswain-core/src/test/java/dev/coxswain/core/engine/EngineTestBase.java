package dev.coxswain.core.engine;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/**
 * Engine behaviour tests run once per store: subclasses carry
 * {@code @ParameterizedClass @EnumSource(StoreKind.class)}, and each test gets its own harness
 * (a fresh SQLite file or PostgreSQL database, and a clock at {@link EngineHarness#T0}).
 */
abstract class EngineTestBase {
    @Parameter
    StoreKind store;

    @TempDir
    Path tmp;

    EngineHarness h;

    @BeforeEach
    void openHarness() {
        h = EngineHarness.open(store, tmp);
    }

    @AfterEach
    void closeHarness() {
        if (h != null) h.close();
    }
}
