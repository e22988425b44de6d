package dev.coxswain.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The vendored front-end files are exactly the bytes their README records: a hand edit, a bad
 * merge or a line-end rewrite of a minified library would otherwise go unseen until a browser
 * misbehaves.
 */
class VendoredAssetsTest {
    static final String DIR = "ui/static/vendor/";
    /** A table row of the README: | `file` | package | version | from | `sha256` |. */
    static final Pattern ROW = Pattern.compile("^\\|\\s*`([^`]+)`\\s*\\|.*\\|\\s*`([0-9a-f]{64})`\\s*\\|\\s*$");

    @Test
    void everyFileTheReadmeListsIsOnTheClasspathWithItsRecordedSha256() {
        Map<String, String> recorded = recordedSums();
        assertThat(recorded).containsOnlyKeys("htmx-2.0.11.min.js", "htmx-LICENSE.txt",
                "uplot-1.6.32.iife.min.js", "uplot-1.6.32.min.css", "uplot-LICENSE.txt");
        recorded.forEach((file, sum) ->
                assertThat(sha256(bytes(DIR + file))).as("sha256 of %s", file).isEqualTo(sum));
    }

    @Test
    void noFileSitsInTheVendorFolderWithoutARecordedSum() throws IOException {
        // The source folder, not the classpath: a directory listing of a classpath entry differs
        // between a folder and a jar. Surefire runs in the module's directory.
        Path folder = Path.of("src/main/resources", DIR);
        assertThat(folder).isDirectory();
        List<String> present;
        try (Stream<Path> files = Files.list(folder)) {
            present = files.map(p -> p.getFileName().toString())
                    .filter(name -> !name.equals("README.md") && !name.equals(".gitattributes"))
                    .sorted().toList();
        }
        assertThat(present).containsExactlyInAnyOrderElementsOf(recordedSums().keySet());
    }

    @Test
    void theLibrariesAreTheVersionsTheirNamesSay() {
        // Names carry the version so browsers may cache them forever; the bytes must agree.
        assertThat(new String(bytes(DIR + "htmx-2.0.11.min.js"), StandardCharsets.UTF_8))
                .contains("version:\"2.0.11\"");
        assertThat(new String(bytes(DIR + "uplot-1.6.32.iife.min.js"), StandardCharsets.UTF_8))
                .startsWith("/*! https://github.com/leeoniya/uPlot (v1.6.32) */");
    }

    static Map<String, String> recordedSums() {
        Map<String, String> sums = new LinkedHashMap<>();
        for (String line : new String(bytes(DIR + "README.md"), StandardCharsets.UTF_8).split("\n")) {
            Matcher row = ROW.matcher(line);
            if (row.matches()) {
                sums.put(row.group(1), row.group(2));
            }
        }
        return sums;
    }

    static byte[] bytes(String resource) {
        try (InputStream in = VendoredAssetsTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as("classpath resource %s", resource).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
