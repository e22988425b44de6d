package dev.coxswain.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.NewTask;
import dev.coxswain.core.domain.Scopes;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.node.Engine;
import dev.coxswain.core.remote.RemoteHarness;
import dev.coxswain.core.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker and device pages through real HTTP, with a remote worker registered through the
 * engine (as the worker face hands registrations over): its skills, devices, reported details,
 * heartbeat and tasks; the live fragments; the read scope; unknown ids; markup in reported values.
 */
class WorkerPagesTest {
    static final Instant T0 = Instant.parse("2030-01-07T08:00:00Z");
    static final MutableClock CLOCK = new MutableClock(T0);

    @TempDir
    static Path dir;
    static UiServer srv;
    static Engine engine;

    @BeforeAll
    static void start() {
        srv = new UiServer(dir, CLOCK);
        engine = srv.server.engine();
    }

    @AfterAll
    static void stop() {
        if (srv != null) srv.close();
    }

    private static ObjectNode device(String serial, String model, String... accounts) {
        ObjectNode d = Json.object().put("id", serial).put("type", "phone").put("model", model);
        ArrayNode a = d.putObject("properties").putArray("accounts");
        for (String acc : accounts) a.add(acc);
        return d;
    }

    /** A registration as the SDK sends it: skills with descriptions, devices, software, capabilities. */
    private static ObjectNode registration(String id, List<ObjectNode> devices, String... skills) {
        ObjectNode b = Json.object().put("worker_id", id).put("worker_type", "device-farm");
        ArrayNode sup = b.putArray("supported_skills");
        for (String s : skills) sup.addObject().put("name", s).put("type", "script").put("description", "runs " + s);
        b.putObject("capabilities").put("hostname", id + "-host").put("ip_address", "127.0.0.1");
        b.put("max_concurrent_tasks", 4);
        ObjectNode res = b.putObject("resources");
        res.putObject("properties").put("cpu_cores", 8);
        res.set("devices", Json.MAPPER.valueToTree(devices));
        b.putObject("installed_software").put("python", "3.11");
        return b;
    }

    private static Task deviceTask(String skill, String serial) {
        ObjectNode payload = Json.object();
        payload.putObject("requirements").put("device", serial);
        return engine.tasks().create(new NewTask(skill, skill + " on " + serial, null, payload, 5, 0, "exponential", null, 60,
                List.of(), List.of(), false, null, null));
    }

    private static ObjectNode poll(String worker) throws InterruptedException {
        Optional<ObjectNode> got = engine.remote().poll(worker, Set.of(), Duration.ofSeconds(20));
        assertThat(got).as("a task for " + worker).isPresent();
        return got.get();
    }

    @Test
    void aRemoteWorkersSkillsDevicesTasksAndHeartbeatShow() throws Exception {
        engine.remote().register("farm-1", registration("farm-1",
                List.of(device("SER-001", "Pixel 8", "alice", "bob"), device("SER-002", "Galaxy S24")), "tap", "swipe"));
        Task done = deviceTask("swipe", "SER-002");
        engine.remote().result("farm-1", RemoteHarness.success(poll("farm-1"), Json.object()));
        Task busy = deviceTask("tap", "SER-001");
        ObjectNode running = poll("farm-1");
        assertThat(RemoteHarness.taskIdOf(running)).isEqualTo(busy.id());
        ObjectNode beat = Json.object().put("status", "busy");
        beat.putArray("current_tasks").add(running.get("task_id").asText());
        beat.putObject("usage").put("cpu_load_percent", 37);
        engine.remote().heartbeat("farm-1", beat);
        CLOCK.advance(Duration.ofSeconds(12));

        UiClient c = srv.admin();
        UiClient.Page list = c.get("/ui/workers");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).contains("href=\"/ui/workers/farm-1\"", "remote · farm-1-host", "tap, swipe",
                        "href=\"/ui/devices?worker=farm-1\">2<", "cpu load percent 37", "1 / 4",
                        "href=\"/ui/tasks/task-" + busy.id() + "\"", "12 s ago", "python 3.11")
                .contains("aria-current=\"page\">Workers<")
                .contains("hx-get=\"/ui/workers?part=table\" hx-trigger=\"every 5s\"");
        // The built-in local worker: its task types stand for skills.
        assertThat(list.body()).contains("href=\"/ui/workers/worker-ui\"").contains("shell");

        UiClient.Page page = c.get("/ui/workers/farm-1");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("device-farm", "farm-1-host", "1 of 4 slots", "runs tap", "runs swipe")
                .contains("SER-001", "Pixel 8", "alice, bob", "busy", "SER-002", "Galaxy S24", "online")
                .contains("installed_software.python", "3.11", "capabilities.ip_address", "resources.properties")
                .contains("href=\"/ui/tasks/task-" + done.id() + "\"", "status-completed", "swipe on SER-002")
                .contains("href=\"/ui/tasks/task-" + busy.id() + "\"", "status-running")
                .contains("href=\"/ui/tasks?worker=farm-1\"")
                .contains("hx-get=\"/ui/workers/farm-1?part=state\"");
        // The live parts are fragments: no page around them.
        UiClient.Page table = c.get("/ui/workers?part=table", Map.of("HX-Request", "true"));
        assertThat(table.body()).startsWith("<div id=\"workers-live\"").contains("farm-1").doesNotContain("<html");
        UiClient.Page state = c.get("/ui/workers/farm-1?part=state", Map.of("HX-Request", "true"));
        assertThat(state.body()).startsWith("<section class=\"panel\" id=\"worker-live\"").contains("1 of 4 slots")
                .contains("task-" + busy.id()).doesNotContain("<html");

        UiClient.Page devices = c.get("/ui/devices?worker=farm-1");
        assertThat(devices.status()).isEqualTo(200);
        assertThat(devices.body()).contains("SER-001", "SER-002", "alice, bob", "href=\"/ui/workers/farm-1\"",
                "href=\"/ui/tasks/task-" + busy.id() + "\"", "Pixel 8").contains("aria-current=\"page\">Devices<")
                .contains("hx-get=\"/ui/devices?worker=farm-1&amp;part=table\"");
    }

    @Test
    void theListFiltersByStatusAndRefusesBadInput() {
        engine.remote().register("filter-1", registration("filter-1", List.of(), "tap"));
        UiClient c = srv.admin();
        assertThat(c.get("/ui/workers?status=idle").body()).contains("filter-1");
        assertThat(c.get("/ui/workers?status=offline").body()).doesNotContain("filter-1");
        assertThat(c.get("/ui/workers?status=asleep").status()).isEqualTo(400);
        assertThat(c.get("/ui/workers?page=0").status()).isEqualTo(400);
        assertThat(c.get("/ui/workers/filter-1").body()).contains("No devices.").contains("It has run no tasks yet.");
    }

    @Test
    void devicesArePagedBySerialAndFilteredByWorker() {
        List<ObjectNode> many = new java.util.ArrayList<>();
        for (int i = 0; i < DevicePages.PAGE_SIZE + 5; i++) many.add(device(String.format(Locale.ROOT, "PG-%04d", i), "Moto"));
        engine.remote().register("pager-1", registration("pager-1", many, "tap"));
        engine.remote().register("pager-2", registration("pager-2", List.of(device("ZZ-ONLY", "Nokia")), "tap"));
        UiClient c = srv.admin();
        UiClient.Page first = c.get("/ui/devices?worker=pager-1");
        assertThat(first.body()).contains("PG-0000", "PG-0099").doesNotContain("PG-0100").doesNotContain("ZZ-ONLY")
                .contains("href=\"/ui/devices?worker=pager-1&amp;after=PG-0099\"");
        UiClient.Page second = c.get("/ui/devices?worker=pager-1&after=PG-0099");
        assertThat(second.body()).contains("PG-0100", "PG-0104").doesNotContain("PG-0099<").doesNotContain("Next →")
                .contains(">First<");
        assertThat(c.get("/ui/devices?worker=pager-2").body()).contains("ZZ-ONLY").doesNotContain("PG-0000");
        assertThat(c.get("/ui/devices?worker=nobody").body()).contains("No devices for worker nobody.");
        assertThat(c.get("/ui/devices?after=" + "x".repeat(201)).status()).isEqualTo(400);
        // Unfiltered, the first page is bounded too.
        UiClient.Page all = c.get("/ui/devices");
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.body().split("<tr>", -1).length - 2).isEqualTo(DevicePages.PAGE_SIZE);
    }

    @Test
    void anUnknownWorkerIs404() {
        UiClient c = srv.admin();
        assertThat(c.get("/ui/workers/no-such-worker").status()).isEqualTo(404);
        assertThat(c.get("/ui/workers/no-such-worker?part=state").status()).isEqualTo(404);
    }

    @Test
    void thePagesNeedAReadScope() {
        engine.remote().register("scoped-1", registration("scoped-1", List.of(device("SC-1", "Pixel")), "tap"));
        UiClient viewer = srv.client();
        viewer.signIn(srv.key("viewer", Set.of(Scopes.TASKS_READ)));
        assertThat(viewer.get("/ui/workers").status()).isEqualTo(200);
        assertThat(viewer.get("/ui/workers/scoped-1").status()).isEqualTo(200);
        assertThat(viewer.get("/ui/devices").status()).isEqualTo(200);
        UiClient writer = srv.client();
        writer.signIn(srv.key("jobs-only", Set.of(Scopes.JOBS_WRITE)));
        for (String path : new String[] {"/ui/workers", "/ui/workers/scoped-1", "/ui/devices", "/ui/workers?part=table"}) {
            assertThat(writer.get(path).status()).as(path).isEqualTo(403);
        }
    }

    @Test
    void reportedValuesWithMarkupAreShownAsText() {
        ObjectNode reg = registration("markup-1", List.of(device("<script>alert(1)</script>", "<b>phone</b>", "<i>acc</i>")),
                "tap");
        reg.with("installed_software").put("evil", "<script>alert(2)</script>");
        engine.remote().register("markup-1", reg);
        UiClient c = srv.admin();
        for (String path : new String[] {"/ui/workers/markup-1", "/ui/devices?worker=markup-1"}) {
            UiClient.Page p = c.get(path);
            assertThat(p.status()).isEqualTo(200);
            assertThat(p.body()).as(path).contains("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;b&gt;phone&lt;/b&gt;",
                    "&lt;i&gt;acc&lt;/i&gt;").doesNotContain("<script>alert").doesNotContain("<b>phone");
        }
        assertThat(c.get("/ui/workers/markup-1").body()).contains("&lt;script&gt;alert(2)&lt;/script&gt;");
    }
}
