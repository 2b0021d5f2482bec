package io.kvr.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Netty's request decoder and body aggregator, held to kvr's framing rules: a request with both
 * {@code Transfer-Encoding} and {@code Content-Length} is malformed (RFC 9112 6.1 lets a server reject it, and one
 * that reads it another way than a proxy in front is how requests are smuggled); a body is gathered as it arrives
 * (nothing is allocated for a declared length) and refused as soon as it is declared or grows beyond the limit;
 * {@code Expect: 100-continue} is answered only once the declared length is known to fit.
 */
final class RequestFraming {
    private RequestFraming() {}

    static HttpRequestDecoder decoder() {
        return new StrictDecoder(new HttpDecoderConfig()
                .setMaxInitialLineLength(HttpSettings.MAX_REQUEST_LINE)
                .setMaxHeaderSize(HttpSettings.MAX_HEADER_BYTES)
                .setMaxChunkSize(64 * 1024)
                .setValidateHeaders(true)
                .setAllowDuplicateContentLengths(false)
                .setStrictLineParsing(true));
    }

    static HttpObjectAggregator aggregator(int maxBodyBytes) {
        return new BoundedAggregator(maxBodyBytes);
    }

    private static final class StrictDecoder extends HttpRequestDecoder {
        StrictDecoder(HttpDecoderConfig config) {
            super(config);
        }

        @Override
        protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
            // the decoder turns this into a failed request, answered 400 and closed by RequestHeadChecks
            throw new IllegalArgumentException("Transfer-Encoding and Content-Length together");
        }
    }

    private static final class BoundedAggregator extends HttpObjectAggregator {
        private final int max;
        private ChannelHandlerContext context;

        BoundedAggregator(int max) {
            super(max, true);
            this.max = max;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
            super.handlerAdded(ctx);
            this.context = ctx;
        }

        @Override
        protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
            Object answer = super.newContinueResponse(start, maxContentLength, pipeline);
            if (answer instanceof FullHttpResponse r && r.status().code() >= 400) {
                // our own JSON answer instead of Netty's empty one, in order with the answers already due; a
                // declared length over the limit is refused next, by handleOversizedMessage
                int status = r.status().code();
                r.release();
                if (status != 413) {
                    context.fireChannelRead(
                            new Rejection(status, "Expectation Failed: only 100-continue is supported"));
                }
                return null;
            }
            return answer;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            ctx.fireChannelRead(new Rejection(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code(), tooLarge()));
        }

        private String tooLarge() {
            return "request body larger than " + max + " bytes";
        }
    }
}
