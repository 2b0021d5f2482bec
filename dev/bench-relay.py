#!/usr/bin/python3
"""GStreamer's live relay for ./dev/bench --scenario relay: gst-rtsp-server re-serving an RTSP source.

    /usr/bin/python3 dev/bench-relay.py --source rtsp://127.0.0.1:PORT/h264 [--streams N] [--port 0]

Mounts /app/stream0 .. /app/stream{N-1}, each a shared media (one pipeline per mount, however many players)
`rtspsrc location=SOURCE protocols=tcp latency=0 ! rtph264depay ! rtph264pay name=pay0`: it pulls the source
once per mount when its first player arrives and sends the H.264 again, repacketized, to its players (the same
work kvr's relay does per stream, less the recording). latency=0: rtspsrc's jitter buffer would otherwise hold
every packet 2 s.

Protocol (as dev/test-camera.py): stdout gets exactly one line "READY <port>" once the server listens; --port 0
picks a free port; exits cleanly on SIGTERM/SIGINT.
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
    sys.stderr.write("bench-relay: GStreamer RTSP server for Python not available (%s); run ./dev/test once\n" % e)
    sys.exit(2)


def main():
    ap = argparse.ArgumentParser(description="GStreamer RTSP relay (benchmark peer of kvr's live relay)")
    ap.add_argument("--source", required=True)
    ap.add_argument("--streams", type=int, default=1)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--host", default="127.0.0.1")
    args = ap.parse_args()

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address(args.host)
    server.set_service(str(args.port))
    launch = ("( rtspsrc location=%s protocols=tcp latency=0 ! rtph264depay "
              "! rtph264pay name=pay0 pt=96 config-interval=-1 )" % args.source)
    for i in range(args.streams):
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch(launch)
        factory.set_shared(True)
        server.get_mount_points().add_factory("/app/stream%d" % i, factory)
    try:
        source = server.create_source(None)
    except GLib.Error as e:
        sys.stderr.write("bench-relay: cannot listen on %s:%d: %s\n" % (args.host, args.port, e.message))
        return 1
    source.attach(None)
    loop = GLib.MainLoop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_HIGH, signum, lambda *_: (loop.quit(), GLib.SOURCE_REMOVE)[1], None)
    sys.stdout.write("READY %d\n" % server.get_bound_port())
    sys.stdout.flush()
    loop.run()
    return 0


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    os._exit(status)  # skip interpreter teardown: finalizing live pipelines can block
