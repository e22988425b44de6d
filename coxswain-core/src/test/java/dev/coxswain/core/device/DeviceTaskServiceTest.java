package dev.coxswain.core.device;

import static dev.coxswain.core.device.DeviceHarness.PRO;
import static dev.coxswain.core.device.DeviceHarness.STARTER;
import static dev.coxswain.core.device.DeviceHarness.UNLIMITED;
import static dev.coxswain.core.device.DeviceHarness.device;
import static dev.coxswain.core.device.DeviceHarness.serials;
import static dev.coxswain.core.device.DeviceHarness.usernames;
import static dev.coxswain.core.device.DeviceHarness.with;
import static dev.coxswain.core.remote.RemoteHarness.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.NewTask;
import dev.coxswain.core.domain.Page;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.domain.Tier;
import dev.coxswain.core.engine.StoreKind;
import dev.coxswain.core.remote.RemoteHarness;
import dev.coxswain.core.service.ConflictException;
import dev.coxswain.core.service.NotFoundException;
import dev.coxswain.core.service.ValidationException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The device task service on a running engine, on both stores: remote workers register devices
 * (with accounts), requests become native device tasks, and a worker runs them through the
 * protocol. The clock moves only when a test moves it, so due times are exact.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class DeviceTaskServiceTest {
    @Parameter
    StoreKind store;

    @TempDir
    Path tmp;

    private DeviceHarness d;

    private DeviceHarness open() {
        return open(UnaryOperator.identity());
    }

    /** The engine with devices S1 (alice, bob) and S2 (no account) on w1, S3 (carol) on w2. */
    private DeviceHarness open(UnaryOperator<DeviceSettings> tweak) {
        d = DeviceHarness.open(store, tmp, tweak);
        d.worker("w1", List.of("post", "follow", "comment", "account_warmup"), device("S1", "alice", "bob"), device("S2"));
        ObjectNode carol = Json.object().put("username", "carol");
        ObjectNode s3 = device("S3");
        ((ObjectNode) s3.get("properties")).putArray("accounts").add(carol);
        d.worker("w2", List.of("post", "follow", "unfollow"), s3);
        return d;
    }

    @AfterEach
    void close() {
        if (d != null) d.close();
    }

    private DeviceTaskService svc() {
        return d.svc;
    }

    private static ObjectNode config(String json) {
        return (ObjectNode) Json.read(json);
    }

    /** Makes everything created so far due (stagger and retry delays), then has the worker take its next task. */
    private ObjectNode run(String workerId) {
        d.advance(Duration.ofSeconds(70));
        return d.h.poll(workerId);
    }

    // ---- create ------------------------------------------------------------------------------

    @Test
    void eachDeviceGetsOneNativeDeviceTask() {
        open();
        Created c = svc().create(PRO, serials("post", config("{\"caption\": \"hi\"}"), "S1", "S2", "S1"));
        assertThat(c.taskIds()).hasSize(2);

        Task t = d.task(c.taskIds().getFirst());
        assertThat(t.type()).isEqualTo("post");
        assertThat(t.name()).isEqualTo("post on S1");
        assertThat(t.payload()).isEqualTo(Json.read("""
                {"params": {"serial": "S1", "script_name": "post", "script_config": {"caption": "hi"}},
                 "requirements": {"device": "S1"}}"""));
        assertThat(t.priority()).isEqualTo(5);
        assertThat(t.maxRetries()).isEqualTo(3);
        assertThat(t.backoff()).isEqualTo("random:5-60");
        assertThat(t.timeoutSeconds()).isEqualTo(3600);
        assertThat(t.tags()).containsExactly("device:S1");
        assertThat(t.originKind()).isEqualTo("device");
        assertThat(t.originId()).isEqualTo("api");
        assertThat(t.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(t.runAt()).isBetween(T0.plusSeconds(1), T0.plusSeconds(5));
        assertThat(d.deviceColumns(t.id())).containsExactly("S1", PRO.id(), 20, 2);

        DeviceTask v = svc().get(t.id());
        assertThat(v.serial()).isEqualTo("S1");
        assertThat(v.scriptName()).isEqualTo("post");
        assertThat(v.scriptConfig()).isEqualTo(Json.read("{\"caption\": \"hi\"}"));
        assertThat(v.username()).isNull();
        assertThat(v.status()).isZero();
        assertThat(v.startTime()).isEqualTo(t.runAt());
        assertThat(v.endTime()).isNull();
        assertThat(v.createdAt()).isEqualTo(T0);
        assertThat(v.remark()).isEmpty();
        assertThat(v.source()).isEqualTo("api");
        assertThat(v.retryCount()).isZero();
        assertThat(v.taskStatus()).isEqualTo("pending");
    }

    @Test
    void settingsShapeTheTasksAndUnlimitedHasNoOwnerLimit() {
        open(s -> s.withRetries(2, false, 10, 20).withTaskTimeout(60));
        long id = svc().create(UNLIMITED, serials("post", List.of("S2"))).taskIds().getFirst();
        Task t = d.task(id);
        assertThat(t.maxRetries()).as("no automatic retries").isZero();
        assertThat(t.backoff()).isEqualTo("random:10-20");
        assertThat(t.timeoutSeconds()).isEqualTo(60);
        assertThat(d.deviceColumns(id)).containsExactly("S2", UNLIMITED.id(), null, 2);
    }

    @Test
    void threeTargetsOnTwoDevicesAreSixTasksStaggeredPerDevice() {
        open();
        List<Long> ids = svc().create(PRO, serials("follow", config("{\"target_user\": \"u1\\nu2, u3\", \"speed\": 1}"),
                "S1", "S3")).taskIds();
        assertThat(ids).hasSize(6);
        List<Task> ts = ids.stream().map(d::task).toList();
        assertThat(ts).extracting(Task::name).containsExactly("follow on S1 → u1", "follow on S1 → u2", "follow on S1 → u3",
                "follow on S3 → u1", "follow on S3 → u2", "follow on S3 → u3");
        assertThat(svc().get(ids.get(1)).scriptConfig()).isEqualTo(Json.read("{\"target_user\": \"u2\", \"speed\": 1}"));
        for (int dev = 0; dev < 2; dev++) {
            Instant prev = T0;
            for (int k = 0; k < 3; k++) {
                Instant due = ts.get(dev * 3 + k).runAt();
                assertThat(Duration.between(prev, due)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(5));
                prev = due;
            }
        }
    }

    @Test
    void commentFansOutOverPostUrls() {
        open();
        List<Long> ids = svc().create(PRO, serials("comment",
                config("{\"target_post_urls\": [\"https://v/1\", \"https://v/2\"], \"text\": \"nice\"}"), "S1")).taskIds();
        assertThat(ids).hasSize(2);
        assertThat(svc().get(ids.get(1)).scriptConfig())
                .isEqualTo(Json.read("{\"target_post_url\": \"https://v/2\", \"text\": \"nice\"}"));
        assertThat(d.task(ids.get(1)).name()).isEqualTo("comment on S1 → https://v/2");
    }

    @Test
    void usernamesRunOnTheirDevicesAndCarryTheUsername() {
        open();
        List<Long> ids = svc().create(PRO, usernames("post", "carol", "alice")).taskIds();
        assertThat(ids).hasSize(2);
        DeviceTask carol = svc().get(ids.get(0));
        assertThat(carol.serial()).isEqualTo("S3");
        assertThat(carol.username()).isEqualTo("carol");
        assertThat(d.task(ids.get(0)).name()).isEqualTo("post on S3 as carol");
        assertThat(d.task(ids.get(0)).params().get("username").asText()).isEqualTo("carol");
        assertThat(svc().get(ids.get(1)).serial()).isEqualTo("S1");
        assertThatThrownBy(() -> svc().create(PRO, usernames("post", "alice", "nobody", "ghost")))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).fields()).containsEntry("usernames", "unknown accounts nobody, ghost"));
        assertThat(d.countTasks()).isEqualTo(2);
    }

    @Test
    void multiAccountIsOneTaskPerAccountAndRefusesDevicesWithout() {
        open();
        List<Long> ids = svc().create(PRO, with(serials("post", List.of("S1")), 0, 0, null, "ui", true)).taskIds();
        assertThat(ids).extracting(id -> svc().get(id).username()).containsExactly("alice", "bob");
        assertThat(ids).extracting(id -> svc().get(id).source()).containsOnly("ui");
        Instant first = d.task(ids.get(0)).runAt();
        assertThat(first).as("intervals of 0: due at once").isEqualTo(T0);

        assertThatThrownBy(() -> svc().create(PRO, with(serials("post", List.of("S1", "S2")), 1, 5, null, "api", true)))
                .isInstanceOf(NoAccountsException.class)
                .hasMessageContaining("S2");
        assertThat(d.countTasks()).as("nothing of a refused request is created").isEqualTo(2);
        assertThat(d.task(ids.get(0)).status()).as("due now: queued at once").isIn(TaskStatus.QUEUED, TaskStatus.RUNNING);
    }

    @Test
    void badRequestsCreateNothing() {
        open();
        assertThatThrownBy(() -> svc().create(PRO, serials("post", List.of("S1", "NOPE", "GONE"))))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).fields()).containsEntry("serials", "unknown devices NOPE, GONE"));
        CreateRequest both = new CreateRequest(List.of("S1"), List.of("alice"), "post", null, false, 1, 5, null, "api");
        assertThatThrownBy(() -> svc().create(PRO, both)).isInstanceOf(ValidationException.class);
        CreateRequest neither = new CreateRequest(null, null, "post", null, false, 1, 5, null, "api");
        assertThatThrownBy(() -> svc().create(PRO, neither)).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> svc().create(PRO, with(serials("post", List.of("S1")), 6, 5, null, "api", false)))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> svc().create(PRO, with(serials("post", List.of("S1")), -1, 5, null, "api", false)))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> svc().create(PRO, with(serials("post", List.of("S1")), 0, 86_401, null, "api", false)))
                .isInstanceOf(ValidationException.class);
        ObjectNode many = Json.object();
        var targets = many.putArray("target_users");
        for (int i = 0; i < 5_001; i++) targets.add("u" + i);
        assertThatThrownBy(() -> svc().create(PRO, serials("follow", many, "S1", "S3")))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("10002");
        assertThat(d.countTasks()).isZero();
    }

    @Test
    void scriptsAreTheConfiguredOnesAndTheSkillsOfDeviceWorkers() {
        open();
        assertThatThrownBy(() -> svc().create(PRO, serials("like", List.of("S1"))))
                .isInstanceOf(ScriptNotSupportedException.class)
                .hasMessage("Script 'like' is not supported via API yet");
        assertThatThrownBy(() -> svc().create(PRO, serials("scroll_feed", List.of("S1"))))
                .isInstanceOf(ScriptNotSupportedException.class)
                .hasMessage("Script 'scroll_feed' is not supported via API");
        d.worker("plain", List.of("dance"));
        assertThatThrownBy(() -> svc().create(PRO, serials("dance", List.of("S1"))))
                .as("a worker without devices adds no script").isInstanceOf(ScriptNotSupportedException.class);
        d.worker("w3", List.of("scroll_feed"), device("S4"));
        assertThat(svc().create(PRO, serials("scroll_feed", List.of("S1"))).taskIds()).hasSize(1);
    }

    @Test
    void aStartTimeTodayIsTheBaseOfTheStagger() {
        open();
        // T0 is 2030-01-01 00:00 UTC, the zone is UTC.
        long id = svc().create(PRO, with(serials("post", List.of("S1")), 0, 0, LocalTime.of(6, 30), "api", false)).taskIds().getFirst();
        assertThat(d.task(id).runAt()).isEqualTo(Instant.parse("2030-01-01T06:30:00Z"));
        assertThat(svc().get(id).startTime()).isEqualTo(Instant.parse("2030-01-01T06:30:00Z"));
        d.advance(Duration.ofHours(7));
        long late = svc().create(PRO, with(serials("post", List.of("S2")), 2, 2, LocalTime.of(6, 30), "api", false)).taskIds().getFirst();
        assertThat(d.task(late).runAt()).as("already past today: now").isEqualTo(T0.plus(Duration.ofHours(7)).plusSeconds(2));
    }

    // ---- plans -----------------------------------------------------------------------------

    @Test
    void starterHasNoApiAndTheLicenseSaysWhy() {
        open();
        assertThatThrownBy(() -> svc().create(STARTER, serials("post", List.of("S1"))))
                .isInstanceOf(PlanRefusedException.class)
                .hasMessage("API access requires Pro+ plan (current plan: Starter)");
        assertThatThrownBy(() -> svc().checkAccess(STARTER)).isInstanceOf(PlanRefusedException.class);
        svc().checkAccess(PRO);
        assertThat(svc().license(STARTER)).isEqualTo(new License("Starter", false, null, null,
                "API access requires Pro+ plan (current plan: Starter)"));
        assertThat(svc().license(PRO)).isEqualTo(new License("Pro", true, 20, 20, "API access enabled"));
        assertThat(svc().license(DeviceHarness.principal("key:9", Tier.BUSINESS)))
                .isEqualTo(new License("Business", true, 200, 200, "API access enabled"));
        assertThat(svc().license(UNLIMITED)).isEqualTo(new License("Unlimited", true, null, null, "API access enabled"));
        assertThat(d.countTasks()).isZero();
    }

    @Test
    void theDeviceLimitCountsTheOwnersOpenDevices() {
        open(s -> s.withPlans(s.plans().with(Tier.PRO, 2, 2)));
        long s1 = svc().create(PRO, serials("post", List.of("S1"))).taskIds().getFirst();
        svc().create(PRO, serials("post", List.of("S2", "S1")));
        assertThatThrownBy(() -> svc().create(PRO, serials("post", List.of("S3"))))
                .isInstanceOf(PlanRefusedException.class)
                .hasMessage("Plan Pro allows 2 devices; this request would use 3");
        assertThat(svc().create(DeviceHarness.principal("key:other", Tier.PRO), serials("post", List.of("S3"))).taskIds())
                .as("another owner counts its own devices").hasSize(1);
        // Once the owner's tasks on S1 are gone, S3 fits.
        List<Long> onS1 = svc().list(null, "S1", null, null, 1, 100).items().stream().map(DeviceTask::id).toList();
        assertThat(onS1).contains(s1).hasSize(2);
        svc().deleteAll(onS1);
        assertThat(svc().create(PRO, serials("post", List.of("S3"))).taskIds()).hasSize(1);
    }

    @Test
    void concurrentCreatesOfOneOwnerStayWithinTheDeviceLimit() throws Exception {
        open(s -> s.withPlans(s.plans().with(Tier.PRO, 4, 4)));
        List<String> serials = new ArrayList<>();
        List<ObjectNode> devices = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            serials.add("F" + i);
            devices.add(device("F" + i));
        }
        d.worker("farm", List.of("post"), devices.toArray(ObjectNode[]::new));
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> outcomes = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String s : serials) {
                outcomes.add(pool.submit(() -> {
                    go.await();
                    try {
                        svc().create(PRO, DeviceHarness.serials("post", List.of(s)));
                        return true;
                    } catch (PlanRefusedException refused) {
                        return false;
                    }
                }));
            }
            go.countDown();
            long created = 0;
            for (Future<Boolean> f : outcomes) if (f.get()) created++;
            assertThat(created).isEqualTo(4);
        }
        assertThat(svc().list(null, null, null, null, 1, 100).total()).isEqualTo(4);
    }

    // ---- reads -----------------------------------------------------------------------------

    @Test
    void listFiltersAndPagesNewestFirst() {
        open();
        List<Long> posts = svc().create(PRO, serials("post", List.of("S1", "S2", "S3"))).taskIds();
        List<Long> follows = svc().create(PRO, with(serials("follow", config("{\"target_users\": [\"a\", \"b\"]}"), "S3"),
                1, 5, null, "ui", false)).taskIds();
        List<Long> all = new ArrayList<>(posts);
        all.addAll(follows);
        d.h.create(RemoteHarness.skill("post", "a native task")); // not a device task: never listed

        Page<DeviceTask> p1 = svc().list(null, null, null, null, 1, 2);
        assertThat(p1.total()).isEqualTo(5);
        assertThat(p1.items()).extracting(DeviceTask::id).containsExactly(all.get(4), all.get(3));
        Page<DeviceTask> p3 = svc().list(null, null, null, null, 3, 2);
        assertThat(p3.items()).extracting(DeviceTask::id).containsExactly(all.get(0));
        assertThat(svc().list(null, null, null, null, 4, 2).items()).isEmpty();
        assertThat(svc().list(null, null, null, null, 4, 2).total()).isEqualTo(5);

        assertThat(svc().list(null, "S3", null, null, 1, 20).items()).extracting(DeviceTask::id)
                .containsExactly(follows.get(1), follows.get(0), posts.get(2));
        assertThat(svc().list(null, null, "follow", null, 1, 20).total()).isEqualTo(2);
        assertThat(svc().list(null, null, null, "ui", 1, 20).items()).extracting(DeviceTask::id)
                .containsExactlyElementsOf(follows.reversed());
        assertThat(svc().list(null, null, null, "api", 1, 20).total()).isEqualTo(3);
        assertThat(svc().list(0, "S3", "post", "api", 1, 20).items()).extracting(DeviceTask::id).containsExactly(posts.get(2));
        assertThat(svc().list(1, null, null, null, 1, 20).total()).isZero();
        assertThat(svc().list(3, null, null, null, 1, 20).total()).isZero();
        assertThat(svc().list(null, "S9", null, null, 1, 20).total()).isZero();
    }

    @Test
    void getKnowsOnlyDeviceTasks() {
        open();
        Task nativeTask = d.h.create(RemoteHarness.skill("post", "a native task"));
        assertThatThrownBy(() -> svc().get(nativeTask.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> svc().get(999_999)).isInstanceOf(NotFoundException.class)
                .hasMessage("task-999999 not found");
        assertThatThrownBy(() -> svc().stop(nativeTask.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> svc().retry(nativeTask.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> svc().delete(nativeTask.id())).isInstanceOf(NotFoundException.class);
        assertThat(d.task(nativeTask.id()).status()).isNotEqualTo(TaskStatus.CANCELLED);
    }

    // ---- the lifecycle through a worker --------------------------------------------------------

    @Test
    void aCompletedTaskShowsTheWorkersRemark() {
        open();
        long id = svc().create(PRO, serials("post", List.of("S1"))).taskIds().getFirst();
        ObjectNode p = run("w1");
        assertThat(RemoteHarness.taskIdOf(p)).isEqualTo(id);
        assertThat(p.get("params").get("serial").asText()).isEqualTo("S1");
        DeviceTask running = svc().get(id);
        assertThat(running.status()).isEqualTo(1);
        assertThat(running.startTime()).isEqualTo(d.h.now());
        d.h.advance(Duration.ofSeconds(30));
        d.h.remote().result("w1", RemoteHarness.success(p, config("{\"remark\": \"posted 1 video\", \"n\": 1}")));
        DeviceTask done = svc().get(id);
        assertThat(done.status()).isEqualTo(2);
        assertThat(done.remark()).isEqualTo("posted 1 video");
        assertThat(done.endTime()).isEqualTo(d.h.now());
        assertThat(done.taskStatus()).isEqualTo("completed");
    }

    @Test
    void stopCancelsARunningTaskOnly() {
        open();
        long id = svc().create(PRO, serials("post", List.of("S1"))).taskIds().getFirst();
        assertThatThrownBy(() -> svc().stop(id)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("only running tasks can be stopped");
        run("w1");
        DeviceTask stopped = svc().stop(id);
        assertThat(stopped.status()).isEqualTo(3);
        assertThat(stopped.remark()).isEqualTo("stopped");
        assertThat(stopped.taskStatus()).isEqualTo("cancelled");
        assertThat(svc().get(id)).isEqualTo(stopped);
        assertThatThrownBy(() -> svc().stop(id)).isInstanceOf(ConflictException.class);
        // The worker learns it at its next heartbeat.
        var beat = d.h.remote().heartbeat("w1", RemoteHarness.currentTasks("task-" + id + ".1"));
        assertThat(beat.toString()).contains("task-" + id + ".1");
    }

    @Test
    void aFailedTaskIsRetriedAfterARandomDelayUpToTheLimit() {
        open(s -> s.withRetries(2, false, 5, 60));
        long id = svc().create(PRO, serials("post", List.of("S1"))).taskIds().getFirst();
        assertThatThrownBy(() -> svc().retry(id)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("only failed tasks can be retried");
        for (int round = 0; round < 2; round++) {
            ObjectNode p = run("w1");
            d.h.remote().result("w1", RemoteHarness.failure(p, "TRANSIENT_ERROR", "captcha shown"));
            DeviceTask failed = svc().get(id);
            assertThat(failed.status()).isEqualTo(3);
            assertThat(failed.remark()).isEqualTo("captcha shown");
            assertThat(failed.retryCount()).isEqualTo(round);
            DeviceTask again = svc().retry(id);
            assertThat(again.status()).isZero();
            assertThat(again.retryCount()).isEqualTo(round + 1);
            assertThat(again.remark()).isEmpty();
            assertThat(again.startTime()).isBetween(d.h.now().plusSeconds(5), d.h.now().plusSeconds(60));
            assertThat(d.task(id).status()).isEqualTo(TaskStatus.PENDING);
        }
        ObjectNode p = run("w1");
        d.h.remote().result("w1", RemoteHarness.failure(p, "TRANSIENT_ERROR", "captcha again"));
        assertThatThrownBy(() -> svc().retry(id)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("at most 2 retries");
        assertThat(svc().retryAll()).isZero();
    }

    @Test
    void retryAllRetriesEveryFailedOrStoppedTaskUnderTheLimit() {
        open(s -> s.withRetries(1, false, 5, 5));
        List<Long> ids = svc().create(PRO, with(serials("post", List.of("S1", "S3", "S2")), 0, 0, null, "api", false)).taskIds();
        ObjectNode p1 = d.h.poll("w1");
        d.h.remote().result("w1", RemoteHarness.failure(p1, "PERMANENT_ERROR", "banned"));
        ObjectNode p3 = d.h.poll("w2");
        svc().stop(RemoteHarness.taskIdOf(p3));
        ObjectNode p2 = d.h.poll("w1");
        d.h.remote().result("w1", RemoteHarness.success(p2, config("{}")));
        assertThat(svc().stats()).isEqualTo(new Stats(3, 0, 0, 1, 2));

        assertThat(svc().retryAll()).isEqualTo(2);
        assertThat(svc().stats()).isEqualTo(new Stats(3, 2, 0, 1, 0));
        for (long id : List.of(RemoteHarness.taskIdOf(p1), RemoteHarness.taskIdOf(p3))) {
            assertThat(d.task(id).runAt()).isEqualTo(d.h.now().plusSeconds(5));
            assertThat(d.task(id).retryCount()).isEqualTo(1);
        }
        assertThat(ids).contains(RemoteHarness.taskIdOf(p2));
        // Failed again: the limit (1) is reached.
        ObjectNode again = run("w1");
        d.h.remote().result("w1", RemoteHarness.failure(again, "PERMANENT_ERROR", "banned"));
        assertThat(svc().retryAll()).isZero();
    }

    @Test
    void deleteStopsARunningTaskAndRemovesIt() {
        open();
        List<Long> ids = svc().create(PRO, serials("post", List.of("S1", "S2"))).taskIds();
        ObjectNode p = run("w1");
        long running = RemoteHarness.taskIdOf(p);
        svc().delete(running);
        assertThatThrownBy(() -> svc().get(running)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> svc().delete(running)).isInstanceOf(NotFoundException.class);
        // The worker's result for it is ignored, and its heartbeat is told to cancel.
        var answer = d.h.remote().result("w1", RemoteHarness.success(p, config("{}")));
        assertThat(answer.toString()).contains("job_not_found");
        long other = ids.stream().filter(i -> i != running).findFirst().orElseThrow();
        assertThat(svc().get(other).status()).isIn(0, 1);
    }

    @Test
    void batchDeleteReportsWhatItDidNotFind() {
        open();
        List<Long> ids = svc().create(PRO, serials("post", List.of("S1", "S2", "S3"))).taskIds();
        Task nativeTask = d.h.create(RemoteHarness.skill("post", "a native task"));
        BatchDeleted b = svc().deleteAll(List.of(ids.get(2), 424_242L, nativeTask.id(), ids.get(0), ids.get(2)));
        assertThat(b.deleted()).containsExactly(ids.get(2), ids.get(0));
        assertThat(b.notFound()).containsExactly(424_242L, nativeTask.id());
        assertThat(svc().list(null, null, null, null, 1, 20).items()).extracting(DeviceTask::id).containsExactly(ids.get(1));
        assertThat(d.task(nativeTask.id())).isNotNull();
        assertThat(svc().deleteAll(List.of(1_000_000L)).deleted()).isEmpty();
    }

    @Test
    void aBatchHoldingATaskAnotherDependsOnDeletesNothing() {
        open();
        List<Long> ids = svc().create(PRO, serials("post", List.of("S1", "S2"))).taskIds();
        Task dependent = d.h.engine.tasks().create(new NewTask("post", "after the second", null, Json.object(), 5, 0,
                "exponential", null, 60, List.of(), List.of(ids.get(1)), false, null, null));
        assertThatThrownBy(() -> svc().deleteAll(ids)).isInstanceOf(ConflictException.class)
                .hasMessage("task-" + ids.get(1) + " cannot be deleted: task-" + dependent.id() + " depends on it");
        assertThat(svc().list(null, null, null, null, 1, 20).total()).isEqualTo(2);
        svc().delete(ids.get(0));
        assertThat(svc().list(null, null, null, null, 1, 20).total()).isEqualTo(1);
    }

    @Test
    void listRefusesWhatTheFaceShouldHaveRefused() {
        open();
        assertThatThrownBy(() -> svc().list(4, null, null, null, 1, 20)).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> svc().list(-1, null, null, null, 1, 20)).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> svc().list(null, null, null, null, 0, 20)).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> svc().list(null, null, null, null, 1, 0)).isInstanceOf(ValidationException.class);
        assertThat(svc().list(null, null, null, null, Integer.MAX_VALUE, 100).items()).as("a far page is empty").isEmpty();
    }

    @Test
    void statsCountDeviceTasksOnly() {
        open();
        assertThat(svc().stats()).isEqualTo(new Stats(0, 0, 0, 0, 0));
        svc().create(PRO, with(serials("post", List.of("S1", "S2", "S3")), 0, 0, null, "api", false));
        svc().create(PRO, serials("post", List.of("S3")));
        d.h.create(RemoteHarness.skill("post", "a native task"));
        ObjectNode p = d.h.poll("w2");
        assertThat(svc().stats()).isEqualTo(new Stats(4, 3, 1, 0, 0));
        d.h.remote().result("w2", RemoteHarness.success(p, config("{}")));
        assertThat(svc().stats()).isEqualTo(new Stats(4, 3, 0, 1, 0));
    }
}
