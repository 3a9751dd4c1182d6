#!/usr/bin/python3
"""An RTSP camera on 127.0.0.1 for the video tests: serves FILE (an H.264 mp4) at rtsp://127.0.0.1:PORT/cam in real time,
each client from the start (ffmpeg alone cannot serve RTSP to a client that plays). GStreamer's RTSP server, from Debian:
python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-good. Prints "serving" once it listens."""
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

clip, port = sys.argv[1], sys.argv[2]
Gst.init(None)
server = GstRtspServer.RTSPServer()
server.set_address("127.0.0.1")
server.set_service(port)
factory = GstRtspServer.RTSPMediaFactory()
# qtdemux gives the payloader whole access units; no re-encoding, as a camera sends what its encoder made.
factory.set_launch(f"( filesrc location=\"{clip}\" ! qtdemux ! rtph264pay name=pay0 pt=96 config-interval=1 )")
factory.set_shared(False)
server.get_mount_points().add_factory("/cam", factory)
if server.attach(None) == 0:
    sys.exit(f"cannot listen on 127.0.0.1:{port}")
print("serving", flush=True)
GLib.MainLoop().run()
