package dev.coxswain.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real S3-compatible server for tests: S3Proxy (jclouds' filesystem backend, objects under a
 * temp directory) as a separate JVM on a free loopback port, with AWS v2/v4 signatures checked
 * against a fixed test key pair. Maven copies its self-contained jar into
 * {@code coxswain-core/target/s3proxy} and names it in {@code coxswain.s3proxy.jar}.
 *
 * <p>Without the jar (a test run outside Maven) the test is skipped with a message on stderr;
 * under CI it fails instead, so a green CI run always means S3 was tested. Only the process
 * started here is ever stopped, through its own handle.
 */
public final class S3ProxyServer implements AutoCloseable {
    public static final String ACCESS_KEY = "coxswain-test-access";
    public static final String SECRET_KEY = "coxswain-test-secret-key-0123456789";
    public static final String REGION = "us-east-1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Path log;
    private final int port;

    private S3ProxyServer(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts S3Proxy with its objects and log under {@code dir}; waits until it answers HTTP. */
    public static S3ProxyServer start(Path dir) {
        Path jar = jar();
        try {
            Path data = Files.createDirectories(dir.resolve("s3-data"));
            int port = freePort();
            Path conf = dir.resolve("s3proxy.properties");
            Files.writeString(conf, String.join("\n",
                    "s3proxy.endpoint=http://127.0.0.1:" + port,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + ACCESS_KEY,
                    "s3proxy.credential=" + SECRET_KEY,
                    "jclouds.provider=filesystem-nio2",
                    "jclouds.filesystem.basedir=" + data,
                    ""));
            Path log = dir.resolve("s3proxy.log");
            String java = ProcessHandle.current().info().command().orElse("java");
            ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(),
                    "--properties", conf.toString()));
            pb.redirectErrorStream(true);
            pb.redirectOutput(log.toFile());
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            S3ProxyServer s = new S3ProxyServer(pb.start(), log, port);
            s.awaitReady();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start S3Proxy", e);
        }
    }

    private static Path jar() {
        String prop = System.getProperty("coxswain.s3proxy.jar");
        Path jar = prop == null ? null : Path.of(prop);
        if (jar != null && Files.isReadable(jar)) return jar;
        String why = "S3Proxy's jar is not available (system property coxswain.s3proxy.jar = " + prop
                + "); run the tests through Maven, which copies org.gaul:s3proxy:jar-with-dependencies into target/s3proxy";
        if ("true".equals(System.getenv("CI"))) throw new AssertionError(why);
        System.err.println("SKIPPED (S3): " + why);
        Assumptions.abort(why);
        throw new IllegalStateException("unreachable");
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new AssertionError("S3Proxy exited with " + process.exitValue() + "\n" + output());
            try {
                http.send(HttpRequest.newBuilder(endpoint()).timeout(Duration.ofSeconds(2)).GET().build(),
                        HttpResponse.BodyHandlers.discarding());
                return; // any answer (403 without a signature) means it serves
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        close();
        throw new AssertionError("S3Proxy did not answer within " + START_TIMEOUT + "\n" + output());
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    /** What S3Proxy printed (for a failing test). */
    public String output() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        if (!process.isAlive()) return;
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
