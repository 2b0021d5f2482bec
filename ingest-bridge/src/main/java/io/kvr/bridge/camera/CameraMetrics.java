package io.kvr.bridge.camera;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Per-camera meters, tagged with the stream: units and bytes read (rates come from Prometheus' {@code rate()}),
 * reconnects, one 0/1 gauge per state, and the capture-to-Kafka-ack latency.
 */
public final class CameraMetrics {
    private final Counter units;
    private final Counter bytes;
    private final Counter reconnects;
    private final Timer ackLatency;

    public CameraMetrics(MeterRegistry registry, String streamId, Supplier<CameraState> state) {
        Tags tags = Tags.of("stream", streamId);
        this.units = registry.counter("kvr_bridge_access_units", tags);
        this.bytes = registry.counter("kvr_bridge_bytes", tags);
        this.reconnects = registry.counter("kvr_bridge_reconnects", tags);
        this.ackLatency = Timer.builder("kvr_bridge_capture_to_ack")
                .description("capture wall clock to the media topic's acknowledgement")
                .tags(tags)
                .publishPercentiles(0.5, 0.99)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        for (CameraState s : CameraState.values()) {
            Gauge.builder("kvr_bridge_camera_state", state, current -> current.get() == s ? 1 : 0)
                    .tags(tags.and("state", s.name().toLowerCase(java.util.Locale.ROOT)))
                    .register(registry);
        }
    }

    public void unitRead(int payloadBytes) {
        units.increment();
        bytes.increment(payloadBytes);
    }

    public void reconnect() {
        reconnects.increment();
    }

    /** A unit captured at {@code captureMs} was acknowledged by Kafka now. */
    public void acknowledged(long captureMs) {
        ackLatency.record(Math.max(0, System.currentTimeMillis() - captureMs), TimeUnit.MILLISECONDS);
    }
}
