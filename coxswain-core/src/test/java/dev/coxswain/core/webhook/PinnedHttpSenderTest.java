package dev.coxswain.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sender dials the address it is given and tells the receiver the URL's host name. */
class PinnedHttpSenderTest {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void connectsToTheGivenAddressWithTheUrlsHostInTheHostHeader() throws Exception {
        try (Receiver receiver = new Receiver()) {
            int port = URI.create(receiver.url()).getPort();
            // The name does not resolve anywhere: reaching the receiver proves nothing looked it up.
            URI url = URI.create("http://hooks.invalid:" + port + "/hook?x=1");
            int status = new PinnedHttpSender().send(url, LOOPBACK, Map.of("X-Test", "yes"),
                    "{\"a\":1}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5));
            assertThat(status).isEqualTo(204);
            Receiver.Got got = receiver.received.get(0);
            assertThat(got.header("Host")).isEqualTo("hooks.invalid:" + port);
            assertThat(got.header("X-Test")).isEqualTo("yes");
            assertThat(got.body()).isEqualTo("{\"a\":1}");
            receiver.failNext(1);
            assertThat(new PinnedHttpSender().send(url, LOOPBACK, Map.of(), new byte[0], Duration.ofSeconds(5))).isEqualTo(503);
        }
    }

    @Test
    void aReceiverThatNeverAnswersTimesOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, LOOPBACK)) {
            URI url = URI.create("http://silent.invalid:" + silent.getLocalPort() + "/");
            assertThatThrownBy(() -> new PinnedHttpSender().send(url, LOOPBACK, Map.of(), new byte[0], Duration.ofMillis(300)))
                    .isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void somethingThatIsNotHttpIsAnError() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write("SSH-2.0-OpenSSH\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException ignored) {
                    // the test fails on its own assertion
                }
            });
            URI url = URI.create("http://ssh.invalid:" + server.getLocalPort() + "/");
            assertThatThrownBy(() -> new PinnedHttpSender().send(url, LOOPBACK, Map.of(), new byte[0], Duration.ofSeconds(5)))
                    .isInstanceOf(IOException.class).hasMessageContaining("malformed");
        }
    }
}
