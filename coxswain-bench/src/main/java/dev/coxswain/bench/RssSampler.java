package dev.coxswain.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a process's resident set every {@value #EVERY_MILLIS} ms on a thread of its own, so a
 * phase's peak and typical level can be read back afterwards for any stretch of time.
 */
final class RssSampler implements AutoCloseable {
    static final long EVERY_MILLIS = 100;

    private record Sample(long nanos, long rss) {
    }

    private final long pid;
    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    RssSampler(long pid) {
        this.pid = pid;
        this.thread = Thread.ofPlatform().daemon().name("rss-sampler").start(this::loop);
    }

    private void loop() {
        while (running) {
            try {
                long rss = ProcMemory.of(pid).rss();
                synchronized (samples) {
                    samples.add(new Sample(System.nanoTime(), rss));
                }
                Thread.sleep(EVERY_MILLIS);
            } catch (IOException gone) {
                return; // the process has exited
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The resident sets sampled between two {@link System#nanoTime()} readings, sorted. */
    long[] between(long fromNanos, long toNanos) {
        synchronized (samples) {
            return samples.stream().filter(s -> s.nanos() >= fromNanos && s.nanos() <= toNanos).mapToLong(Sample::rss).sorted()
                    .toArray();
        }
    }

    static long max(long[] sorted) {
        return sorted.length == 0 ? -1 : sorted[sorted.length - 1];
    }

    static long median(long[] sorted) {
        return sorted.length == 0 ? -1 : sorted[sorted.length / 2];
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join();
    }
}
