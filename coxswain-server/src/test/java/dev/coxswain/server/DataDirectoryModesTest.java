package dev.coxswain.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data directory holds the store (webhook secrets, environment values, connection
 * passwords — sealed, but with the key file next to them) and the keys: after a server start only
 * its owner can read any of it, whether the server created it or found it open.
 */
class DataDirectoryModesTest {
    @TempDir
    Path tmp;

    ServerConfig config(Path dataDir) {
        return new ServerConfig(0, "127.0.0.1", dataDir, null, null, null, "data-dir-modes-admin-key-0123", 1, Duration.ZERO,
                ZoneOffset.UTC, 1 << 20, 1000, false, "worker-modes", Duration.ofSeconds(30));
    }

    static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void aNewDataDirectoryAndItsFilesAreTheOwnersOnly() throws Exception {
        Path data = tmp.resolve("fresh").resolve("data");
        try (CoxswainServer s = CoxswainServer.start(config(data), Clock.systemUTC())) {
            // A write, so the WAL holds something.
            s.engine().apiKeys().create("modes", java.util.Set.of("read"), "unlimited");
            assertThat(mode(data)).isEqualTo("rwx------");
            for (String f : List.of("coxswain.db", "coxswain.db-wal", "coxswain.db-shm", "secret.key")) {
                assertThat(data.resolve(f)).exists();
                assertThat(mode(data.resolve(f))).as(f).isEqualTo("rw-------");
            }
        }
    }

    @Test
    void anOpenDataDirectoryIsTightenedAtStartAndSaysSo() throws Exception {
        Path data = tmp.resolve("open");
        try (CoxswainServer s = CoxswainServer.start(config(data), Clock.systemUTC())) {
            s.engine().apiKeys().create("modes", java.util.Set.of("read"), "unlimited");
        }
        // As an earlier version left them.
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(data.resolve("coxswain.db"), PosixFilePermissions.fromString("rw-r--r--"));
        if (Files.exists(data.resolve("coxswain.db-wal"))) {
            Files.setPosixFilePermissions(data.resolve("coxswain.db-wal"), PosixFilePermissions.fromString("rw-r--r--"));
        }
        List<String> said = new CopyOnWriteArrayList<>();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                said.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger("dev.coxswain.core.store.Database");
        log.addHandler(h);
        try (CoxswainServer s = CoxswainServer.start(config(data), Clock.systemUTC())) {
            s.engine().apiKeys().create("modes-2", java.util.Set.of("read"), "unlimited");
            assertThat(mode(data)).isEqualTo("rwx------");
            for (String f : List.of("coxswain.db", "coxswain.db-wal", "coxswain.db-shm")) {
                assertThat(mode(data.resolve(f))).as(f).isEqualTo("rw-------");
            }
        } finally {
            log.removeHandler(h);
        }
        assertThat(said).anySatisfy(m -> assertThat(m).contains("data directory").contains(data.toString()));
        assertThat(said).anySatisfy(m -> assertThat(m).contains("coxswain.db"));
    }
}
