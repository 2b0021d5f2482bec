package io.kvr.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free TCP ports for tests. */
public final class FreePort {
    private FreePort() {}

    /**
     * A TCP port that was free on 127.0.0.1 a moment ago (the OS picks it; it may be taken again by
     * someone else before use, as with any such helper).
     */
    public static int pick() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot pick a free port", e);
        }
    }
}
