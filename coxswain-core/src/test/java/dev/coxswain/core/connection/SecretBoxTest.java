package dev.coxswain.core.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {
    @TempDir
    Path dir;

    @Test
    void sealsWithAFreshNonceAndOpensWithTheSameKeyOnly() {
        SecretBox box = SecretBox.of(null, dir);
        String a = box.seal("s3cret"), b = box.seal("s3cret");
        assertThat(a).startsWith("v1:").isNotEqualTo(b).doesNotContain("s3cret");
        assertThat(box.open(a)).isEqualTo("s3cret");
        assertThat(SecretBox.of(null, dir).open(b)).as("the key file is reused").isEqualTo("s3cret");
        SecretBox other = new SecretBox(new byte[32]);
        assertThatThrownBy(() -> other.open(a)).isInstanceOf(IllegalStateException.class).hasMessageNotContaining("s3cret");
        String tampered = a.substring(0, a.length() - 2) + (a.endsWith("A") ? "BB" : "AA");
        assertThatThrownBy(() -> box.open(tampered)).isInstanceOf(IllegalStateException.class);
        assertThat(box.seal(null)).isNull();
    }

    @Test
    void aConfiguredKeyWinsAndMustBe32Bytes() throws Exception {
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        SecretBox box = SecretBox.of(key, dir);
        assertThat(new SecretBox(new byte[32]).open(box.seal("x"))).isEqualTo("x");
        assertThat(Files.exists(dir.resolve("secret.key"))).isFalse();
        assertThatThrownBy(() -> SecretBox.of(Base64.getEncoder().encodeToString(new byte[16]), dir))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
