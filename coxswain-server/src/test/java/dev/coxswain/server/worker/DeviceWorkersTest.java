package dev.coxswain.server.worker;

import static dev.coxswain.server.worker.ConformanceServer.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.remote.DeviceRegistry.DeviceView;
import dev.coxswain.core.testing.TestDatabases;
import dev.coxswain.worker.CoxswainWorker;
import dev.coxswain.worker.Device;
import dev.coxswain.worker.DeviceAgent;
import dev.coxswain.worker.DeviceScript;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Device tasks end to end: a real server (SQLite and PostgreSQL) and two kinds of device worker at
 * once — the Java {@link DeviceAgent}, and {@link SdkReplayWorker}, which speaks raw HTTP the way
 * the Avtomatika SDK does and declares its devices as the SDK does (in the registration's
 * {@code resources.devices} only, {@code {type, model, id, properties}}). Device tasks are created
 * through the native API ({@code POST /api/tasks}, {@code requirements.device}). Every script run
 * is recorded by the worker that ran it ({@link DeviceLedger}); the one-at-a-time and routing
 * checks read those records.
 */
class DeviceWorkersTest {
    enum Store { SQLITE, POSTGRES }

    private static final String SCRIPT = "post";
    /** A silent worker is offline after this (the server's {@code remote-worker-ttl-seconds}). */
    private static final int TTL_SECONDS = 3;

    @TempDir
    Path dir;
    private ConformanceServer srv;
    private final Deque<AutoCloseable> closeAfter = new ArrayDeque<>();
    private final DeviceLedger ledger = new DeviceLedger();

    @AfterEach
    void tearDown() throws Exception {
        Exception first = null;
        while (!closeAfter.isEmpty()) {
            try {
                closeAfter.pop().close();
            } catch (Exception e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }

    // ---- one task per device, routed only to its owner ------------------------------------------

    @ParameterizedTest
    @EnumSource(Store.class)
    void eachDeviceRunsOneTaskAtATimeInOrderAndOnlyOnTheWorkerThatOwnsIt(Store store) throws Exception {
        start(store);
        agent("dev-agent", List.of("J1", "J2"));
        SdkReplayWorker sdk = sdk("dev-sdk", List.of("S1", "S2"));
        Map<String, String> owner = Map.of("J1", "dev-agent", "J2", "dev-agent", "S1", "dev-sdk", "S2", "dev-sdk");

        // Four tasks per device, created round-robin over the devices: each device's queue is
        // drained in creation order, one at a time, while the devices run side by side.
        Map<String, List<String>> created = new LinkedHashMap<>();
        for (int round = 0; round < 4; round++) {
            for (String serial : List.of("J1", "S1", "J2", "S2")) {
                created.computeIfAbsent(serial, s -> new ArrayList<>())
                        .add(deviceTask(serial, config().put("hold_ms", 120).put("round", round), 0));
            }
        }
        for (List<String> ids : created.values()) for (String id : ids) srv.awaitStatus(id, "completed");

        ledger.assertOneAtATimePerDevice();
        assertThat(ledger.runs()).hasSize(16).allSatisfy(r -> {
            assertThat(r.worker()).as("%s ran on the worker owning %s", r, r.serial()).isEqualTo(owner.get(r.serial()));
            assertThat(r.attempt()).as("%s", r).isEqualTo(1);
            assertThat(r.outcome()).as("%s", r).isEqualTo("done");
        });
        ledger.bySerial().forEach((serial, runs) -> assertThat(runs).extracting(DeviceLedger.Run::task)
                .as("the order %s ran its queue in", serial).containsExactlyElementsOf(created.get(serial)));
        for (Map.Entry<String, List<String>> e : created.entrySet()) {
            for (String id : e.getValue()) {
                JsonNode t = srv.task(id);
                assertThat(t.path("worker_id").asText()).as("%s", t).isEqualTo(owner.get(e.getKey()));
                assertThat(t.path("result")).as("%s", t)
                        .isEqualTo(JSON.createObjectNode().put("serial", e.getKey()).put("worker", owner.get(e.getKey())));
            }
        }

        // The SDK way of declaring devices: in the registration only, never in a heartbeat.
        JsonNode registration = JSON.readTree(sdk.exchanges(WireExchange.Kind.REGISTER).getFirst().requestBody());
        assertThat(registration.path("resources").path("devices")).isEqualTo(JSON.readTree("""
                [{"id":"S1","model":"Pixel 7","properties":{"accounts":["acct-S1"]},"type":"android"},
                 {"id":"S2","model":"Pixel 7","properties":{"accounts":["acct-S2"]},"type":"android"}]"""));
        assertThat(sdk.exchanges(WireExchange.Kind.HEARTBEAT)).isNotEmpty()
                .allSatisfy(x -> assertThat(x.requestBody()).doesNotContain("devices"));
        DeviceView s1 = device("S1").orElseThrow();
        assertThat(s1.workerId()).isEqualTo("dev-sdk");
        assertThat(s1.online()).isTrue();
        assertThat(s1.accounts()).containsExactly("acct-S1");
        assertThat(device("J2").orElseThrow().workerId()).isEqualTo("dev-agent");
        assertThat(sdk.protocolFailures()).isEmpty();
        assertThat(sdk.wireViolations()).isEmpty();
    }

    // ---- stop --------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Store.class)
    void aStopOfARunningTaskReachesEitherWorkerWithinASecondAndTheDeviceRunsItsNextTask(Store store) throws Exception {
        start(store);
        agent("stop-agent", List.of("J1"));
        sdk("stop-sdk", List.of("S1"));
        for (String serial : List.of("J1", "S1")) {
            String running = deviceTask(serial, config().put("block_attempts", 1), 0);
            String next = deviceTask(serial, config().put("hold_ms", 10), 0);
            await().atMost(Duration.ofSeconds(20)).until(() -> ledger.has(running + ".1", false));

            long cancelSent = System.nanoTime();
            srv.cancel(running);

            await().atMost(Duration.ofSeconds(20)).until(() -> ledger.has(running + ".1", true));
            DeviceLedger.Run stopped = ledger.of(running).getFirst();
            assertThat(stopped.outcome()).isEqualTo("stopped");
            assertThat(Duration.ofNanos(stopped.end() - cancelSent)).as("from the cancel request to the script stopping on %s", serial)
                    .isLessThan(Duration.ofSeconds(1));
            assertThat(srv.awaitStatus(running, "cancelled").path("retry_count").asInt()).isZero();
            srv.awaitStatus(next, "completed");
        }
        ledger.assertOneAtATimePerDevice();
    }

    /**
     * An SDK worker hears of a stop only in its next heartbeat answer and has no guard of its own:
     * the device must stay busy on the server until the worker has let go of the stopped attempt
     * (its cancelled result, or a heartbeat that no longer lists it), or the device's next task
     * would start there beside the stopped script.
     */
    @ParameterizedTest
    @EnumSource(Store.class)
    void aStoppedScriptOnAnSdkWorkerHoldsItsDeviceUntilTheWorkerLetsGo(Store store) throws Exception {
        start(store);
        sdk("stop-sdk", List.of("S1"));
        for (int i = 0; i < 5; i++) {
            String running = deviceTask("S1", config().put("block_attempts", 1), 0);
            String next = deviceTask("S1", config().put("hold_ms", 10), 0);
            await().atMost(Duration.ofSeconds(20)).until(() -> ledger.has(running + ".1", false));
            srv.cancel(running);
            srv.awaitStatus(next, "completed");
        }
        ledger.assertOneAtATimePerDevice();
    }

    // ---- a device withdrawn from the agent's heartbeat -----------------------------------------------

    @ParameterizedTest
    @EnumSource(Store.class)
    void aDeviceWithdrawnFromTheAgentsHeartbeatFailsItsRunningTaskPerRetryRulesAndHoldsItsQueue(Store store) throws Exception {
        start(store);
        DeviceAgent agent = agent("rm-agent", List.of("J1", "J2"));
        String first = deviceTask("J1", config().put("block_attempts", 1), 1);
        String second = deviceTask("J1", config().put("hold_ms", 10), 0);
        String neighbour = deviceTask("J2", config().put("hold_ms", 10), 0);
        await().atMost(Duration.ofSeconds(20)).until(() -> ledger.has(first + ".1", false));
        srv.awaitStatus(neighbour, "completed");

        assertThat(agent.removeDevice("J1")).isTrue();

        // The attempt fails and is retried under the task's rules (max_retries 1): back in the queue.
        JsonNode retried = srv.awaitStatus(first, "queued");
        assertThat(retried.path("retry_count").asInt()).as("%s", retried).isEqualTo(1);
        assertThat(ledger.of(first)).extracting(DeviceLedger.Run::outcome).containsExactly("stopped");
        // ... and the heartbeat's answer cancelled the script (the "stopped" above).
        assertThat(logText(first)).contains("device J1 disappeared from worker rm-agent");
        await().atMost(Duration.ofSeconds(10)).until(() -> device("J1").map(d -> !d.present()).orElse(false));

        // The queue holds while the device is away: the agent keeps polling and running tasks of
        // its other device, and nothing of J1 starts.
        for (int i = 0; i < 3; i++) srv.awaitStatus(deviceTask("J2", config().put("hold_ms", 10), 0), "completed");
        assertThat(srv.task(first).path("status").asText()).isEqualTo("queued");
        assertThat(srv.task(second).path("status").asText()).isEqualTo("queued");
        assertThat(ledger.of(first)).hasSize(1);
        assertThat(ledger.of(second)).isEmpty();

        // Back again: the retry runs first, then the rest of the queue.
        agent.addDevice(Device.of("J1", "android").withModel("Pixel 8"));
        srv.awaitStatus(first, "completed");
        srv.awaitStatus(second, "completed");
        assertThat(ledger.bySerial().get("J1")).extracting(DeviceLedger.Run::taskId, DeviceLedger.Run::outcome)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(first + ".1", "stopped"),
                        org.assertj.core.groups.Tuple.tuple(first + ".2", "done"),
                        org.assertj.core.groups.Tuple.tuple(second + ".1", "done"));
        ledger.assertOneAtATimePerDevice();
    }

    // ---- a device worker killed mid-script ------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Store.class)
    void anSdkDeviceWorkerKilledMidScriptFailsTheAttemptAndTheRetryRunsWhereTheDeviceReappears(Store store) throws Exception {
        start(store);
        String devices = "[{\"type\":\"android\",\"model\":\"Pixel 7\",\"id\":\"K1\"}]";
        ReplayWorkerProcess doomed = ReplayWorkerProcess.launch(dir.resolve("logs"), "kill-sdk", ReplayWorkerMain.class,
                List.of(srv.base, "kill-sdk", devices), Map.of(ReplayWorkerMain.TOKEN_ENV, ConformanceServer.WORKER_TOKEN));
        closeAfter.push(doomed::close);
        doomed.awaitLine("REGISTERED", Duration.ofSeconds(60));
        // The SDK worker's built-in "sleep" skill serves as the script: it holds the device for ten minutes.
        ObjectNode params = JSON.createObjectNode().put("serial", "K1").put("script_name", "sleep").put("seconds", 600);
        String id = srv.createTask("sleep", params, JSON.createObjectNode().put("max_retries", 1)
                .set("requirements", JSON.createObjectNode().put("device", "K1")));
        doomed.awaitLine("TASK " + id + " " + id + ".1 sleep", Duration.ofSeconds(20));

        doomed.sigkill(); // no offline heartbeat, no result: the server hears nothing more

        JsonNode retried = awaitRetried(id);
        assertThat(logText(id)).contains("kill-sdk");
        await().atMost(Duration.ofSeconds(20)).until(() -> !device("K1").orElseThrow().online());

        // The device reappears on a Java agent (moved to another host): the retry runs there.
        agent("kill-taker", List.of("K1"), "sleep");
        JsonNode done = srv.awaitStatus(id, "completed");
        assertThat(done.path("worker_id").asText()).isEqualTo("kill-taker");
        assertThat(done.path("retry_count").asInt()).as("%s then %s", retried, done).isEqualTo(1);
        assertThat(ledger.of(id)).extracting(DeviceLedger.Run::worker, DeviceLedger.Run::attempt)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("kill-taker", 2));
        assertThat(device("K1").orElseThrow().workerId()).isEqualTo("kill-taker");
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void aDeviceAgentKilledMidScriptFailsTheAttemptAndTheRetryRunsWhereTheDeviceReappears(Store store) throws Exception {
        start(store);
        ReplayWorkerProcess doomed = ReplayWorkerProcess.launch(dir.resolve("logs"), "kill-agent", DeviceAgentMain.class,
                List.of(srv.base, "kill-agent", "K2", SCRIPT), Map.of(DeviceAgentMain.TOKEN_ENV, ConformanceServer.WORKER_TOKEN));
        closeAfter.push(doomed::close);
        doomed.awaitLine("REGISTERED", Duration.ofSeconds(60));
        String id = deviceTask("K2", config().put("hold_ms", 10), 1);
        doomed.awaitLine("START K2 " + id + ".1", Duration.ofSeconds(20));

        doomed.sigkill();

        JsonNode retried = awaitRetried(id);
        assertThat(logText(id)).contains("kill-agent");

        // The device reappears on an SDK worker: the retry runs there.
        sdk("kill-sdk-taker", List.of("K2"));
        JsonNode done = srv.awaitStatus(id, "completed");
        assertThat(done.path("worker_id").asText()).isEqualTo("kill-sdk-taker");
        assertThat(done.path("retry_count").asInt()).as("%s then %s", retried, done).isEqualTo(1);
        assertThat(ledger.of(id)).extracting(DeviceLedger.Run::worker, DeviceLedger.Run::attempt)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("kill-sdk-taker", 2));
    }

    // ---- the server, the workers, the tasks -----------------------------------------------------

    private void start(Store store) {
        String url = null;
        if (store == Store.POSTGRES) {
            TestDatabases.PgDatabase pg = TestDatabases.freshPostgres();
            closeAfter.push(pg);
            url = pg.url();
        }
        WorkerProtocolConfig d = WorkerProtocolConfig.defaults();
        // A short TTL, so a killed worker is given up quickly; no heartbeat limit (workers beat twice a second and more).
        WorkerProtocolConfig workers = new WorkerProtocolConfig(Duration.ofSeconds(TTL_SECONDS), Duration.ofSeconds(5),
                d.signatures(), d.timestampWindow(), d.pollPerMinute(), 0, d.otherPerMinute());
        srv = ConformanceServer.start(dir.resolve("server"), url, workers, Clock.systemUTC());
        closeAfter.push(srv);
    }

    /** A started Java device agent holding {@code serials}, its scripts recording into the ledger. */
    private DeviceAgent agent(String id, List<String> serials, String... scripts) throws InterruptedException {
        DeviceAgent.Builder b = DeviceAgent.builder(CoxswainWorker.builder()
                .serverUrl(srv.base)
                .workerId(id)
                .masterToken(ConformanceServer.WORKER_TOKEN)
                .heartbeatInterval(Duration.ofMillis(500))
                .idlePollDelay(Duration.ofMillis(20))
                .pollTimeout(Duration.ofSeconds(5))
                .shutdownGracePeriod(Duration.ofSeconds(1))
                .hostname("device-test-host")
                .ipAddress("127.0.0.1"));
        for (String serial : serials) b.device(Device.of(serial, "android").withModel("Pixel 8"));
        for (String script : scripts.length == 0 ? new String[] {SCRIPT} : scripts) b.script(script, recording(id));
        DeviceAgent agent = b.build();
        closeAfter.push(agent);
        agent.start();
        assertThat(agent.awaitRegistered(Duration.ofSeconds(20))).as("agent %s registered", id).isTrue();
        return agent;
    }

    /**
     * The agents' script: records its run; holds the device until stopped while the attempt is at
     * most {@code script_config.block_attempts}, else for {@code script_config.hold_ms}.
     */
    private DeviceScript recording(String worker) {
        return (device, config, ctx) -> {
            DeviceLedger.Span span = ledger.start(worker, device.id(), ctx.task().taskId());
            String outcome = "done";
            try {
                boolean block = ctx.task().attempt() <= config.path("block_attempts").asInt(0);
                ctx.awaitStop(block ? Duration.ofMinutes(5) : Duration.ofMillis(config.path("hold_ms").asLong(0)));
                if (ctx.isStopped()) outcome = "stopped";
                return JSON.createObjectNode().put("serial", device.id()).put("worker", worker);
            } finally {
                span.end(outcome);
            }
        };
    }

    /**
     * A started SDK-style worker declaring {@code serials} the way the SDK does; its {@value #SCRIPT}
     * and {@code sleep} skills record into the ledger like the agents' script.
     */
    private SdkReplayWorker sdk(String id, List<String> serials) throws InterruptedException {
        SdkReplayWorker.Builder b = SdkReplayWorker.builder(URI.create(srv.base), id, ConformanceServer.WORKER_TOKEN)
                // Without a usable WebSocket the SDK hears of a stop in a heartbeat's answer: beat often.
                .heartbeatInterval(Duration.ofMillis(250))
                .heartbeatCooldown(Duration.ofMillis(250))
                .idlePollDelay(Duration.ofMillis(50))
                .pollTimeoutSeconds(5)
                .shutdownTimeout(Duration.ofSeconds(1))
                .listener(ReplayServer.ledger())
                .skill(SCRIPT, sdkRecording(id))
                .skill("sleep", sdkRecording(id));
        for (String serial : serials) {
            ObjectNode device = JSON.createObjectNode().put("type", "android").put("model", "Pixel 7").put("id", serial);
            device.putObject("properties").putArray("accounts").add("acct-" + serial);
            b.device(device);
        }
        SdkReplayWorker w = b.build();
        closeAfter.push(w);
        w.start();
        assertThat(w.awaitRegistered(Duration.ofSeconds(20))).as("SDK worker %s registered", id).isTrue();
        return w;
    }

    private ReplaySkills.Handler sdkRecording(String worker) {
        return ctx -> {
            ObjectNode params = ctx.payload().params();
            String serial = params.path("serial").asText();
            JsonNode config = params.path("script_config");
            String taskId = ctx.payload().taskId();
            DeviceLedger.Span span = ledger.start(worker, serial, taskId);
            int attempt = Integer.parseInt(taskId.substring(taskId.lastIndexOf('.') + 1));
            try {
                Thread.sleep(attempt <= config.path("block_attempts").asInt(0) ? 300_000 : config.path("hold_ms").asLong(0));
            } catch (InterruptedException e) {
                span.end("stopped");
                throw e;
            }
            span.end("done");
            return ReplaySkills.data(JSON.createObjectNode().put("serial", serial).put("worker", worker));
        };
    }

    private static ObjectNode config() {
        return JSON.createObjectNode();
    }

    /** A device task through the native API: {@code params {serial, script_name, script_config}}, {@code requirements.device}. */
    private String deviceTask(String serial, ObjectNode scriptConfig, int maxRetries) {
        ObjectNode params = JSON.createObjectNode().put("serial", serial).put("script_name", SCRIPT);
        params.set("script_config", scriptConfig);
        ObjectNode extra = JSON.createObjectNode().put("name", SCRIPT + " on " + serial).put("max_retries", maxRetries);
        extra.putObject("requirements").put("device", serial);
        return srv.createTask(SCRIPT, params, extra);
    }

    /** Waits until the attempt of a task whose worker went silent has failed and the task is retried. */
    private JsonNode awaitRetried(String id) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            last[0] = srv.task(id);
            assertThat(last[0].path("retry_count").asInt()).as("%s", last[0]).isEqualTo(1);
            assertThat(last[0].path("status").asText()).as("%s", last[0]).isIn("pending", "queued");
        });
        return last[0];
    }

    private Optional<DeviceView> device(String serial) {
        return srv.server.engine().devices().find(serial);
    }

    private String logText(String id) {
        return srv.logs(id).toString();
    }
}
