package dev.coxswain.core.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.service.ValidationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlotsAndFanOutTest {
    private static final Map<String, List<String>> DEVICES = new LinkedHashMap<>();

    static {
        DEVICES.put("S1", List.of("alice", "bob"));
        DEVICES.put("S2", List.of());
        DEVICES.put("S3", List.of("carol", "alice"));
    }

    private static Slots.Slot slot(String serial, String user) {
        return new Slots.Slot(serial, user);
    }

    @Test
    void serialsAreDeDuplicatedInOrder() {
        assertThat(Slots.forSerials(List.of("S3", "S1", "S3"), DEVICES, false))
                .containsExactly(slot("S3", null), slot("S1", null));
    }

    @Test
    void unknownSerialsAreAllNamed() {
        assertThatThrownBy(() -> Slots.forSerials(List.of("S1", "X9", "X8", "X9"), DEVICES, false))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).fields())
                        .containsEntry("serials", "unknown devices X9, X8"));
    }

    @Test
    void emptyOrBlankListsAreRefused() {
        assertThatThrownBy(() -> Slots.forSerials(List.of(), DEVICES, false)).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> Slots.forSerials(List.of(" "), DEVICES, false)).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> Slots.forUsernames(List.of(), DEVICES)).isInstanceOf(ValidationException.class);
    }

    @Test
    void multiAccountIsOneSlotPerAccountOfEachDevice() {
        assertThat(Slots.forSerials(List.of("S3", "S1"), DEVICES, true)).containsExactly(
                slot("S3", "carol"), slot("S3", "alice"), slot("S1", "alice"), slot("S1", "bob"));
    }

    @Test
    void multiAccountOnDevicesWithoutAccountsNamesThem() {
        Map<String, List<String>> more = new LinkedHashMap<>(DEVICES);
        more.put("S4", List.of());
        assertThatThrownBy(() -> Slots.forSerials(List.of("S1", "S2", "S4"), more, true))
                .isInstanceOf(NoAccountsException.class)
                .hasMessage("no account found on devices S2, S4")
                .satisfies(e -> assertThat(((NoAccountsException) e).serials()).containsExactly("S2", "S4"));
    }

    @Test
    void usernamesRunOnTheDeviceThatHoldsThemFirstInOrder() {
        assertThat(Slots.forUsernames(List.of("carol", "alice", "bob", "carol"), DEVICES)).containsExactly(
                slot("S3", "carol"), slot("S1", "alice"), slot("S1", "bob"));
    }

    @Test
    void unknownUsernamesAreAllNamed() {
        assertThatThrownBy(() -> Slots.forUsernames(List.of("alice", "zed"), DEVICES))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).fields()).containsEntry("usernames", "unknown account zed"));
    }

    @Test
    void threeTargetsOnTwoDevicesAreSixTasksDeviceByDevice() {
        ObjectNode cfg = (ObjectNode) Json.read("{\"target_user\": \"u1\\nu2,u3\", \"speed\": 2}");
        List<FanOut.Planned> p = FanOut.plan(List.of(slot("S1", null), slot("S3", null)), "follow", cfg);
        assertThat(p).extracting(FanOut.Planned::serial).containsExactly("S1", "S1", "S1", "S3", "S3", "S3");
        assertThat(p).extracting(FanOut.Planned::target).containsExactly("u1", "u2", "u3", "u1", "u2", "u3");
        assertThat(p.get(4).config()).isEqualTo(Json.read("{\"target_user\": \"u2\", \"speed\": 2}"));
    }

    @Test
    void withoutTargetsEachSlotIsOneTaskWithTheConfigAsGiven() {
        ObjectNode cfg = (ObjectNode) Json.read("{\"caption\": \"hi\"}");
        List<FanOut.Planned> p = FanOut.plan(List.of(slot("S1", "alice"), slot("S1", "bob")), "post", cfg);
        assertThat(p).containsExactly(new FanOut.Planned("S1", "alice", null, cfg), new FanOut.Planned("S1", "bob", null, cfg));
        assertThat(FanOut.plan(List.of(slot("S1", null)), "follow", null))
                .containsExactly(new FanOut.Planned("S1", null, null, Json.object()));
    }

    @Test
    void atMostTenThousandTasksPerRequest() {
        List<Slots.Slot> hundred = new ArrayList<>();
        for (int i = 0; i < 100; i++) hundred.add(slot("S" + i, null));
        ObjectNode cfg = Json.object();
        var arr = cfg.putArray("target_users");
        for (int i = 0; i < 100; i++) arr.add("u" + i);
        assertThat(FanOut.plan(hundred, "follow", cfg)).hasSize(10_000);
        arr.add("one-more");
        assertThatThrownBy(() -> FanOut.plan(hundred, "follow", cfg))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).fields().get("tasks")).contains("10100", "10000"));
    }
}
