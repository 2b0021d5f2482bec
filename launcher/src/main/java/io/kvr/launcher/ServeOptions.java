package io.kvr.launcher;

import io.kvr.launcher.ArgumentTypes.HttpAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The options {@code kvr run} and {@code kvr demo} share; {@link #toOptions(String)} makes them a {@link KvrOptions}. */
final class ServeOptions {
    @Option(
            names = "--data",
            paramLabel = "DIR",
            description = "where Kafka, object storage and the index keep their data (default ./data)")
    Path data = Path.of("data");

    @Option(
            names = "--http",
            paramLabel = "HOST:PORT",
            converter = ArgumentTypes.Http.class,
            description = "viewer, HLS and API address (default 127.0.0.1:8080)")
    HttpAddress http = new HttpAddress("127.0.0.1", KvrOptions.DEFAULT_HTTP_PORT);

    @Option(
            names = "--rtsp",
            paramLabel = "HOST:PORT",
            converter = ArgumentTypes.Http.class,
            description = "serve RTSP on this address, e.g. 0.0.0.0:8554: devices push to rtsp://HOST:PORT/APP/STREAM"
                    + " (publish.open=true, or a credential with access control on); off unless given")
    HttpAddress rtsp;

    @Option(
            names = "--rtsps",
            paramLabel = "HOST:PORT",
            converter = ArgumentTypes.Http.class,
            description = "also serve RTSP over TLS on this address, e.g. 0.0.0.0:8322 (rtsps://HOST:PORT/APP/STREAM),"
                    + " with the certificate of --tls-cert and --tls-key; needs --rtsp")
    HttpAddress rtsps;

    @Option(
            names = "--tls-cert",
            paramLabel = "FILE",
            description = "serve HTTPS with this PEM certificate chain (with --tls-key; reloaded when it changes)")
    String tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "the PKCS#8 PEM key of --tls-cert")
    String tlsKey;

    @Option(
            names = "--camera",
            paramLabel = "APP/STREAM=URL",
            converter = ArgumentTypes.Camera.class,
            description = "a camera to record (rtsp, rtsps, rtmp, rtmps, srt, udp); repeatable")
    List<Map.Entry<String, String>> cameras = List.of();

    @Option(
            names = "--kafka-port",
            paramLabel = "N",
            converter = ArgumentTypes.Port.class,
            description = "embedded Kafka port on 127.0.0.1 (default 19092; 0 = any free)")
    int kafkaPort = KvrOptions.DEFAULT_KAFKA_PORT;

    @Option(
            names = "--s3-port",
            paramLabel = "N",
            converter = ArgumentTypes.Port.class,
            description = "embedded S3 port on 127.0.0.1 (default 19000; 0 = any free)")
    int s3Port = KvrOptions.DEFAULT_S3_PORT;

    @Option(names = "--config", paramLabel = "FILE", description = "properties file with app settings (README)")
    Path config;

    @Parameters(
            paramLabel = "key=value",
            converter = ArgumentTypes.Setting.class,
            description = "any app setting, e.g. segmenter.target.duration=4s")
    List<Map.Entry<String, String>> settings = List.of();

    KvrOptions toOptions(String command) {
        Map<String, String> cameraUrls = new LinkedHashMap<>();
        cameras.forEach(c -> cameraUrls.put(c.getKey(), c.getValue()));
        Map<String, String> overrides = new LinkedHashMap<>();
        if (tlsCert != null) {
            overrides.put("http.tls.cert", tlsCert);
        }
        if (tlsKey != null) {
            overrides.put("http.tls.key", tlsKey);
        }
        if (rtsp != null) {
            overrides.put("rtsp.enabled", "true");
            overrides.put("rtsp.host", rtsp.host());
            overrides.put("rtsp.port", Integer.toString(rtsp.port()));
        }
        if (rtsps != null) {
            if (rtsp == null || !rtsp.host().equals(rtsps.host())) {
                // one server, two ports on one address
                throw new KvrOptions.UsageException("--rtsps goes with --rtsp on the same host");
            }
            overrides.put("rtsp.tls.port", Integer.toString(rtsps.port()));
        }
        settings.forEach(s -> overrides.put(s.getKey(), s.getValue()));
        return new KvrOptions(
                command, data, http.host(), http.port(), kafkaPort, s3Port, config, cameraUrls, overrides);
    }
}
