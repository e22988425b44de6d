package dev.coxswain.server.device;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** {@link DeviceFaceConformance} on the embedded SQLite store. */
class DeviceFaceSqliteConformanceTest extends DeviceFaceConformance {
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        startServer(dir, null);
    }
}
