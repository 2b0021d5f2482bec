#!/usr/bin/python3
"""kvr test camera: a live RTSP server built on GStreamer's gst-rtsp-server (PyGObject).

    /usr/bin/python3 dev/test-camera.py [--port 8554] [--host 127.0.0.1]

Mounts (each only if its encoder is installed; all live, shared between clients):
  /h264     640x360 25 fps H.264 (x264enc, zerolatency, GOP 25, ~800 kbit/s)
  /h265     640x360 25 fps H.265 (x265enc, zerolatency, GOP 25, ~800 kbit/s)
  /h264aac  the /h264 video plus AAC audio (avenc_aac or voaacenc), 48 kHz mono sine

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
import sys

try:
    import gi

    gi.require_version("Gst", "1.0")
    gi.require_version("GstRtspServer", "1.0")
    from gi.repository import GLib, Gst, GstRtspServer
except (ImportError, ValueError) as e:
    sys.stderr.write(
        "test-camera: GStreamer RTSP server for Python not available (%s).\n"
        "  Run ./dev/test (installs it), or: apt-get install gstreamer1.0-rtsp "
        "gir1.2-gst-rtsp-server-1.0 python3-gst-1.0 gstreamer1.0-plugins-base "
        "gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly "
        "gstreamer1.0-libav\n" % e
    )
    sys.exit(2)

WIDTH, HEIGHT, FPS = 640, 360, 25
VIDEO_KBPS = 800


def log(msg):
    try:
        sys.stderr.write("test-camera: %s\n" % msg)
        sys.stderr.flush()
    except (OSError, ValueError):
        pass  # the launcher is gone (broken pipe): keep going, e.g. to exit cleanly


def has(element):
    return Gst.ElementFactory.find(element) is not None


def video_source():
    parts = [
        "videotestsrc is-live=true pattern=smpte",
        "video/x-raw,width=%d,height=%d,framerate=%d/1" % (WIDTH, HEIGHT, FPS),
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


def h264_branch(pay="pay0"):
    # One slice per frame (threads=1, no sliced threads): with tune=zerolatency x264 otherwise cuts
    # each frame into slices, and rtph264pay config-interval=-1 then inserts SPS/PPS between the
    # slices of an IDR frame, which FFmpeg's RTSP demuxer splits into two broken access units.
    return (
        "%s ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=%d bitrate=%d "
        "threads=1 sliced-threads=false "
        "byte-stream=true ! video/x-h264,stream-format=byte-stream ! h264parse "
        "! rtph264pay name=%s config-interval=-1 pt=96"
        % (video_source(), FPS, VIDEO_KBPS, pay)
    )


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


def missing(*elements):
    return [e for e in elements if not has(e)]


def build_mounts():
    """Returns [(path, launch, description)] for the encoders installed here."""
    mounts = []
    common = ["videotestsrc", "videoconvert"]
    m = missing(*common, "x264enc", "h264parse", "rtph264pay")
    if m:
        log("no /h264: missing GStreamer elements %s" % m)
    else:
        mounts.append(("/h264", "( %s )" % h264_branch(), "H.264 %dx%d %dfps x264enc" % (WIDTH, HEIGHT, FPS)))
    m = missing(*common, "x265enc", "h265parse", "rtph265pay")
    if m:
        log("no /h265: missing GStreamer elements %s" % m)
    else:
        mounts.append(("/h265", "( %s )" % h265_branch(), "H.265 %dx%d %dfps x265enc" % (WIDTH, HEIGHT, FPS)))
    enc_launch, enc_name = aac_encoder()
    m = missing(*common, "x264enc", "h264parse", "rtph264pay", "audiotestsrc", "aacparse", "rtpmp4gpay")
    if enc_launch is None:
        m.append("avenc_aac|voaacenc")
    if m:
        log("no /h264aac: missing GStreamer elements %s" % m)
    else:
        mounts.append(
            (
                "/h264aac",
                "( %s %s )" % (h264_branch("pay0"), aac_branch(enc_launch, "pay1")),
                "H.264 %dx%d %dfps x264enc + AAC 48kHz mono %s" % (WIDTH, HEIGHT, FPS, enc_name),
            )
        )
    return mounts


def main():
    ap = argparse.ArgumentParser(description="kvr test RTSP camera (gst-rtsp-server)")
    ap.add_argument("--port", type=int, default=8554, help="RTSP port; 0 = pick a free one (default 8554)")
    ap.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    ap.add_argument("--exit-on-stdin-eof", action="store_true",
                    help="exit when stdin is closed (the launching process died)")
    args = ap.parse_args()

    Gst.init(None)
    mounts = build_mounts()
    if not mounts:
        log("no mount can be served: install the GStreamer plugins (./dev/test does)")
        return 2

    server = GstRtspServer.RTSPServer()
    server.set_address(args.host)
    server.set_service(str(args.port))
    table = server.get_mount_points()
    for path, launch, desc in mounts:
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch(launch)
        factory.set_shared(True)
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
    for path, _, desc in mounts:
        sys.stderr.write("MOUNT %s rtsp://%s:%d%s %s\n" % (path, args.host, port, path, desc))
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
