package dev.coxswain.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** How a batch is cut into multi-row statements: whole parts of the maximum, then powers of two. */
class SqlPartsTest {
    @Test
    void aThousandRowsInPartsOf512() {
        assertThat(Sql.parts(1_000, 512)).containsExactly(512, 256, 128, 64, 32, 8);
    }

    @Test
    void largeBatchesTakeWholeParts() {
        assertThat(Sql.parts(1_300, 512)).containsExactly(512, 512, 256, 16, 4);
        assertThat(Sql.parts(1_024, 512)).containsExactly(512, 512);
    }

    @Test
    void everySizeIsCoveredExactlyByFewDistinctParts() {
        for (int n = 0; n <= 3_000; n++) {
            int[] parts = Sql.parts(n, 512);
            assertThat(Arrays.stream(parts).sum()).as("n=%d", n).isEqualTo(n);
            assertThat(Arrays.stream(parts).allMatch(p -> p > 0 && Integer.bitCount(p) == 1 && p <= 512)).as("n=%d", n).isTrue();
            assertThat(Arrays.stream(parts).filter(p -> p < 512).distinct().count())
                    .as("parts below the maximum are distinct").isEqualTo(Arrays.stream(parts).filter(p -> p < 512).count());
        }
        assertThat(Sql.parts(0, 512)).isEmpty();
    }

    @Test
    void theMaximumMustBeAPowerOfTwo() {
        assertThatThrownBy(() -> Sql.parts(10, 500)).isInstanceOf(IllegalArgumentException.class);
    }
}
