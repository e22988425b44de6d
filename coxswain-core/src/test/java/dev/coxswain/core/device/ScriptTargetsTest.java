package dev.coxswain.core.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.service.ValidationException;
import org.junit.jupiter.api.Test;

class ScriptTargetsTest {
    private static ObjectNode config(String json) {
        return (ObjectNode) Json.read(json);
    }

    @Test
    void followTakesTheArrayOfTargetUsers() {
        assertThat(ScriptTargets.of("follow", config("{\"target_users\": [\"a\", \" b \", \"\", \"c\"]}")))
                .containsExactly("a", "b", "c");
        assertThat(ScriptTargets.of("unfollow", config("{\"target_users\": [\"x\"]}"))).containsExactly("x");
    }

    @Test
    void orTheTargetUserTextSplitOnNewlinesAndCommas() {
        assertThat(ScriptTargets.of("follow", config("{\"target_user\": \"a\\nb, c\\r\\n\\n,d ,\"}")))
                .containsExactly("a", "b", "c", "d");
        assertThat(ScriptTargets.of("follow", config("{\"target_user\": \"solo\"}"))).containsExactly("solo");
    }

    @Test
    void theArrayWinsOverTheText() {
        assertThat(ScriptTargets.of("follow", config("{\"target_users\": [\"a\"], \"target_user\": \"b,c\"}")))
                .containsExactly("a");
    }

    @Test
    void commentFansOutOverPostUrls() {
        assertThat(ScriptTargets.of("comment", config("{\"target_post_urls\": [\"https://x/1\", \"https://x/2\"]}")))
                .containsExactly("https://x/1", "https://x/2");
        assertThat(ScriptTargets.of("comment", config("{\"target_post_url\": \"https://x/1\\nhttps://x/2\"}")))
                .containsExactly("https://x/1", "https://x/2");
        assertThat(ScriptTargets.of("comment", config("{\"target_users\": [\"a\"]}"))).as("not a comment's key").isEmpty();
    }

    @Test
    void otherScriptsAndMissingTargetsHaveNone() {
        assertThat(ScriptTargets.of("post", config("{\"target_users\": [\"a\"]}"))).isEmpty();
        assertThat(ScriptTargets.of("follow", config("{}"))).isEmpty();
        assertThat(ScriptTargets.of("follow", null)).isEmpty();
        assertThat(ScriptTargets.of("follow", config("{\"target_users\": null}"))).isEmpty();
    }

    @Test
    void targetsThatAreNotStringsAreRefused() {
        assertThatThrownBy(() -> ScriptTargets.of("follow", config("{\"target_users\": [1]}")))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).fields()).containsKey("script_config.target_users"));
        assertThatThrownBy(() -> ScriptTargets.of("comment", config("{\"target_post_url\": {}}")))
                .isInstanceOf(ValidationException.class);
    }

    @Test
    void eachTasksConfigNamesOneTargetAndNoList() {
        ObjectNode c = config("{\"target_users\": [\"a\", \"b\"], \"target_user\": \"z\", \"limit\": 3}");
        ObjectNode one = ScriptTargets.configFor("follow", c, "b");
        assertThat(one).isEqualTo(config("{\"target_user\": \"b\", \"limit\": 3}"));
        assertThat(c.has("target_users")).as("the request's config is left alone").isTrue();
        assertThat(ScriptTargets.configFor("comment", config("{\"target_post_urls\": [\"u\"]}"), "u"))
                .isEqualTo(config("{\"target_post_url\": \"u\"}"));
        assertThat(ScriptTargets.configFor("post", config("{\"a\": 1}"), null)).isEqualTo(config("{\"a\": 1}"));
        assertThat(ScriptTargets.configFor("post", null, null)).isEqualTo(Json.object());
    }
}
