#!/usr/bin/python3
"""kvr test camera: a live RTSP server built on GStreamer's gst-rtsp-server (PyGObject).

    /usr/bin/python3 dev/test-camera.py [--port 8554] [--host 127.0.0.1]

Mounts (each only if its encoder is installed; all live, shared between clients; a mount's
encoders only run while a client plays it):
  /h264      640x360 25 fps H.264 (x264enc, zerolatency, GOP 25, ~800 kbit/s)
  /h265      640x360 25 fps H.265 (x265enc, zerolatency, GOP 25, ~800 kbit/s)
  /h264aac   the /h264 video plus AAC audio (avenc_aac or voaacenc), 48 kHz mono sine
  /h265aac   the /h265 video plus the same AAC audio
  /h264pcmu  the /h264 video plus G.711 mu-law audio (mulawenc, 8 kHz mono, RTP payload type 0)
  /h264b     H.264 with B-frames (bframes=2, b-adapt off: I/P/B, decode order != presentation order)
  /tcponly   the /h264 video, served over RTSP interleaved TCP only (a UDP SETUP gets 461)
  /h264switch H.264 whose picture size alternates between 640x360 and 320x180 every 4 s: the encoder
             sends new parameter sets (SPS/PPS) in band with the keyframe after each change
  /auth      the /h264 video behind RTSP Digest authentication, user "kvr",
             password "s3cret-pw" (see AUTH_USER/AUTH_PASSWORD)
  /basic     the same behind RTSP Basic authentication (same user and password); every other mount is open
  /udpsilent the /h264 video, whose RTP over UDP never reaches the client (the server's UDP sinks drop every
             packet; TCP works): a client with transport "auto" must fall back to TCP
  /h264opus  the /h264 video plus Opus audio (opusenc, 48 kHz mono)
  /mpeg4     640x360 25 fps MPEG-4 Part 2 (Visual Simple Profile, GOP 25, no B-frames): a 4 s clip encoded once
             with avenc_mpeg4 into --cache, looped and stamped n / 25 s (live avenc_mpeg4 stops encoding with
             "Invalid pts" once gst-rtsp-server restarts the live pipeline's timestamps after the preroll); the
             VOS/VO/VOL header goes in the SDP (config=) and in band before every I-VOP
  /mpeg4switch MPEG-4 Part 2 whose picture size alternates between 640x360 and 320x180 every 4 s (two such clips
             looped one after the other): a new VOL header in band with the I-VOP after each change

Options: --cache DIR keeps pre-encoded clips (default: kvr-test-camera-cache in the temp directory).
--tls PEM serves every mount over RTSP on TLS (rtsps://) with the certificate and private key in the
PEM file (e.g. self-signed: openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 ...).

Video is videotestsrc with the wall clock (clockoverlay) and the running time
(timeoverlay) burned in when those elements exist.

Protocol for launchers (e.g. io.kvr.testsupport.TestCamera):
  * stderr: one line "MOUNT <path> <description>" per served mount, then logs;
  * stdout: exactly one line "READY <port>" once the server listens (flushed);
  * --port 0 binds a free port on --host, reported in the READY line;
  * exits cleanly (status 0) on SIGTERM or SIGINT, and also when stdin reaches EOF
    if --exit-on-stdin-eof is given (so it dies with the process that started it).
Install the dependencies with ./dev/test (Debian: gstreamer1.0-rtsp gir1.2-gst-rtsp-server-1.0
python3-gst-1.0 gstreamer1.0-plugins-{base,good,bad,ugly} gstreamer1.0-libav).
"""
import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading

try:
    import gi

    gi.require_version("Gst", "1.0")
    gi.require_version("GstRtspServer", "1.0")
    gi.require_version("GstRtsp", "1.0")
    from gi.repository import Gio, GLib, Gst, GstRtsp, GstRtspServer
except (ImportError, ValueError) as e:
    sys.stderr.write(
        "test-camera: GStreamer RTSP server for Python not available (%s).\n"
        "  Run ./dev/test (installs it), or: apt-get install gstreamer1.0-rtsp "
        "gir1.2-gst-rtsp-server-1.0 python3-gst-1.0 gstreamer1.0-plugins-base "
        "gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly "
        "gstreamer1.0-libav\n" % e
    )
    sys.exit(2)

import looped_clip  # noqa: E402 (needs the GStreamer versions required above)

WIDTH, HEIGHT, FPS = 640, 360, 25
VIDEO_KBPS = 800
AUTH_USER, AUTH_PASSWORD = "kvr", "s3cret-pw"


def log(msg):
    try:
        sys.stderr.write("test-camera: %s\n" % msg)
        sys.stderr.flush()
    except (OSError, ValueError):
        pass  # the launcher is gone (broken pipe): keep going, e.g. to exit cleanly


def has(element):
    return Gst.ElementFactory.find(element) is not None


def video_source(width=WIDTH, height=HEIGHT):
    parts = [
        "videotestsrc is-live=true pattern=smpte",
        "video/x-raw,width=%d,height=%d,framerate=%d/1" % (width, height, FPS),
    ]
    if has("clockoverlay"):
        parts.append(
            'clockoverlay time-format="%Y-%m-%d %H:%M:%S" halignment=left valignment=top '
            'font-desc="Sans 18" shaded-background=true'
        )
    if has("timeoverlay"):
        parts.append(
            'timeoverlay halignment=right valignment=bottom font-desc="Sans 18" shaded-background=true'
        )
    parts.append("videoconvert")
    parts.append("video/x-raw,format=I420")
    return " ! ".join(parts)


ZERO_LATENCY = "tune=zerolatency speed-preset=ultrafast"
# No tune=zerolatency here: it forces bframes=0. Explicit element properties override the preset, so this gives
# I P B B P B B ... (reordered: pts != dts).
B_FRAMES = "speed-preset=ultrafast bframes=2 b-adapt=false rc-lookahead=0"


def h264_branch(pay="pay0", source=None, x264=ZERO_LATENCY, profile=""):
    # One slice per frame (threads=1, no sliced threads): with tune=zerolatency x264 otherwise cuts
    # each frame into slices, and rtph264pay config-interval=-1 then inserts SPS/PPS between the
    # slices of an IDR frame, which FFmpeg's RTSP demuxer splits into two broken access units.
    return (
        "%s ! x264enc %s key-int-max=%d bitrate=%d threads=1 sliced-threads=false "
        "byte-stream=true ! video/x-h264,stream-format=byte-stream%s ! h264parse "
        "! rtph264pay name=%s config-interval=-1 pt=96"
        % (source or video_source(), x264, FPS, VIDEO_KBPS, profile, pay)
    )


def switch_source():
    # the capsfilter named "size" is changed every SWITCH_SECONDS (see switch_sizes)
    return (
        "videotestsrc is-live=true pattern=ball ! video/x-raw,framerate=%d/1 ! videoscale "
        "! capsfilter name=size caps=video/x-raw,width=%d,height=%d ! videoconvert ! video/x-raw,format=I420"
        % (FPS, WIDTH, HEIGHT)
    )


SWITCH_SECONDS = 4
SWITCH_SIZES = [(WIDTH, HEIGHT), (WIDTH // 2, HEIGHT // 2)]


def switch_sizes(factory, media):
    """Alternates the picture size of a /h264switch media while it plays."""
    size = media.get_element().get_by_name("size")
    state = {"i": 0}

    def toggle():
        if media.get_status() == GstRtspServer.RTSPMediaStatus.UNPREPARED:
            return GLib.SOURCE_REMOVE
        state["i"] = (state["i"] + 1) % len(SWITCH_SIZES)
        w, h = SWITCH_SIZES[state["i"]]
        size.set_property("caps", Gst.Caps.from_string("video/x-raw,width=%d,height=%d" % (w, h)))
        return GLib.SOURCE_CONTINUE

    GLib.timeout_add_seconds(SWITCH_SECONDS, toggle)


def h265_branch(pay="pay0"):
    return (
        "%s ! x265enc tune=zerolatency speed-preset=ultrafast key-int-max=%d bitrate=%d "
        "! video/x-h265,stream-format=byte-stream ! h265parse "
        "! rtph265pay name=%s config-interval=-1 pt=96"
        % (video_source(), FPS, VIDEO_KBPS, pay)
    )


def aac_encoder():
    if has("avenc_aac"):
        return "avenc_aac bitrate=64000", "avenc_aac"
    if has("voaacenc"):
        return "voaacenc bitrate=64000", "voaacenc"
    return None, None


def aac_branch(encoder, pay="pay1"):
    return (
        "audiotestsrc is-live=true wave=sine freq=440 volume=0.3 "
        "! audio/x-raw,rate=48000,channels=1 ! audioconvert ! audioresample "
        "! %s ! aacparse ! audio/mpeg,mpegversion=4,stream-format=raw "
        "! rtpmp4gpay name=%s pt=97" % (encoder, pay)
    )


def g711_branch(law, pay="pay1"):
    """law: "mulaw" (PCMU, static payload type 0) or "alaw" (PCMA, 8)."""
    payloader, pt = ("rtppcmupay", 0) if law == "mulaw" else ("rtppcmapay", 8)
    return (
        "audiotestsrc is-live=true wave=sine freq=440 volume=0.3 samplesperbuffer=160 "
        "! audio/x-raw,rate=8000,channels=1 ! audioconvert ! audioresample "
        "! %senc ! %s name=%s pt=%d" % (law, payloader, pay, pt)
    )


def opus_branch(pay="pay1"):
    return (
        "audiotestsrc is-live=true wave=sine freq=440 volume=0.3 "
        "! audio/x-raw,rate=48000,channels=1 ! audioconvert ! audioresample "
        "! opusenc bitrate=32000 ! rtpopuspay name=%s pt=98" % pay
    )


MPEG4_CLIP_SECONDS = 4


def mpeg4_clip(cache, width=WIDTH, height=HEIGHT):
    """A short MPEG-4 Part 2 elementary stream (VOS/VO/VOL header first, an I-VOP every second, whole GOPs so the
    loop point is a keyframe), encoded once into `cache` and reused; None when encoding fails."""
    path = os.path.join(cache, "mpeg4-%dx%d-%dfps-%dk-%ds.m4v" % (width, height, FPS, VIDEO_KBPS, MPEG4_CLIP_SECONDS))
    if os.path.exists(path) and os.path.getsize(path) > 0:
        return path
    os.makedirs(cache, exist_ok=True)
    tmp = "%s.%d.tmp" % (path, os.getpid())  # several cameras may start at once: each writes its own, then renames
    log("encoding %s once" % path)
    cmd = [
        "gst-launch-1.0", "-q",
        "videotestsrc", "num-buffers=%d" % (FPS * MPEG4_CLIP_SECONDS), "pattern=smpte", "!",
        "video/x-raw,width=%d,height=%d,framerate=%d/1" % (width, height, FPS), "!",
    ]
    if has("timeoverlay"):
        cmd += ["timeoverlay", "font-desc=Sans 18", "halignment=right", "valignment=bottom", "!"]
    cmd += [
        "videoconvert", "!", "video/x-raw,format=I420", "!",
        "avenc_mpeg4", "bitrate=%d" % (VIDEO_KBPS * 1000), "gop-size=%d" % FPS, "max-bframes=0", "!",
        "mpeg4videoparse", "!", "filesink", "location=%s" % tmp,
    ]
    try:
        done = subprocess.run(cmd, stdout=sys.stderr, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        log("encoding the MPEG-4 clip failed: %s" % e)
        return None
    if done.returncode != 0 or not os.path.exists(tmp):
        log("encoding the MPEG-4 clip failed (gst-launch-1.0 exit %d)" % done.returncode)
        return None
    os.replace(tmp, path)
    return path


def mpeg4_switch_clip(cache):
    """The MPEG-4 clips of both SWITCH_SIZES one after the other: looped, the picture size changes every
    MPEG4_CLIP_SECONDS, each time with a new VOL header in band before the I-VOP; None when encoding fails."""
    parts = [mpeg4_clip(cache, w, h) for w, h in SWITCH_SIZES]
    if None in parts:
        return None
    path = os.path.join(cache, "mpeg4-switch-" + "-".join(os.path.basename(p)[len("mpeg4-"):-4] for p in parts)
                        + ".m4v")
    if not os.path.exists(path):
        tmp = "%s.%d.tmp" % (path, os.getpid())
        with open(tmp, "wb") as out:
            for part in parts:
                with open(part, "rb") as f:
                    out.write(f.read())
        os.replace(tmp, path)
    return path


def mpeg4_branch(clip, pay="pay0"):
    # config-interval=-1: the VOS/VO/VOL header before every I-VOP, so a client that joins late (or ignores the
    # SDP's config=) can decode from the next keyframe
    return (
        "multifilesrc location=%s loop=true caps=video/mpeg,mpegversion=4,systemstream=false,framerate=%d/1 "
        "! mpeg4videoparse name=parse ! clocksync ! rtpmp4vpay name=%s pt=96 config-interval=-1"
        % (clip, FPS, pay)
    )


retime = looped_clip.retimer(FPS)  # the media-configure handler of the looped-clip mounts


def silence_udp(factory, media):
    """Drops every buffer the media's UDP sinks would send: RTP over UDP delivers nothing, TCP is unaffected."""

    def drop(pad, info):
        return Gst.PadProbeReturn.DROP

    def silence(element):
        factory_of = element.get_factory()
        if factory_of is not None and factory_of.get_name() in ("multiudpsink", "udpsink"):
            element.get_static_pad("sink").add_probe(Gst.PadProbeType.BUFFER | Gst.PadProbeType.BUFFER_LIST, drop)

    # the UDP sinks are made when a client sets up UDP (after media-configure), inside the media's pipeline
    pipeline = media.get_element().get_parent() or media.get_element()
    pipeline.connect("deep-element-added", lambda bin_, sub, element: silence(element))
    for element in pipeline.iterate_recurse():
        silence(element)


def missing(*elements):
    return [e for e in elements if not has(e)]


def build_mounts(cache):
    """Returns [(path, launch, description, options)] for the encoders installed here; options: "tcp-only",
    "auth", "basic", "switch", "udp-silent", "retime"."""
    mounts = []
    common = ["videotestsrc", "videoconvert"]
    h264 = common + ["x264enc", "h264parse", "rtph264pay"]
    h265 = common + ["x265enc", "h265parse", "rtph265pay"]
    aac_launch, aac_name = aac_encoder()
    aac = ["audiotestsrc", "aacparse", "rtpmp4gpay"] + ([] if aac_launch else ["avenc_aac|voaacenc"])
    size = "%dx%d %dfps" % (WIDTH, HEIGHT, FPS)

    def add(path, needs, launch, desc, *options):
        m = missing(*[e for e in needs if "|" not in e]) + [e for e in needs if "|" in e]
        if m:
            log("no %s: missing GStreamer elements %s" % (path, m))
        else:
            mounts.append((path, "( %s )" % launch(), desc, set(options)))

    add("/h264", h264, lambda: h264_branch(), "H.264 %s x264enc" % size)
    add("/h265", h265, lambda: h265_branch(), "H.265 %s x265enc" % size)
    add("/h264aac", h264 + aac, lambda: "%s %s" % (h264_branch("pay0"), aac_branch(aac_launch, "pay1")),
        "H.264 %s x264enc + AAC 48kHz mono %s" % (size, aac_name))
    add("/h265aac", h265 + aac, lambda: "%s %s" % (h265_branch("pay0"), aac_branch(aac_launch, "pay1")),
        "H.265 %s x265enc + AAC 48kHz mono %s" % (size, aac_name))
    add("/h264pcmu", h264 + ["audiotestsrc", "mulawenc", "rtppcmupay"],
        lambda: "%s %s" % (h264_branch("pay0"), g711_branch("mulaw", "pay1")),
        "H.264 %s x264enc + G.711 mu-law 8kHz mono" % size)
    add("/h264b", h264, lambda: h264_branch(x264=B_FRAMES, profile=",profile=main"),
        "H.264 %s x264enc with B-frames" % size)
    add("/tcponly", h264, lambda: h264_branch(), "H.264 %s x264enc, RTSP over TCP only" % size, "tcp-only")
    add("/h264switch", h264 + ["videoscale", "capsfilter"], lambda: h264_branch(source=switch_source()),
        "H.264 x264enc, %dx%d and %dx%d alternating every %d s" % (SWITCH_SIZES[0] + SWITCH_SIZES[1]
                                                                   + (SWITCH_SECONDS,)), "switch")
    add("/auth", h264, lambda: h264_branch(),
        # the password stays out of the MOUNT line: launchers log this output
        "H.264 %s x264enc, Digest auth (user %s)" % (size, AUTH_USER), "auth")
    add("/basic", h264, lambda: h264_branch(),
        "H.264 %s x264enc, Basic auth (user %s)" % (size, AUTH_USER), "auth", "basic")
    add("/udpsilent", h264, lambda: h264_branch(),
        "H.264 %s x264enc, RTP over UDP never arrives (TCP works)" % size, "udp-silent")
    add("/h264opus", h264 + ["audiotestsrc", "opusenc", "rtpopuspay"],
        lambda: "%s %s" % (h264_branch("pay0"), opus_branch("pay1")),
        "H.264 %s x264enc + Opus 48kHz mono" % size)
    mpeg4 = ["videotestsrc", "videoconvert", "avenc_mpeg4", "mpeg4videoparse", "multifilesrc", "clocksync",
             "rtpmp4vpay"]
    if missing(*mpeg4):
        log("no /mpeg4: missing GStreamer elements %s" % missing(*mpeg4))
    else:
        clip = mpeg4_clip(cache)
        if clip is not None:
            add("/mpeg4", mpeg4, lambda: mpeg4_branch(clip),
                "MPEG-4 Part 2 %s avenc_mpeg4, looped %d s clip" % (size, MPEG4_CLIP_SECONDS), "retime")
        switch_clip = mpeg4_switch_clip(cache)
        if switch_clip is not None:
            add("/mpeg4switch", mpeg4, lambda: mpeg4_branch(switch_clip),
                "MPEG-4 Part 2 avenc_mpeg4, %dx%d and %dx%d alternating every %d s (looped clips)"
                % (SWITCH_SIZES[0] + SWITCH_SIZES[1] + (MPEG4_CLIP_SECONDS,)), "retime")
    return mounts


def authenticate(server, protected, basic, tls_pem=None):
    """Server-wide RTSP authentication: user AUTH_USER on the `protected` paths, by Digest, or by Basic on the
    `basic` ones; everyone else gets the "anonymous" role. With `tls_pem`, every connection is RTSP over TLS.
    Returns the permissions for open mounts and for mounts that need the user."""

    methods_lock = threading.Lock()

    class MountAuth(GstRtspServer.RTSPAuth):
        # gst-rtsp-server answers 404 (not 401) when the default token's role may not access a factory, so a
        # client never learns it should send credentials: challenge anonymous requests for protected paths
        def do_authenticate(self, ctx):
            path = ctx.uri.abspath if ctx.uri is not None else ""
            if any(path.startswith(p) for p in basic):
                # the default check reads only the schemes in the supported methods: Basic for this request
                with methods_lock:
                    self.set_supported_methods(GstRtsp.RTSPAuthMethod.BASIC)
                    try:
                        ok = GstRtspServer.RTSPAuth.do_authenticate(self, ctx)
                    finally:
                        self.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
                if not ok:
                    return False
            elif not GstRtspServer.RTSPAuth.do_authenticate(self, ctx):
                return False
            path = ctx.uri.abspath if ctx.uri is not None else ""
            role = ctx.token.get_string("media.factory.role") if ctx.token is not None else None
            return not (role == "anonymous" and any(path.startswith(p) for p in protected))

        # the challenge names the scheme the path takes, so a client that could do both (FFmpeg prefers Digest)
        # must use Basic on the Basic paths
        def do_generate_authenticate_header(self, ctx):
            path = ctx.uri.abspath if ctx.uri is not None else ""
            if any(path.startswith(p) for p in basic):
                with methods_lock:  # (PyGObject hands out a copy of ctx.response: let the default write it)
                    self.set_supported_methods(GstRtsp.RTSPAuthMethod.BASIC)
                    try:
                        GstRtspServer.RTSPAuth.do_generate_authenticate_header(self, ctx)
                    finally:
                        self.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
            else:
                GstRtspServer.RTSPAuth.do_generate_authenticate_header(self, ctx)

    auth = MountAuth()
    # Digest only: the C API takes a bit set (Digest | Basic), but PyGObject exposes GstRTSPAuthMethod as an
    # enum and refuses the combination
    auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
    user = GstRtspServer.RTSPToken()
    user.set_string("media.factory.role", "user")
    auth.add_digest(AUTH_USER, AUTH_PASSWORD, user)
    auth.add_basic(GstRtspServer.RTSPAuth.make_basic(AUTH_USER, AUTH_PASSWORD), user)
    if tls_pem is not None:
        auth.set_tls_certificate(Gio.TlsCertificate.new_from_file(tls_pem))
    anonymous = GstRtspServer.RTSPToken()
    anonymous.set_string("media.factory.role", "anonymous")
    auth.set_default_token(anonymous)
    server.set_auth(auth)

    def permissions(*roles):
        perms = GstRtspServer.RTSPPermissions()
        for role in roles:
            perms.add_permission_for_role(role, "media.factory.access", True)
            perms.add_permission_for_role(role, "media.factory.construct", True)
        return perms

    return permissions("anonymous", "user"), permissions("user")


def main():
    ap = argparse.ArgumentParser(description="kvr test RTSP camera (gst-rtsp-server)")
    ap.add_argument("--port", type=int, default=8554, help="RTSP port; 0 = pick a free one (default 8554)")
    ap.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    ap.add_argument("--exit-on-stdin-eof", action="store_true",
                    help="exit when stdin is closed (the launching process died)")
    ap.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "kvr-test-camera-cache"),
                    help="directory for pre-encoded clips (default: kvr-test-camera-cache in the temp directory)")
    ap.add_argument("--tls", metavar="PEM",
                    help="serve RTSP over TLS (rtsps://) with the certificate and key in this PEM file")
    args = ap.parse_args()

    Gst.init(None)
    mounts = build_mounts(args.cache)
    if not mounts:
        log("no mount can be served: install the GStreamer plugins (./dev/test does)")
        return 2

    server = GstRtspServer.RTSPServer()
    # each client connection on its own thread: with the default of one thread for all clients, a mount whose
    # pipeline is slow to prepare (encoders starting on a loaded machine) held up every other client's requests
    # until they timed out, and their retries queued up behind it
    server.get_thread_pool().set_max_threads(-1)
    server.set_address(args.host)
    server.set_service(str(args.port))
    try:
        open_perms, user_perms = authenticate(server, [p for p, _, _, o in mounts if "auth" in o],
                                              [p for p, _, _, o in mounts if "basic" in o], args.tls)
    except GLib.Error as e:
        log("cannot use the TLS certificate %s: %s" % (args.tls, e.message))
        return 1
    table = server.get_mount_points()
    for path, launch, desc, options in mounts:
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch(launch)
        factory.set_shared(True)
        if "tcp-only" in options:
            factory.set_protocols(GstRtsp.RTSPLowerTrans.TCP)
        if "switch" in options:
            factory.connect("media-configure", switch_sizes)
        if "udp-silent" in options:
            factory.connect("media-configure", silence_udp)
        if "retime" in options:
            factory.connect("media-configure", retime)
        factory.set_permissions(user_perms if "auth" in options else open_perms)
        table.add_factory(path, factory)

    try:
        source = server.create_source(None)  # binds and listens; raises with the reason
    except GLib.Error as e:
        log("cannot listen on %s:%d: %s" % (args.host, args.port, e.message))
        return 1
    source.attach(None)
    port = server.get_bound_port()

    loop = GLib.MainLoop()
    state = {"signal": None}

    def on_signal(signum):
        state["signal"] = signum
        loop.quit()
        return GLib.SOURCE_REMOVE

    for signum in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_HIGH, signum, on_signal, signum)

    if args.exit_on_stdin_eof:
        def on_stdin(fd, condition):
            if condition & (GLib.IO_HUP | GLib.IO_ERR):
                data = b""
            else:
                try:
                    data = os.read(fd, 4096)
                except OSError:
                    data = b""
            if not data:
                loop.quit()
                log("stdin closed; exiting")
                return GLib.SOURCE_REMOVE
            return GLib.SOURCE_CONTINUE

        GLib.unix_fd_add_full(GLib.PRIORITY_DEFAULT, sys.stdin.fileno(),
                              GLib.IO_IN | GLib.IO_HUP | GLib.IO_ERR, on_stdin)

    # marker lines a launcher parses (stderr, written before READY)
    for path, _, desc, _ in mounts:
        sys.stderr.write("MOUNT %s %s://%s:%d%s %s\n" % (path, "rtsps" if args.tls else "rtsp", args.host, port,
                                                          path, desc))
    sys.stderr.flush()
    sys.stdout.write("READY %d\n" % port)
    sys.stdout.flush()

    try:
        loop.run()
    except KeyboardInterrupt:
        pass
    log("stopping%s" % ("" if state["signal"] is None else " on signal %d" % state["signal"]))
    return 0


if __name__ == "__main__":
    status = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    # Skip interpreter teardown: finalizing live GStreamer pipelines can block for seconds.
    # The kernel closes the listening socket and client connections.
    os._exit(status)
