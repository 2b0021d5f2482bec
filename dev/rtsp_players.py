"""The benchmark's own RTSP players (dev/bench_relay.py): many TCP-interleaved players in one Python thread.

Not a test client and not a general one: DESCRIBE, SETUP of the first video track over
`RTP/AVP/TCP;unicast;interleaved=0-1`, PLAY, then GET_PARAMETER every 20 s as keep-alive. A player either
drains its connection (reads and discards, to cost the benchmark machine as little as possible) or parses the
interleaved RTP (RFC 2326 10.12, RFC 3550 5.1) and notes when each H.264 access unit arrived, keyed by the first
bytes of its first slice NAL unit (RFC 6184 5.6, 5.7.1, 5.8). The benchmark clip is a pre-encoded loop whose
frames all differ, so a key names one frame of the loop: a relay's copy of a frame is matched with the source's
copy by that key, whatever RTP timestamps either side chose.
"""
import bisect
import re
import selectors
import socket
import time

KEY_BYTES = 32
KEEP_ALIVE_S = 20


class Player:
    """One RTSP player over TCP; `parse` players record (key, first packet time, marker packet time) per unit."""

    def __init__(self, url, parse, timeout=15):
        self.url, self.parse = url, parse
        m = re.match(r"rtsp://([^:/]+):(\d+)(/.*)", url)
        self.sock = socket.create_connection((m.group(1), int(m.group(2))), timeout=timeout)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.cseq, self.buf, self.session = 0, bytearray(), None
        self.units = []  # (key, monotonic time of the unit's first packet, of its marker packet)
        self.bytes = 0
        self._ts, self._first, self._key = None, 0.0, None
        self.last_keep_alive = time.monotonic()
        headers, body = self.request("DESCRIBE", url, {"Accept": "application/sdp"})
        base = headers.get("content-base", url)
        control = None
        for section in body.decode(errors="replace").split("\nm=")[1:]:
            if section.startswith("video"):
                c = re.search(r"a=control:(\S+)", section)
                control = c.group(1) if c else ""
                break
        if control is None:
            raise OSError(f"{url}: no video track in the description")
        track = control if control.startswith("rtsp://") else base.rstrip("/") + "/" + control if control else base
        headers, _ = self.request("SETUP", track, {"Transport": "RTP/AVP/TCP;unicast;interleaved=0-1"})
        self.session = headers["session"].split(";")[0].strip()
        self.request("PLAY", url, {"Range": "npt=0.000-"})
        self.sock.setblocking(False)

    def request(self, method, uri, headers):
        self.cseq += 1
        lines = [f"{method} {uri} RTSP/1.0", f"CSeq: {self.cseq}", "User-Agent: kvr-bench"]
        if self.session:
            lines.append(f"Session: {self.session}")
        lines += [f"{k}: {v}" for k, v in headers.items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        while True:
            while b"\r\n\r\n" not in self.buf:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise OSError(f"{uri}: connection closed during {method}")
                self.buf += chunk
            if self.buf[0] == 0x24:  # an interleaved frame before the answer (PLAY's first packets)
                raise OSError(f"{uri}: data before the answer to {method}")
            end = self.buf.index(b"\r\n\r\n")
            head = self.buf[:end].decode(errors="replace").split("\r\n")
            fields = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in head[1:])}
            length = int(fields.get("content-length", "0"))
            while len(self.buf) < end + 4 + length:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise OSError(f"{uri}: connection closed during {method}")
                self.buf += chunk
            body = bytes(self.buf[end + 4:end + 4 + length])
            del self.buf[:end + 4 + length]
            status = int(head[0].split()[1])
            if status != 200:
                raise OSError(f"{uri}: {method} answered {head[0]}")
            return fields, body

    def keep_alive(self, now):
        if now - self.last_keep_alive >= KEEP_ALIVE_S:
            self.last_keep_alive = now
            self.cseq += 1
            try:
                self.sock.send(f"GET_PARAMETER {self.url} RTSP/1.0\r\nCSeq: {self.cseq}\r\n"
                               f"Session: {self.session}\r\n\r\n".encode())
            except BlockingIOError:
                pass

    def readable(self, now, scratch):
        n = self.sock.recv_into(scratch)
        if n == 0:
            raise OSError(f"{self.url}: closed by the server")
        self.bytes += n
        if not self.parse:
            return
        buf = self.buf
        buf += scratch[:n]
        i, size = 0, len(buf)
        while i < size:
            if buf[i] == 0x24:
                if i + 4 > size:
                    break
                length = (buf[i + 2] << 8) | buf[i + 3]
                if i + 4 + length > size:
                    break
                if buf[i + 1] == 0:
                    self._rtp(bytes(buf[i + 4:i + 4 + length]), now)
                i += 4 + length
            else:  # an RTSP answer (the keep-alive's)
                end = buf.find(b"\r\n\r\n", i)
                if end < 0:
                    break
                m = re.search(rb"(?i)content-length:\s*(\d+)", buf[i:end])
                following = end + 4 + (int(m.group(1)) if m else 0)
                if following > size:  # its body is not here yet
                    break
                i = following
        del buf[:i]

    def _rtp(self, p, now):
        if len(p) < 12:
            return
        ts = int.from_bytes(p[4:8], "big")
        off = 12 + 4 * (p[0] & 0x0F)
        if p[0] & 0x10:
            off += 4 + 4 * int.from_bytes(p[off + 2:off + 4], "big")
        if ts != self._ts:
            self._ts, self._first, self._key = ts, now, None
        if self._key is None:
            self._key = slice_key(p[off:])
        if p[1] & 0x80 and self._key is not None:
            self.units.append((self._key, self._first, now))

    def close(self):
        try:
            self.sock.setblocking(True)
            self.sock.settimeout(2)
            self.cseq += 1
            self.sock.sendall(f"TEARDOWN {self.url} RTSP/1.0\r\nCSeq: {self.cseq}\r\nSession: {self.session}\r\n\r\n"
                              .encode())
        except OSError:
            pass
        self.sock.close()


def slice_key(payload):
    """The first KEY_BYTES bytes after the NAL header of the packet's first coded slice (types 1 and 5), if any."""
    if not payload:
        return None
    t = payload[0] & 0x1F
    if t in (1, 5):
        return payload[1:1 + KEY_BYTES]
    if t == 28 and len(payload) > 2 and payload[1] & 0x80 and payload[1] & 0x1F in (1, 5):  # FU-A start
        return payload[2:2 + KEY_BYTES]
    if t == 24:  # STAP-A
        i = 1
        while i + 2 <= len(payload):
            size = int.from_bytes(payload[i:i + 2], "big")
            nal = payload[i + 2:i + 2 + size]
            if nal and nal[0] & 0x1F in (1, 5):
                return nal[1:1 + KEY_BYTES]
            i += 2 + size
    return None


class Players:
    """Runs players on one selector until stopped; errors of a player are kept, not raised."""

    def __init__(self):
        self.players, self.errors = [], []
        self.sel = selectors.DefaultSelector()
        self.scratch = bytearray(1 << 18)

    def add(self, player):
        self.players.append(player)
        self.sel.register(player.sock, selectors.EVENT_READ, player)

    def run_for(self, seconds):
        end = time.monotonic() + seconds
        while True:
            now = time.monotonic()
            if now >= end:
                return
            for key, _ in self.sel.select(min(1.0, end - now)):
                p = key.data
                try:
                    p.readable(time.monotonic(), self.scratch)
                except BlockingIOError:
                    pass
                except OSError as e:
                    self.errors.append(str(e))
                    self.sel.unregister(p.sock)
            now = time.monotonic()
            for p in self.players:
                p.keep_alive(now)

    def close(self):
        for p in self.players:
            try:
                self.sel.unregister(p.sock)
            except (KeyError, ValueError):
                pass
            p.close()
        self.players = []


def latencies(source, relayed, window_s=5.0):
    """Per unit of `relayed`: its first packet's arrival minus the arrival of the marker packet of the nearest
    source copy of the same frame (the clip loops every 10 s, so a key recurs; within window_s it is one frame),
    in seconds; and how many relayed units had no such copy."""
    copies = {}
    for key, _, t_marker in source.units:
        copies.setdefault(key, []).append(t_marker)
    out, unmatched = [], 0
    for key, t_first, _ in relayed.units:
        ts = copies.get(key)
        if not ts:
            unmatched += 1
            continue
        j = bisect.bisect_left(ts, t_first)
        best = min((ts[k] for k in (j - 1, j) if 0 <= k < len(ts)), key=lambda t: abs(t_first - t))
        if abs(t_first - best) < window_s:
            out.append(t_first - best)
        else:
            unmatched += 1
    return out, unmatched
