package dev.coxswain.core.webhook;

import dev.coxswain.core.service.ConflictException;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.ServerSecretStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The server-wide secret that signs job webhooks (a job has a URL, not a subscription with its own
 * secret). Either configured ({@code workflow-webhook-secret}, then it cannot be rotated here), or
 * generated once per store and kept sealed in {@code server_secrets}, so every node signs with the
 * same one and a rotation on one node is what the others sign with from their next delivery.
 */
public final class WorkflowWebhookSecret {
    static final String NAME = "workflow-webhook-secret";
    /** The shortest configured secret accepted, as for subscription secrets. */
    public static final int MIN_LENGTH = WebhookService.MIN_SECRET;

    private final Database db;
    private final ServerSecretStore store;
    private final String configured;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /** @param configured the configured secret, or null to use the stored (generated) one */
    public WorkflowWebhookSecret(Database db, ServerSecretStore store, String configured, Clock clock) {
        if (configured != null && configured.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("the workflow webhook secret must be at least " + MIN_LENGTH + " characters");
        }
        this.db = db;
        this.store = store;
        this.configured = configured;
        this.clock = clock;
    }

    /**
     * The secret and where it comes from.
     *
     * @param source    {@code config} or {@code generated}
     * @param updatedAt when the generated secret was made or last rotated; null for a configured one
     */
    public record Secret(String value, String source, Instant updatedAt) {
        public static final String CONFIG = "config";
        public static final String GENERATED = "generated";

        @Override
        public String toString() {
            return "Secret[source=" + source + ", updatedAt=" + updatedAt + "]";
        }
    }

    /**
     * The secret jobs' webhooks are signed with now; generated and stored when there is none yet.
     *
     * @throws IllegalStateException when the stored one was sealed with another secret key
     */
    public Secret current() {
        if (configured != null) return new Secret(configured, Secret.CONFIG, null);
        ServerSecretStore.Stored s = db.read(c -> store.find(c, NAME));
        if (s == null) {
            // Two nodes starting at once both generate; the first insert wins and both read it back.
            db.write(tx -> store.insertIfAbsent(tx, NAME, generate(), clock.instant()));
            s = db.read(c -> store.find(c, NAME));
        }
        return new Secret(s.value(), Secret.GENERATED, s.updatedAt());
    }

    /**
     * Generates and stores the secret unless it is configured or already stored. Opens nothing, so
     * a node started with the wrong secret key still starts (its deliveries then fail and say why).
     */
    public void ensureGenerated() {
        if (configured != null) return;
        db.write(tx -> store.insertIfAbsent(tx, NAME, generate(), clock.instant()));
    }

    /**
     * Replaces the generated secret with a new one; deliveries still pending are signed with the
     * new one from their next attempt.
     *
     * @throws ConflictException when the secret is configured (change it in the configuration)
     */
    public Secret rotate() {
        if (configured != null) {
            throw new ConflictException("the workflow webhook secret is set in the server configuration"
                    + " (workflow-webhook-secret); change it there");
        }
        String fresh = generate();
        Instant now = clock.instant();
        db.write(tx -> {
            store.put(tx, NAME, fresh, now);
            return null;
        });
        return new Secret(fresh, Secret.GENERATED, now);
    }

    private String generate() {
        byte[] b = new byte[24];
        random.nextBytes(b);
        return "whsec_" + HexFormat.of().formatHex(b);
    }
}
