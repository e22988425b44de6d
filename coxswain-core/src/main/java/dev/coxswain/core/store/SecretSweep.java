package dev.coxswain.core.store;

import java.util.logging.Logger;

/**
 * Seals, at start-up, the secrets that rows written before sealing existed still hold in clear:
 * webhook secrets, and the {@code env} of schedule and task payloads. Rows already sealed are
 * left alone, so running it on every start (and on several nodes at once) is harmless.
 */
public final class SecretSweep {
    private static final Logger LOG = Logger.getLogger(SecretSweep.class.getName());

    private final Database db;
    private final WebhookStore webhooks;
    private final ScheduleStore schedules;
    private final TaskStore tasks;

    public SecretSweep(Database db, WebhookStore webhooks, ScheduleStore schedules, TaskStore tasks) {
        this.db = db;
        this.webhooks = webhooks;
        this.schedules = schedules;
        this.tasks = tasks;
    }

    public void run() {
        int hooks = db.write(webhooks::sealClearSecrets);
        int scheduleEnvs = db.write(schedules::sealClearEnv);
        int taskEnvs = db.write(tasks::sealClearEnv);
        if (hooks + scheduleEnvs + taskEnvs > 0) {
            LOG.info("encrypted secrets stored in clear by an earlier version: " + hooks + " webhook secret(s), "
                    + scheduleEnvs + " schedule environment(s), " + taskEnvs + " task environment(s)");
        }
    }
}
