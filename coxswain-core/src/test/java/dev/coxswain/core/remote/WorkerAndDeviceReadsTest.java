package dev.coxswain.core.remote;

import static dev.coxswain.core.remote.RemoteHarness.skill;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.engine.StoreKind;
import dev.coxswain.core.service.NotFoundException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The dashboard's bounded reads of workers and devices: a worker's newest tasks, device pages, device counts. */
@ParameterizedClass
@EnumSource(StoreKind.class)
class WorkerAndDeviceReadsTest extends RemoteTestBase {
    private static ObjectNode withDevices(ObjectNode registration, String... serials) {
        ArrayNode d = ((ObjectNode) registration.get("resources")).putArray("devices");
        for (String s : serials) d.addObject().put("id", s).put("type", "phone").put("model", "Pixel " + s);
        return registration;
    }

    @Test
    void devicesComeInSerialOrderPagesByKeysetAndByWorker() {
        h.start();
        h.remote().register("w1", withDevices(RemoteHarness.registration("w1", "tap"), "S3", "S1", "S2"));
        h.remote().register("w2", withDevices(RemoteHarness.registration("w2", "tap"), "S4"));
        DeviceRegistry r = h.engine.devices();

        assertThat(r.page(null, null, 2)).extracting(DeviceRegistry.DeviceView::serial).containsExactly("S1", "S2");
        assertThat(r.page(null, "S2", 10)).extracting(DeviceRegistry.DeviceView::serial).containsExactly("S3", "S4");
        assertThat(r.page("w1", null, 10)).extracting(DeviceRegistry.DeviceView::serial).containsExactly("S1", "S2", "S3");
        assertThat(r.page("w1", "S1", 1)).extracting(DeviceRegistry.DeviceView::serial).containsExactly("S2");
        assertThat(r.page("w2", null, 10)).singleElement().satisfies(d -> {
            assertThat(d.workerId()).isEqualTo("w2");
            assertThat(d.model()).isEqualTo("Pixel S4");
            assertThat(d.online()).isTrue();
        });
        assertThat(r.page("nobody", null, 10)).isEmpty();
        assertThat(r.presentCounts(List.of("w1", "w2", "nobody"))).isEqualTo(Map.of("w1", 3, "w2", 1, "nobody", 0));

        // S3 vanishes from w1's report: still listed (not present), no longer counted.
        ObjectNode beat = Json.object().put("status", "idle");
        beat.putObject("resources");
        h.remote().heartbeat("w1", withDevices(beat, "S1", "S2"));
        assertThat(r.presentCounts(List.of("w1")).get("w1")).isEqualTo(2);
        assertThat(r.page("w1", "S2", 10)).singleElement().satisfies(d -> assertThat(d.present()).isFalse());
    }

    @Test
    void aWorkersRecentTasksAreItsNewestFirstAndBounded() {
        h.start();
        h.register("w1", "echo");
        Task first = h.create(skill("echo", "first"));
        h.poll("w1");
        h.advance(Duration.ofSeconds(1));
        Task second = h.create(skill("echo", "second"));
        h.poll("w1");
        h.advance(Duration.ofSeconds(1));
        Task third = h.create(skill("echo", "third"));
        h.poll("w1");

        assertThat(h.engine.workers().recentTasks("w1", 2)).extracting(Task::id).containsExactly(third.id(), second.id());
        assertThat(h.engine.workers().recentTasks("w1", 10)).extracting(Task::id).containsExactly(third.id(), second.id(), first.id());
        assertThatThrownBy(() -> h.engine.workers().recentTasks("nobody", 5)).isInstanceOf(NotFoundException.class);
    }
}
