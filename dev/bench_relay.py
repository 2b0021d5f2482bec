"""Scenario "relay" of ./dev/bench: kvr's live RTSP relay next to GStreamer's gst-rtsp-server relaying the same source.

For each N in --streams: N cameras pulled by kvr from dev/bench-camera.py's shared /h264 mount (1080p 25 fps
~4 Mb/s, a pre-encoded clip looped: one GStreamer pipeline serves every puller, so the source costs the machine
least this way), named app/stream0..N-1 and served by kvr's RTSP server. For each M in --viewers, M players
spread over the N streams (player j watches stream j mod N) play rtsp://127.0.0.1:PORT/app/streamK over TCP.
Then the same with dev/bench-relay.py (gst-rtsp-server, one shared `rtspsrc ! rtph264depay ! rtph264pay` media
per stream, pulling the same mount) in place of kvr.

- CPU per viewer: (server CPU over the window with M viewers - with 0 viewers) / wall / M. kvr records its N
  cameras in both windows, so the difference is the relay's; GStreamer's relay with 0 viewers does nothing (a
  shared media starts with its first player), so its figure includes pulling the source.
- Added latency: dev/rtsp_players.py plays the source mount itself beside the relayed streams and matches each
  relayed access unit with the source's copy of the same frame (by the bytes of its first slice): relay's first
  packet of a unit - source's last packet of that unit, both seen by the bench on the same clock. The source
  sends to kvr and to the bench at the same moment, so this is arrival at kvr -> RTP out (plus the client's
  own read delay on both sides). For kvr it is cross-checked with kvr_bridge_relay_latency (p50/p99 from
  /metrics, arrivalTimeMs -> first packet written by kvr).
"""
import datetime
import os
import shutil
import signal
import subprocess
import tempfile
import time

import bench
import rtsp_players

ROOT = bench.ROOT
TARGET_P99_MS = 200
MEASURED_PLAYERS = 4  # players that parse RTP for the latency; the others only drain their connection
SETTLE_S = 5  # after the players start, before the window (first keyframe, JIT of the relay path)

# kvr's threads by what they do in this scenario (first match wins)
RELAY_GROUPS = [
    ("relay feed readers", lambda n: n.startswith("rtsp-relay-")),
    ("RTSP event loops", lambda n: n.startswith("rtsp-io-")),
    ("camera threads", lambda n: n.startswith("camera-") and not n.startswith(("camera-sources", "camera-fleet",
                                                                               "camera-ownersh", "camera-stop-"))),
    ("embedded broker", lambda n: n.startswith("data-plane-kaf")),
    ("JIT", lambda n: n.startswith(("C1 CompilerThre", "C2 CompilerThre"))),
    ("GC", lambda n: n.startswith(("GC Thread", "G1 "))),
    ("rest", lambda n: True),
]


def by_group(t0, t1):
    out = {name: 0.0 for name, _ in RELAY_GROUPS}
    for tid, (comm, cpu) in t1.items():
        out[next(name for name, match in RELAY_GROUPS if match(comm))] += cpu - t0.get(tid, (comm, 0.0))[1]
    return out


def quantile(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan")


def relay_latency_metric(base):
    ms = bench.metrics(base)
    q = {l.get("quantile"): v for n, l, v in ms if n == "kvr_bridge_relay_latency_seconds" and "quantile" in l}
    return q.get("0.5", float("nan")) * 1000, q.get("0.99", float("nan")) * 1000


def window(pid, source_url, urls, seconds):
    """Plays urls (one player each) and the source for SETTLE_S + seconds; CPU of pid over the last `seconds`."""
    players = rtsp_players.Players()
    try:
        source = rtsp_players.Player(source_url, parse=True)
        players.add(source)
        measured = []
        for j, url in enumerate(urls):
            p = rtsp_players.Player(url, parse=j < MEASURED_PLAYERS)
            players.add(p)
            if p.parse:
                measured.append(p)
        players.run_for(SETTLE_S)
        for p in players.players:
            p.units.clear()
        c0, t0, th0, own0 = bench.cpu_seconds(pid), time.time(), bench.thread_cpu(pid), time.process_time()
        b0 = sum(p.bytes for p in players.players[1:])
        players.run_for(seconds)
        c1, t1, th1, own1 = bench.cpu_seconds(pid), time.time(), bench.thread_cpu(pid), time.process_time()
        b1 = sum(p.bytes for p in players.players[1:])
        lat, unmatched, units = [], 0, 0
        for p in measured:
            got, missed = rtsp_players.latencies(source, p)
            lat += got
            unmatched += missed
            units += len(p.units)
        wall = t1 - t0
        return {"cpu": c1 - c0, "wall": wall, "threads": (th0, th1), "lat": lat, "unmatched": unmatched,
                "units_per_s": units / max(1, len(measured)) / wall, "mbps": (b1 - b0) * 8 / wall / 1e6,
                "client_cpu": (own1 - own0) / wall * 100, "errors": players.errors[:3]}
    finally:
        players.close()


def stop(p, timeout=30):
    if p is None or p.poll() is not None:
        return
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def viewer_urls(port, n, m):
    return [f"rtsp://127.0.0.1:{port}/app/stream{j % n}" for j in range(m)]


def run_kvr(cam_port, n, viewers, a, workdir):
    http_port, rtsp_port = bench.free_port(), bench.free_port()
    data = os.path.join(workdir, f"kvr-data-{n}")
    args = [os.path.join(ROOT, "kvr"), "run", "--data", data, "--http", f"127.0.0.1:{http_port}",
            "--kafka-port", "0", "--s3-port", "0", "--rtsp", f"127.0.0.1:{rtsp_port}"]
    for i in range(n):
        args += ["--camera", f"app/stream{i}=rtsp://127.0.0.1:{cam_port}/h264"]
    logf = open(os.path.join(workdir, f"kvr-relay-{n}.log"), "w")
    p = subprocess.Popen(args, stdout=logf, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{http_port}"
    source = f"rtsp://127.0.0.1:{cam_port}/h264"
    out = {}
    try:
        bench.wait_until(lambda: all(bench.http_get(f"{base}/app/stream{i}/index.m3u8")[0] == 200
                                     for i in range(n)), 120 + 4 * n, "kvr to record every camera")
        time.sleep(a.warmup)
        out[0] = window(p.pid, source, [], a.seconds)
        bench.log(f"kvr N={n} M=0: {out[0]['cpu'] / out[0]['wall'] * 100:.1f} % of a core")
        for m in viewers:
            w = window(p.pid, source, viewer_urls(rtsp_port, n, m), a.seconds)
            w["metric"] = relay_latency_metric(base)
            out[m] = w
            bench.log(f"kvr N={n} M={m}: {w['cpu'] / w['wall'] * 100:.1f} % of a core, latency p50 "
                      f"{quantile(w['lat'], 0.5) * 1000:.0f} p99 {quantile(w['lat'], 0.99) * 1000:.0f} ms "
                      f"({len(w['lat'])} units, {w['unmatched']} unmatched), /metrics {w['metric']}, "
                      f"{w['mbps']:.0f} Mb/s to players, errors {w['errors']}")
        return out
    finally:
        stop(p)
        logf.close()
        shutil.rmtree(data, ignore_errors=True)


def run_gstreamer(cam_port, n, viewers, a):
    source = f"rtsp://127.0.0.1:{cam_port}/h264"
    p, port = bench.start_camera_args("dev/bench-relay.py", ["--source", source, "--streams", str(n)])
    out = {}
    try:
        out[0] = window(p.pid, source, [], min(a.seconds, 10))
        for m in viewers:
            w = window(p.pid, source, viewer_urls(port, n, m), a.seconds)
            out[m] = w
            bench.log(f"GStreamer N={n} M={m}: {w['cpu'] / w['wall'] * 100:.1f} % of a core, latency p50 "
                      f"{quantile(w['lat'], 0.5) * 1000:.0f} p99 {quantile(w['lat'], 0.99) * 1000:.0f} ms "
                      f"({len(w['lat'])} units, {w['unmatched']} unmatched), {w['mbps']:.0f} Mb/s to players, "
                      f"errors {w['errors']}")
        return out
    finally:
        stop(p, 10)


def per_viewer(w, idle, m):
    """% of one core per viewer: (CPU rate with m viewers - with none) / m."""
    return (w["cpu"] / w["wall"] - idle["cpu"] / idle["wall"]) / m * 100


def run(a):
    streams = [int(x) for x in a.streams.split(",") if x.strip()]
    viewers = [int(x) for x in a.viewers.split(",") if x.strip()]
    workdir = tempfile.mkdtemp(prefix="kvr-bench-relay-")
    cam, cam_port = bench.start_camera("dev/bench-camera.py")
    results = []
    load = []
    try:
        for n in streams:
            bench.log(f"kvr: {n} stream(s), viewers {viewers}, {a.warmup} s warm-up, {a.seconds} s per window")
            k = run_kvr(cam_port, n, viewers, a, workdir)
            bench.log(f"GStreamer relay: {n} stream(s)")
            g = run_gstreamer(cam_port, n, viewers, a)
            results.append((n, k, g))
            load.append(os.getloadavg()[0])
    finally:
        stop(cam, 10)
        shutil.rmtree(workdir, ignore_errors=True)

    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"## Relay: N streams of 1920x1080 25 fps H.264 ~4 Mb/s live in kvr, M RTSP/TCP players; "
        f"{a.seconds} s per window\n",
        f"Machine: {bench.machine()}. Run: {when}. Load average (1 min) after each N: "
        f"{' / '.join(f'{x:.1f}' for x in load)} (other builds and tests shared the machine).\n",
        f"Targets: added latency p99 <= {TARGET_P99_MS} ms; CPU per viewer <= 1.0x GStreamer's.\n",
        "| N | M | kvr CPU/viewer (% of one core) | GStreamer CPU/viewer | ratio kvr / GStreamer | kvr added "
        "latency p50 / p99 (ms, bench client) | kvr `kvr_bridge_relay_latency` p50 / p99 (ms) | GStreamer "
        "p50 / p99 (ms) | to players (Mb/s) kvr / GStreamer | latency target | CPU target |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    breakdown = []
    for n, k, g in results:
        for m in viewers:
            kw, gw = k[m], g[m]
            kc, gc = per_viewer(kw, k[0], m), per_viewer(gw, g[0], m)
            kp50, kp99 = quantile(kw["lat"], 0.5) * 1000, quantile(kw["lat"], 0.99) * 1000
            gp50, gp99 = quantile(gw["lat"], 0.5) * 1000, quantile(gw["lat"], 0.99) * 1000
            mp50, mp99 = kw["metric"]
            ratio = kc / gc if gc > 0 else float("nan")
            lines.append(
                f"| {n} | {m} | {kc:.2f} | {gc:.2f} | {ratio:.2f}x | {kp50:.0f} / {kp99:.0f} | {mp50:.0f} / "
                f"{mp99:.0f} | {gp50:.0f} / {gp99:.0f} | {kw['mbps']:.0f} / {gw['mbps']:.0f} | "
                f"{'met' if kp99 <= TARGET_P99_MS else 'not met'} | {'met' if ratio <= 1.0 else 'not met'} |")
            th0, th1 = kw["threads"]
            groups = by_group(th0, th1)
            i0, i1 = k[0]["threads"]
            idle = by_group(i0, i1)
            breakdown.append(f"N={n} M={m}: " + ", ".join(
                f"{name} {(groups[name] / kw['wall'] - idle[name] / k[0]['wall']) * 100:+.1f}" for name in groups))
    lines += [
        "",
        "How: one `dev/bench-camera.py` on the same machine (not counted) serves the source; kvr (`./kvr run "
        "--rtsp`, whole process: it also records the N cameras through embedded Kafka, segmenter and S3) pulls "
        "it N times as cameras `app/stream0..N-1`; GStreamer's peer is `dev/bench-relay.py` (gst-rtsp-server "
        "1.22, per stream one shared media `rtspsrc protocols=tcp latency=0 ! rtph264depay ! rtph264pay`). "
        "Players are `dev/rtsp_players.py`, all in the bench's one Python thread (TCP interleaved; "
        f"{MEASURED_PLAYERS} of them parse RTP for the latency, the rest drain). CPU per viewer = (server's "
        "utime+stime with M players - with none, each over its window) / wall / M; kvr's 0-player window "
        "records the same cameras, GStreamer's does nothing (its media start with their first player, so its "
        "per-viewer figure also carries pulling the source). Latency: the bench plays the source mount too and "
        "matches each relayed unit with the source's copy of that frame by the first bytes of its slice: "
        "relay's first packet - source's last packet (marker) of the unit; p50/p99 over every unit of the "
        f"measured players. kvr's own figure (`kvr_bridge_relay_latency_seconds`, quantiles over the last "
        "minutes) is from the unit's `arrivalTimeMs` to its first packet written. The bench's own CPU (% of one "
        "core, per window): " + ", ".join(f"N={n} M={m} kvr {k[m]['client_cpu']:.0f} / GStreamer "
                                          f"{g[m]['client_cpu']:.0f}" for n, k, g in results for m in viewers) + ".",
        "",
        "Where kvr's extra CPU with players goes (% of one core, whole process, M-player window minus the "
        "0-player window, per thread from `/proc/PID/task/*/stat` by thread name: relay feed readers = the "
        "Kafka consumer of each watched stream (`rtsp-relay-*`), RTSP event loops = packetizing and writing "
        "(`rtsp-io-*`), embedded broker = its request handlers and network threads (`data-plane-kafka-*`), "
        "answering the feeds' fetches): " + "; ".join(breakdown) + ".",
        "",
    ]
    bench.write_report("relay", "\n".join(lines) + "\n")
