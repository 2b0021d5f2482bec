package io.kvr.media.sdp;

/**
 * Resolves {@code a=control:} URLs against the content base (RFC 7826 C.1.1; RFC 2326 C.1.1): the base is the
 * RTSP Content-Base header, else Content-Location, else the DESCRIBE request URL.
 */
public final class ControlUrl {

    private ControlUrl() {}

    /**
     * The URL {@code control} names: the base itself for {@code *} (aggregate control) or an empty value; {@code
     * control} as it is when absolute ({@code rtsp://...}); the base's scheme and authority followed by it when it
     * starts with {@code /}; otherwise the base, a {@code /} unless the base ends with one, then the control. That
     * last rule appends even to a base without a trailing slash or with a query, rather than replacing its last
     * segment as RFC 3986 5.2 would: servers that omit the slash from Content-Base (and cameras whose stream URL
     * has a query, e.g. {@code ?channel=1}) expect it, and FFmpeg and GStreamer resolve that way.
     */
    public static String resolve(String contentBase, String control) {
        String c = control.strip();
        if (c.isEmpty() || c.equals("*")) {
            return contentBase;
        }
        if (isAbsolute(c)) {
            return c;
        }
        if (c.startsWith("/")) {
            return origin(contentBase) + c;
        }
        return contentBase.endsWith("/") ? contentBase + c : contentBase + "/" + c;
    }

    /** Whether the URL starts with a scheme (RFC 3986 3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"). */
    static boolean isAbsolute(String url) {
        if (url.isEmpty() || !isAsciiLetter(url.charAt(0))) {
            return false;
        }
        for (int i = 1; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c == ':') {
                return true;
            }
            if (!isAsciiLetter(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') {
                return false;
            }
        }
        return false;
    }

    /** {@code scheme://authority} of a URL, or the whole URL when it has no {@code ://}. */
    private static String origin(String url) {
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        }
        int start = scheme + 3;
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        return url.substring(0, end);
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
