package dev.coxswain.server.scale;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The scale test's overlap check finds what it must, and only that. */
class DeviceTimelineTest {
    private static ScriptRun run(String serial, long task, long start, long end) {
        return new ScriptRun(serial, task, 1, start, end);
    }

    @Test
    void runsOneAfterAnotherDoNotOverlap() {
        DeviceTimeline t = DeviceTimeline.of(List.of(run("a", 2, 20, 30), run("a", 1, 0, 10), run("a", 3, 30, 31),
                run("b", 4, 5, 25)));
        assertThat(t.devices()).isEqualTo(2);
        assertThat(t.overlaps()).isEmpty();
        assertThat(t.gapsNanos()).containsExactly(0, 10);
    }

    @Test
    void aRunStartingBeforeTheLatestEndOverlaps() {
        // Run 3 starts after run 2 ends but inside run 1, which is still going: an overlap too.
        DeviceTimeline t = DeviceTimeline.of(List.of(run("a", 1, 0, 100), run("a", 2, 10, 20), run("a", 3, 30, 40),
                run("b", 4, 0, 100)));
        assertThat(t.overlaps()).extracting(o -> o.earlier().taskId() + ">" + o.later().taskId())
                .containsExactly("1>2", "1>3");
    }

    @Test
    void aDeviceServingANewerTaskFirstIsOutOfOrder() {
        DeviceTimeline t = DeviceTimeline.of(List.of(run("a", 1, 0, 10), run("a", 3, 20, 30), run("a", 2, 40, 50),
                run("b", 4, 0, 10), run("b", 5, 20, 30)));
        assertThat(t.outOfOrder()).containsExactly("a: task 2 after task 3");
    }
}
