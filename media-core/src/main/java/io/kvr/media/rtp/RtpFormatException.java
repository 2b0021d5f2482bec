package io.kvr.media.rtp;

/**
 * Bad RTP, RTCP or SDP input: the only exception a parser in this package and its sub-packages throws for what a
 * peer sent. Checked, so that a caller reading from the network cannot forget that peers send garbage: it counts
 * the packet and goes on, or closes that one session.
 */
public final class RtpFormatException extends Exception {

    public RtpFormatException(String message) {
        super(message);
    }

    public RtpFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
