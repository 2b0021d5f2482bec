package io.kvr.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecentObjectsTest {
    private static RecentObjects.Entry entry(int size) {
        return new RecentObjects.Entry(new byte[size], "\"e\"");
    }

    @Test
    void leastRecentlyUsedObjectsLeaveFirstAndTheTotalStaysBounded() {
        RecentObjects recent = new RecentObjects(800);
        for (int i = 0; i < 8; i++) {
            recent.put("k" + i, entry(100));
        }
        assertThat(recent.get("k0")).isNotNull(); // k0 now most recently used
        recent.put("k8", entry(100));
        assertThat(recent.get("k1")).isNull();
        assertThat(recent.get("k0")).isNotNull();
        assertThat(recent.get("k8")).isNotNull();
        assertThat(recent.bytes()).isLessThanOrEqualTo(800);
    }

    @Test
    void objectsOverAnEighthAreNotKeptAndZeroTurnsItOff() {
        RecentObjects recent = new RecentObjects(800);
        recent.put("big", entry(101));
        assertThat(recent.get("big")).isNull();
        RecentObjects off = new RecentObjects(0);
        assertThat(off.maxEntryBytes()).isZero();
        off.put("any", entry(0));
        assertThat(off.bytes()).isZero();
    }
}
