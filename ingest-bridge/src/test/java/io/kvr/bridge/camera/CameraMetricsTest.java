package io.kvr.bridge.camera;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CameraMetricsTest {

    private static double state(SimpleMeterRegistry r, String stream, String state) {
        return r.get("kvr_bridge_camera_state")
                .tag("stream", stream)
                .tag("state", state)
                .gauge()
                .value();
    }

    @Test
    void aCameraStartedAgainReportsItsNewSupervisorsState() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AtomicReference<CameraState> first = new AtomicReference<>(CameraState.STREAMING);
        new CameraMetrics(registry, "live/door", first::get).unitRead(100);
        first.set(CameraState.STOPPED);

        new CameraMetrics(registry, "live/door", () -> CameraState.CONNECTING);

        assertThat(state(registry, "live/door", "connecting")).isEqualTo(1);
        assertThat(state(registry, "live/door", "stopped")).isZero();
        assertThat(registry.find("kvr_bridge_camera_state")
                        .tag("stream", "live/door")
                        .gauges())
                .hasSize(CameraState.values().length);
        assertThat(registry.get("kvr_bridge_bytes")
                        .tag("stream", "live/door")
                        .counter()
                        .count())
                .isEqualTo(100);
    }

    @Test
    void theLastErrorIsOneGaugeTaggedWithItAndRemoveDropsEveryMeterOfTheStream() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new CameraMetrics(registry, "live/door", () -> CameraState.BACKING_OFF);
        new CameraMetrics(registry, "live/yard", () -> CameraState.STREAMING);

        CameraMetrics.lastError(registry, "live/door", "connection refused");
        CameraMetrics.lastError(registry, "live/door", "connection refused");
        assertThat(registry.find("kvr_bridge_camera_last_error")
                        .tag("stream", "live/door")
                        .gauges())
                .singleElement()
                .satisfies(g -> assertThat(g.getId().getTag("error")).isEqualTo("connection refused"));
        CameraMetrics.lastError(registry, "live/door", "x".repeat(500));
        assertThat(registry.find("kvr_bridge_camera_last_error")
                        .tag("stream", "live/door")
                        .gauges())
                .singleElement()
                .satisfies(g -> assertThat(g.getId().getTag("error")).hasSize(200));
        CameraMetrics.lastError(registry, "live/door", "");
        assertThat(registry.find("kvr_bridge_camera_last_error").gauges()).isEmpty();

        CameraMetrics.remove(registry, "live/door");
        assertThat(registry.find("kvr_bridge_camera_state")
                        .tag("stream", "live/door")
                        .meters())
                .isEmpty();
        assertThat(registry.find("kvr_bridge_access_units")
                        .tag("stream", "live/door")
                        .meters())
                .isEmpty();
        assertThat(registry.find("kvr_bridge_capture_to_ack")
                        .tag("stream", "live/door")
                        .meters())
                .isEmpty();
        assertThat(registry.find("kvr_bridge_camera_state")
                        .tag("stream", "live/yard")
                        .gauges())
                .isNotEmpty();
    }
}
