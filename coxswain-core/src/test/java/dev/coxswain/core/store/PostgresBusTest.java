package dev.coxswain.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bus's message format, without a database: coalescing, size limit, own messages ignored. */
class PostgresBusTest {
    private static final class Heard implements ClusterBus.Listener {
        int queued;
        final List<String> stops = new ArrayList<>();
        int listening;

        @Override
        public void tasksQueued() {
            queued++;
        }

        @Override
        public void stop(long taskId, int attempt) {
            stops.add(taskId + "/" + attempt);
        }

        @Override
        public void listening() {
            listening++;
        }
    }

    /** Never started, so nothing is sent: the test takes the payloads as the sender thread would. */
    private static PostgresBus bus() {
        return new PostgresBus(() -> {
            throw new java.sql.SQLException("no database in this test");
        }, () -> {
            throw new java.sql.SQLException("no database in this test");
        });
    }

    @Test
    void manyAnnouncementsCoalesceAndLongOnesAreSplitUnderTheLimit() {
        PostgresBus from = bus(), to = bus();
        for (int i = 0; i < 3; i++) from.tasksQueued();
        fill(from, 2000);
        List<String> payloads = from.payloads();
        assertThat(payloads).hasSizeGreaterThan(1);
        assertThat(payloads).allSatisfy(p -> assertThat(p.length()).isLessThan(8000));
        Heard heard = new Heard();
        for (String p : payloads) to.deliver(p, heard);
        assertThat(heard.queued).as("one wake-up however many announcements").isEqualTo(1);
        assertThat(heard.stops).hasSize(2000).contains("0/1", "1999/1");
        assertThat(from.payloads()).as("nothing left once taken").isEmpty();
    }

    @Test
    void aNodeIgnoresItsOwnMessagesAndAnythingGarbled() {
        PostgresBus a = bus(), b = bus();
        fill(a, 1);
        List<String> payloads = a.payloads();
        Heard self = new Heard();
        for (String p : payloads) a.deliver(p, self);
        assertThat(self.queued).isZero();
        assertThat(self.stops).isEmpty();

        Heard other = new Heard();
        b.deliver("someone|s:notanumber:1|s:5|x|q|s:9:2", other);
        b.deliver(null, other);
        b.deliver("lonely", other);
        assertThat(other.queued).isEqualTo(1);
        assertThat(other.stops).containsExactly("9/2");
    }

    /** Announces "tasks queued" and {@code stops} stop requests. */
    private static void fill(PostgresBus b, int stops) {
        b.tasksQueued();
        for (int i = 0; i < stops; i++) b.stop(i, 1);
    }
}
