package dev.coxswain.core.store;

import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.logging.Logger;

/**
 * Seals the secrets that rows written before sealing existed still hold in clear: webhook
 * secrets, and the {@code env} of schedule and task payloads. It scans every task, so it runs
 * once per database: a row in {@code store_markers} says it is done (every server seals what it
 * writes from then on). Rows already sealed are left alone, so two nodes sweeping at once is
 * harmless.
 */
public final class SecretSweep {
    private static final Logger LOG = Logger.getLogger(SecretSweep.class.getName());
    static final String MARKER = "secrets-sealed";

    private final Database db;
    private final WebhookStore webhooks;
    private final ScheduleStore schedules;
    private final TaskStore tasks;
    private final Clock clock;

    public SecretSweep(Database db, WebhookStore webhooks, ScheduleStore schedules, TaskStore tasks, Clock clock) {
        this.db = db;
        this.webhooks = webhooks;
        this.schedules = schedules;
        this.tasks = tasks;
        this.clock = clock;
    }

    public void run() {
        int[] sealed = db.write(tx -> {
            if (Sql.count(tx.connection(), "SELECT COUNT(*) FROM store_markers WHERE name = ?", MARKER) > 0) {
                return null;
            }
            int[] n = {webhooks.sealClearSecrets(tx), schedules.sealClearEnv(tx), tasks.sealClearEnv(tx)};
            try (PreparedStatement ps = tx.connection().prepareStatement(
                    "INSERT INTO store_markers (name, done_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")) {
                ps.setString(1, MARKER);
                ps.setLong(2, clock.millis());
                ps.executeUpdate();
            }
            return n;
        });
        if (sealed != null && sealed[0] + sealed[1] + sealed[2] > 0) {
            LOG.info("encrypted secrets stored in clear by an earlier version: " + sealed[0] + " webhook secret(s), "
                    + sealed[1] + " schedule environment(s), " + sealed[2] + " task environment(s)");
        }
    }
}
