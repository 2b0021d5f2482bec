package io.kvr.bridge.rtspserver;

import io.kvr.runtime.stream.StreamName;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One stream being pushed to this instance, as {@code GET /v1/cameras} shows it: who publishes (the address, never
 * a credential), over which transport, where the push is, what it delivered. Written by the connection's event
 * loop and the stream's thread, read by the HTTP API: thread-safe.
 */
public final class Publication {
    /** Where a push is: announced (ANNOUNCE and SETUP done) or recording (after RECORD). */
    public enum State {
        ANNOUNCED,
        STREAMING
    }

    private final StreamName name;
    private final String publisher;
    private final String url;
    private final long sinceMs;
    private final Runnable end;
    private final AtomicLong units = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong sessions = new AtomicLong();
    private final AtomicLong foreignDatagrams = new AtomicLong();
    private volatile State state = State.ANNOUNCED;
    private volatile String transport = "";
    private volatile String lastError = "";

    /**
     * @param publisher the publisher's address, {@code host:port}
     * @param url the announced URL, redacted
     * @param end closes the publisher's connection
     */
    Publication(StreamName name, String publisher, String url, long sinceMs, Runnable end) {
        this.name = name;
        this.publisher = publisher;
        this.url = url;
        this.sinceMs = sinceMs;
        this.end = end;
    }

    public StreamName name() {
        return name;
    }

    public String publisher() {
        return publisher;
    }

    public String url() {
        return url;
    }

    /** When the stream was announced, epoch ms. */
    public long sinceMs() {
        return sinceMs;
    }

    public State state() {
        return state;
    }

    /** {@code tcp} (interleaved) or {@code udp}; empty before RECORD. */
    public String transport() {
        return transport;
    }

    public long units() {
        return units.get();
    }

    public long bytes() {
        return bytes.get();
    }

    /** Ingest sessions started ({@code StreamInfo} announced). */
    public long sessions() {
        return sessions.get();
    }

    /** UDP datagrams dropped because another address than the publisher's sent them. */
    public long foreignDatagrams() {
        return foreignDatagrams.get();
    }

    public String lastError() {
        return lastError;
    }

    /** Ends the push: the publisher's connection is closed (RTSP has no way to stop a publisher more politely). */
    public void end() {
        end.run();
    }

    void recording(String transport) {
        this.transport = transport;
        this.state = State.STREAMING;
    }

    void unitPublished(int payloadBytes) {
        units.incrementAndGet();
        bytes.addAndGet(payloadBytes);
    }

    void sessionStarted() {
        sessions.incrementAndGet();
    }

    void foreignDatagram() {
        foreignDatagrams.incrementAndGet();
    }

    void failed(String reason) {
        lastError = reason == null ? "" : reason;
    }
}
