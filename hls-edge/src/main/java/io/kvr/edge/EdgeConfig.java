package io.kvr.edge;

import io.kvr.http.access.AccessSettings;
import io.kvr.runtime.config.S3Settings;
import io.kvr.runtime.config.Secrets;
import io.kvr.runtime.config.Settings;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Configuration of the edge: HTTP listener, where the index is, object storage, live and DVR windows, longest
 * range; access control ({@code access.*}, see {@link AccessSettings}); allowed CORS origins
 * ({@code edge.cors.origins}, comma-separated, {@code *} for any, default none); segment delivery
 * ({@code edge.segments.delivery}: {@code proxy} (default) or {@code redirect} to presigned URLs signed for
 * {@code edge.segments.redirect.endpoint} (default {@code s3.endpoint}) valid for
 * {@code edge.segments.redirect.expiry} (default 10m)); how long a live playlist is served from memory before
 * the index is asked again ({@code edge.live.cache}, default 250ms); memory for playlists of ranges that ended
 * in the past ({@code edge.range.cache.bytes}, default 64 MiB, 0 = off); memory for the bytes of recently proxied
 * segments ({@code edge.segments.cache.bytes}, default 64 MiB, 0 = off; objects over an eighth of it stream).
 */
public record EdgeConfig(
        String httpHost,
        int httpPort,
        URI indexUrl,
        S3Settings s3,
        int liveWindow,
        long dvrWindowMs,
        long maxRangeMs,
        AccessSettings access,
        List<String> corsOrigins,
        boolean redirectSegments,
        String redirectEndpoint,
        Duration redirectExpiry,
        Duration liveCache,
        long rangeCacheBytes,
        long segmentCacheBytes) {
    public static EdgeConfig from(Settings s) {
        S3Settings s3 = S3Settings.from(s);
        String delivery = s.string("edge.segments.delivery", "proxy");
        if (!delivery.equals("proxy") && !delivery.equals("redirect")) {
            s.problem("edge.segments.delivery must be proxy or redirect, not '" + delivery + "'");
        }
        Duration expiry = s.duration("edge.segments.redirect.expiry", Duration.ofMinutes(10));
        if (expiry.toSeconds() < 1 || expiry.toDays() > 7) {
            s.problem("edge.segments.redirect.expiry must be between 1s and 7d (S3 presigned URL limits)");
        }
        Duration liveCache = s.duration("edge.live.cache", Duration.ofMillis(250));
        if (liveCache.isNegative() || liveCache.toSeconds() > 10) {
            s.problem("edge.live.cache must be between 0 and 10s");
        }
        EdgeConfig c = new EdgeConfig(
                s.string("http.host", "127.0.0.1"),
                s.integer("http.port", 8080, 0, 65535),
                URI.create(s.string("edge.index.url", "http://127.0.0.1:8082/")),
                s3,
                s.integer("edge.live.window", 6, 3, 100),
                s.duration("edge.dvr.window", java.time.Duration.ofHours(24)).toMillis(),
                s.duration("edge.range.max", java.time.Duration.ofHours(24)).toMillis(),
                AccessSettings.from(s),
                Arrays.stream(s.string("edge.cors.origins", "").split(","))
                        .map(String::trim)
                        .filter(o -> !o.isEmpty())
                        .toList(),
                delivery.equals("redirect"),
                s.string("edge.segments.redirect.endpoint", s3.endpoint()),
                expiry,
                liveCache,
                s.longValue("edge.range.cache.bytes", 64L << 20, 0, 1L << 40),
                s.longValue("edge.segments.cache.bytes", 64L << 20, 0, 1L << 40));
        s.validate();
        return c;
    }

    /** URLs redacted, secret settings hidden. */
    @Override
    public String toString() {
        return Secrets.redactedToString(this);
    }
}
