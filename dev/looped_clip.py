"""Shared by dev/test-camera.py and dev/bench-camera.py: timestamps for a looped pre-encoded clip."""
from gi.repository import Gst


def retimer(fps):
    """A "media-configure" handler that stamps access unit n of the media's element named "parse" with
    pts = dts = n / fps: multifilesrc's buffers carry no usable timestamps, so without this the RTP clock would
    not advance at the frame rate (nor across loops)."""
    step = Gst.SECOND // fps

    def configure(factory, media):
        frame = [0]

        def probe(pad, info):
            buf = info.get_buffer()
            buf.pts = buf.dts = frame[0] * step
            buf.duration = step
            frame[0] += 1
            return Gst.PadProbeReturn.OK

        media.get_element().get_by_name("parse").get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER, probe)

    return configure
