package io.kvr.bridge.rtspserver;

import io.kvr.media.rtp.MediaFrame;
import io.kvr.media.rtp.Packetizer;
import io.kvr.media.rtp.RtpPacket;
import io.kvr.media.rtp.rtcp.Goodbye;
import io.kvr.media.rtp.rtcp.NtpTimestamp;
import io.kvr.media.rtp.rtcp.ReceiverReport;
import io.kvr.media.rtp.rtcp.RtcpCompound;
import io.kvr.media.rtp.rtcp.RtcpPacket;
import io.kvr.media.rtp.rtcp.SenderReport;
import io.kvr.media.rtp.rtcp.SourceDescription;
import io.kvr.media.sdp.RelayDescription;
import io.kvr.schemas.AccessUnit;
import io.kvr.schemas.StreamInfo;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One player's live stream: the units of a {@link LiveFeed} as RTP packets on the tracks it set up. Everything but
 * {@link #unit} and {@link #ended} runs on the player's connection's event loop; those two only queue work there.
 *
 * <p>Per track (RFC 3550 5.1): a random SSRC, a random initial sequence number and a random timestamp offset;
 * the RTP timestamp is the offset plus the unit's pts in the track's clock rate. A new ingest session of the stream
 * with the same tracks continues on the same SSRCs, its timestamps re-anchored so they go on from the last ones by
 * the capture time that passed; a session with other tracks (another codec, other parameter sets) ends the viewer,
 * so the player describes the stream again.
 *
 * <p>A player that does not take packets as fast as they come is never waited for: while its connection is over
 * the high water mark, or more than {@link #MAX_PENDING} units wait for its event loop, units are dropped (counted)
 * and it resumes at the next keyframe; one that stays behind for {@link #MAX_BEHIND_MS} is closed.
 */
final class RelayViewer implements LiveFeed.Viewer {
    private static final Logger log = LoggerFactory.getLogger(RelayViewer.class);
    /** RTP payload size: below an Ethernet MTU with IP, UDP and RTP headers. */
    static final int MAX_PAYLOAD = 1400;

    static final int MAX_PENDING = 512;
    static final long MAX_BEHIND_MS = 10_000;
    private static final long MASK = 0xffff_ffffL;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The BYE reasons (RFC 3550 6.6): the stream ended here, or the player tore the session down. */
    static final String BYE_ENDED = "the live stream ended";

    static final String BYE_TEARDOWN = "teardown";

    /** What the viewer may do to its player's connection. */
    interface Player {
        /** Ends the player's connection, saying why in the log. */
        void close(String why);

        String describe();
    }

    private final LiveFeed feed;
    private final EventLoop loop;
    private final Player player;
    private final List<String> signature;
    private final Track[] byMediaTrack;
    private final List<Track> tracks = new ArrayList<>();
    private final boolean video;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean fellBehind = new AtomicBoolean();
    private final String cname;
    private String session;
    /** Units of the current session captured before this are not sent; MIN_VALUE: none. */
    private long startMs = Long.MIN_VALUE;

    private boolean needKeyframe;
    private boolean behind;
    private long behindSinceMs;
    private boolean closed;
    private boolean saidGoodbye;

    /**
     * @param described the tracks the player was described, by description index
     * @param outputs per description index, where its packets go; null for a track the player did not set up
     */
    RelayViewer(
            LiveFeed feed,
            EventLoop loop,
            Player player,
            StreamInfo info,
            List<RelayTrack> described,
            List<TrackOutput> outputs,
            String cname) {
        this.feed = feed;
        this.loop = loop;
        this.player = player;
        this.signature = signature(described);
        this.session = info.getIngestSessionId();
        this.cname = cname;
        int max = 0;
        for (RelayTrack t : described) {
            max = Math.max(max, t.track() + 1);
        }
        this.byMediaTrack = new Track[max];
        boolean anyVideo = false;
        for (int i = 0; i < described.size(); i++) {
            if (outputs.get(i) != null) {
                Track t = new Track(i, described.get(i), outputs.get(i));
                byMediaTrack[t.relay.track()] = t;
                tracks.add(t);
                anyVideo |= t.relay.video();
            }
        }
        this.video = anyVideo;
        this.needKeyframe = anyVideo;
    }

    /** What identifies the tracks a player was described: a session with another one cannot continue. */
    static List<String> signature(List<RelayTrack> tracks) {
        List<String> s = new ArrayList<>();
        for (RelayTrack t : tracks) {
            s.add(t.track() + " " + t.format().rtpMap().format() + " "
                    + t.format().formatParameters().format());
        }
        return s;
    }

    /**
     * Starts from a feed's snapshot and answers the PLAY's {@code RTP-Info} (RFC 2326 12.33): per track the
     * sequence number of its first packet and its RTP timestamp at one instant, the same for all tracks (the first
     * cached unit's capture time), so a player aligns the tracks from the start and the sender reports agree.
     * Capture time is the clock the tracks of a session share (each track's pts has its own origin); units
     * captured before that instant are not sent.
     */
    String start(LiveFeed.Snapshot snapshot, String baseUrl) {
        startMs = Long.MIN_VALUE;
        for (AccessUnit u : snapshot.cached()) {
            if (track(u) != null && u.getIngestSessionId().equals(session)) {
                startMs = u.getCaptureTimeMs();
                break;
            }
        }
        List<String> info = new ArrayList<>();
        for (Track t : tracks) {
            String entry = "url=" + baseUrl + RelayDescription.TRACK_CONTROL_PREFIX + t.index + ";seq=" + t.sequence;
            for (AccessUnit u : snapshot.cached()) {
                if (track(u) == t && u.getIngestSessionId().equals(session) && u.getCaptureTimeMs() >= startMs) {
                    if (!t.anchored()) {
                        t.anchor(u);
                    }
                    long before = Math.floorDiv((u.getCaptureTimeMs() - startMs) * t.relay.clockRate(), 1000);
                    long ticks = t.relay.rtpTicks(u.getPts()) - before;
                    t.clockAt(ticks, startMs);
                    entry += ";rtptime=" + ((t.offset + ticks) & MASK);
                    break;
                }
            }
            info.add(entry);
        }
        return String.join(",", info);
    }

    /** Sends the snapshot's units, after the PLAY answer. */
    void sendCached(LiveFeed.Snapshot snapshot) {
        for (AccessUnit u : snapshot.cached()) {
            send(snapshot.info(), u, false);
        }
        flush();
    }

    /** Plays again after a PAUSE: from the next snapshot's keyframe, on the same SSRCs and sequence numbers. */
    void restart() {
        needKeyframe = video;
        behind = false;
    }

    // --- from the feed's thread

    @Override
    public void unit(StreamInfo info, AccessUnit unit, boolean live) {
        if (pending.incrementAndGet() > MAX_PENDING) {
            pending.decrementAndGet();
            feed.dropped(1);
            // the event loop is told once, however many units are dropped before it gets to it
            if (!fellBehind.getAndSet(true)) {
                loop.execute(this::fellBehind);
            }
            return;
        }
        loop.execute(() -> {
            pending.decrementAndGet();
            send(info, unit, live);
            flush();
        });
    }

    @Override
    public void ended(String reason) {
        loop.execute(() -> close("the live feed ended: " + reason));
    }

    // --- on the event loop

    private void fellBehind() {
        fellBehind.set(false);
        if (!closed) {
            markBehind();
        }
    }

    private void markBehind() {
        if (!behind) {
            behind = true;
            behindSinceMs = System.currentTimeMillis();
        } else if (System.currentTimeMillis() - behindSinceMs > MAX_BEHIND_MS) {
            close("the player stayed behind the live stream for " + MAX_BEHIND_MS / 1000 + " s");
        }
        needKeyframe = video;
    }

    void send(StreamInfo info, AccessUnit unit, boolean live) {
        if (closed) {
            return;
        }
        if (!unit.getIngestSessionId().equals(session)) {
            if (!signature(RelayTrack.of(info)).equals(signature)) {
                close("the stream's tracks changed (new ingest session " + info.getIngestSessionId() + ")");
                return;
            }
            session = unit.getIngestSessionId();
            startMs = Long.MIN_VALUE;
            needKeyframe = video;
        }
        Track t = track(unit);
        if (t == null) {
            return;
        }
        boolean writable = true;
        for (Track each : tracks) {
            writable &= each.out.writable();
        }
        if (!writable) {
            feed.dropped(1);
            markBehind();
            return;
        }
        if (needKeyframe) {
            if (!(t.relay.video() && unit.getKeyframe())) {
                if (behind) {
                    feed.dropped(1);
                }
                return;
            }
            needKeyframe = false;
        }
        if (unit.getCaptureTimeMs() < startMs) {
            return; // before the instant RTP-Info announced
        }
        behind = false;
        t.send(unit);
        if (live) {
            feed.latency(unit.getArrivalTimeMs());
        }
    }

    private Track track(AccessUnit u) {
        int i = u.getTrack();
        return i >= 0 && i < byMediaTrack.length ? byMediaTrack[i] : null;
    }

    void flush() {
        for (Track t : tracks) {
            t.out.flush();
        }
    }

    /**
     * RTCP sender reports (RFC 3550 6.4.1, 6.1): each track's last RTP timestamp and the wall clock of that instant
     * on the track's timeline, the one RTP-Info announced (see {@link Track#clockAt}).
     */
    void senderReports() {
        if (closed) {
            return;
        }
        for (Track t : tracks) {
            if (t.packets == 0) {
                continue;
            }
            byte[] compound = RtcpCompound.write(List.of(
                    new SenderReport(
                            t.ssrc,
                            NtpTimestamp.ofUnixMillis(t.reportedClockMs()),
                            t.lastRtp,
                            t.packets & MASK,
                            t.octets & MASK,
                            List.of()),
                    SourceDescription.cname(t.ssrc, cname)));
            ByteBuf b = t.out.alloc().buffer(compound.length);
            b.writeBytes(compound);
            feed.sent(compound.length);
            t.out.send(true, b);
        }
        flush();
    }

    /**
     * Each track's RTCP BYE (RFC 3550 6.6), in a compound led by its sender report (a receiver report before its
     * first packet) and CNAME as 6.1 wants, so the player ends the stream at once instead of at its own timeout.
     * Sent once: at TEARDOWN or when the viewer ends.
     */
    void goodbye(String reason) {
        if (saidGoodbye) {
            return;
        }
        saidGoodbye = true;
        for (Track t : tracks) {
            RtcpPacket report = t.packets == 0
                    ? new ReceiverReport(t.ssrc, List.of())
                    : new SenderReport(
                            t.ssrc,
                            NtpTimestamp.ofUnixMillis(t.reportedClockMs()),
                            t.lastRtp,
                            t.packets & MASK,
                            t.octets & MASK,
                            List.of());
            byte[] compound = RtcpCompound.write(
                    List.of(report, SourceDescription.cname(t.ssrc, cname), new Goodbye(List.of(t.ssrc), reason)));
            ByteBuf b = t.out.alloc().buffer(compound.length);
            b.writeBytes(compound);
            feed.sent(compound.length);
            t.out.send(true, b);
        }
        flush();
    }

    void close(String why) {
        if (closed) {
            return;
        }
        goodbye(BYE_ENDED);
        closed = true;
        feed.leave(this);
        player.close(why);
    }

    boolean closed() {
        return closed;
    }

    /** One track's RTP state. */
    private final class Track {
        final int index;
        final RelayTrack relay;
        final TrackOutput out;
        final Packetizer packetizer;
        final long ssrc = RANDOM.nextLong() & MASK;
        int sequence = RANDOM.nextInt(0x10000);
        long offset;
        String anchoredSession;
        long lastRtp;
        long lastCaptureMs;
        /** The track's timeline: its RTP ticks (before the offset) at {@link #anchorMs} of wall clock. */
        long anchorTicks;

        long anchorMs;
        long lastTicks;
        long packets;
        long octets;
        private final byte[] header = new byte[RtpPacket.HEADER_LENGTH];

        Track(int index, RelayTrack relay, TrackOutput out) {
            this.index = index;
            this.relay = relay;
            this.out = out;
            this.packetizer = relay.packetizers().get();
        }

        boolean anchored() {
            return session.equals(anchoredSession);
        }

        /** Chooses the offset of the session's timestamps from its first unit here. */
        void anchor(AccessUnit u) {
            if (packets == 0) {
                // RFC 3550 5.1: the first timestamp is random
                offset = RANDOM.nextLong() & MASK;
                anchoredSession = u.getIngestSessionId();
                clockAt(relay.rtpTicks(u.getPts()), u.getCaptureTimeMs());
                return;
            }
            long gapMs = Math.max(1, u.getCaptureTimeMs() - lastCaptureMs);
            long next = lastRtp + Math.max(1, gapMs * relay.clockRate() / 1000);
            offset = (next - relay.rtpTicks(u.getPts())) & MASK;
            anchoredSession = u.getIngestSessionId();
            clockAt(relay.rtpTicks(u.getPts()), u.getCaptureTimeMs());
        }

        /**
         * Pins the track's timeline: {@code ticks} (its RTP clock before the offset) are at {@code wallMs}. Sender
         * reports follow the media clock from there rather than each unit's capture time: capture times are whole
         * milliseconds and a pulled camera's may be re-anchored or slewed apart from its pts, and a report off the
         * line RTP-Info set shifts the player's timestamps (FFmpeg re-bases every track on the first report it
         * gets, so audio would step back by the difference and its timestamps stop increasing).
         */
        void clockAt(long ticks, long wallMs) {
            anchorTicks = ticks;
            anchorMs = wallMs;
            lastTicks = ticks;
        }

        /** The wall clock of the last RTP timestamp sent, on the track's timeline (RFC 3550 6.4.1). */
        long reportedClockMs() {
            return anchorMs + Math.floorDiv((lastTicks - anchorTicks) * 1000, relay.clockRate());
        }

        void send(AccessUnit u) {
            if (!anchored()) {
                anchor(u);
            }
            long rtp = (offset + relay.rtpTicks(u.getPts())) & MASK;
            byte[] data = RelayTrack.bytes(u.getPayload());
            long[] bytes = {0};
            try {
                packetizer.packetize(new MediaFrame(rtp, u.getKeyframe(), data), MAX_PAYLOAD, (marker, h, d, o, l) -> {
                    RtpPacket.writeHeader(header, 0, relay.format().payloadType(), marker, sequence, rtp, ssrc);
                    sequence = (sequence + 1) & 0xffff;
                    ByteBuf b = out.alloc().buffer(RtpPacket.HEADER_LENGTH + h.length + l);
                    b.writeBytes(header).writeBytes(h).writeBytes(d, o, l);
                    bytes[0] += b.readableBytes();
                    packets++;
                    octets += h.length + l;
                    out.send(false, b);
                });
            } catch (IllegalArgumentException e) {
                // a unit not in the form its codec's packetizer takes: it is not sent, the stream goes on
                log.debug(
                        "{}: unit {} of track {} not sent: {}",
                        player.describe(),
                        u.getSequence(),
                        u.getTrack(),
                        e.getMessage());
                return;
            }
            lastRtp = rtp;
            lastTicks = relay.rtpTicks(u.getPts());
            lastCaptureMs = u.getCaptureTimeMs();
            feed.sent(bytes[0]);
        }
    }
}
