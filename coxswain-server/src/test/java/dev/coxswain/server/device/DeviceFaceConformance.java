package dev.coxswain.server.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.device.DevicePlans;
import dev.coxswain.core.device.DeviceSettings;
import dev.coxswain.core.domain.Scopes;
import dev.coxswain.core.domain.Tier;
import dev.coxswain.server.device.DeviceServer.Resp;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The device face over real HTTP against a running server, every endpoint and every answer code:
 * the documented shapes (checked against {@code /openapi.json}), the rules the product documents
 * (fan-out, stagger, start time, status mapping, stop, retry, plans), and bad input of every kind,
 * which is always a 4xx in the face's envelope. Devices come from remote workers registered over
 * {@code /_worker} with {@code resources.devices}, as the Avtomatika SDK declares them. Run once
 * per store by the subclasses; every test uses its own devices, so they share one server.
 */
abstract class DeviceFaceConformance {
    static final String TASK = "/api/v1/task";
    static final String TASK_ID = "/api/v1/task/{task_id}";
    static final String LICENSE = "/api/v1/license/check";
    /** The scripts the test workers run: the configured five and one of their own. */
    static final String[] SKILLS = {"post", "follow", "unfollow", "account_warmup", "comment", "farm_reboot"};
    static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");
    static final String NOW = "2026-03-02 10:00:00";

    static DeviceServer srv;
    static String admin, pro, team, reader, starter, scopeless;
    static final AtomicInteger unique = new AtomicInteger();

    /** No automatic retries, two manual ones due at once; the team plan: 2 devices, 1 running. */
    static DeviceServer startServer(Path dir, String dbUrl) {
        srv = DeviceServer.start(dir, dbUrl, c -> c.withDevices(new DeviceSettings(DeviceSettings.DEFAULT_SCRIPTS, 2, false, 0, 0,
                3600, DevicePlans.defaults().with(Tier.TEAM, 2, 1), DeviceServer.ZONE)));
        admin = DeviceServer.ADMIN_KEY;
        pro = srv.key("pro", Set.of(Scopes.TASKS_WRITE), Tier.PRO);
        team = srv.key("team", Set.of(Scopes.TASKS_WRITE), Tier.TEAM);
        reader = srv.key("reader", Set.of(Scopes.TASKS_READ), Tier.PRO);
        starter = srv.key("starter", Set.of(Scopes.TASKS_WRITE, Scopes.READ), Tier.STARTER);
        scopeless = srv.key("scopeless", Set.of(Scopes.WORKERS), Tier.PRO);
        return srv;
    }

    @AfterAll
    static void stop() {
        if (srv != null) srv.close();
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** Fresh serials on a fresh worker (SDK-shaped devices, the first with accounts alice and bob); returns the worker. */
    static DeviceWorker farm(String... serials) {
        DeviceWorker w = srv.worker("farm-" + unique.incrementAndGet());
        List<ObjectNode> devices = new ArrayList<>();
        for (int i = 0; i < serials.length; i++) {
            devices.add(i == 0 ? DeviceWorker.device(serials[i], "Pixel 7", "alice-" + serials[i], "bob-" + serials[i])
                    : DeviceWorker.device(serials[i], "Pixel 8"));
        }
        w.register(devices, SKILLS);
        return w;
    }

    static String serial() {
        return "SERIAL-" + unique.incrementAndGet();
    }

    static Resp post(String path, String key, String body) {
        return srv.send("POST", path, key, body);
    }

    static Resp get(String path, String key) {
        return srv.send("GET", path, key, (String) null);
    }

    /** Creates tasks as the admin, due at once; returns their ids. */
    static List<Long> create(String body) {
        JsonNode d = srv.ok(post(TASK, admin, body), TASK, "post");
        List<Long> ids = new ArrayList<>();
        d.get("task_ids").forEach(n -> ids.add(n.asLong()));
        assertThat(d.get("created_count").asInt()).isEqualTo(ids.size());
        return ids;
    }

    static long createOne(String serial, String script) {
        List<Long> ids = create("{\"serials\": [\"" + serial + "\"], \"script_name\": \"" + script + "\", \"min_interval\": 0, \"max_interval\": 0}");
        assertThat(ids).hasSize(1);
        return ids.getFirst();
    }

    static JsonNode task(long id) {
        return srv.ok(get(TASK + "/" + id, admin), TASK_ID, "get");
    }

    static void invalid(Resp r, String template, String method, String messagePart) {
        assertThat(srv.refused(r, template, method, 40001)).as("%s", r).contains(messagePart);
    }

    static String local(java.time.Instant t) {
        return LocalDateTime.ofInstant(t, DeviceServer.ZONE).format(LOCAL);
    }

    // ---- create -------------------------------------------------------------------------------

    @Test
    void createMakesOneNativeTaskPerDeviceDueNow() {
        String a = serial(), b = serial();
        farm(a, b);
        List<Long> ids = create("{\"serials\": [\"" + a + "\", \"" + b + "\", \"" + a + "\"], \"script_name\": \"post\", "
                + "\"script_config\": {\"caption\": \"hi\"}, \"min_interval\": 0, \"max_interval\": 0}");
        assertThat(ids).hasSize(2); // the repeated serial counts once
        JsonNode t = task(ids.getFirst());
        assertThat(t.get("id").asLong()).isEqualTo(ids.getFirst());
        assertThat(t.get("serial").asText()).isEqualTo(a);
        assertThat(t.get("script_name").asText()).isEqualTo("post");
        assertThat(t.get("script_config").get("caption").asText()).isEqualTo("hi");
        assertThat(t.get("username").isNull()).isTrue();
        assertThat(t.get("status").asInt()).isZero();
        assertThat(t.get("start_time").asText()).isEqualTo(NOW);
        assertThat(t.get("end_time").isNull()).isTrue();
        assertThat(t.get("created_at").asText()).isEqualTo(NOW);
        assertThat(t.get("remark").asText()).isEmpty();
        assertThat(t.get("source").asText()).isEqualTo("api");
        assertThat(t.get("retry_count").asInt()).isZero();
        // Each is a native task as well, of the script's type, tagged with its device.
        Resp nat = srv.send("GET", "/api/tasks/task-" + ids.getFirst(), admin, (String) null);
        assertThat(nat.status()).as("%s", nat).isEqualTo(200);
        assertThat(nat.data().get("type").asText()).isEqualTo("post");
        assertThat(nat.data().get("tags").toString()).contains("device:" + a);
        assertThat(task(ids.get(1)).get("serial").asText()).isEqualTo(b);
    }

    @Test
    void followFansOutOverTargetsTimesDevices() {
        String a = serial(), b = serial();
        farm(a, b);
        List<Long> ids = create("{\"serials\": [\"" + a + "\", \"" + b + "\"], \"script_name\": \"follow\", "
                + "\"script_config\": {\"target_users\": [\"u1\", \"u2\", \"u3\"], \"note\": \"x\"}}");
        assertThat(ids).hasSize(6);
        List<String> seen = new ArrayList<>();
        for (long id : ids) {
            JsonNode c = task(id).get("script_config");
            assertThat(c.has("target_users")).isFalse();
            assertThat(c.get("note").asText()).isEqualTo("x");
            seen.add(task(id).get("serial").asText() + "/" + c.get("target_user").asText());
        }
        assertThat(seen).containsExactlyInAnyOrder(a + "/u1", a + "/u2", a + "/u3", b + "/u1", b + "/u2", b + "/u3");
        // comment: one task per post URL, from a newline- and comma-separated string.
        List<Long> comments = create("{\"serials\": [\"" + a + "\"], \"script_name\": \"comment\", "
                + "\"script_config\": {\"target_post_url\": \"https://v/1\\nhttps://v/2, https://v/3\", \"comment\": \"nice\"}}");
        assertThat(comments).hasSize(3);
    }

    @Test
    void aDevicesTasksAreStaggeredWithinTheIntervals() {
        String a = serial(), b = serial();
        farm(a, b);
        List<Long> ids = create("{\"serials\": [\"" + a + "\", \"" + b + "\"], \"script_name\": \"unfollow\", "
                + "\"script_config\": {\"target_user\": \"u1,u2,u3,u4\"}, \"min_interval\": 10, \"max_interval\": 20}");
        assertThat(ids).hasSize(8);
        for (String serial : List.of(a, b)) {
            List<String> due = new ArrayList<>();
            for (long id : ids) {
                JsonNode t = task(id);
                if (t.get("serial").asText().equals(serial)) due.add(t.get("start_time").asText());
            }
            assertThat(due).hasSize(4).isSorted();
            for (int k = 1; k <= 4; k++) {
                // The k-th task is due the sum of k draws in [10, 20] s after now (times are shown in whole seconds).
                assertThat(due.get(k - 1)).as("%s task %d", serial, k)
                        .isBetween(local(DeviceServer.START.plusSeconds(10L * k)), local(DeviceServer.START.plusSeconds(20L * k)));
            }
        }
    }

    @Test
    void startTimeIsTodayInTheConfiguredZoneAndAPastOneIsNow() {
        String a = serial();
        farm(a);
        long later = create("{\"serials\": [\"" + a + "\"], \"script_name\": \"post\", \"start_time\": \"11:30\", "
                + "\"min_interval\": 3, \"max_interval\": 3}").getFirst();
        assertThat(task(later).get("start_time").asText()).isEqualTo("2026-03-02 11:30:03");
        long past = create("{\"serials\": [\"" + a + "\"], \"script_name\": \"post\", \"start_time\": \"09:15\", "
                + "\"min_interval\": 0, \"max_interval\": 0}").getFirst();
        assertThat(task(past).get("start_time").asText()).isEqualTo(NOW);
        assertThat(task(past).get("status").asInt()).isZero();
    }

    @Test
    void multiAccountMakesATaskPerAccountAndUsernamesFindTheirDevice() {
        String a = serial(), b = serial();
        farm(a, b);
        List<Long> ids = create("{\"serials\": [\"" + a + "\"], \"script_name\": \"account_warmup\", \"enable_multi_account\": true}");
        assertThat(ids).hasSize(2);
        List<String> users = new ArrayList<>();
        for (long id : ids) users.add(task(id).get("username").asText());
        assertThat(users).containsExactlyInAnyOrder("alice-" + a, "bob-" + a);

        long byName = create("{\"usernames\": [\"bob-" + a + "\"], \"script_name\": \"post\"}").getFirst();
        assertThat(task(byName).get("serial").asText()).isEqualTo(a);
        assertThat(task(byName).get("username").asText()).isEqualTo("bob-" + a);

        // b has no accounts: 40004 names it, and nothing is created.
        long before = total(b);
        String m = srv.refused(post(TASK, admin, "{\"serials\": [\"" + a + "\", \"" + b + "\"], \"script_name\": \"post\", "
                + "\"enable_multi_account\": true}"), TASK, "post", 40004);
        assertThat(m).contains(b);
        assertThat(total(b)).isEqualTo(before);
        invalid(post(TASK, admin, "{\"usernames\": [\"nobody-" + a + "\"], \"script_name\": \"post\"}"), TASK, "post", "nobody-" + a);
    }

    @Test
    void aDeviceWorkersOwnSkillIsAScript() {
        String a = serial();
        farm(a);
        assertThat(create("{\"serials\": [\"" + a + "\"], \"script_name\": \"farm_reboot\"}")).hasSize(1);
    }

    @Test
    void unsupportedScriptsAre40003() {
        String a = serial();
        farm(a);
        assertThat(srv.refused(post(TASK, admin, "{\"serials\": [\"" + a + "\"], \"script_name\": \"like\"}"), TASK, "post", 40003))
                .isEqualTo("Script 'like' is not supported via API yet");
        assertThat(srv.refused(post(TASK, admin, "{\"serials\": [\"" + a + "\"], \"script_name\": \"teleport\"}"), TASK, "post", 40003))
                .isEqualTo("Script 'teleport' is not supported via API");
    }

    @Test
    void badCreateBodiesAre4xxInTheEnvelope() {
        String a = serial();
        farm(a);
        String s = "\"serials\": [\"" + a + "\"]";
        invalid(post(TASK, admin, "{\"script_name\": \"post\"}"), TASK, "post", "serials");
        invalid(post(TASK, admin, "{\"serials\": [], \"script_name\": \"post\"}"), TASK, "post", "serials must not be empty");
        invalid(post(TASK, admin, "{\"usernames\": [], \"script_name\": \"post\"}"), TASK, "post", "usernames must not be empty");
        invalid(post(TASK, admin, "{" + s + ", \"usernames\": [\"u\"], \"script_name\": \"post\"}"), TASK, "post", "not both");
        invalid(post(TASK, admin, "{\"serials\": [\"" + a + "\", \"NO-SUCH-1\", \"NO-SUCH-2\"], \"script_name\": \"post\"}"),
                TASK, "post", "NO-SUCH-1");
        invalid(post(TASK, admin, "{" + s + ", \"script_name\": \"post\", \"min_interval\": 9, \"max_interval\": 3}"),
                TASK, "post", "min_interval");
        invalid(post(TASK, admin, "{" + s + ", \"script_name\": \"post\", \"min_interval\": -1}"), TASK, "post", "min_interval");
        invalid(post(TASK, admin, "{" + s + ", \"script_name\": \"post\", \"start_time\": \"25:00\"}"), TASK, "post", "start_time");
        invalid(post(TASK, admin, "{" + s + ", \"script_name\": \"post\", \"start_time\": \"9am\"}"), TASK, "post", "start_time");
        srv.refused(post(TASK, admin, "{" + s + "}"), TASK, "post", 40002);
        srv.refused(post(TASK, admin, "{" + s + ", \"script_name\": \"  \"}"), TASK, "post", 40002);
        // Wrong types.
        invalid(post(TASK, admin, "{\"serials\": \"" + a + "\", \"script_name\": \"post\"}"), TASK, "post", "serials");
        invalid(post(TASK, admin, "{\"serials\": [7], \"script_name\": \"post\"}"), TASK, "post", "serials");
        invalid(post(TASK, admin, "{" + s + ", \"script_name\": 5}"), TASK, "post", "script_name");
        invalid(post(TASK, admin, "{" + s + ", \"script_name\": \"post\", \"script_config\": [1]}"), TASK, "post", "script_config");
        invalid(post(TASK, admin, "{" + s + ", \"script_name\": \"post\", \"enable_multi_account\": \"yes\"}"), TASK, "post",
                "enable_multi_account");
        invalid(post(TASK, admin, "{" + s + ", \"script_name\": \"post\", \"max_interval\": \"5\"}"), TASK, "post", "max_interval");
        invalid(post(TASK, admin, "{" + s + ", \"script_name\": \"post\", \"max_interval\": 1.5}"), TASK, "post", "max_interval");
        // Not JSON, not an object, no body.
        invalid(post(TASK, admin, "{\"serials\": [\"" + a + "\"], "), TASK, "post", "JSON");
        invalid(post(TASK, admin, "[\"" + a + "\"]"), TASK, "post", "object");
        invalid(post(TASK, admin, "null"), TASK, "post", "object");
        invalid(srv.send("POST", TASK, admin, (String) null), TASK, "post", "empty");
        // Far more targets than any request may fan out to.
        StringBuilder many = new StringBuilder("{\"serials\": [\"" + a + "\"], \"script_name\": \"follow\", \"script_config\": {\"target_users\": [");
        for (int i = 0; i < 10_001; i++) many.append(i == 0 ? "" : ",").append("\"u").append(i).append('"');
        invalid(post(TASK, admin, many.append("]}}").toString()), TASK, "post", "10");
        assertThat(total(a)).isZero();
    }

    @Test
    void anOversizedBodyIs41301AndClosesTheConnection() {
        String big = "{\"serials\": [\"" + "S".repeat((1 << 20) + 10) + "\"], \"script_name\": \"post\"}";
        Resp r = post(TASK, admin, big);
        srv.refused(r, TASK, "post", 41301);
        Resp batch = srv.send("DELETE", TASK + "/batch", admin, "{\"task_ids\": [" + "1,".repeat(600_000) + "1]}");
        srv.refused(batch, TASK + "/batch", "delete", 41301);
    }

    @Test
    void thePlansDeviceLimitCountsOpenTasksAndTheRequest() {
        String a = serial(), b = serial(), c = serial();
        farm(a, b, c);
        String three = "{\"serials\": [\"" + a + "\", \"" + b + "\", \"" + c + "\"], \"script_name\": \"post\"}";
        assertThat(srv.refused(post(TASK, team, three), TASK, "post", 40301)).isEqualTo("Plan Team allows 2 devices; this request would use 3");
        srv.ok(post(TASK, team, "{\"serials\": [\"" + a + "\", \"" + b + "\"], \"script_name\": \"post\"}"), TASK, "post");
        srv.ok(post(TASK, team, "{\"serials\": [\"" + a + "\"], \"script_name\": \"post\"}"), TASK, "post");
        assertThat(srv.refused(post(TASK, team, "{\"serials\": [\"" + c + "\"], \"script_name\": \"post\"}"), TASK, "post", 40301))
                .contains("would use 3");
        // A pro key has room for twenty.
        srv.ok(post(TASK, pro, three), TASK, "post");
    }

    // ---- list, get, stats -----------------------------------------------------------------------

    static long total(String serial) {
        return srv.ok(get(TASK + "?serial=" + serial, admin), TASK, "get").get("total").asLong();
    }

    @Test
    void listFiltersAndPagesNewestFirst() {
        String a = serial();
        farm(a);
        long first = createOne(a, "post");
        long second = createOne(a, "account_warmup");
        long third = createOne(a, "post");
        JsonNode all = srv.ok(get(TASK + "?serial=" + a, reader), TASK, "get");
        assertThat(all.get("total").asLong()).isEqualTo(3);
        assertThat(all.get("page").asInt()).isEqualTo(1);
        assertThat(all.get("page_size").asInt()).isEqualTo(20);
        assertThat(all.get("list").findValuesAsText("id")).containsExactly(Long.toString(third), Long.toString(second), Long.toString(first));

        JsonNode p2 = srv.ok(get(TASK + "?serial=" + a + "&page=2&page_size=2", reader), TASK, "get");
        assertThat(p2.get("total").asLong()).isEqualTo(3);
        assertThat(p2.get("list").findValuesAsText("id")).containsExactly(Long.toString(first));
        assertThat(srv.ok(get(TASK + "?serial=" + a + "&script_name=post&status=0&source=api&page_size=100", reader), TASK, "get")
                .get("total").asLong()).isEqualTo(2);
        assertThat(srv.ok(get(TASK + "?serial=" + a + "&status=2", reader), TASK, "get").get("total").asLong()).isZero();
        assertThat(srv.ok(get(TASK + "?serial=" + a + "&source=ui", reader), TASK, "get").get("total").asLong()).isZero();
        assertThat(srv.ok(get(TASK + "?serial=" + a + "&page=9", reader), TASK, "get").get("list").size()).isZero();
    }

    @Test
    void badListQueriesAre40001() {
        invalid(get(TASK + "?page_size=0", reader), TASK, "get", "page_size");
        invalid(get(TASK + "?page_size=101", reader), TASK, "get", "page_size");
        invalid(get(TASK + "?page_size=ten", reader), TASK, "get", "page_size");
        invalid(get(TASK + "?page=0", reader), TASK, "get", "page");
        invalid(get(TASK + "?status=4", reader), TASK, "get", "status");
        invalid(get(TASK + "?status=running", reader), TASK, "get", "status");
        invalid(get(TASK + "?source=cli", reader), TASK, "get", "source");
        invalid(get(TASK + "?serial=a%00b", reader), TASK, "get", "serial");
    }

    @Test
    void getAndItsRefusals() {
        String a = serial();
        farm(a);
        long id = createOne(a, "post");
        assertThat(srv.ok(get(TASK + "/" + id, reader), TASK_ID, "get").get("serial").asText()).isEqualTo(a);
        invalid(get(TASK + "/abc", reader), TASK_ID, "get", "task_id");
        invalid(get(TASK + "/-1", reader), TASK_ID, "get", "task_id");
        invalid(get(TASK + "/1.5", reader), TASK_ID, "get", "task_id");
        srv.refused(get(TASK + "/99999999", reader), TASK_ID, "get", 40401);
        // A native task is not a device task.
        Resp nat = srv.send("POST", "/api/tasks", admin, "{\"name\": \"n\", \"command\": \"true\", \"scheduled_at\": \"2999-01-01T00:00:00Z\"}");
        assertThat(nat.status()).as("%s", nat).isEqualTo(201);
        String nativeId = nat.data().get("id").asText().substring("task-".length());
        srv.refused(get(TASK + "/" + nativeId, reader), TASK_ID, "get", 40401);
        srv.refused(srv.send("DELETE", TASK + "/" + nativeId, admin, (String) null), TASK_ID, "delete", 40401);
    }

    @Test
    void statsCountByStatus() {
        JsonNode before = srv.ok(get(TASK + "/stats", reader), TASK + "/stats", "get");
        String a = serial();
        farm(a);
        createOne(a, "post");
        createOne(a, "post");
        JsonNode after = srv.ok(get(TASK + "/stats", reader), TASK + "/stats", "get");
        assertThat(after.get("total").asLong()).isEqualTo(before.get("total").asLong() + 2);
        assertThat(after.get("pending").asLong()).isEqualTo(before.get("pending").asLong() + 2);
        assertThat(after.get("total").asLong()).isEqualTo(after.get("pending").asLong() + after.get("running").asLong()
                + after.get("completed").asLong() + after.get("failed").asLong());
    }

    // ---- running, stop, retry -------------------------------------------------------------------

    @Test
    void aTaskRunsOnItsDevicesWorkerAndEndsWithItsRemark() {
        String a = serial();
        DeviceWorker w = farm(a);
        long id = createOne(a, "post");
        JsonNode payload = w.take(10);
        assertThat(payload.get("job_id").asText()).isEqualTo("task-" + id);
        assertThat(payload.get("params").get("serial").asText()).isEqualTo(a);
        assertThat(payload.get("params").get("script_name").asText()).isEqualTo("post");
        assertThat(task(id).get("status").asInt()).isEqualTo(1);
        w.succeed(payload, Json.object().put("remark", "posted 1 video"));
        JsonNode done = task(id);
        assertThat(done.get("status").asInt()).isEqualTo(2);
        assertThat(done.get("remark").asText()).isEqualTo("posted 1 video");
        assertThat(done.get("end_time").asText()).isEqualTo(NOW);
        // A finished task can be neither stopped nor retried.
        invalid(post(TASK + "/" + id + "/stop", admin, null), TASK_ID + "/stop", "post", "running");
        invalid(post(TASK + "/" + id + "/retry", admin, null), TASK_ID + "/retry", "post", "failed");
    }

    @Test
    void stopReachesTheWorkerAndShowsAsFailedStopped() {
        String a = serial();
        DeviceWorker w = farm(a);
        long id = createOne(a, "comment");
        invalid(post(TASK + "/" + id + "/stop", admin, null), TASK_ID + "/stop", "post", "running"); // still pending
        JsonNode payload = w.take(10);
        JsonNode stopped = srv.ok(post(TASK + "/" + id + "/stop", pro, null), TASK_ID + "/stop", "post");
        assertThat(stopped.get("status").asInt()).isEqualTo(3);
        assertThat(stopped.get("remark").asText()).isEqualTo("stopped");
        JsonNode beat = w.heartbeat(List.of(DeviceWorker.device(a, "Pixel 7")), payload.get("task_id").asText());
        assertThat(beat.get("cancel_task_ids").toString()).contains(payload.get("task_id").asText());
        invalid(post(TASK + "/" + id + "/stop", admin, null), TASK_ID + "/stop", "post", "running");
        srv.refused(post(TASK + "/99999999/stop", admin, null), TASK_ID + "/stop", "post", 40401);
        invalid(post(TASK + "/x/stop", admin, null), TASK_ID + "/stop", "post", "task_id");
    }

    @Test
    void retryRunsAFailedTaskAgainUpToTheMaximum() {
        String a = serial();
        DeviceWorker w = farm(a);
        long id = createOne(a, "follow");
        invalid(post(TASK + "/" + id + "/retry", admin, null), TASK_ID + "/retry", "post", "failed"); // pending
        for (int round = 0; round < 3; round++) {
            JsonNode payload = w.take(10);
            w.fail(payload, "PERMANENT_ERROR", "account banned " + round);
            JsonNode failed = task(id);
            assertThat(failed.get("status").asInt()).isEqualTo(3);
            assertThat(failed.get("remark").asText()).contains("account banned " + round);
            assertThat(failed.get("end_time").asText()).isEqualTo(NOW);
            if (round < 2) {
                JsonNode again = srv.ok(post(TASK + "/" + id + "/retry", pro, null), TASK_ID + "/retry", "post");
                assertThat(again.get("status").asInt()).isZero();
                assertThat(again.get("end_time").isNull()).isTrue();
            }
        }
        // Retried twice (device-max-retry-count 2): no more.
        invalid(post(TASK + "/" + id + "/retry", admin, null), TASK_ID + "/retry", "post", "retr");
        srv.refused(post(TASK + "/99999999/retry", admin, null), TASK_ID + "/retry", "post", 40401);
        invalid(post(TASK + "/0/retry", admin, null), TASK_ID + "/retry", "post", "task_id");
    }

    @Test
    void retryAllRetriesEveryFailedTaskUnderTheLimit() {
        String a = serial(), b = serial();
        DeviceWorker w = farm(a, b);
        long one = createOne(a, "post");
        long two = createOne(b, "post");
        for (int i = 0; i < 2; i++) {
            JsonNode p = w.take(10);
            w.fail(p, "PERMANENT_ERROR", "no network");
        }
        JsonNode d = srv.ok(post(TASK + "/retry-all", pro, null), TASK + "/retry-all", "post");
        assertThat(d.get("retried_count").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(task(one).get("status").asInt()).isZero();
        assertThat(task(two).get("status").asInt()).isZero();
    }

    // ---- delete -------------------------------------------------------------------------------

    @Test
    void deleteStopsARunningTaskFirst() {
        String a = serial();
        DeviceWorker w = farm(a);
        long running = createOne(a, "post");
        JsonNode payload = w.take(10);
        assertThat(srv.ok(srv.send("DELETE", TASK + "/" + running, pro, (String) null), TASK_ID, "delete").get("task_id").asLong())
                .isEqualTo(running);
        srv.refused(get(TASK + "/" + running, admin), TASK_ID, "get", 40401);
        JsonNode beat = w.heartbeat(List.of(DeviceWorker.device(a, "Pixel 7")), payload.get("task_id").asText());
        assertThat(beat.get("cancel_task_ids").toString()).contains(payload.get("task_id").asText());
        srv.refused(srv.send("DELETE", TASK + "/" + running, pro, (String) null), TASK_ID, "delete", 40401);
        invalid(srv.send("DELETE", TASK + "/nope", pro, (String) null), TASK_ID, "delete", "task_id");
    }

    @Test
    void batchDeleteReportsWhatWasNotFound() {
        String a = serial();
        DeviceWorker w = farm(a);
        long x = createOne(a, "post");
        w.take(10); // x runs
        long y = createOne(a, "post");
        JsonNode d = srv.ok(srv.send("DELETE", TASK + "/batch", pro, "{\"task_ids\": [" + x + ", " + y + ", 99999999, " + y + "]}"),
                TASK + "/batch", "delete");
        assertThat(d.get("deleted_count").asInt()).isEqualTo(2);
        assertThat(d.get("task_ids").toString()).isEqualTo("[" + x + "," + y + "]");
        assertThat(d.get("not_found").toString()).isEqualTo("[99999999]");
        assertThat(total(a)).isZero();

        String path = TASK + "/batch";
        invalid(srv.send("DELETE", path, pro, "{}"), path, "delete", "task_ids");
        invalid(srv.send("DELETE", path, pro, "{\"task_ids\": []}"), path, "delete", "task_ids");
        invalid(srv.send("DELETE", path, pro, "{\"task_ids\": [\"1\"]}"), path, "delete", "task_ids");
        invalid(srv.send("DELETE", path, pro, "{\"task_ids\": 5}"), path, "delete", "task_ids");
        invalid(srv.send("DELETE", path, pro, "{\"task_ids\": [1,"), path, "delete", "JSON");
        invalid(srv.send("DELETE", path, pro, (String) null), path, "delete", "empty");
        StringBuilder many = new StringBuilder("{\"task_ids\": [");
        for (int i = 1; i <= 1001; i++) many.append(i == 1 ? "" : ",").append(i);
        invalid(srv.send("DELETE", path, pro, many.append("]}").toString()), path, "delete", "1000");
    }

    // ---- licence, credentials, scopes, plans ----------------------------------------------------

    @Test
    void licenseCheckShowsThePlan() {
        JsonNode proLicense = srv.ok(get(LICENSE, pro), LICENSE, "get");
        assertThat(proLicense.toString()).isEqualTo("{\"plan_name\":\"Pro\",\"api_enabled\":true,\"device_limit\":20,"
                + "\"max_concurrent_tasks\":20,\"message\":\"API access enabled\"}");
        JsonNode unlimited = srv.ok(get(LICENSE, admin), LICENSE, "get");
        assertThat(unlimited.get("device_limit").isNull()).isTrue();
        assertThat(unlimited.get("max_concurrent_tasks").isNull()).isTrue();
        assertThat(srv.ok(get(LICENSE, team), LICENSE, "get").get("device_limit").asInt()).isEqualTo(2);

        Resp r = get(LICENSE, starter);
        assertThat(srv.refused(r, LICENSE, "get", 40301)).isEqualTo("API access requires Pro+ plan (current plan: Starter)");
        assertThat(r.data().toString()).isEqualTo("{\"plan_name\":\"Starter\",\"api_enabled\":false,\"device_limit\":null,"
                + "\"max_concurrent_tasks\":null,\"message\":\"API access requires Pro+ plan (current plan: Starter)\"}");
    }

    /** Every route, with a body it would take. */
    record Route(String method, String path, String template, String body) {
    }

    static List<Route> routes(long id) {
        String create = "{\"serials\": [\"NOPE\"], \"script_name\": \"post\"}";
        return List.of(new Route("POST", TASK, TASK, create), new Route("GET", TASK, TASK, null),
                new Route("DELETE", TASK + "/batch", TASK + "/batch", "{\"task_ids\": [" + id + "]}"),
                new Route("GET", TASK + "/stats", TASK + "/stats", null), new Route("POST", TASK + "/retry-all", TASK + "/retry-all", null),
                new Route("GET", TASK + "/" + id, TASK_ID, null), new Route("DELETE", TASK + "/" + id, TASK_ID, null),
                new Route("POST", TASK + "/" + id + "/stop", TASK_ID + "/stop", null),
                new Route("POST", TASK + "/" + id + "/retry", TASK_ID + "/retry", null), new Route("GET", LICENSE, LICENSE, null));
    }

    @Test
    void aStarterKeyIs40301EverywhereAndChangesNothing() {
        String a = serial();
        farm(a);
        long id = createOne(a, "post");
        for (Route r : routes(id)) {
            String m = srv.refused(srv.send(r.method(), r.path(), starter, r.body()), r.template(), r.method().toLowerCase(), 40301);
            assertThat(m).as("%s %s", r.method(), r.path()).isEqualTo("API access requires Pro+ plan (current plan: Starter)");
        }
        assertThat(task(id).get("status").asInt()).isZero();
    }

    @Test
    void withoutAValidCredentialEveryRouteIs40101() {
        for (Route r : routes(1)) {
            srv.refused(srv.send(r.method(), r.path(), null, r.body()), r.template(), r.method().toLowerCase(), 40101);
            srv.refused(srv.send(r.method(), r.path(), "cox_not_a_key_at_all_0123456789abcdefgh", r.body()), r.template(),
                    r.method().toLowerCase(), 40101);
        }
    }

    @Test
    void aReadOnlyKeyReadsButWritesNothing() {
        String a = serial();
        farm(a);
        long id = createOne(a, "post");
        for (Route r : routes(id)) {
            Resp resp = srv.send(r.method(), r.path(), reader, r.body());
            if (r.method().equals("GET")) {
                srv.ok(resp, r.template(), "get");
            } else {
                assertThat(srv.refused(resp, r.template(), r.method().toLowerCase(), 40302)).contains("'tasks:write'");
            }
            srv.refused(srv.send(r.method(), r.path(), scopeless, r.body()), r.template(), r.method().toLowerCase(), 40302);
        }
        assertThat(task(id).get("status").asInt()).isZero();
    }

    @Test
    void unknownPathsOfTheFaceAre40401InItsEnvelope() {
        for (String[] mp : List.of(new String[] {"GET", TASK + "/1/unknown"}, new String[] {"PUT", TASK},
                new String[] {"POST", TASK + "/stats"}, new String[] {"GET", "/api/v1/license/other"}, new String[] {"PATCH", TASK + "/1"})) {
            Resp r = srv.send(mp[0], mp[1], admin, (String) null);
            assertThat(r.status()).as("%s", r).isEqualTo(404);
            assertThat(r.json().get("code").asInt()).as("%s", r).isEqualTo(40401);
            assertThat(r.json().has("data")).isTrue();
        }
    }

    @Test
    void overTheRateLimitIs42901WithRetryAfter(@org.junit.jupiter.api.io.TempDir Path dir) {
        java.util.Map<Tier, Integer> one = new java.util.EnumMap<>(Tier.class);
        for (Tier t : Tier.values()) if (t != Tier.UNLIMITED) one.put(t, 1);
        try (DeviceServer tight = DeviceServer.start(dir, null, c -> c.withSecurity(new dev.coxswain.server.SecurityConfig(
                dev.coxswain.server.SecurityConfig.defaults().jwt(), DeviceServer.WORKER_TOKEN, one, 1)))) {
            String key = tight.key("tight", Set.of(Scopes.TASKS_WRITE), Tier.PRO);
            tight.ok(tight.send("GET", TASK + "/stats", key, (String) null), TASK + "/stats", "get");
            Resp r = tight.send("GET", TASK + "/stats", key, (String) null);
            tight.refused(r, TASK + "/stats", "get", 42901);
            assertThat(r.header("Retry-After")).isNotNull();
        }
    }

    @Test
    void theRouteOrderKeepsFixedPathsFromTheTaskIdRoute() {
        // "stats", "batch" and "retry-all" never reach {task_id}: each answers as itself.
        srv.ok(get(TASK + "/stats", admin), TASK + "/stats", "get");
        invalid(srv.send("DELETE", TASK + "/batch", admin, "{}"), TASK + "/batch", "delete", "task_ids");
        srv.ok(post(TASK + "/retry-all", admin, null), TASK + "/retry-all", "post");
    }
}
