package io.kvr.launcher;

import io.kvr.runtime.config.Secrets;
import io.kvr.runtime.config.Settings;
import io.kvr.runtime.config.TopicNames;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * What {@code kvr run} and {@code kvr demo} print once everything serves: the URLs, and the Kafka and S3 addresses,
 * topics and bucket as the settings in use name them (a config file or {@code key=value} may change any of them).
 */
record StartBanner(
        String baseUrl,
        List<String> streams,
        String kafka,
        TopicNames topics,
        String s3Endpoint,
        String bucket,
        Path dataDir,
        boolean demo,
        String rtspUrl) {

    static StartBanner of(KvrServer server, Collection<String> streams, Path dataDir, boolean demo) {
        StartBanner b = of(server.baseUrl(), streams, server.settings(), dataDir, demo);
        var port = server.bridge().rtspPort();
        if (port.isEmpty()) {
            return b;
        }
        String host = server.settings().string("rtsp.host", server.settings().string("http.host", "127.0.0.1"));
        return b.withRtsp("rtsp://" + (host.equals("0.0.0.0") ? "127.0.0.1" : host) + ":" + port.getAsInt());
    }

    StartBanner withRtsp(String url) {
        return new StartBanner(baseUrl, streams, kafka, topics, s3Endpoint, bucket, dataDir, demo, url);
    }

    static StartBanner of(String baseUrl, Collection<String> streams, Settings settings, Path dataDir, boolean demo) {
        return new StartBanner(
                baseUrl,
                List.copyOf(streams),
                settings.string("kafka.bootstrap.servers", ""),
                TopicNames.from(settings),
                settings.string("s3.endpoint", ""),
                settings.string("s3.bucket", "kvr"),
                dataDir,
                demo,
                null);
    }

    String text() {
        StringBuilder b = new StringBuilder();
        b.append("\nkvr is running (Ctrl-C stops it)\n");
        b.append("  viewer:   ").append(baseUrl).append("/\n");
        for (String id : streams) {
            b.append("  live HLS: ").append(baseUrl).append('/').append(id).append("/index.m3u8\n");
        }
        if (rtspUrl != null) {
            b.append("  rtsp:     ").append(rtspUrl).append("/APP/STREAM  (push with ANNOUNCE/RECORD)\n");
        }
        b.append("  streams:  ").append(baseUrl).append("/v1/streams\n");
        b.append("  cameras:  ").append(baseUrl).append("/v1/cameras  (GET, POST, DELETE)\n");
        b.append("  metrics:  ").append(baseUrl).append("/metrics\n");
        b.append("  kafka:    ")
                .append(kafka)
                .append("  (topics ")
                .append(topics.media())
                .append(", ")
                .append(topics.segments())
                .append(", ")
                .append(topics.sources())
                .append(", ")
                .append(topics.policies())
                .append(")\n");
        b.append("  s3:       ")
                .append(Secrets.redactUrl(s3Endpoint))
                .append("  (bucket ")
                .append(bucket)
                .append(")\n");
        b.append("  data:     ").append(dataDir.toAbsolutePath()).append('\n');
        if (demo) {
            b.append("\nThe demo camera shows the wall clock; the first segments appear after a few seconds.\n");
            b.append("Open ")
                    .append(baseUrl)
                    .append("/?stream=")
                    .append(Kvr.DEMO_STREAM)
                    .append('\n');
        }
        return b.toString();
    }
}
