package io.kvr.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A response: status, headers and a body written to the client (bytes, streamed with a known length, or streamed
 * chunked when its length is known only at the end).
 */
public final class Response {
    /** {@link #length()} of a chunked body. */
    public static final long CHUNKED = -2;

    private final int status;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final long length;
    private final BodyWriter body;
    private final byte[] bytes;
    private final int offset;
    private AutoCloseable resource = () -> {};

    private Response(int status, String contentType, long length, BodyWriter body) {
        this(status, contentType, length, body, null, 0);
    }

    private Response(int status, String contentType, long length, BodyWriter body, byte[] bytes, int offset) {
        this.status = status;
        this.length = length;
        this.body = body;
        this.bytes = bytes;
        this.offset = offset;
        if (contentType != null) {
            headers.put("Content-Type", contentType);
        }
    }

    public static Response bytes(int status, String contentType, byte[] bytes) {
        return bytes(status, contentType, bytes, 0, bytes.length);
    }

    /** {@code length} bytes of {@code bytes} from {@code offset}, sent as they are (not copied). */
    public static Response bytes(int status, String contentType, byte[] bytes, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
        return new Response(status, contentType, length, out -> out.write(bytes, offset, length), bytes, offset);
    }

    public static Response text(int status, String contentType, String text) {
        return bytes(status, contentType, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A body of known length written by {@code writer}, never buffered whole. */
    public static Response stream(int status, String contentType, long length, BodyWriter writer) {
        return new Response(status, contentType, length, writer);
    }

    /**
     * A body whose length is not known when it starts, sent with {@code Transfer-Encoding: chunked}; a writer that
     * fails leaves it without its last chunk, so the client sees it is incomplete.
     */
    public static Response chunked(int status, String contentType, BodyWriter writer) {
        return new Response(status, contentType, CHUNKED, writer);
    }

    public static Response empty(int status) {
        return new Response(status, null, -1, out -> {});
    }

    public Response header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /**
     * Something the body reads from (e.g. an object storage stream), closed once the response is done — also when
     * the body is never written (HEAD, or a client that went away before it).
     */
    public Response closing(AutoCloseable bodySource) {
        this.resource = bodySource;
        return this;
    }

    /** The body when it is in memory (then {@link #offset()} and {@link #length()} say which part), else null. */
    byte[] bytes() {
        return bytes;
    }

    int offset() {
        return offset;
    }

    /** Closes what {@link #closing} named, once however often it is called (a slot it holds is given back once). */
    void closeResource() throws Exception {
        AutoCloseable r = resource;
        resource = () -> {};
        r.close();
    }

    public int status() {
        return status;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** Body length in bytes; -1 for no body, {@link #CHUNKED} for a chunked body. */
    public long length() {
        return length;
    }

    public BodyWriter body() {
        return body;
    }

    @FunctionalInterface
    public interface BodyWriter {
        void writeTo(OutputStream out) throws IOException;
    }
}
