package io.kvr.http;

import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's TLS context from a PEM certificate chain and key, built again when either file changes on disk
 * (checked at most once a second, as connections arrive), so a renewed certificate is served without a restart. A
 * renewal that cannot be read keeps the previous context and says so. Public for the bridge's RTSP server, which
 * serves RTSP over TLS with the same files: its clients offer no ALPN protocol, so the HTTP ones advertised here do
 * not apply to them.
 */
public final class TlsContext {
    private static final Logger log = LoggerFactory.getLogger(TlsContext.class);
    private static final long CHECK_EVERY_NANOS = 1_000_000_000L;

    private final Path cert;
    private final Path key;
    private volatile SslContext context;
    private volatile FileTime certTime;
    private volatile FileTime keyTime;
    private volatile long checkedAt;

    public TlsContext(Path cert, Path key) {
        this.cert = cert;
        this.key = key;
        try {
            this.certTime = Files.getLastModifiedTime(cert);
            this.keyTime = Files.getLastModifiedTime(key);
            this.context = build();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "cannot use the TLS certificate " + cert + " and key " + key + ": " + e.getMessage(), e);
        }
        this.checkedAt = System.nanoTime();
    }

    /** The context to make a new connection's {@code SslHandler} with. */
    public SslContext current() {
        long now = System.nanoTime();
        if (now - checkedAt > CHECK_EVERY_NANOS) {
            checkedAt = now;
            reloadIfChanged();
        }
        return context;
    }

    private synchronized void reloadIfChanged() {
        try {
            FileTime c = Files.getLastModifiedTime(cert);
            FileTime k = Files.getLastModifiedTime(key);
            if (c.equals(certTime) && k.equals(keyTime)) {
                return;
            }
            SslContext fresh = build();
            context = fresh;
            certTime = c;
            keyTime = k;
            log.info("TLS certificate {} reloaded", cert);
        } catch (IOException | RuntimeException e) {
            log.warn(
                    "TLS certificate {} or key {} changed but cannot be used, keeping the previous one: {}",
                    cert,
                    key,
                    e.getMessage());
        }
    }

    private SslContext build() throws IOException {
        return SslContextBuilder.forServer(cert.toFile(), key.toFile())
                // HTTP/2 wants TLS 1.2+ and its own cipher list (RFC 9113 9.2); clients without ALPN get HTTP/1.1
                .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(
                        ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2,
                        ApplicationProtocolNames.HTTP_1_1))
                .build();
    }
}
