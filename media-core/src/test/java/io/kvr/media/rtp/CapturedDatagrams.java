package io.kvr.media.rtp;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Datagrams captured from a real sender, stored as a 2-byte big-endian length before each (see the README there). */
public final class CapturedDatagrams {

    private CapturedDatagrams() {}

    public static List<byte[]> read(String resource) {
        try (InputStream in = CapturedDatagrams.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource " + resource);
            }
            DataInputStream data = new DataInputStream(in);
            List<byte[]> datagrams = new ArrayList<>();
            while (true) {
                int length;
                try {
                    length = data.readUnsignedShort();
                } catch (EOFException end) {
                    return datagrams;
                }
                byte[] datagram = new byte[length];
                data.readFully(datagram);
                datagrams.add(datagram);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
