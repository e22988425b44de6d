package dev.coxswain.worker.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IdentifiersTest {
    @Test
    void acceptsLettersDigitsUnderscoreAndDashUpTo128() {
        assertThat(Identifiers.isValid("bar-worker_1")).isTrue();
        assertThat(Identifiers.isValid("a".repeat(128))).isTrue();
        assertThat(Identifiers.isValid("a".repeat(129))).isFalse();
        assertThat(Identifiers.isValid("")).isFalse();
        assertThat(Identifiers.isValid(null)).isFalse();
        assertThat(Identifiers.isValid("a.b")).isFalse();
        assertThat(Identifiers.isValid("a:b")).isFalse();
        assertThat(Identifiers.isValid("a/b")).isFalse();
        assertThat(Identifiers.isValid("é")).isFalse();
        assertThat(Identifiers.isValid("a\n")).isFalse();
    }

    @Test
    void requireValidNamesTheValueInItsError() {
        assertThat(Identifiers.requireValid("ok", "worker id")).isEqualTo("ok");
        assertThatThrownBy(() -> Identifiers.requireValid("no.dots", "skill name"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("skill name").hasMessageContaining("no.dots");
    }
}
