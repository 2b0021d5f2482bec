package io.kvr.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.util.List;

/**
 * Refuses a request whose head the decoder could not read or that breaks kvr's rules, before any of its body is
 * read: unknown HTTP versions (505), a missing or repeated {@code Host} on HTTP/1.1 (400) or one this server does
 * not answer for (421), a {@code Content-Length} that is not plain digits or disagrees with itself (400), transfer
 * codings other than {@code chunked} (501), a declared body over the limit (413), more than
 * {@link HttpSettings#MAX_HEADERS} header lines (431), an invalid method token, a target that is not a path or holds
 * control characters, or a repeated credential header (400); an absolute-form target naming another host (421). A refused request closes the connection: whatever
 * follows on it is discarded unread.
 */
final class RequestHeadChecks extends ChannelInboundHandlerAdapter {
    private final HostCheck hosts;
    private final long maxBodyBytes;
    private boolean refused;

    RequestHeadChecks(HostCheck hosts, long maxBodyBytes) {
        this.hosts = hosts;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            Rejection problem = check(request);
            if (problem != null) {
                refused = true;
                ReferenceCountUtil.release(msg);
                ctx.channel().config().setAutoRead(false);
                ctx.fireChannelRead(problem);
                return;
            }
        } else if (msg instanceof HttpContent content && content.decoderResult().isFailure()) {
            refused = true;
            ReferenceCountUtil.release(msg);
            ctx.channel().config().setAutoRead(false);
            ctx.fireChannelRead(new Rejection(400, "Bad Request: malformed body framing"));
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private Rejection check(HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            if (cause instanceof TooLongHttpLineException) {
                return new Rejection(
                        414, "URI Too Long: request line longer than " + HttpSettings.MAX_REQUEST_LINE + " bytes");
            }
            if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
                return new Rejection(431, "Request Header Fields Too Large");
            }
            return new Rejection(400, "Bad Request: malformed request head: " + describe(cause));
        }
        HttpVersion version = request.protocolVersion();
        if (!version.protocolName().equals("HTTP")) {
            return new Rejection(400, "Bad Request: not an HTTP request");
        }
        if (version.majorVersion() != 1 || version.minorVersion() > 1) {
            return new Rejection(
                    505, "HTTP Version Not Supported: " + version.majorVersion() + "." + version.minorVersion());
        }
        if (!isToken(request.method().name())) {
            return new Rejection(400, "Bad Request: malformed method");
        }
        if (request.headers().size() > HttpSettings.MAX_HEADERS) {
            return new Rejection(
                    431, "Request Header Fields Too Large: more than " + HttpSettings.MAX_HEADERS + " headers");
        }
        List<String> host = request.headers().getAll(HttpHeaderNames.HOST);
        if (host.size() > 1) {
            return new Rejection(400, "Bad Request: more than one Host header");
        }
        if (host.isEmpty() && version.minorVersion() == 1) {
            return new Rejection(400, "Bad Request: HTTP/1.1 requires a Host header");
        }
        if (!host.isEmpty() && !hosts.allows(host.get(0))) {
            return misdirected();
        }
        String uri = request.uri();
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return new Rejection(400, "Bad Request: control or non-ASCII character in the request target");
            }
        }
        if (!uri.startsWith("/")) {
            if (!(uri.startsWith("http://") || uri.startsWith("https://"))) {
                return new Rejection(400, "Bad Request: request target must be a path");
            }
            // absolute form (RFC 9112 3.2.2): its authority names the host, and it must be one of ours
            int from = uri.indexOf("://") + 3;
            int to = uri.indexOf('/', from);
            String authority = uri.substring(from, to < 0 ? uri.length() : to);
            int at = authority.lastIndexOf('@');
            if (at >= 0 || !hosts.allows(authority)) {
                return misdirected();
            }
        }
        for (CharSequence credential : List.of(HttpHeaderNames.AUTHORIZATION, "X-Api-Key")) {
            if (request.headers().getAll(credential).size() > 1) {
                // which one would count is a guess another server in front may make differently
                return new Rejection(400, "Bad Request: more than one " + credential + " header");
            }
        }
        List<String> te = request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
        List<String> cl = request.headers().getAll(HttpHeaderNames.CONTENT_LENGTH);
        if (!te.isEmpty() && !cl.isEmpty()) {
            return new Rejection(400, "Bad Request: Transfer-Encoding and Content-Length together");
        }
        if (!te.isEmpty() && (te.size() > 1 || !te.get(0).trim().equalsIgnoreCase("chunked"))) {
            return new Rejection(501, "Not Implemented: only the chunked transfer coding is supported");
        }
        String length = null;
        for (String value : cl) {
            for (String part : value.split(",", -1)) {
                String p = part.trim();
                if (p.isEmpty() || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    return new Rejection(400, "Bad Request: malformed Content-Length");
                }
                if (length != null && !length.equals(p)) {
                    return new Rejection(400, "Bad Request: conflicting Content-Length values");
                }
                length = p;
            }
        }
        if (length != null && (length.length() > 18 || Long.parseLong(length) > maxBodyBytes)) {
            return new Rejection(413, "request body larger than " + maxBodyBytes + " bytes");
        }
        return null;
    }

    private static Rejection misdirected() {
        return new Rejection(
                421,
                "Misdirected Request: this server does not answer for that host name " + "(see http.allowed.hosts)");
    }

    /** The decoder's reason, without control characters and short (it may quote what the client sent). */
    private static String describe(Throwable cause) {
        String m = cause.getMessage() == null ? "unreadable" : cause.getMessage();
        StringBuilder b = new StringBuilder(Math.min(m.length(), 120));
        for (int i = 0; i < m.length() && b.length() < 120; i++) {
            char c = m.charAt(i);
            b.append(c < 0x20 || c >= 0x7f ? '?' : c);
        }
        return b.toString();
    }

    /** RFC 9110 5.6.2 token characters. */
    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
