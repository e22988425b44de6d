package dev.coxswain.server.lifecycle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The checked-in answers a transcript must equal, line for line. They are read from (and, with
 * {@code -Dlifecycle.golden.write=true}, written to) the source tree, not the copy on the class
 * path, so a regeneration is what the next run compares against. A mismatch fails with a line
 * diff and leaves the actual transcript under {@code target/lifecycle-actual/} for a closer look.
 */
final class GoldenFile {
    /** The system property that turns comparing into (re)writing; off unless set to true. */
    static final String WRITE = "lifecycle.golden.write";

    private final Path dir;
    private final Path actualDir;
    private final boolean write;

    GoldenFile(Path dir, Path actualDir, boolean write) {
        this.dir = dir;
        this.actualDir = actualDir;
        this.write = write;
    }

    /** The golden files of coxswain-server's tests, as the build runs them (basedir = the module). */
    static GoldenFile inSources() {
        Path module = Path.of(System.getProperty("basedir", "."));
        return new GoldenFile(module.resolve("src/test/resources/lifecycle-golden"), module.resolve("target/lifecycle-actual"),
                Boolean.getBoolean(WRITE));
    }

    /** Fails unless {@code actual} equals the golden file {@code name}.txt (or writes it, in write mode). */
    void check(String name, String actual) {
        Path file = dir.resolve(name + ".txt");
        try {
            if (write) {
                Files.createDirectories(dir);
                Files.writeString(file, actual, StandardCharsets.UTF_8);
                return;
            }
            if (!Files.exists(file)) {
                throw new AssertionError("no golden file " + file + "; generate it with -D" + WRITE + "=true");
            }
            String expected = Files.readString(file, StandardCharsets.UTF_8);
            if (expected.equals(actual)) return;
            Files.createDirectories(actualDir);
            Path got = actualDir.resolve(name + ".txt");
            Files.writeString(got, actual, StandardCharsets.UTF_8);
            throw new AssertionError("the answers of scenario '" + name + "' differ from " + file + " (actual in " + got
                    + "); expected line / actual line:\n" + LineDiff.of(lines(expected), lines(actual)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> lines(String s) {
        return s.lines().toList();
    }
}
