package io.kvr.bridge.camera;

import io.kvr.runtime.config.Secrets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Per-camera meters, tagged with the stream: units and bytes read (rates come from Prometheus' {@code rate()}),
 * reconnects, one 0/1 gauge per state, the capture-to-Kafka-ack latency, and the last error (redacted) as the
 * {@code error} tag of a gauge that is 1 while there is one.
 *
 * <p>A camera can stop on one bridge instance and start again on it later (moved between instances, or its
 * settings changed): the newest meters of a stream replace the old ones, and {@link #remove} drops a stream's
 * meters when it leaves the instance, so no instance reports cameras it does not pull.
 */
public final class CameraMetrics {
    static final String UNITS = "kvr_bridge_access_units";
    static final String BYTES = "kvr_bridge_bytes";
    static final String RECONNECTS = "kvr_bridge_reconnects";
    static final String ACK_LATENCY = "kvr_bridge_capture_to_ack";
    static final String STATE = "kvr_bridge_camera_state";
    static final String LAST_ERROR = "kvr_bridge_camera_last_error";
    private static final List<String> NAMES =
            List.of(UNITS, BYTES, RECONNECTS, ACK_LATENCY, STATE, LAST_ERROR, "kvr_bridge_clock_corrections");
    private static final int MAX_ERROR_TAG = 200;

    private final Counter units;
    private final Counter bytes;
    private final Counter reconnects;
    private final Timer ackLatency;

    public CameraMetrics(MeterRegistry registry, String streamId, Supplier<CameraState> state) {
        Tags tags = Tags.of("stream", streamId);
        this.units = registry.counter(UNITS, tags);
        this.bytes = registry.counter(BYTES, tags);
        this.reconnects = registry.counter(RECONNECTS, tags);
        this.ackLatency = Timer.builder(ACK_LATENCY)
                .description("capture wall clock to the media topic's acknowledgement")
                .tags(tags)
                .publishPercentiles(0.5, 0.99)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        // a gauge registered again keeps its first state supplier: replace those of an earlier supervisor
        registry.find(STATE).tag("stream", streamId).gauges().forEach(registry::remove);
        for (CameraState s : CameraState.values()) {
            // strongly held: a supervisor passes a method reference that nothing else keeps (weak: NaN after a GC)
            Gauge.builder(STATE, state, current -> current.get() == s ? 1 : 0)
                    .tags(tags.and("state", s.name().toLowerCase(Locale.ROOT)))
                    .strongReference(true)
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

    /**
     * Shows {@code error} (redacted) as {@code kvr_bridge_camera_last_error{stream,error}} = 1; blank
     * removes it. Cheap when the error is unchanged.
     */
    public static void lastError(MeterRegistry registry, String streamId, String error) {
        // redacted again here too: a label is scraped by anyone who reads /metrics
        String tag = error == null ? "" : Secrets.redactUrl(error).strip();
        if (tag.length() > MAX_ERROR_TAG) {
            tag = tag.substring(0, MAX_ERROR_TAG - 3) + "...";
        }
        boolean current = false;
        for (Gauge g : registry.find(LAST_ERROR).tag("stream", streamId).gauges()) {
            if (tag.equals(g.getId().getTag("error"))) {
                current = true;
            } else {
                registry.remove(g);
            }
        }
        if (!current && !tag.isEmpty()) {
            Gauge.builder(LAST_ERROR, () -> 1)
                    .description("the camera's last error (redacted), while it has one")
                    .tags("stream", streamId, "error", tag)
                    .register(registry);
        }
    }

    /** Drops every meter of the stream: the camera no longer runs on this instance. */
    public static void remove(MeterRegistry registry, String streamId) {
        for (String name : NAMES) {
            for (Meter m : registry.find(name).tag("stream", streamId).meters()) {
                registry.remove(m);
            }
        }
    }
}
