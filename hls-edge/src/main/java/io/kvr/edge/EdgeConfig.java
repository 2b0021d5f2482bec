package io.kvr.edge;

import io.kvr.runtime.config.S3Settings;
import io.kvr.runtime.config.Settings;
import java.net.URI;

/** Configuration of the edge: HTTP listener, where the index is, object storage, live and DVR windows, longest range. */
public record EdgeConfig(String httpHost, int httpPort, URI indexUrl, S3Settings s3, int liveWindow,
                         long dvrWindowMs, long maxRangeMs) {
    public static EdgeConfig from(Settings s) {
        EdgeConfig c = new EdgeConfig(
                s.string("http.host", "127.0.0.1"),
                s.integer("http.port", 8080, 0, 65535),
                URI.create(s.string("edge.index.url", "http://127.0.0.1:8082/")),
                S3Settings.from(s),
                s.integer("edge.live.window", 6, 3, 100),
                s.duration("edge.dvr.window", java.time.Duration.ofHours(24)).toMillis(),
                s.duration("edge.range.max", java.time.Duration.ofHours(24)).toMillis());
        s.validate();
        return c;
    }
}
