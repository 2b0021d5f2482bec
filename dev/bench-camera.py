#!/usr/bin/python3
"""kvr benchmark camera: an RTSP server (gst-rtsp-server, PyGObject) that loops a pre-encoded clip.

    /usr/bin/python3 dev/bench-camera.py [--port 0] [--host 127.0.0.1] [--cache /tmp/kvr-bench-cache]

Mount (shared between all clients, so N cameras pulling it cost the server one pipeline):
  /h264     1920x1080 25 fps H.264, ~4 Mbit/s, GOP 25 (1 s), no B-frames, looped forever in real time
  /h264aac  the same video plus AAC audio (48 kHz mono 64 kbit/s sine, encoded live: audio costs little CPU)

Nothing is encoded while serving: on first use a 10 s clip is encoded once with x264enc into the cache
directory (raw Annex B byte stream), then multifilesrc loops it, h264parse splits it into access units which
a pad probe stamps n / 25 s (timestamps keep increasing across loops), clocksync paces it to the wall clock, and rtph264pay sends it
with SPS/PPS before every keyframe.

Protocol (same as dev/test-camera.py): stderr gets "MOUNT <path> <url> <description>" lines then logs;
stdout gets exactly one line "READY <port>" once the server listens; --port 0 picks a free port; exits
cleanly on SIGTERM/SIGINT.
"""
import argparse
import os
import signal
import subprocess
import sys

try:
    import gi

    gi.require_version("Gst", "1.0")
    gi.require_version("GstRtspServer", "1.0")
    from gi.repository import GLib, Gst, GstRtspServer
except (ImportError, ValueError) as e:
    sys.stderr.write("bench-camera: GStreamer RTSP server for Python not available (%s); run ./dev/test once\n" % e)
    sys.exit(2)

import looped_clip  # noqa: E402 (needs the GStreamer versions required above)

WIDTH, HEIGHT, FPS, KBPS, SECONDS = 1920, 1080, 25, 4000, 10


def log(msg):
    try:
        sys.stderr.write("bench-camera: %s\n" % msg)
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def clip(cache):
    """The pre-encoded clip, encoded once (a few seconds of CPU) and reused by later runs."""
    path = os.path.join(cache, "h264-%dx%d-%dfps-%dk-%ds.h264" % (WIDTH, HEIGHT, FPS, KBPS, SECONDS))
    if os.path.exists(path) and os.path.getsize(path) > 0:
        return path
    os.makedirs(cache, exist_ok=True)
    tmp = path + ".tmp"
    log("encoding %s once" % path)
    # sliced-threads=false: one slice per frame (see dev/test-camera.py); no B-frames; an IDR every second, and
    # the clip is a whole number of GOPs so the loop point is a keyframe.
    cmd = [
        "gst-launch-1.0", "-q",
        "videotestsrc", "num-buffers=%d" % (FPS * SECONDS), "pattern=smpte", "!",
        "video/x-raw,width=%d,height=%d,framerate=%d/1" % (WIDTH, HEIGHT, FPS), "!",
        "timeoverlay", "font-desc=Sans 48", "!", "videoconvert", "!", "video/x-raw,format=I420", "!",
        "x264enc", "bitrate=%d" % KBPS, "key-int-max=%d" % FPS, "bframes=0", "speed-preset=ultrafast",
        "sliced-threads=false", "byte-stream=true", "!",
        "video/x-h264,stream-format=byte-stream,profile=constrained-baseline", "!",
        "h264parse", "!", "filesink", "location=%s" % tmp,
    ]
    if subprocess.run(cmd, stdout=sys.stderr).returncode != 0:
        sys.exit("bench-camera: encoding the clip failed")
    os.replace(tmp, path)
    return path


def aac_encoder():
    """The AAC encoder GStreamer has (as in dev/test-camera.py), or None."""
    for name in ("avenc_aac", "voaacenc"):
        if Gst.ElementFactory.find(name) is not None:
            return name
    return None


retime = looped_clip.retimer(FPS)  # the media-configure handler of the looped-clip mounts


def main():
    ap = argparse.ArgumentParser(description="kvr benchmark RTSP camera (looped pre-encoded 1080p H.264)")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--cache", default=os.path.join("/tmp", "kvr-bench-cache"))
    args = ap.parse_args()

    Gst.init(None)
    path = clip(args.cache)
    launch = (
        "( multifilesrc location=%s loop=true caps=video/x-h264,stream-format=byte-stream,framerate=%d/1 "
        "! h264parse name=parse ! video/x-h264,stream-format=byte-stream,alignment=au ! clocksync "
        "! rtph264pay name=pay0 pt=96 config-interval=-1 )" % (path, FPS)
    )
    server = GstRtspServer.RTSPServer()
    server.set_address(args.host)
    server.set_service(str(args.port))
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(launch)
    factory.set_shared(True)
    factory.connect("media-configure", retime)
    server.get_mount_points().add_factory("/h264", factory)
    aac = aac_encoder()
    if aac:
        with_audio = GstRtspServer.RTSPMediaFactory()
        with_audio.set_launch(launch[:-1] + (
            " audiotestsrc is-live=true wave=sine freq=440 volume=0.3 ! audio/x-raw,rate=48000,channels=1 "
            "! audioconvert ! audioresample ! %s bitrate=64000 ! aacparse ! audio/mpeg,mpegversion=4,stream-format=raw "
            "! rtpmp4gpay name=pay1 pt=97 )" % aac))
        with_audio.set_shared(True)
        with_audio.connect("media-configure", retime)
        server.get_mount_points().add_factory("/h264aac", with_audio)
    try:
        source = server.create_source(None)
    except GLib.Error as e:
        log("cannot listen on %s:%d: %s" % (args.host, args.port, e.message))
        return 1
    source.attach(None)
    port = server.get_bound_port()

    loop = GLib.MainLoop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_HIGH, signum, lambda *_: (loop.quit(), GLib.SOURCE_REMOVE)[1], None)
    sys.stderr.write("MOUNT /h264 rtsp://%s:%d/h264 %dx%d %d fps H.264 ~%d kbit/s, looped %d s clip\n"
                     % (args.host, port, WIDTH, HEIGHT, FPS, KBPS, SECONDS))
    sys.stderr.flush()
    if aac:
        sys.stderr.write("MOUNT /h264aac rtsp://%s:%d/h264aac the /h264 video + AAC 48 kHz mono (%s)\n"
                         % (args.host, port, aac))
    sys.stdout.write("READY %d\n" % port)
    sys.stdout.flush()
    try:
        loop.run()
    except KeyboardInterrupt:
        pass
    log("stopping")
    return 0


if __name__ == "__main__":
    status = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(status)  # skip interpreter teardown: finalizing live pipelines can block
