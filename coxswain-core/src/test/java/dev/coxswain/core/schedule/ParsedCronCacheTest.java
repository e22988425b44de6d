package dev.coxswain.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The firer's parse cache is used from every group-commit writer thread at once (PostgreSQL runs
 * several), so it must stay whole under concurrent lookups that evict.
 */
class ParsedCronCacheTest {
    static final int CAPACITY = 16;
    static final int THREADS = 4;
    static final int LOOKUPS = 50_000;
    static final List<String> ZONES = List.of("UTC", "Europe/Berlin", "America/New_York");

    @Test
    void concurrentLookupsThatEvictStayConsistent() throws Exception {
        ParsedCronCache cache = new ParsedCronCache(CAPACITY);
        CyclicBarrier start = new CyclicBarrier(THREADS);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r);
            t.setDaemon(true); // a corrupted map can spin forever; do not keep the JVM alive for it
            return t;
        });
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int seed = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < LOOKUPS; i++) {
                        // 59 expressions x 3 zones, far more than the capacity: every few lookups evict.
                        int n = (i * 7 + seed * 13) % 59 + 1;
                        String expression = "*/" + n + " * * * *";
                        String zone = ZONES.get((i + seed) % ZONES.size());
                        CronExpression cron = cache.get(expression, zone);
                        assertThat(cron.text()).isEqualTo(expression);
                        assertThat(cron.zone()).isEqualTo(ZoneId.of(zone));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(cache.size()).isLessThanOrEqualTo(CAPACITY);
    }
}
