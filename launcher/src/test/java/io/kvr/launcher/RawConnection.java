package io.kvr.launcher;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One HTTP/1.1 connection over a plain socket: bytes go out exactly as given (no client library to normalise
 * them) and answers are parsed by hand, so a test sees what the server really did — which status, which headers,
 * whether it closed. Everything read is kept ({@link #transcript()}) to search it for things that must never
 * leak, such as stack traces.
 */
final class RawConnection implements AutoCloseable {
    /** Longest answer body read; the rest of a longer one is left unread. */
    private static final int MAX_BODY = 4 * 1024 * 1024;

    private static final int MAX_HEAD = 64 * 1024;

    /** How a connection ended, as this side saw it. */
    enum Ending {
        /** The server closed it (end of stream). */
        CLOSED,
        /** The server reset it (a close with unread data, or an abort). */
        RESET,
        /** Still open when the wait ran out. */
        OPEN
    }

    /** One answer: status, headers (names in any case), body (de-chunked). */
    record Answer(int status, String statusLine, Map<String, List<String>> headers, byte[] body) {
        Optional<String> header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ByteArrayOutputStream transcript = new ByteArrayOutputStream();
    private Ending ending;

    private RawConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        this.out = socket.getOutputStream();
    }

    /** Connects to 127.0.0.1:{@code port}; the connect and every read wait at most {@code timeout}. */
    static RawConnection open(int port, Duration timeout) throws IOException {
        return open(port, timeout, timeout);
    }

    /** Connects to 127.0.0.1:{@code port} within {@code connectTimeout}; every read waits at most {@code readTimeout}. */
    static RawConnection open(int port, Duration connectTimeout, Duration readTimeout) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress("127.0.0.1", port), (int) connectTimeout.toMillis());
            s.setSoTimeout((int) readTimeout.toMillis());
            return new RawConnection(s);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** Writes the bytes in one write. */
    RawConnection send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Writes the text as ISO-8859-1, one byte per character, exactly as written. */
    RawConnection send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * Writes the bytes; false when the server had already closed or reset the connection (it may have answered
     * first and stopped reading, which is its right for a request it refuses).
     */
    boolean sendQuietly(byte[] bytes) {
        try {
            send(bytes);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Ends this side's sending (the server reads end of stream) while answers can still be read. */
    void finishSending() throws IOException {
        socket.shutdownOutput();
    }

    /** True when an answer has begun to arrive (without blocking). */
    boolean answerArriving() throws IOException {
        return in.available() > 0;
    }

    /** Sets how long each read may wait. */
    void readTimeout(Duration timeout) throws SocketException {
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
    }

    /**
     * The next answer; empty when the connection ended (closed or reset) before its first byte, see
     * {@link #ending()}.
     *
     * @throws SocketTimeoutException when nothing (or not all of it) came within the read timeout
     */
    Optional<Answer> readAnswer() throws IOException {
        Optional<byte[]> head = readHead();
        if (head.isEmpty()) {
            return Optional.empty();
        }
        String[] lines = new String(head.get(), StandardCharsets.ISO_8859_1).split("\r\n");
        String statusLine = lines[0];
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x status line: " + printable(statusLine));
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP/1.x status line: " + printable(statusLine));
        }
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(lines[i].substring(0, colon).trim(), k -> new ArrayList<>())
                        .add(lines[i].substring(colon + 1).trim());
            }
        }
        byte[] body = readBody(status, headers);
        return Optional.of(new Answer(status, statusLine, headers, body));
    }

    /**
     * Reads until the server ends the connection or {@code wait} runs out; what arrives meanwhile goes to the
     * transcript (a test then checks that no second answer is in it).
     */
    Ending awaitEnd(Duration wait) throws IOException {
        if (ending != null) {
            return ending;
        }
        long deadline = System.nanoTime() + wait.toNanos();
        byte[] buf = new byte[8192];
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Ending.OPEN;
            }
            readTimeout(Duration.ofNanos(left));
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException e) {
                return Ending.OPEN;
            } catch (SocketException e) {
                ending = Ending.RESET;
                return ending;
            }
            if (n < 0) {
                ending = Ending.CLOSED;
                return ending;
            }
            transcript.write(buf, 0, n);
        }
    }

    /** How the connection ended, once a read saw it end. */
    Optional<Ending> ending() {
        return Optional.ofNullable(ending);
    }

    /** Every byte read so far, as ISO-8859-1 text. */
    String transcript() {
        return transcript.toString(StandardCharsets.ISO_8859_1);
    }

    private Optional<byte[]> readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int last4 = 0;
        while (last4 != 0x0d0a0d0a) {
            int b = readByte();
            if (b < 0) {
                if (head.size() == 0) {
                    return Optional.empty();
                }
                throw new IOException("connection ended inside an answer's head: "
                        + printable(head.toString(StandardCharsets.ISO_8859_1)));
            }
            head.write(b);
            if (head.size() > MAX_HEAD) {
                throw new IOException("answer head longer than " + MAX_HEAD + " bytes");
            }
            last4 = (last4 << 8) | b;
        }
        byte[] bytes = head.toByteArray();
        return Optional.of(Arrays.copyOf(bytes, bytes.length - 4));
    }

    /** The body of an answer to anything but HEAD (which these tests do not send). */
    private byte[] readBody(int status, Map<String, List<String>> headers) throws IOException {
        if (status < 200 || status == 204 || status == 304) {
            return new byte[0];
        }
        String transfer = first(headers, "Transfer-Encoding");
        if (transfer != null && transfer.toLowerCase(Locale.ROOT).contains("chunked")) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = readLine();
                int semi = sizeLine.indexOf(';');
                int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
                if (size == 0) {
                    while (!readLine().isEmpty()) {
                        // trailers
                    }
                    return body.toByteArray();
                }
                if (body.size() + size > MAX_BODY) {
                    return body.toByteArray();
                }
                body.writeBytes(readExactly(size));
                readLine();
            }
        }
        String length = first(headers, "Content-Length");
        if (length != null) {
            long n = Long.parseLong(length.trim());
            return readExactly((int) Math.min(n, MAX_BODY));
        }
        // delimited by the close
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int b;
        while (body.size() < MAX_BODY && (b = readByte()) >= 0) {
            body.write(b);
        }
        return body.toByteArray();
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = readByte()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.append((char) b);
            }
            if (line.length() > MAX_HEAD) {
                throw new IOException("line longer than " + MAX_HEAD + " bytes in an answer");
            }
        }
        if (b < 0) {
            throw new IOException("connection ended inside an answer");
        }
        return line.toString();
    }

    private byte[] readExactly(int n) throws IOException {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            int b = readByte();
            if (b < 0) {
                throw new IOException("connection ended after " + i + " of " + n + " body bytes");
            }
            bytes[i] = (byte) b;
        }
        return bytes;
    }

    /** One byte, or -1 when the connection ended (closed or reset; {@link #ending} says which). */
    private int readByte() throws IOException {
        if (ending != null) {
            return -1;
        }
        int b;
        try {
            b = in.read();
        } catch (SocketException e) {
            ending = Ending.RESET;
            return -1;
        }
        if (b < 0) {
            ending = Ending.CLOSED;
            return -1;
        }
        transcript.write(b);
        return b;
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 200; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : c);
        }
        return b.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
