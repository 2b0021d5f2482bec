package io.kvr.edge.hls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SettledRangeCacheTest {
    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger renders = new AtomicInteger();

    private byte[] render(int size) {
        renders.incrementAndGet();
        return new byte[size];
    }

    @Test
    void aRangeIsRenderedOnceUntilItsTtlPasses() {
        SettledRangeCache cache = new SettledRangeCache(1000, 60, now::get);
        for (int i = 0; i < 10; i++) {
            assertThat(cache.get("a", () -> render(100))).hasSize(100);
        }
        assertThat(renders).hasValue(1);
        now.set(60);
        cache.get("a", () -> render(100));
        assertThat(renders).hasValue(2);
    }

    @Test
    void theLeastRecentlyUsedGoFirstWhenFull() {
        SettledRangeCache cache = new SettledRangeCache(900, 60, now::get);
        cache.get("a", () -> render(200));
        cache.get("b", () -> render(200));
        cache.get("c", () -> render(200));
        cache.get("a", () -> render(200)); // a is now the most recently used
        cache.get("d", () -> render(200));
        cache.get("e", () -> render(200)); // 1000 bytes > 900: b, the least recently used, goes
        assertThat(renders).hasValue(5);
        cache.get("a", () -> render(200));
        assertThat(renders).as("a stayed").hasValue(5);
        cache.get("b", () -> render(200));
        assertThat(renders).as("b was evicted").hasValue(6);
    }

    @Test
    void oversizedPlaylistsAndAZeroBudgetAreNotKept() {
        SettledRangeCache cache = new SettledRangeCache(1000, 60, now::get);
        cache.get("huge", () -> render(600));
        cache.get("huge", () -> render(600));
        assertThat(renders).hasValue(2);
        SettledRangeCache off = new SettledRangeCache(0, 60, now::get);
        off.get("a", () -> render(1));
        off.get("a", () -> render(1));
        assertThat(renders).hasValue(4);
    }

    @Test
    void anOpenRangeIsKeptForItsShorterTtl() {
        SettledRangeCache cache = new SettledRangeCache(1000, 60, now::get);
        cache.get("open", 5, () -> render(10));
        now.set(4);
        cache.get("open", 5, () -> render(10));
        assertThat(renders).hasValue(1);
        now.set(5);
        cache.get("open", 5, () -> render(10));
        assertThat(renders).hasValue(2);
        cache.get("never", 0, () -> render(10));
        cache.get("never", 0, () -> render(10));
        assertThat(renders).hasValue(4);
    }

    @Test
    void concurrentRequestsForAMissingRangeWaitForOneRender() throws Exception {
        SettledRangeCache cache = new SettledRangeCache(1000, 60, now::get);
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            threads.add(Thread.ofPlatform()
                    .start(() -> cache.get("a", 5, () -> {
                        started.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return render(10);
                    })));
        }
        started.await();
        Thread.sleep(200); // the others reach the lock meanwhile (a slow machine only makes the test weaker)
        release.countDown();
        for (Thread t : threads) {
            t.join(30_000);
        }
        assertThat(renders).hasValue(1);
    }
}
