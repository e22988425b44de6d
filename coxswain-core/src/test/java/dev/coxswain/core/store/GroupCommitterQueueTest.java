package dev.coxswain.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every submitted op is answered, even one racing close(); a full queue makes submitters wait. */
class GroupCommitterQueueTest {
    @TempDir
    Path dir;

    Connection open() {
        try {
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("t.db"));
            c.setAutoCommit(false);
            return c;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anOpSubmittedWhileTheCommitterClosesIsAnsweredNotLeftWaiting() throws Exception {
        for (int round = 0; round < 40; round++) {
            GroupCommitter w = new GroupCommitter("t", this::open, 1, 16);
            List<CompletableFuture<?>> futures = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> submitters = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                submitters.add(Thread.ofPlatform().start(() -> {
                    while (!stop.get()) futures.add(w.submit(tx -> null));
                }));
            }
            Thread.sleep(3);
            w.close();
            stop.set(true);
            for (Thread t : submitters) t.join();
            List<CompletableFuture<?>> all = List.copyOf(futures);
            CompletableFuture<Void> answered = CompletableFuture.allOf(all.stream()
                    .map(f -> f.handle((v, e) -> null)).toArray(CompletableFuture[]::new));
            assertThat(answered.completeOnTimeout(null, 5, TimeUnit.SECONDS).thenApply(v ->
                    all.stream().filter(f -> !f.isDone()).count()).get())
                    .as("ops never answered in round " + round + " of " + all.size()).isZero();
        }
    }

    @Test
    void aFullQueueMakesTheSubmitterWaitInsteadOfGrowing() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (GroupCommitter w = new GroupCommitter("t", this::open, 1, 16)) {
            CompletableFuture<Object> holding = w.submit(tx -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            });
            AtomicInteger submitted = new AtomicInteger();
            Thread producer = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 100_000; i++) {
                    w.submit(tx -> null);
                    submitted.incrementAndGet();
                }
            });
            await("the producer waits for room").atMost(Duration.ofSeconds(10))
                    .until(() -> producer.getState() == Thread.State.WAITING || !producer.isAlive());
            assertThat(producer.isAlive()).as("the producer is held back while the writer is busy").isTrue();
            assertThat(submitted.get()).isLessThan(100_000);
            release.countDown();
            producer.join(30_000);
            assertThat(submitted.get()).isEqualTo(100_000);
            holding.get(5, TimeUnit.SECONDS);
        }
    }
}
