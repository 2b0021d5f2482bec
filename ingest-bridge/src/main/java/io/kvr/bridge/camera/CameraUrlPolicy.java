package io.kvr.bridge.camera;

import io.kvr.runtime.config.Settings;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which camera URLs the bridge hands to FFmpeg. A URL is {@code scheme://[userinfo@]host[:port][/path][?query]}
 * split the way FFmpeg splits it ({@code av_url_split}: the host ends at the first {@code /}, {@code ?} or
 * {@code #}, after the last {@code @}), with a scheme from {@code bridge.url.schemes}; with
 * {@code bridge.url.deny.private=true} its host must resolve, and only to public addresses. Reasons never quote
 * the URL (it may hold credentials), only its scheme and the offending address.
 *
 * <p>FFmpeg opens whatever a URL names, and follows what a peer says (an RTSP redirect, an SDP), so every open is
 * also restricted by {@link #protocols(String)}: the FFmpeg protocols the URL's scheme needs, nothing else.
 */
public final class CameraUrlPolicy {
    public static final String SCHEMES_KEY = "bridge.url.schemes";
    public static final String DENY_PRIVATE_KEY = "bridge.url.deny.private";
    public static final List<String> DEFAULT_SCHEMES = List.of("rtsp", "rtsps", "rtmp", "rtmps", "srt", "udp");

    /**
     * FFmpeg protocols each scheme opens (libavformat/protocols.c names). RTSP is a demuxer, not a protocol: it
     * opens {@code tcp} for its control connection (interleaved media too), {@code rtp} over {@code udp} for UDP
     * media, {@code tls} for {@code rtsps}. RTMP opens {@code tcp}, RTMPS {@code tls} over {@code tcp}.
     */
    private static final Map<String, List<String>> PROTOCOLS = Map.of(
            "rtsp", List.of("tcp", "udp", "rtp"),
            "rtsps", List.of("tls", "tcp"),
            "rtmp", List.of("rtmp", "tcp"),
            "rtmps", List.of("rtmps", "tls", "tcp"),
            "srt", List.of("srt"),
            "udp", List.of("udp"),
            "rtp", List.of("rtp", "udp"),
            "http", List.of("http", "tcp"),
            "https", List.of("https", "tls", "tcp"));

    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*");
    private static final Pattern SCHEME_PREFIX = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*):");
    private static final Pattern PORT = Pattern.compile("\\d{1,5}");
    private static final Pattern INET_ATON_PART = Pattern.compile("0[xX][0-9a-fA-F]*|\\d+");
    private static final Pattern CANONICAL_IPV4 =
            Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final int MAX_SHOWN_SCHEME = 20;

    /** Host name to addresses; {@link InetAddress#getAllByName} outside tests. */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final Set<String> schemes;
    private final boolean denyPrivate;
    private final Resolver resolver;

    CameraUrlPolicy(Set<String> schemes, boolean denyPrivate, Resolver resolver) {
        this.schemes = Set.copyOf(new LinkedHashSet<>(schemes));
        this.denyPrivate = denyPrivate;
        this.resolver = resolver;
    }

    public CameraUrlPolicy(Set<String> schemes, boolean denyPrivate) {
        this(schemes, denyPrivate, InetAddress::getAllByName);
    }

    /** The default schemes, any address. */
    public static CameraUrlPolicy defaults() {
        return new CameraUrlPolicy(Set.copyOf(DEFAULT_SCHEMES), false);
    }

    /**
     * Reads {@code bridge.url.schemes} (comma list, default {@code rtsp,rtsps,rtmp,rtmps,srt,udp}) and
     * {@code bridge.url.deny.private} (default {@code false}); problems go to {@code s} with the key.
     */
    public static CameraUrlPolicy from(Settings s) {
        String text = s.string(SCHEMES_KEY, String.join(",", DEFAULT_SCHEMES));
        Set<String> schemes = new LinkedHashSet<>();
        for (String part : text.split(",", -1)) {
            String scheme = part.trim().toLowerCase(Locale.ROOT);
            if (scheme.isEmpty()) {
                continue;
            }
            if (SCHEME.matcher(scheme).matches()) {
                schemes.add(scheme);
            } else {
                s.problem(SCHEMES_KEY + ": '" + printable(scheme) + "' is not a URL scheme");
            }
        }
        if (schemes.isEmpty()) {
            s.problem(SCHEMES_KEY + ": name at least one scheme, e.g. " + String.join(",", DEFAULT_SCHEMES));
            schemes.addAll(DEFAULT_SCHEMES);
        }
        return new CameraUrlPolicy(schemes, s.bool(DENY_PRIVATE_KEY, false));
    }

    /** This policy without the address check: for checks that must not wait for DNS. */
    public CameraUrlPolicy schemesOnly() {
        return denyPrivate ? new CameraUrlPolicy(schemes, false, resolver) : this;
    }

    public Set<String> schemes() {
        return schemes;
    }

    public boolean denyPrivate() {
        return denyPrivate;
    }

    /**
     * Why {@code url} must not be opened, or empty when it may: no or another scheme, not of the form
     * {@code scheme://host…}, or (with {@code bridge.url.deny.private}) a host that does not resolve or resolves
     * to a private address. Resolves the host, so it may take as long as a DNS lookup.
     */
    public Optional<String> refusal(String url) {
        if (url == null || url.isBlank()) {
            return Optional.of("is empty");
        }
        String u = url.trim();
        var prefix = SCHEME_PREFIX.matcher(u);
        if (!prefix.find()) {
            return Optional.of("must be an absolute URL with a scheme, such as rtsp://host/path");
        }
        String scheme = prefix.group(1).toLowerCase(Locale.ROOT);
        if (!schemes.contains(scheme)) {
            return Optional.of("scheme '" + shown(scheme) + "' is not allowed; allowed: "
                    + String.join(", ", sorted(schemes)) + " (" + SCHEMES_KEY + ")");
        }
        if (!u.startsWith("//", prefix.end())) {
            return Optional.of("must be an absolute URL such as " + scheme + "://host/path");
        }
        String authority = u.substring(prefix.end() + 2);
        int end = indexOfAny(authority, "/?#");
        authority = end < 0 ? authority : authority.substring(0, end);
        String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
        String host;
        String port;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                return Optional.of("has an unclosed [ in its host; an IPv6 address is written [::1]");
            }
            host = hostPort.substring(1, close);
            String rest = hostPort.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                return Optional.of("has characters after the ] of its host");
            }
            port = rest.isEmpty() ? "" : rest.substring(1);
        } else {
            int colon = hostPort.indexOf(':');
            host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            port = colon < 0 ? "" : hostPort.substring(colon + 1);
        }
        if (!port.isEmpty() && (!PORT.matcher(port).matches() || Integer.parseInt(port) > 65535)) {
            // the "port" may be a password with a raw / in the userinfo: never quoted
            return Optional.of("has a port that is not a number 0-65535");
        }
        if (!denyPrivate) {
            return Optional.empty();
        }
        return privateAddressRefusal(host);
    }

    /**
     * The FFmpeg protocols {@code url}'s scheme needs, as FFmpeg's {@code protocol_whitelist} (comma list): any
     * other protocol, asked for by a redirect or a stream description, fails to open.
     */
    public String protocols(String url) {
        var prefix = SCHEME_PREFIX.matcher(url == null ? "" : url.trim());
        // without a scheme FFmpeg would open a file: nothing of it is allowed
        String scheme = prefix.find() ? prefix.group(1).toLowerCase(Locale.ROOT) : "none";
        return String.join(",", PROTOCOLS.getOrDefault(scheme, List.of(scheme)));
    }

    private Optional<String> privateAddressRefusal(String host) {
        if (host.isEmpty()) {
            return Optional.of("has no host; " + DENY_PRIVATE_KEY + " needs one that resolves to public addresses");
        }
        if (isInetAtonNumber(host) && !CANONICAL_IPV4.matcher(host).matches()) {
            // Java reads 0177.0.0.1 as 177.0.0.1, the C resolver FFmpeg uses as 127.0.0.1 (octal): the check must
            // judge the address FFmpeg connects to
            return Optional.of("host is an IPv4 address in a form other than a.b.c.d (octal, hex or short); "
                    + DENY_PRIVATE_KEY + " takes it written as a.b.c.d");
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException | RuntimeException e) {
            return Optional.of("host does not resolve; " + DENY_PRIVATE_KEY + " needs its addresses");
        }
        if (addresses == null || addresses.length == 0) {
            return Optional.of("host does not resolve; " + DENY_PRIVATE_KEY + " needs its addresses");
        }
        for (InetAddress a : addresses) {
            Optional<String> kind = privateKind(a);
            if (kind.isPresent()) {
                String article = kind.get().startsWith("u") ? "an " : "a ";
                return Optional.of("host resolves to " + a.getHostAddress() + ", " + article + kind.get()
                        + " address; refused by " + DENY_PRIVATE_KEY);
            }
        }
        return Optional.empty();
    }

    /** Whether the C library's {@code inet_aton} reads {@code host} as an IPv4 address (1-4 numbers, any base). */
    private static boolean isInetAtonNumber(String host) {
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        String[] parts = h.split("\\.", -1);
        if (parts.length > 4) {
            return false;
        }
        for (String part : parts) {
            if (!INET_ATON_PART.matcher(part).matches()) {
                return false;
            }
        }
        return true;
    }

    /**
     * What kind of non-public address {@code a} is: {@code loopback}, {@code link-local}, {@code private}
     * (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7, fec0::/10), {@code unspecified} (0/8, ::),
     * {@code multicast} or {@code broadcast}; empty for a public address. IPv6 addresses that carry an IPv4 one
     * (IPv4-compatible ::/96, IPv4-mapped ::ffff:0:0/96, NAT64 64:ff9b::/96) are judged by it.
     */
    static Optional<String> privateKind(InetAddress a) {
        if (a instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            if (embedsIpv4(b)) {
                try {
                    Optional<String> embedded =
                            privateKind(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
                    if (embedded.isPresent()) {
                        return embedded;
                    }
                } catch (UnknownHostException e) {
                    throw new IllegalStateException("four bytes are an IPv4 address", e);
                }
            }
            if ((b[0] & 0xfe) == 0xfc) {
                return Optional.of("private");
            }
        }
        if (a.isAnyLocalAddress()) {
            return Optional.of("unspecified");
        }
        if (a.isLoopbackAddress()) {
            return Optional.of("loopback");
        }
        if (a.isLinkLocalAddress()) {
            return Optional.of("link-local");
        }
        if (a.isSiteLocalAddress()) {
            return Optional.of("private");
        }
        if (a.isMulticastAddress()) {
            return Optional.of("multicast");
        }
        if (a instanceof Inet4Address) {
            byte[] b = a.getAddress();
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            if (first == 0) {
                return Optional.of("unspecified");
            }
            if (first == 100 && second >= 64 && second <= 127) {
                return Optional.of("private");
            }
            if ((b[0] & b[1] & b[2] & b[3]) == (byte) 0xff) {
                return Optional.of("broadcast");
            }
        }
        return Optional.empty();
    }

    /**
     * ::a.b.c.d (but not :: or ::1, which are judged as IPv6), ::ffff:a.b.c.d (should an IPv4-mapped address ever
     * arrive as IPv6) or 64:ff9b::a.b.c.d.
     */
    private static boolean embedsIpv4(byte[] b) {
        boolean zeros = true;
        for (int i = 0; i < 10; i++) {
            zeros &= b[i] == 0;
        }
        if (zeros && b[10] == (byte) 0xff && b[11] == (byte) 0xff) {
            return true;
        }
        if (zeros && b[10] == 0 && b[11] == 0) {
            return (b[12] | b[13] | b[14]) != 0 || (b[15] & 0xfe) != 0;
        }
        boolean nat64 = b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b;
        for (int i = 4; i < 12 && nat64; i++) {
            nat64 = b[i] == 0;
        }
        return nat64;
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static List<String> sorted(Set<String> set) {
        List<String> out = new ArrayList<>(set);
        out.sort(null);
        return out;
    }

    private static String shown(String scheme) {
        return scheme.length() > MAX_SHOWN_SCHEME ? scheme.substring(0, MAX_SHOWN_SCHEME) + "..." : scheme;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 40; i++) {
            char ch = s.charAt(i);
            b.append(Character.isISOControl(ch) ? '?' : ch);
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "CameraUrlPolicy[schemes=" + sorted(schemes) + ", denyPrivate=" + denyPrivate + "]";
    }
}
