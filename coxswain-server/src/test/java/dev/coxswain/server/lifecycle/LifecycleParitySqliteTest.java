package dev.coxswain.server.lifecycle;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** {@link LifecycleParity} on the embedded SQLite store. */
class LifecycleParitySqliteTest extends LifecycleParity {
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        startServer(dir, null);
    }
}
