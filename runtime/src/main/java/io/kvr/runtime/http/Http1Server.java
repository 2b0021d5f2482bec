package io.kvr.runtime.http;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 server (keep-alive, pipelining, {@code Content-Length} and chunked request bodies,
 * {@code Expect: 100-continue}, HEAD): each connection is served by one thread that reads a request, answers it and
 * reads the next. Why not the JDK's {@code HttpServer}: it hands every request from its single selector thread to
 * an executor and the connection back to the selector afterwards; on the shared 2-core machine that capped a
 * 1 KB playlist at ~0.3-0.45x of nginx's requests/s, where a thread blocked in {@code read()} per connection
 * served ~1x (BENCHMARKS.md, edge section).
 *
 * <p>The first {@link #PLATFORM_CONNECTIONS} connections get platform threads (a blocked {@code read()} is woken
 * by the kernel directly, measured ~2x the requests/s of a virtual thread, which goes through the JDK's poller and
 * the ForkJoin scheduler); connections beyond that get virtual threads, so many idle keep-alive viewers cost little.
 */
final class Http1Server implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Http1Server.class);
    /** Connections served by platform threads; the rest by virtual threads. */
    static final int PLATFORM_CONNECTIONS = 64;
    private static final int MAX_REQUEST_LINE = 8192;
    private static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final int MAX_HEADERS = 200;
    /** How long a connection may sit idle (or a client take to send a request) before it is closed. */
    private static final int IDLE_TIMEOUT_MS = 30_000;
    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    /** One parsed request. {@code target} is the raw request target (path and query, still percent-encoded). */
    record RawRequest(String method, String target, Map<String, List<String>> headers, byte[] body) {
    }

    /** Answers a request; never throws for a bad request (it answers 4xx). */
    @FunctionalInterface
    interface Exchange {
        Response handle(RawRequest request);
    }

    /** Thrown while reading a request that cannot be answered normally: answer {@code status} and close. */
    private static final class BadRequest extends Exception {
        final int status;

        BadRequest(int status, String reason) {
            super(reason, null, false, false);
            this.status = status;
        }
    }

    private final ServerSocket socket;
    private final Exchange exchange;
    private final int maxBody;
    private final Semaphore platformSlots = new Semaphore(PLATFORM_CONNECTIONS);
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;
    private volatile long dateSecond = -1;
    private volatile String dateText = "";

    private Http1Server(ServerSocket socket, Exchange exchange, int maxBody) {
        this.socket = socket;
        this.exchange = exchange;
        this.maxBody = maxBody;
        this.acceptor = Thread.ofPlatform().name("http-accept-" + socket.getLocalPort()).daemon(true)
                .unstarted(this::acceptLoop);
    }

    /** Listens on the address; connections are accepted (and wait in the backlog) from {@link #start()}. */
    static Http1Server bind(String host, int port, Exchange exchange, int maxBody) throws IOException {
        ServerSocket ss = new ServerSocket();
        ss.setReuseAddress(true);
        ss.bind(new InetSocketAddress(InetAddress.getByName(host), port), 256);
        return new Http1Server(ss, exchange, maxBody);
    }

    void start() {
        acceptor.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = socket.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.warn("accepting HTTP connections failed: {}", e.toString());
                    sleepQuietly();
                }
                continue;
            }
            open.add(s);
            boolean platform = platformSlots.tryAcquire();
            Runnable serve = () -> {
                try {
                    serveConnection(s);
                } finally {
                    open.remove(s);
                    if (platform) {
                        platformSlots.release();
                    }
                }
            };
            try {
                (platform ? Thread.ofPlatform().name("http-conn").daemon(true) : Thread.ofVirtual().name("http-conn"))
                        .start(serve);
            } catch (RuntimeException | OutOfMemoryError e) {
                // no thread for it (resources exhausted): drop this connection, keep accepting
                log.warn("cannot serve an HTTP connection: {}", e.toString());
                open.remove(s);
                if (platform) {
                    platformSlots.release();
                }
                closeQuietly(s);
            }
        }
    }

    private void serveConnection(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            s.setSoTimeout(IDLE_TIMEOUT_MS);
            RequestReader in = new RequestReader(s.getInputStream());
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 16 * 1024);
            boolean keepAlive = true;
            while (keepAlive && !closed) {
                RawRequest request;
                boolean http10;
                try {
                    String line = in.readLine(MAX_REQUEST_LINE, 414, "request line too long");
                    if (line == null) {
                        return; // client closed between requests
                    }
                    if (line.isEmpty()) {
                        continue; // RFC 9112 2.2: ignore an empty line before a request line
                    }
                    String[] parts = line.split(" ", -1);
                    if (parts.length != 3 || parts[0].isEmpty() || !parts[2].startsWith("HTTP/1.")) {
                        throw new BadRequest(400, "Bad Request: malformed request line");
                    }
                    http10 = parts[2].equals("HTTP/1.0");
                    Map<String, List<String>> headers = readHeaders(in);
                    String connection = first(headers, "Connection");
                    keepAlive = connection == null ? !http10 : !connection.equalsIgnoreCase("close") && !http10;
                    byte[] body = readBody(in, out, headers);
                    request = new RawRequest(parts[0], originForm(parts[1]), headers, body);
                } catch (BadRequest e) {
                    write(out, "GET", HttpService.error(e.status, e.getMessage()), false);
                    return;
                }
                keepAlive &= write(out, request.method(), exchange.handle(request), keepAlive);
            }
        } catch (SocketTimeoutException | SocketException e) {
            // idle keep-alive connection timed out, or the client went away
        } catch (IOException e) {
            log.debug("HTTP connection ended: {}", e.toString());
        }
    }

    /** The path-and-query of a target: origin form as is, absolute form without scheme and authority. */
    private static String originForm(String target) throws BadRequest {
        if (target.startsWith("/")) {
            return target;
        }
        int scheme = target.indexOf("://");
        if (scheme > 0) {
            int path = target.indexOf('/', scheme + 3);
            return path < 0 ? "/" : target.substring(path);
        }
        throw new BadRequest(400, "Bad Request: request target must be a path");
    }

    private static Map<String, List<String>> readHeaders(RequestReader in) throws IOException, BadRequest {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        int bytes = 0;
        for (int n = 0; ; n++) {
            String line = in.readLine(MAX_HEADER_BYTES, 431, "Request Header Fields Too Large");
            if (line == null) {
                throw new BadRequest(400, "Bad Request: connection closed inside the headers");
            }
            if (line.isEmpty()) {
                return headers;
            }
            bytes += line.length();
            if (n >= MAX_HEADERS || bytes > MAX_HEADER_BYTES) {
                throw new BadRequest(431, "Request Header Fields Too Large");
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new BadRequest(400, "Bad Request: malformed header line");
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            List<String> values = null;
            for (var e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    values = e.getValue();
                    break;
                }
            }
            if (values == null) {
                values = new ArrayList<>(1);
                headers.put(name, values);
            }
            values.add(value);
        }
    }

    private static String first(Map<String, List<String>> headers, String name) {
        for (var e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }

    private byte[] readBody(RequestReader in, OutputStream out, Map<String, List<String>> headers)
            throws IOException, BadRequest {
        String chunked = first(headers, "Transfer-Encoding");
        String lengthHeader = first(headers, "Content-Length");
        if (chunked == null && lengthHeader == null) {
            return new byte[0];
        }
        if ("100-continue".equalsIgnoreCase(first(headers, "Expect"))) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
        if (chunked != null) {
            if (!chunked.equalsIgnoreCase("chunked")) {
                throw new BadRequest(501, "Transfer-Encoding " + HttpService.sanitize(chunked) + " not supported");
            }
            return in.readChunked(maxBody);
        }
        long length;
        try {
            length = Long.parseLong(lengthHeader);
        } catch (NumberFormatException e) {
            throw new BadRequest(400, "Bad Request: malformed Content-Length");
        }
        if (length < 0) {
            throw new BadRequest(400, "Bad Request: malformed Content-Length");
        }
        if (length > maxBody) {
            throw new BadRequest(413, "request body larger than " + maxBody + " bytes");
        }
        return in.readExactly((int) length);
    }

    /**
     * Writes the response; true when the connection can carry another request (the body was written whole).
     * Small answers leave in one write (headers and body share the buffer).
     */
    private boolean write(OutputStream out, String method, Response response, boolean keepAlive) throws IOException {
        try {
            int status = response.status();
            long length = response.length();
            boolean head = "HEAD".equals(method);
            boolean noBody = status == 204 || status == 304 || status < 200;
            StringBuilder h = new StringBuilder(256);
            h.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
            h.append("Date: ").append(date()).append("\r\n");
            for (var e : response.headers().entrySet()) {
                h.append(e.getKey()).append(": ").append(e.getValue()).append("\r\n");
            }
            boolean chunked = length == Response.CHUNKED;
            if (!noBody) {
                if (chunked) {
                    h.append("Transfer-Encoding: chunked\r\n");
                } else {
                    h.append("Content-Length: ").append(Math.max(length, 0)).append("\r\n");
                }
            }
            if (!keepAlive) {
                h.append("Connection: close\r\n");
            }
            h.append("\r\n");
            out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (!head && !noBody && chunked) {
                ChunkedStream body = new ChunkedStream(out);
                try {
                    response.body().writeTo(body);
                } catch (IOException | RuntimeException e) {
                    out.flush();
                    log.debug("chunked response body not delivered whole: {}", e.toString());
                    return false; // no last chunk: the client knows the answer is incomplete
                }
                body.finish();
            }
            if (!head && !noBody && length > 0) {
                CountingStream body = new CountingStream(out, length);
                try {
                    response.body().writeTo(body);
                } catch (IOException | RuntimeException e) {
                    out.flush();
                    log.debug("response body not delivered whole: {}", e.toString());
                    return false; // the client cannot find the end of this answer: close
                }
                if (body.written != length) {
                    out.flush();
                    log.warn("response body was {} bytes, not the {} announced; closing the connection", body.written, length);
                    return false;
                }
            }
            out.flush();
            return keepAlive;
        } finally {
            try {
                response.resource().close();
            } catch (Exception e) {
                log.debug("closing the body source failed: {}", e.toString());
            }
        }
    }

    private String date() {
        long second = System.currentTimeMillis() / 1000;
        if (second != dateSecond) {
            dateText = HTTP_DATE.format(Instant.ofEpochSecond(second));
            dateSecond = second;
        }
        return dateText;
    }

    private static String reason(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 206 -> "Partial Content";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 304 -> "Not Modified";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 416 -> "Range Not Satisfiable";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Status";
        };
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(socket);
        for (Socket s : open) {
            closeQuietly(s);
        }
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing anyway
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Passes at most {@code limit} bytes to the connection, never closes it, counts what was written. */
    private static final class CountingStream extends OutputStream {
        private final OutputStream out;
        private final long limit;
        long written;

        CountingStream(OutputStream out, long limit) {
            this.out = out;
            this.limit = limit;
        }

        @Override
        public void write(int b) throws IOException {
            check(1);
            out.write(b);
            written++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            check(len);
            out.write(b, off, len);
            written += len;
        }

        private void check(int len) throws IOException {
            if (written + len > limit) {
                throw new IOException("response body longer than its Content-Length " + limit);
            }
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() {
            // the connection outlives the body
        }
    }

    /** Writes each write as one chunk ({@code size CRLF bytes CRLF}); {@link #finish} writes the last chunk. */
    private static final class ChunkedStream extends OutputStream {
        private final OutputStream out;

        ChunkedStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return; // an empty chunk would end the body
            }
            out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(b, off, len);
            out.write(CRLF);
        }

        void finish() throws IOException {
            out.write(LAST_CHUNK);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() {
            // the connection outlives the body
        }

        private static final byte[] CRLF = {'\r', '\n'};
        private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};
    }

    /** Reads request lines and bodies from a connection through one buffer. */
    private static final class RequestReader {
        private final InputStream in;
        private final byte[] buf = new byte[8192];
        private int pos;
        private int end;

        RequestReader(InputStream in) {
            this.in = in;
        }

        private boolean fill() throws IOException {
            pos = 0;
            end = in.read(buf, 0, buf.length);
            if (end < 0) {
                end = 0;
                return false;
            }
            return true;
        }

        /** A line without its CRLF (or LF), as ISO-8859-1; null at end of stream before any byte. */
        String readLine(int max, int tooLongStatus, String tooLong) throws IOException, BadRequest {
            StringBuilder line = null;
            while (true) {
                if (pos >= end && !fill()) {
                    if (line == null) {
                        return null;
                    }
                    throw new BadRequest(400, "Bad Request: connection closed inside a line");
                }
                int start = pos;
                while (pos < end && buf[pos] != '\n') {
                    pos++;
                }
                int stop = pos;
                boolean complete = pos < end;
                if (complete) {
                    pos++; // the LF
                }
                int len = stop - start;
                if (line == null && complete) {
                    if (len > 0 && buf[stop - 1] == '\r') {
                        len--;
                    }
                    checkLine(buf, start, len, max, tooLongStatus, tooLong);
                    return new String(buf, start, len, StandardCharsets.ISO_8859_1);
                }
                if (line == null) {
                    line = new StringBuilder(Math.max(len * 2, 64));
                }
                line.append(new String(buf, start, len, StandardCharsets.ISO_8859_1));
                if (line.length() > max) {
                    throw new BadRequest(tooLongStatus, tooLong);
                }
                if (complete) {
                    if (!line.isEmpty() && line.charAt(line.length() - 1) == '\r') {
                        line.setLength(line.length() - 1);
                    }
                    String s = line.toString();
                    byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
                    checkLine(b, 0, b.length, max, tooLongStatus, tooLong);
                    return s;
                }
            }
        }

        /** Control characters (other than tab) never belong in a request line or header. */
        private static void checkLine(byte[] b, int off, int len, int max, int tooLongStatus, String tooLong)
                throws BadRequest {
            if (len > max) {
                throw new BadRequest(tooLongStatus, tooLong);
            }
            for (int i = off; i < off + len; i++) {
                int c = b[i] & 0xff;
                if ((c < 0x20 && c != '\t') || c == 0x7f) {
                    throw new BadRequest(400, "Bad Request: control character in the request head");
                }
            }
        }

        byte[] readExactly(int length) throws IOException, BadRequest {
            byte[] out = new byte[length];
            int n = 0;
            while (n < length) {
                if (pos >= end && !fill()) {
                    throw new BadRequest(400, "Bad Request: body shorter than its Content-Length");
                }
                int take = Math.min(end - pos, length - n);
                System.arraycopy(buf, pos, out, n, take);
                pos += take;
                n += take;
            }
            return out;
        }

        byte[] readChunked(int maxBody) throws IOException, BadRequest {
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            while (true) {
                String sizeLine = readLine(MAX_REQUEST_LINE, 400, "Bad Request: chunk size line too long");
                if (sizeLine == null) {
                    throw new BadRequest(400, "Bad Request: connection closed inside a chunked body");
                }
                int semi = sizeLine.indexOf(';');
                long size;
                try {
                    size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new BadRequest(400, "Bad Request: malformed chunk size");
                }
                if (size < 0 || body.size() + size > maxBody) {
                    throw new BadRequest(413, "request body larger than " + maxBody + " bytes");
                }
                if (size == 0) {
                    // trailers, up to the empty line
                    String trailer;
                    do {
                        trailer = readLine(MAX_HEADER_BYTES, 431, "Request Header Fields Too Large");
                    } while (trailer != null && !trailer.isEmpty());
                    return body.toByteArray();
                }
                body.writeBytes(readExactly((int) size));
                String crlf = readLine(2, 400, "Bad Request: malformed chunk");
                if (crlf == null || !crlf.isEmpty()) {
                    throw new BadRequest(400, "Bad Request: malformed chunk");
                }
            }
        }
    }
}
