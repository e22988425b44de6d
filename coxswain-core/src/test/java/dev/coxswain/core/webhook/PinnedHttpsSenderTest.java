package dev.coxswain.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over TLS the connection goes to the pinned address while the certificate is checked against the
 * URL's host: a receiver whose certificate names {@code hooks.test} is reached as
 * {@code https://hooks.test/…} on 127.0.0.1, and refused under any other name.
 */
class PinnedHttpsSenderTest {
    static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    Path dir;
    HttpsServer server;
    SSLContext clientTls;
    final List<String> hosts = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        Path store = dir.resolve("receiver.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "receiver", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=hooks.test", "-ext", "san=dns:hooks.test", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", new String(PASSWORD)).redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor()).as(out).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks); // the client trusts exactly the receiver's self-signed certificate
        clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, tmf.getTrustManagers(), null);

        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        server.createContext("/hook", ex -> {
            ex.getRequestBody().readAllBytes();
            hosts.add(ex.getRequestHeaders().getFirst("Host"));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void tearDown() {
        server.stop(0);
    }

    @Test
    void theCertificateIsCheckedAgainstTheUrlsHostNotThePinnedAddress() throws Exception {
        int port = server.getAddress().getPort();
        PinnedHttpSender sender = new PinnedHttpSender(clientTls.getSocketFactory());
        InetAddress loopback = InetAddress.getLoopbackAddress();

        int status = sender.send(URI.create("https://hooks.test:" + port + "/hook"), loopback, Map.of(), new byte[]{'{', '}'},
                Duration.ofSeconds(5));
        assertThat(status).isEqualTo(204);
        assertThat(hosts).containsExactly("hooks.test:" + port);

        assertThatThrownBy(() -> sender.send(URI.create("https://elsewhere.test:" + port + "/hook"), loopback, Map.of(),
                new byte[0], Duration.ofSeconds(5))).isInstanceOf(SSLHandshakeException.class);
        assertThat(hosts).hasSize(1);
    }
}
