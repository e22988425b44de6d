package dev.coxswain.core.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ScriptRulesTest {
    private final ScriptRules rules = new ScriptRules(DeviceSettings.DEFAULT_SCRIPTS);

    @Test
    void theConfiguredScriptsAreSupported() {
        for (String s : DeviceSettings.DEFAULT_SCRIPTS) rules.check(s, Set.of());
    }

    @Test
    void aSkillOfAnOnlineDeviceWorkerIsSupportedToo() {
        rules.check("scroll_feed", Set.of("scroll_feed"));
        rules.check("like", Set.of("like"));
        assertThat(rules.supported("scroll_feed", Set.of())).isFalse();
    }

    @Test
    void comingSoonScriptsGetTheSeedsWording() {
        for (String s : ScriptRules.COMING_SOON) {
            assertThatThrownBy(() -> rules.check(s, Set.of()))
                    .isInstanceOf(ScriptNotSupportedException.class)
                    .hasMessage("Script '" + s + "' is not supported via API yet");
        }
    }

    @Test
    void otherUnknownScriptsAreNotSupported() {
        assertThatThrownBy(() -> rules.check("teleport", Set.of("scroll_feed")))
                .isInstanceOf(ScriptNotSupportedException.class)
                .hasMessage("Script 'teleport' is not supported via API")
                .satisfies(e -> assertThat(((ScriptNotSupportedException) e).script()).isEqualTo("teleport"));
        assertThatThrownBy(() -> rules.check("POST", Set.of())).as("names are exact").isInstanceOf(ScriptNotSupportedException.class);
    }
}
