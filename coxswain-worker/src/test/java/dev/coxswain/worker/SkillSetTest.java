package dev.coxswain.worker;

import static dev.coxswain.worker.Workers.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SkillSetTest {
    private static final TaskHandler NOTHING = ctx -> null;

    /** The four skills of the recorded SDK run hash to the skills_hash that run sent. */
    @Test
    void theSkillsHashIsTheSdks() {
        SkillSet skills = new SkillSet(List.of(
                new SkillSet.Skill("echo", "Returns its params unchanged.", json("{\"type\":\"object\"}"), NOTHING),
                new SkillSet.Skill("sleep", "Sleeps params.seconds; cancellation (heartbeat cancel_task_ids or WS cancel_task) aborts it.",
                        json("{\"type\":\"object\"}"), NOTHING),
                new SkillSet.Skill("fail", "Fails: transient (default), permanent or invalid-input, per params.mode.",
                        json("{\"type\":\"object\"}"), NOTHING),
                new SkillSet.Skill("progress", "Sends params.steps progress events (progress in 0..1) then succeeds.",
                        json("{\"type\":\"object\"}"), NOTHING)),
                json("{}"), json("{}"));

        assertThat(skills.hash()).isEqualTo("30ce97b506e11ec204ae794e929c903d621d82905472f5f4fe25cca30e2bbab3");
        assertThat(skills.names()).containsExactly("echo", "sleep", "fail", "progress");
        assertThat(skills.descriptors().get(0)).isEqualTo(json(
                "{\"name\":\"echo\",\"type\":\"echo\",\"description\":\"Returns its params unchanged.\",\"input_schema\":{\"type\":\"object\"}}"));
    }

    @Test
    void pricesAndExtraCapabilitiesChangeTheHash() {
        List<SkillSet.Skill> one = List.of(new SkillSet.Skill("echo", null, null, NOTHING));
        String plain = new SkillSet(one, json("{}"), json("{}")).hash();

        assertThat(new SkillSet(one, json("{\"echo\":0.5}"), json("{}")).hash()).isNotEqualTo(plain);
        assertThat(new SkillSet(one, json("{}"), json("{\"gpu\":true}")).hash()).isNotEqualTo(plain);
        assertThat(new SkillSet(one, json("{}"), json("{}")).hash()).isEqualTo(plain);
    }

    @Test
    void aSkillNameMayBeDeclaredOnce() {
        assertThatThrownBy(() -> new SkillSet(List.of(new SkillSet.Skill("a", null, null, NOTHING),
                new SkillSet.Skill("a", null, null, NOTHING)), json("{}"), json("{}")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
