package io.kvr.media.sdp;

import io.kvr.media.rtp.RtpFormatException;
import java.util.Base64;
import java.util.Objects;

/** Text rules shared by the SDP types: what a field may hold, and the hex and base64 of format parameters. */
final class SdpText {

    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

    private SdpText() {}

    /** A value that fits on one line: no CR, LF or NUL (RFC 8866 9, {@code byte-string}). */
    static String requireLine(String value, String what) {
        Objects.requireNonNull(value, what);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                throw new IllegalArgumentException(what + " holds a line break or NUL");
            }
        }
        if (!value.equals(value.strip())) {
            throw new IllegalArgumentException(what + " '" + value + "' has surrounding white space");
        }
        return value;
    }

    /** A token: one line, no white space. */
    static String requireField(String value, String what) {
        requireLine(value, what);
        for (int i = 0; i < value.length(); i++) {
            if (Character.isWhitespace(value.charAt(i))) {
                throw new IllegalArgumentException(what + " '" + value + "' holds white space");
            }
        }
        return value;
    }

    /** A decimal number 0..max, digits only. */
    static int decimal(String value, int max, String what) throws RtpFormatException {
        if (value.isEmpty() || value.length() > 10) {
            throw new RtpFormatException(what + " '" + value + "' is not a number");
        }
        long n = 0;
        for (int i = 0; i < value.length(); i++) {
            int digit = value.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                throw new RtpFormatException(what + " '" + value + "' is not a number");
            }
            n = n * 10 + digit;
        }
        if (n > max) {
            throw new RtpFormatException(what + " " + n + " is over " + max);
        }
        return (int) n;
    }

    /** Bytes written as hexadecimal digits, two per byte, either case (RFC 3640 4.1 and RFC 6416 7.1 {@code config}). */
    static byte[] hex(String value, String parameter) throws RtpFormatException {
        if (value.length() % 2 != 0) {
            throw new RtpFormatException(parameter + " has an odd number of hex digits");
        }
        byte[] out = new byte[value.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int high = Character.digit(value.charAt(2 * i), 16);
            int low = Character.digit(value.charAt(2 * i + 1), 16);
            if (high < 0 || low < 0) {
                throw new RtpFormatException(parameter + " is not hexadecimal at character " + 2 * i);
            }
            out[i] = (byte) (high << 4 | low);
        }
        return out;
    }

    static String hex(byte[] data) {
        StringBuilder out = new StringBuilder(data.length * 2);
        for (byte b : data) {
            out.append(HEX_DIGITS[(b >> 4) & 0xf]).append(HEX_DIGITS[b & 0xf]);
        }
        return out.toString();
    }

    /** Base64 (RFC 4648 4), padding optional, as RFC 6184 8.1 and RFC 7798 7.1 {@code sprop-*} carry NAL units. */
    static byte[] base64(String value, String parameter) throws RtpFormatException {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new RtpFormatException(parameter + " is not base64", e);
        }
    }

    static String base64(byte[] data) {
        return Base64.getEncoder().encodeToString(data);
    }
}
