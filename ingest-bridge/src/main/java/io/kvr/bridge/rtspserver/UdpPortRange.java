package io.kvr.bridge.rtspserver;

/**
 * The local UDP ports the RTSP server may bind for tracks set up over UDP ({@code rtsp.udp.ports}, e.g.
 * {@code 40000-40999}); {@link #ANY} lets the system pick free ones. A track takes a pair: RTP on an even port and
 * RTCP on the next one (RFC 3550 11), so a range holds {@link #pairs()} tracks at once.
 *
 * @param first first port, or 0 for any
 * @param last last port, or 0 for any
 */
public record UdpPortRange(int first, int last) {
    public static final UdpPortRange ANY = new UdpPortRange(0, 0);

    public UdpPortRange {
        if (!(first == 0 && last == 0)) {
            if (first < 1 || last > 65535 || first > last) {
                throw new IllegalArgumentException("UDP ports " + first + "-" + last + ": not a range within 1..65535");
            }
            if (pairs(first, last) < 1) {
                throw new IllegalArgumentException(
                        "UDP ports " + first + "-" + last + ": no even port followed by an odd one in the range");
            }
        }
    }

    /** {@code a-b}, or empty / {@code any} for {@link #ANY}. */
    public static UdpPortRange parse(String text) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty() || t.equalsIgnoreCase("any")) {
            return ANY;
        }
        int dash = t.indexOf('-');
        if (dash < 0) {
            throw new IllegalArgumentException("UDP ports: a range like 40000-40999, not " + t);
        }
        try {
            return new UdpPortRange(
                    Integer.parseInt(t.substring(0, dash).strip()),
                    Integer.parseInt(t.substring(dash + 1).strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("UDP ports: a range like 40000-40999, not " + t);
        }
    }

    public boolean any() {
        return first == 0;
    }

    /** Port pairs (even RTP port, odd RTCP port) inside the range. */
    public int pairs() {
        return any() ? 0 : pairs(first, last);
    }

    /** The RTP port of pair {@code i}, 0 ≤ i < {@link #pairs()}. */
    public int rtpPort(int i) {
        return firstEven(first) + 2 * i;
    }

    private static int firstEven(int first) {
        return first + (first & 1);
    }

    private static int pairs(int first, int last) {
        return Math.max(0, (last - firstEven(first) + 1) / 2);
    }

    @Override
    public String toString() {
        return any() ? "any" : first + "-" + last;
    }
}
