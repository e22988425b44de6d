package dev.coxswain.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.connection.SecretBox;
import dev.coxswain.core.domain.NewTask;
import dev.coxswain.core.domain.WebhookDelivery;
import dev.coxswain.core.node.Engine;
import dev.coxswain.core.node.EngineConfig;
import dev.coxswain.core.runtime.EngineObserver;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.WebhookStore;
import dev.coxswain.core.testing.MutableClock;
import dev.coxswain.core.testing.TestDatabases;
import java.net.URI;
import java.net.ConnectException;
import java.net.InetAddress;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox and its deliverer, driven pass by pass with a settable clock: an event queues one
 * delivery per subscription in the transaction that records it; the deliverer signs and sends it,
 * retries with a doubling delay, and gives up after the last attempt.
 */
class WebhookDelivererTest {
    static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");
    static final WebhookSettings SETTINGS = new WebhookSettings(true, false, Duration.ofSeconds(5), 4, Duration.ofSeconds(5));

    @TempDir
    Path dir;
    MutableClock clock = new MutableClock(T0);
    Database db;
    Engine engine; // not started: its services write; the test drives the deliverer itself
    Receiver receiver;
    WebhookDeliverer deliverer;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabases.sqlite(dir);
        // Secrets are sealed at rest: the deliverer must open them to sign.
        SecretBox box = new SecretBox(HexFormat.of().parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"));
        engine = new Engine(db, EngineConfig.defaults("worker-t", "host", "test", dir), List.of(), clock, ZoneOffset.UTC,
                new SplittableRandom(1), EngineObserver.NONE, SETTINGS, box);
        receiver = new Receiver();
        deliverer = new WebhookDeliverer(db, new WebhookStore(box), engine.workflowWebhookSecret(), SETTINGS, new PinnedHttpSender(),
                AddressGuard.Resolver.SYSTEM, clock, EngineObserver.NONE, Duration.ofSeconds(5));
    }

    @AfterEach
    void tearDown() {
        receiver.close();
        db.close();
    }

    String subscribe(Set<String> events) {
        return engine.webhooks().create(new WebhookService.NewWebhook(receiver.url(), events, "a-test-secret-0123456789",
                true, null)).secret();
    }

    long createTask(String name) {
        return engine.tasks().create(new NewTask("shell", name, null, Json.object().put("command", "true"), 5, 0,
                "exponential", null, 60, List.of(), List.of(), false, "api", null)).id();
    }

    List<WebhookDelivery> deliveries() {
        long id = engine.webhooks().list(0, 10).items().get(0).id();
        return engine.webhooks().deliveries(id, null, 0, 100).items();
    }

    @Test
    void recentDeliveriesAreTheNewestFirstWithoutACount() {
        subscribe(Set.of("task.created"));
        long first = createTask("one");
        long second = createTask("two");
        long third = createTask("three");
        long hook = engine.webhooks().list(0, 10).items().get(0).id();
        List<WebhookDelivery> recent = engine.webhooks().recentDeliveries(hook, 2);
        assertThat(recent).extracting(WebhookDelivery::taskId).containsExactly(third, second);
        assertThat(engine.webhooks().recentDeliveries(hook, 10)).extracting(WebhookDelivery::taskId).containsExactly(third, second, first);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.webhooks().recentDeliveries(hook + 100, 2))
                .isInstanceOf(dev.coxswain.core.service.NotFoundException.class);
    }

    @Test
    void deliversOnceWithAValidSignatureAndTheSeedPayload() throws Exception {
        String secret = subscribe(Set.of("task.created"));
        long task = createTask("hello");
        createTask("second");
        assertThat(deliveries()).hasSize(2).allSatisfy(d -> assertThat(d.status()).isEqualTo("pending"));

        deliverer.runOnce();
        assertThat(receiver.received).hasSize(2);
        Receiver.Got got = receiver.received.stream().filter(g -> g.body().contains("task-" + task)).findFirst().orElseThrow();
        JsonNode body = Json.read(got.body());
        assertThat(body.path("event").asText()).isEqualTo("task.created");
        assertThat(body.path("timestamp").asText()).isEqualTo("2026-06-01T12:00:00Z");
        assertThat(body.path("task").path("id").asText()).isEqualTo("task-" + task);
        assertThat(body.path("task").path("name").asText()).isEqualTo("hello");
        assertThat(body.path("task").path("status").asText()).isEqualTo("queued");
        assertThat(body.path("task").has("result")).isTrue();
        String ts = got.header("X-Coxswain-Timestamp");
        assertThat(got.header(WebhookSigner.SIGNATURE_HEADER)).isEqualTo("t=" + ts + ",v1="
                + WebhookSigner.hmac(secret, Long.parseLong(ts), got.body().getBytes(StandardCharsets.UTF_8)));
        assertThat(got.header("X-Coxswain-Event")).isEqualTo("task.created");
        assertThat(deliveries()).allSatisfy(d -> {
            assertThat(d.status()).isEqualTo("delivered");
            assertThat(d.attempts()).isEqualTo(1);
            assertThat(d.responseStatus()).isEqualTo(204);
        });

        deliverer.runOnce();
        assertThat(receiver.received).hasSize(2); // nothing is sent twice
    }

    @Test
    void onlySubscribedEventsAndEnabledSubscriptionsQueueDeliveries() {
        subscribe(Set.of("task.cancelled"));
        long t = createTask("x");
        assertThat(deliveries()).isEmpty();
        engine.tasks().cancel(t);
        assertThat(deliveries()).singleElement().satisfies(d -> assertThat(d.event()).isEqualTo("task.cancelled"));
        long hook = engine.webhooks().list(0, 10).items().get(0).id();
        engine.webhooks().update(hook, new WebhookService.WebhookPatch(null, null, null, false, null));
        engine.tasks().cancel(createTask("y"));
        assertThat(deliveries()).hasSize(1);
    }

    @Test
    void aReceiverThatFailsTwiceGetsItOnTheThirdTry() throws Exception {
        subscribe(Set.of("task.created"));
        receiver.failNext(2);
        createTask("retry-me");

        deliverer.runOnce();
        assertThat(receiver.received).hasSize(1);
        WebhookDelivery d = deliveries().get(0);
        assertThat(d.status()).isEqualTo("pending");
        assertThat(d.attempts()).isEqualTo(1);
        assertThat(d.responseStatus()).isEqualTo(503);
        assertThat(d.nextAttemptAt()).isEqualTo(T0.plusSeconds(5));

        deliverer.runOnce(); // not due yet
        assertThat(receiver.received).hasSize(1);
        clock.advance(Duration.ofSeconds(5));
        deliverer.runOnce();
        assertThat(receiver.received).hasSize(2);
        assertThat(deliveries().get(0).nextAttemptAt()).isEqualTo(T0.plusSeconds(5 + 10)); // doubled

        clock.advance(Duration.ofSeconds(10));
        deliverer.runOnce();
        assertThat(receiver.received).hasSize(3);
        d = deliveries().get(0);
        assertThat(d.status()).isEqualTo("delivered");
        assertThat(d.attempts()).isEqualTo(3);
        // Every attempt carried the same body.
        assertThat(receiver.received).extracting(Receiver.Got::body).containsOnly(receiver.received.get(0).body());
    }

    @Test
    void givesUpAfterTheLastAttempt() throws Exception {
        subscribe(Set.of("task.created"));
        receiver.failNext(100);
        createTask("doomed");
        for (int i = 0; i < SETTINGS.maxAttempts(); i++) {
            deliverer.runOnce();
            clock.advance(SETTINGS.delayAfter(i + 1));
        }
        WebhookDelivery d = deliveries().get(0);
        assertThat(d.status()).isEqualTo("failed");
        assertThat(d.attempts()).isEqualTo(SETTINGS.maxAttempts());
        assertThat(d.lastError()).contains("503").contains("gave up");
        deliverer.runOnce();
        assertThat(receiver.received).hasSize(SETTINGS.maxAttempts());
    }

    @Test
    void refusesPrivateAddressesUnlessAllowed() {
        AddressGuard strict = new AddressGuard(false, false);
        assertThat(strict.check(URI.create("http://127.0.0.1:9/x"))).contains("loopback");
        assertThat(strict.check(URI.create("http://[::1]:9/x"))).contains("loopback");
        assertThat(strict.check(URI.create("http://10.1.2.3/x"))).contains("private");
        assertThat(strict.check(URI.create("http://192.168.1.1/x"))).contains("private");
        assertThat(strict.check(URI.create("http://172.16.0.1/x"))).contains("private");
        assertThat(strict.check(URI.create("http://169.254.169.254/latest/meta-data"))).contains("link-local");
        assertThat(strict.check(URI.create("http://100.64.0.1/x"))).contains("carrier-grade");
        assertThat(strict.check(URI.create("http://[fd00::1]/x"))).contains("unique-local");
        assertThat(strict.check(URI.create("http://0.0.0.0/x"))).contains("unspecified");
        assertThat(strict.check(URI.create("ftp://example.com/x"))).contains("http");
        assertThat(strict.check(URI.create("http://user:pw@8.8.8.8/x"))).contains("credentials");
        assertThat(strict.check(URI.create("http://8.8.8.8/x"))).isNull();
        assertThat(new AddressGuard(true, false).check(URI.create("http://127.0.0.1:9/x"))).isNull();
        assertThat(new AddressGuard(false, true).check(URI.create("http://10.1.2.3/x"))).isNull();
        assertThat(new AddressGuard(false, true).check(URI.create("http://127.0.0.1/x"))).contains("loopback");
    }

    @Test
    void connectsToTheAddressItCheckedNotToWhatTheNameResolvesToNext() throws Exception {
        // DNS rebinding: the name is public when the guard looks it up and loopback after that.
        WebhookSettings strict = new WebhookSettings(false, false, Duration.ofSeconds(5), 4, Duration.ofSeconds(5));
        AtomicInteger lookups = new AtomicInteger();
        AddressGuard.Resolver rebinding = host -> new InetAddress[]{InetAddress.getByAddress(host,
                lookups.getAndIncrement() == 0 ? new byte[]{93, (byte) 184, (byte) 216, 34} : new byte[]{127, 0, 0, 1})};
        // Tests talk only to 127.0.0.1: the sender dials loopback for real and fails any other address.
        List<InetAddress> dialled = new CopyOnWriteArrayList<>();
        PinnedHttpSender real = new PinnedHttpSender();
        WebhookSender offline = (url, address, headers, body, timeout) -> {
            dialled.add(address);
            if (address.isLoopbackAddress()) return real.send(url, address, headers, body, timeout);
            throw new ConnectException("no route to host (test)");
        };
        WebhookDeliverer rebound = new WebhookDeliverer(db, new WebhookStore(), engine.workflowWebhookSecret(), strict, offline, rebinding, clock,
                EngineObserver.NONE, Duration.ofSeconds(5));
        int port = URI.create(receiver.url()).getPort();
        db.write(tx -> new WebhookStore().insert(tx, "http://rebind.test:" + port + "/hook", "a-test-secret-0123456789",
                Set.of("task.created"), true, null, T0));
        createTask("rebind");

        rebound.runOnce();

        assertThat(receiver.received).as("the loopback receiver is never reached").isEmpty();
        assertThat(dialled).extracting(InetAddress::getHostAddress).containsExactly("93.184.216.34");
        assertThat(deliveries()).singleElement().satisfies(d -> {
            assertThat(d.status()).isEqualTo("pending");
            assertThat(d.lastError()).contains("no route to host");
        });
    }

    @Test
    void aSecretSealedWithAnotherKeyIsAFailedAttemptThatSaysSo() throws Exception {
        subscribe(Set.of("task.created"));
        createTask("wrong-key");
        WebhookDeliverer otherKey = new WebhookDeliverer(db, new WebhookStore(new SecretBox(new byte[32])), engine.workflowWebhookSecret(), SETTINGS,
                new PinnedHttpSender(), AddressGuard.Resolver.SYSTEM, clock, EngineObserver.NONE, Duration.ofSeconds(5));

        otherKey.runOnce();

        assertThat(receiver.received).isEmpty();
        assertThat(deliveries()).singleElement().satisfies(d -> {
            assertThat(d.status()).isEqualTo("pending");
            assertThat(d.attempts()).isEqualTo(1);
            assertThat(d.lastError()).contains("cannot be decrypted");
        });
        clock.advance(SETTINGS.delayAfter(1));
        deliverer.runOnce(); // a node with the right key delivers it
        assertThat(receiver.received).hasSize(1);
    }

    @Test
    void backoffDoublesUpToAnHour() {
        assertThat(SETTINGS.delayAfter(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(SETTINGS.delayAfter(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(SETTINGS.delayAfter(4)).isEqualTo(Duration.ofSeconds(40));
        assertThat(SETTINGS.delayAfter(20)).isEqualTo(Duration.ofHours(1));
    }
}
