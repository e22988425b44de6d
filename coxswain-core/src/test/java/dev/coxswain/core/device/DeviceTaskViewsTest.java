package dev.coxswain.core.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceTaskViewsTest {
    private static final Instant CREATED = Instant.parse("2030-01-01T00:00:00Z");
    private static final Instant DUE = CREATED.plusSeconds(3);
    private static final Instant STARTED = CREATED.plusSeconds(5);
    private static final Instant ENDED = CREATED.plusSeconds(9);
    private static final JsonNode PAYLOAD = Json.read("""
            {"params": {"serial": "S1", "script_name": "follow", "script_config": {"target_user": "u1"}, "username": "alice"},
             "requirements": {"device": "S1"}}""");

    private static Task task(TaskStatus status, Instant startedAt, Instant completedAt, String result, String error) {
        return new Task(7, "follow", "follow on S1 as alice → u1", null, PAYLOAD, status, 5, DUE, DUE, CREATED, CREATED,
                startedAt, completedAt, 1, 3, "random:5-60", 1, 3600, List.of("device:S1"), List.of(), null, null,
                result, error, null, false, null, 0, "device", "api");
    }

    @Test
    void nativeStatusesMapOntoTheSeedsFour() {
        assertThat(DeviceTaskViews.status(TaskStatus.PENDING)).isZero();
        assertThat(DeviceTaskViews.status(TaskStatus.QUEUED)).isZero();
        assertThat(DeviceTaskViews.status(TaskStatus.RUNNING)).isEqualTo(1);
        assertThat(DeviceTaskViews.status(TaskStatus.COMPLETED)).isEqualTo(2);
        assertThat(DeviceTaskViews.status(TaskStatus.FAILED)).isEqualTo(3);
        assertThat(DeviceTaskViews.status(TaskStatus.CANCELLED)).isEqualTo(3);
    }

    @Test
    void filtersMeanTheSameSets() {
        assertThat(DeviceTaskViews.statuses(0)).containsExactlyInAnyOrder(TaskStatus.PENDING, TaskStatus.QUEUED);
        assertThat(DeviceTaskViews.statuses(1)).containsExactly(TaskStatus.RUNNING);
        assertThat(DeviceTaskViews.statuses(2)).containsExactly(TaskStatus.COMPLETED);
        assertThat(DeviceTaskViews.statuses(3)).containsExactlyInAnyOrder(TaskStatus.FAILED, TaskStatus.CANCELLED);
        for (TaskStatus s : TaskStatus.values()) {
            assertThat(DeviceTaskViews.statuses(DeviceTaskViews.status(s))).as("round trip of " + s).contains(s);
        }
        assertThatThrownBy(() -> DeviceTaskViews.statuses(4)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCompletedTasksRemarkIsTheWorkersRemarkString() {
        assertThat(DeviceTaskViews.remark(task(TaskStatus.COMPLETED, STARTED, ENDED, "{\"remark\":\"followed u1\",\"n\":1}", null)))
                .isEqualTo("followed u1");
    }

    @Test
    void elseTheResultAsStored() {
        assertThat(DeviceTaskViews.remark(task(TaskStatus.COMPLETED, STARTED, ENDED, "{\"remark\":5}", null)))
                .isEqualTo("{\"remark\":5}");
        assertThat(DeviceTaskViews.remark(task(TaskStatus.COMPLETED, STARTED, ENDED, "{}", null))).isEqualTo("{}");
        assertThat(DeviceTaskViews.remark(task(TaskStatus.COMPLETED, STARTED, ENDED, "done", null))).isEqualTo("done");
        assertThat(DeviceTaskViews.remark(task(TaskStatus.COMPLETED, STARTED, ENDED, "{not json", null))).isEqualTo("{not json");
        assertThat(DeviceTaskViews.remark(task(TaskStatus.COMPLETED, STARTED, ENDED, null, null))).isEmpty();
    }

    @Test
    void failedShowsTheErrorStoppedShowsStoppedTheRestNothing() {
        assertThat(DeviceTaskViews.remark(task(TaskStatus.FAILED, STARTED, ENDED, null, "account banned"))).isEqualTo("account banned");
        assertThat(DeviceTaskViews.remark(task(TaskStatus.FAILED, STARTED, ENDED, null, null))).isEmpty();
        assertThat(DeviceTaskViews.remark(task(TaskStatus.CANCELLED, STARTED, ENDED, null, "stopped"))).isEqualTo("stopped");
        assertThat(DeviceTaskViews.remark(task(TaskStatus.CANCELLED, null, ENDED, null, null))).isEmpty();
        assertThat(DeviceTaskViews.remark(task(TaskStatus.CANCELLED, STARTED, ENDED, null, "earlier attempt failed")))
                .as("a cancel that was no stop").isEmpty();
        assertThat(DeviceTaskViews.remark(task(TaskStatus.RUNNING, STARTED, null, null, "earlier attempt failed"))).isEmpty();
        assertThat(DeviceTaskViews.remark(task(TaskStatus.PENDING, null, null, null, null))).isEmpty();
    }

    @Test
    void theViewReadsTheScriptFromTheParams() {
        DeviceTask v = DeviceTaskViews.view(task(TaskStatus.COMPLETED, STARTED, ENDED, "{\"remark\":\"ok\"}", null));
        assertThat(v).isEqualTo(new DeviceTask(7, "S1", "follow", Json.read("{\"target_user\": \"u1\"}"), "alice", 2,
                STARTED, ENDED, CREATED, "ok", "api", 1, "completed"));
    }

    @Test
    void aWaitingTaskShowsItsDueTimeAndNoEnd() {
        DeviceTask v = DeviceTaskViews.view(task(TaskStatus.PENDING, STARTED, null, null, null));
        assertThat(v.startTime()).as("a retry waiting: not the old attempt's start").isEqualTo(DUE);
        assertThat(v.endTime()).isNull();
        assertThat(v.taskStatus()).isEqualTo("pending");
        DeviceTask never = DeviceTaskViews.view(task(TaskStatus.CANCELLED, null, ENDED, null, null));
        assertThat(never.startTime()).isEqualTo(DUE);
        assertThat(never.endTime()).isEqualTo(ENDED);
        DeviceTask running = DeviceTaskViews.view(task(TaskStatus.RUNNING, STARTED, null, null, null));
        assertThat(running.startTime()).isEqualTo(STARTED);
        assertThat(running.endTime()).isNull();
    }

    @Test
    void withoutUsernameOrConfigTheViewHasNullAndAnEmptyObject() {
        JsonNode bare = Json.read("{\"params\": {\"serial\": \"S2\", \"script_name\": \"post\"}, \"requirements\": {\"device\": \"S2\"}}");
        Task t = new Task(8, "post", "post on S2", null, bare, TaskStatus.QUEUED, 5, DUE, null, CREATED, CREATED, null,
                null, 0, 3, "random:5-60", 0, 3600, List.of(), List.of(), null, null, null, null, null, false, null, 0,
                "device", "ui");
        DeviceTask v = DeviceTaskViews.view(t);
        assertThat(v.username()).isNull();
        assertThat(v.scriptConfig()).isEqualTo(Json.object());
        assertThat(v.serial()).isEqualTo("S2");
        assertThat(v.source()).isEqualTo("ui");
    }
}
