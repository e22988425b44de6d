package dev.coxswain.server.ui.browser;

import dev.coxswain.server.ui.NativeApi;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A small, believable store for the screenshots: tasks that completed, failed, are waiting and
 * one that runs (so the overview's cards and charts have something to show), a task with a log,
 * and schedules. Everything goes through the native API with the admin key. Ids land in
 * {@code ids} under names the page paths use as {@code {name}}.
 */
final class TestData {
    private TestData() {
    }

    static void fill(NativeApi api, dev.coxswain.core.store.Database db, Map<String, String> ids) {
        List<String> done = new ArrayList<>();
        for (int i = 0; i < 30; i++) done.add(api.task("heartbeat-" + i, i % 9 == 4 ? "exit 1" : "true"));
        String[] types = {"nightly-export", "thumbnail", "invoice-mail", "db-vacuum"};
        for (int i = 0; i < 14; i++) {
            done.add(api.post("/api/tasks", "{\"name\":\"" + types[i % types.length] + "-" + (100 + i) + "\",\"command\":\"echo ok " + i
                    + "\",\"priority\":" + (1 + (i * 3) % 10) + ",\"tags\":[\"" + (i % 2 == 0 ? "billing" : "media")
                    + "\"],\"max_retries\":0}").path("id").asText());
        }
        for (int i = 0; i < 3; i++) {
            done.add(api.post("/api/tasks", "{\"name\":\"flaky-upload-" + i + "\",\"command\":\"echo trying; echo 'upload refused' >&2; exit 2\","
                    + "\"max_retries\":0,\"tags\":[\"media\"]}").path("id").asText());
        }
        // The task page's example: a log, two tasks it waited for and one waiting for it (its graph).
        String catalogue = api.task("export-catalogue", "echo exported");
        String prices = api.task("export-prices", "echo exported");
        String logged = api.post("/api/tasks", "{\"name\":\"rebuild-search-index\",\"description\":\"Rebuilds the product search index.\","
                + "\"command\":\"for i in 1 2 3 4 5 6 7 8; do echo indexed batch $i of 8; done; echo 'slow shard 3' >&2\","
                + "\"priority\":8,\"tags\":[\"search\",\"nightly\"],\"max_retries\":0,\"dependencies\":[\"" + catalogue + "\",\""
                + prices + "\"]}").path("id").asText();
        String warm = api.post("/api/tasks", "{\"name\":\"warm-search-cache\",\"command\":\"echo warm\",\"max_retries\":0,"
                + "\"dependencies\":[\"" + logged + "\"]}").path("id").asText();
        done.add(logged);
        ids.put("logged", logged);
        List<String> graph = List.of(catalogue, prices, warm);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> done.stream().allMatch(id -> {
                    String s = api.status(id);
                    return s.equals("completed") || s.equals("failed");
                }));
        await().atMost(Duration.ofSeconds(30)).until(() -> graph.stream().allMatch(id -> api.status(id).equals("completed")));
        ids.put("failed", done.get(44));
        // The task page screenshot shows "logged" with its attempt (rebuilt from its events): its times stay true.
        spreadOverTheLastHour(db, done.subList(0, done.size() - 1));
        // Waiting for later (queued in the future) and one running now.
        String later = Instant.now().plus(Duration.ofHours(2)).toString();
        for (int i = 0; i < 3; i++) {
            api.post("/api/tasks", "{\"name\":\"report-" + i + "\",\"command\":\"echo report\",\"scheduled_at\":\"" + later
                    + "\",\"priority\":" + (i == 0 ? 9 : 5) + "}");
        }
        String running = api.task("long-import", "echo importing; sleep 120");
        ids.put("running", running);
        await().atMost(Duration.ofSeconds(30)).until(() -> api.status(running).equals("running"));

        String sch = api.post("/api/schedules", "{\"name\":\"nightly-report\",\"cron\":\"30 2 * * 1-5\",\"payload\":"
                + "{\"command\":\"echo report\"},\"tags\":[\"reports\"],\"description\":\"Sales report for the morning meeting.\"}")
                .path("id").asText();
        // The dashboard's schedule URLs use the store's number ("sch-7" → 7).
        ids.put("schedule", sch.substring(sch.lastIndexOf('-') + 1));
        api.post("/api/schedules/" + sch + "/run", "{}");
        api.post("/api/schedules", "{\"name\":\"cache-warmup\",\"cron\":\"@every 15m\",\"payload\":{\"command\":\"echo warm\"}}");
        api.post("/api/schedules", "{\"name\":\"quarterly-audit\",\"cron\":\"0 9 1 */3 *\",\"payload\":{\"command\":\"echo audit\"},"
                + "\"paused\":true}");
    }

    static final String APPROVAL = """
            {"name": "expense-approval", "description": "A manager signs off expenses over the limit.",
             "states": {
              "ask": {"start": true, "type": "approval", "message": "Approve {{ initial_data.amount }} for {{ initial_data.who }}?",
                      "transitions": {"approved": "paid", "rejected": "refused"}},
              "paid": {"type": "end"},
              "refused": {"type": "end", "outcome": "failed"}}}""";
    static final String PIPELINE = """
            {"name": "image-pipeline", "api_endpoint": "/jobs/image-pipeline",
             "states": {
              "resize": {"start": true, "type": "dispatch", "skill": "resize", "retries": 0,
                         "transitions": {"success": "review", "too_big": "failed"}},
              "review": {"type": "sub_blueprint", "blueprint": "expense-approval", "transitions": {"success": "done", "failure": "failed"}},
              "done": {"type": "end"},
              "failed": {"type": "end", "outcome": "failed"}}}""";

    /** Blueprints and a job waiting for a human; keys of each kind; webhooks (disabled: nothing is sent out). */
    static void fillAdmin(dev.coxswain.core.node.Engine engine, Map<String, String> ids) {
        var wf = engine.workflows();
        wf.register(APPROVAL, "json", "test");
        wf.register(PIPELINE, "json", "test");
        var job = wf.create("expense-approval", new dev.coxswain.core.workflow.NewJob("admin",
                dev.coxswain.core.Json.object().put("who", "Dana").put("amount", "1,240 EUR"), null, null, null, null));
        ids.put("job", String.valueOf(job.id()));
        engine.apiKeys().create("grafana-readonly", java.util.Set.of(dev.coxswain.core.domain.Scopes.READ), "unlimited");
        engine.apiKeys().create("ci-pipeline", java.util.Set.of(dev.coxswain.core.domain.Scopes.TASKS_WRITE,
                dev.coxswain.core.domain.Scopes.JOBS_WRITE, dev.coxswain.core.domain.Scopes.READ), "pro");
        var hooks = engine.webhooks();
        // Literal addresses (creating a webhook resolves its host) and disabled: the test never sends anything out.
        var made = hooks.create(new dev.coxswain.core.webhook.WebhookService.NewWebhook("https://93.184.215.14/hooks/coxswain",
                java.util.Set.of("task.failed", "task.completed"), null, false, "Ops chat (paused while the channel moves)"));
        ids.put("webhook", "wh-" + made.webhook().id());
        hooks.create(new dev.coxswain.core.webhook.WebhookService.NewWebhook("https://93.184.215.14/relay/workers",
                java.util.Set.of("worker.offline", "worker.registered"), null, false, "Worker alerts"));
    }

    /**
     * The finished tasks all ran in the last few seconds; the overview's charts look like a real
     * hour when their times are spread over it (test data only: the store is the test's own).
     */
    private static void spreadOverTheLastHour(dev.coxswain.core.store.Database db, List<String> finished) {
        long now = System.currentTimeMillis();
        db.write(tx -> {
            try (java.sql.PreparedStatement st = tx.connection().prepareStatement(
                    "UPDATE tasks SET created_at = ?, started_at = ?, completed_at = ?, updated_at = ? WHERE id = ?")) {
                for (int i = 0; i < finished.size(); i++) {
                    // Spread over 55 minutes, busier lately: the newest tasks closest to now.
                    long ago = (long) (55 * 60_000 * Math.pow((finished.size() - i) / (double) finished.size(), 1.4));
                    long end = now - ago;
                    long id = Long.parseLong(finished.get(i).substring(finished.get(i).lastIndexOf('-') + 1));
                    st.setLong(1, end - 900);
                    st.setLong(2, end - 800);
                    st.setLong(3, end);
                    st.setLong(4, end);
                    st.setLong(5, id);
                    st.addBatch();
                }
                st.executeBatch();
            }
            // Written around TaskStore: the rollups it keeps are computed again, as the migration does.
            new dev.coxswain.core.store.TaskRollups(db.dialect()).rebuild(tx);
            return null;
        });
    }

    /** {@code path} with each {@code {name}} replaced by {@code ids.get(name)}. */
    static String expand(String path, Map<String, String> ids) {
        String out = path;
        for (Map.Entry<String, String> e : ids.entrySet()) out = out.replace("{" + e.getKey() + "}", e.getValue());
        if (out.contains("{")) throw new IllegalArgumentException("no id for " + out);
        return out;
    }
}
