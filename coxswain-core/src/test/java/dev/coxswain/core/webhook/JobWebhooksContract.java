package dev.coxswain.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coxswain.core.connection.SecretBox;
import dev.coxswain.core.domain.WebhookDelivery;
import dev.coxswain.core.runtime.EngineObserver;
import dev.coxswain.core.service.ConflictException;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.ServerSecretStore;
import dev.coxswain.core.store.WebhookStore;
import dev.coxswain.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Jobs' webhooks on each database: queued in the caller's transaction, sent by the subscriptions'
 * deliverer with the body byte for byte, signed with the workflow webhook secret, retried on a
 * failure answer and recorded; the secret is generated once, kept sealed and rotatable.
 */
abstract class JobWebhooksContract {
    static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");
    static final WebhookSettings SETTINGS = new WebhookSettings(true, false, Duration.ofSeconds(5), 4, Duration.ofSeconds(5));
    /** Odd spacing, key order and non-ASCII on purpose: the receiver must get exactly these bytes. */
    static final String BODY = "{\"event\":\"job_finished\", \"job_id\":\"3f1c0a4e-1111-4222-8333-944445555666\","
            + "\"status\":\"finished\",\"result\":{\"ok\":true,\"note\":\"grüße ✓\"},\"error\":null,\"security\":null,"
            + "\"metadata\":{\"b\":2,\"a\":1},\"timestamp\":1780315200.5}";

    protected abstract Database open();

    protected abstract void cleanup() throws Exception;

    final MutableClock clock = new MutableClock(T0);
    final SecretBox box = new SecretBox(HexFormat.of().parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"));
    final AtomicInteger wakeUps = new AtomicInteger();
    Database db;
    Receiver receiver;
    WebhookStore store;
    WorkflowWebhookSecret secret;
    JobWebhooks hooks;
    WebhookDeliverer deliverer;

    @BeforeEach
    void setUp() throws Exception {
        db = open();
        receiver = new Receiver();
        store = new WebhookStore(box);
        secret = new WorkflowWebhookSecret(db, new ServerSecretStore(box), null, clock);
        hooks = new JobWebhooks(store, wakeUps::incrementAndGet);
        deliverer = deliverer(SETTINGS);
    }

    @AfterEach
    void tearDown() throws Exception {
        receiver.close();
        db.close();
        cleanup();
    }

    WebhookDeliverer deliverer(WebhookSettings settings) {
        return new WebhookDeliverer(db, store, secret, settings, new PinnedHttpSender(), AddressGuard.Resolver.SYSTEM,
                clock, EngineObserver.NONE, Duration.ofSeconds(5));
    }

    void enqueue(String event, String body) {
        db.write(tx -> {
            hooks.enqueue(tx, receiver.url(), event, body, clock.instant());
            return null;
        });
    }

    List<WebhookDelivery> deliveries() {
        return db.read(c -> store.deliveriesOf(c, WebhookDelivery.NO_SUBSCRIPTION, null, 0, 100)).items();
    }

    static void assertSignedWith(Receiver.Got got, String key) {
        String ts = got.header("X-Coxswain-Timestamp");
        assertThat(got.header(WebhookSigner.SIGNATURE_HEADER)).isEqualTo("t=" + ts + ",v1="
                + WebhookSigner.hmac(key, Long.parseLong(ts), got.body().getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aJobDeliveryIsSentWithTheExactBodyAndTheWorkflowSignature() throws Exception {
        enqueue("job_finished", BODY);
        assertThat(wakeUps).as("the deliverer is woken after the commit").hasValue(1);
        assertThat(deliveries()).singleElement().satisfies(d -> {
            assertThat(d.status()).isEqualTo(WebhookDelivery.PENDING);
            assertThat(d.targetUrl()).isEqualTo(receiver.url());
            assertThat(d.event()).isEqualTo("job_finished");
        });

        deliverer.runOnce();

        assertThat(receiver.received).singleElement().satisfies(got -> {
            assertThat(got.body()).isEqualTo(BODY);
            assertThat(got.header("Content-Type")).isEqualTo("application/json");
            assertThat(got.header("X-Coxswain-Event")).isEqualTo("job_finished");
            assertThat(got.header("X-Coxswain-Timestamp")).isEqualTo(Long.toString(T0.getEpochSecond()));
            assertSignedWith(got, secret.current().value());
        });
        assertThat(deliveries()).singleElement().satisfies(d -> {
            assertThat(d.status()).isEqualTo(WebhookDelivery.DELIVERED);
            assertThat(d.attempts()).isEqualTo(1);
            assertThat(d.responseStatus()).isEqualTo(204);
            assertThat(d.deliveredAt()).isEqualTo(T0);
        });
        deliverer.runOnce();
        assertThat(receiver.received).as("nothing is sent twice").hasSize(1);
    }

    @Test
    void aReceiverAnswering500IsRetriedWithBackoffAndEveryAttemptIsRecorded() throws Exception {
        receiver.failNext(2, 500);
        enqueue("worker_event:progress", BODY);

        deliverer.runOnce();
        assertThat(deliveries()).singleElement().satisfies(d -> {
            assertThat(d.status()).isEqualTo(WebhookDelivery.PENDING);
            assertThat(d.attempts()).isEqualTo(1);
            assertThat(d.responseStatus()).isEqualTo(500);
            assertThat(d.lastError()).contains("HTTP 500");
            assertThat(d.nextAttemptAt()).isEqualTo(T0.plusSeconds(5));
        });
        deliverer.runOnce(); // not due yet
        assertThat(receiver.received).hasSize(1);

        clock.advance(Duration.ofSeconds(5));
        deliverer.runOnce();
        assertThat(deliveries().get(0).nextAttemptAt()).isEqualTo(T0.plusSeconds(5 + 10)); // doubled
        clock.advance(Duration.ofSeconds(10));
        deliverer.runOnce();

        assertThat(receiver.received).hasSize(3).allSatisfy(got -> {
            assertThat(got.body()).isEqualTo(BODY);
            assertThat(got.header("X-Coxswain-Event")).isEqualTo("worker_event:progress");
            assertSignedWith(got, secret.current().value());
        });
        assertThat(deliveries()).singleElement().satisfies(d -> {
            assertThat(d.status()).isEqualTo(WebhookDelivery.DELIVERED);
            assertThat(d.attempts()).isEqualTo(3);
            assertThat(d.responseStatus()).isEqualTo(204);
            assertThat(d.lastAttemptAt()).isEqualTo(T0.plusSeconds(15));
        });
    }

    @Test
    void metricsCountWorkerEventsUnderOneLabelWhateverTheirType() throws Exception {
        List<String> labels = new java.util.concurrent.CopyOnWriteArrayList<>();
        EngineObserver recording = new EngineObserver() {
            @Override
            public void webhookAttempt(String event, String outcome) {
                labels.add(event + "/" + outcome);
            }
        };
        deliverer = new WebhookDeliverer(db, store, secret, SETTINGS, new PinnedHttpSender(), AddressGuard.Resolver.SYSTEM,
                clock, recording, Duration.ofSeconds(5));
        enqueue("worker_event:frame_rendered", BODY);
        enqueue("worker_event:anything-a-worker-makes-up", BODY);
        enqueue("job_finished", BODY);
        deliverer.runOnce();
        assertThat(labels).containsExactlyInAnyOrder("worker_event/delivered", "worker_event/delivered", "job_finished/delivered");
    }

    @Test
    void givesUpAfterTheLastAttempt() throws Exception {
        receiver.failNext(100, 500);
        enqueue("job_failed", BODY);
        for (int i = 0; i < SETTINGS.maxAttempts(); i++) {
            deliverer.runOnce();
            clock.advance(SETTINGS.delayAfter(i + 1));
        }
        assertThat(deliveries()).singleElement().satisfies(d -> {
            assertThat(d.status()).isEqualTo(WebhookDelivery.FAILED);
            assertThat(d.attempts()).isEqualTo(SETTINGS.maxAttempts());
            assertThat(d.lastError()).contains("gave up");
        });
        deliverer.runOnce();
        assertThat(receiver.received).hasSize(SETTINGS.maxAttempts());
    }

    @Test
    void nothingIsQueuedWhenTheJobsTransactionRollsBack() throws Exception {
        assertThatThrownBy(() -> db.write(tx -> {
            hooks.enqueue(tx, receiver.url(), "job_finished", BODY, clock.instant());
            throw new ConflictException("the job transition failed");
        })).isInstanceOf(ConflictException.class);

        deliverer.runOnce();
        assertThat(deliveries()).isEmpty();
        assertThat(receiver.received).isEmpty();
        assertThat(wakeUps).hasValue(0);
    }

    @Test
    void aLoopbackTargetIsRefusedUnlessAllowed() throws Exception {
        enqueue("job_quarantined", BODY);
        deliverer(new WebhookSettings(false, false, Duration.ofSeconds(5), 4, Duration.ofSeconds(5))).runOnce();

        assertThat(receiver.received).isEmpty();
        assertThat(deliveries()).singleElement().satisfies(d -> {
            assertThat(d.status()).isEqualTo(WebhookDelivery.FAILED);
            assertThat(d.lastError()).contains("loopback");
        });
    }

    @Test
    void theSecretIsGeneratedOnceKeptSealedAndSharedByEveryNode() {
        WorkflowWebhookSecret.Secret first = secret.current();
        assertThat(first.source()).isEqualTo("generated");
        assertThat(first.value()).startsWith("whsec_").hasSize(6 + 48);
        assertThat(first.updatedAt()).isEqualTo(T0);
        WorkflowWebhookSecret otherNode = new WorkflowWebhookSecret(db, new ServerSecretStore(box), null, clock);
        assertThat(otherNode.current().value()).isEqualTo(first.value());

        String stored = db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT value FROM server_secrets WHERE name = ?")) {
                ps.setString(1, "workflow-webhook-secret");
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        });
        assertThat(stored).doesNotContain(first.value()).satisfies(v -> assertThat(box.isSealed(v)).isTrue());
        assertThat(first.toString()).doesNotContain(first.value());
    }

    @Test
    void aRotatedSecretSignsTheNextAttemptOnEveryNode() throws Exception {
        String before = secret.current().value();
        receiver.failNext(1, 500);
        enqueue("job_finished", BODY);
        deliverer.runOnce();
        assertSignedWith(receiver.received.get(0), before);

        clock.advance(Duration.ofMinutes(1));
        WorkflowWebhookSecret otherNode = new WorkflowWebhookSecret(db, new ServerSecretStore(box), null, clock);
        WorkflowWebhookSecret.Secret rotated = otherNode.rotate();
        assertThat(rotated.value()).isNotEqualTo(before);
        assertThat(rotated.updatedAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(secret.current().value()).isEqualTo(rotated.value());

        deliverer.runOnce();
        assertThat(receiver.received).hasSize(2);
        assertSignedWith(receiver.received.get(1), rotated.value());
    }

    @Test
    void aConfiguredSecretSignsAndCannotBeRotatedHere() throws Exception {
        String configured = "configured-secret-0123456789";
        secret = new WorkflowWebhookSecret(db, new ServerSecretStore(box), configured, clock);
        assertThat(secret.current()).isEqualTo(new WorkflowWebhookSecret.Secret(configured, "config", null));
        assertThatThrownBy(secret::rotate).isInstanceOf(ConflictException.class)
                .hasMessageContaining("workflow-webhook-secret").hasMessageNotContaining(configured);

        deliverer = deliverer(SETTINGS);
        enqueue("job_finished", BODY);
        deliverer.runOnce();
        assertSignedWith(receiver.received.get(0), configured);
        assertThat(db.<ServerSecretStore.Stored>read(c -> new ServerSecretStore(box).find(c, "workflow-webhook-secret"))).as("nothing generated").isNull();
    }

    @Test
    void subscriptionListsDoNotShowJobDeliveries() throws Exception {
        long hook = db.write(tx -> store.insert(tx, receiver.url(), "a-test-secret-0123456789",
                java.util.Set.of("task.created"), true, null, T0));
        enqueue("job_finished", BODY);
        assertThat(db.read(c -> store.deliveriesOf(c, hook, null, 0, 100)).items()).isEmpty();
        db.write(tx -> store.delete(tx, hook));
        assertThat(deliveries()).as("deleting a subscription leaves jobs' deliveries alone").hasSize(1);
    }

    @Test
    void unknownEventsAndMissingArgumentsAreRefused() {
        assertThatThrownBy(() -> enqueue("task.created", BODY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> enqueue("worker_event:", BODY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> enqueue("job_finished", null)).isInstanceOf(NullPointerException.class);
        assertThat(deliveries()).isEmpty();
    }
}
