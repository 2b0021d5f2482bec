package io.kvr.media.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The description kvr's RTSP server answers a DESCRIBE of a live relay with: one media section per track, each
 * controlled at {@code trackID=<index>} relative to the content base (RFC 7826 C.1.1), a live range
 * ({@code a=range:npt=now-}, C.1.5) and no transport address ({@code c=IN IP4 0.0.0.0}, port 0: SETUP chooses).
 */
public final class RelayDescription {

    /** The control attribute prefix of a track: {@code trackID=0}, {@code trackID=1}, ... */
    public static final String TRACK_CONTROL_PREFIX = "trackID=";

    private static final String PROTOCOL = "RTP/AVP";

    private RelayDescription() {}

    /**
     * The description of {@code tracks}, track {@code i} at {@code trackID=i}.
     *
     * @param sessionId the origin's sess-id (RFC 8866 5.2), e.g. the stream's start time: stable for the relay
     * @param unicastAddress the server's address for the origin line (IPv4, or IPv6 when it holds a colon)
     * @param sessionName the session name, e.g. the stream name; one line
     */
    public static SessionDescription of(
            long sessionId, String unicastAddress, String sessionName, List<PayloadFormat> tracks) {
        if (sessionId < 0) {
            throw new IllegalArgumentException("session id " + sessionId);
        }
        SdpText.requireField(unicastAddress, "unicast address");
        String addressType = unicastAddress.indexOf(':') >= 0 ? "IP6" : "IP4";
        List<MediaDescription> media = new ArrayList<>(tracks.size());
        for (int i = 0; i < tracks.size(); i++) {
            PayloadFormat track = tracks.get(i);
            List<Attribute> attributes = new ArrayList<>(3);
            attributes.add(new Attribute("rtpmap", track.rtpMap().format()));
            FormatParameters parameters = track.formatParameters();
            if (!parameters.parameters().isEmpty()) {
                attributes.add(new Attribute("fmtp", parameters.format()));
            }
            attributes.add(new Attribute("control", TRACK_CONTROL_PREFIX + i));
            media.add(new MediaDescription(
                    track.media(),
                    0,
                    PROTOCOL,
                    List.of(Integer.toString(track.payloadType())),
                    Optional.empty(),
                    List.of(),
                    attributes));
        }
        return new SessionDescription(
                "- " + sessionId + " 1 IN " + addressType + " " + unicastAddress,
                sessionName.isEmpty() ? "-" : sessionName,
                Optional.of("IN IP4 0.0.0.0"),
                List.of(),
                SessionDescription.UNBOUNDED,
                List.of(new Attribute("control", "*"), new Attribute("range", "npt=now-")),
                media);
    }

    /**
     * The track a SETUP or PLAY URL names: the number after the last {@code trackID=}, when the URL ends with it
     * (possibly followed by a {@code /}).
     */
    public static OptionalInt trackOf(String url) {
        String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        int at = u.lastIndexOf(TRACK_CONTROL_PREFIX);
        if (at < 0 || (at > 0 && u.charAt(at - 1) != '/')) {
            return OptionalInt.empty();
        }
        String digits = u.substring(at + TRACK_CONTROL_PREFIX.length());
        if (digits.isEmpty() || digits.length() > 4) {
            return OptionalInt.empty();
        }
        int n = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return OptionalInt.empty();
            }
            n = n * 10 + c - '0';
        }
        return OptionalInt.of(n);
    }
}
