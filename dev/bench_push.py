"""Scenario "push" of ./dev/bench: CPU per 1080p stream pushed to kvr's RTSP server, next to the same streams
pulled by kvr and next to FFmpeg receiving the same pushes, in one run.

For each N in --streams, N `ffmpeg -re -stream_loop -1 -i clip.mp4 -c copy -f rtsp -rtsp_transport tcp`
publishers (the pre-encoded clip of dev/bench-camera.py, 1080p 25 fps ~4 Mb/s, GOP 1 s, remuxed once to MP4; the
publishers' CPU is not counted) push to:
1. kvr: `./kvr run --rtsp 127.0.0.1:PORT publish.open=true`, streams bench/push0..N-1 (whole pipeline: bridge,
   embedded Kafka, segmenter, embedded S3, indexer);
2. kvr pulling N cameras from dev/bench-camera.py's shared /h264 mount (the same clip) instead;
3. N `ffmpeg -rtsp_flags listen -i rtsp://127.0.0.1:PORTk/x -c copy -f hls -hls_segment_type fmp4`, one per
   stream, each on its own port.
"""
import datetime
import os
import shutil
import signal
import subprocess
import tempfile
import time

import bench

ROOT = bench.ROOT
CLIP = os.path.join("/tmp", "kvr-bench-cache", "h264-1920x1080-25fps-4000k-10s.h264")  # dev/bench-camera.py's

GROUPS = [
    ("push threads", lambda n: n.startswith("rtsp-push-")),
    ("RTSP event loops", lambda n: n.startswith("rtsp-io-")),
    ("camera threads", lambda n: n.startswith("camera-") and not n.startswith(("camera-sources", "camera-fleet",
                                                                               "camera-ownersh", "camera-stop-"))),
    ("producer", lambda n: n.startswith("kafka-producer-")),
    ("segmenter", lambda n: n == "segmenter"),
    ("embedded broker", lambda n: n.startswith("data-plane-kaf")),
    ("s3proxy", lambda n: n.startswith("S3Proxy")),
    ("JIT", lambda n: n.startswith(("C1 CompilerThre", "C2 CompilerThre"))),
    ("GC", lambda n: n.startswith(("GC Thread", "G1 "))),
    ("rest", lambda n: True),
]
BRIDGE = ("push threads", "RTSP event loops", "camera threads", "producer")


def by_group(t0, t1):
    out = {name: 0.0 for name, _ in GROUPS}
    for tid, (comm, cpu) in t1.items():
        out[next(name for name, match in GROUPS if match(comm))] += cpu - t0.get(tid, (comm, 0.0))[1]
    return out


def stop_all(procs, timeout=10):
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    deadline = time.time() + timeout
    for p in procs:
        try:
            p.wait(max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def mp4_clip(workdir):
    out = os.path.join(workdir, "clip.mp4")
    subprocess.run([bench.ffmpeg_path(), "-nostdin", "-v", "error", "-y", "-f", "h264", "-framerate", "25", "-i", CLIP,
                    "-c", "copy", out], check=True)
    return out


def publishers(clip, urls, workdir):
    procs = []
    for i, url in enumerate(urls):
        with open(os.path.join(workdir, f"publisher-{i}.log"), "wb") as err:
            procs.append(subprocess.Popen(
                [bench.ffmpeg_path(), "-nostdin", "-v", "error", "-re", "-stream_loop", "-1", "-i", clip, "-c", "copy",
                 "-f", "rtsp", "-rtsp_transport", "tcp", url], stdout=subprocess.DEVNULL, stderr=err))
    return procs


def measure_kvr(n, a, workdir, clip=None, cam_port=None):
    """kvr with n pushed streams (clip given) or n pulled cameras (cam_port given): CPU, threads, units/s."""
    http_port, rtsp_port = bench.free_port(), bench.free_port()
    data = os.path.join(workdir, f"kvr-data-{n}")
    args = [os.path.join(ROOT, "kvr"), "run", "--data", data, "--http", f"127.0.0.1:{http_port}",
            "--kafka-port", "0", "--s3-port", "0"]
    if clip:
        args += ["--rtsp", f"127.0.0.1:{rtsp_port}", "publish.open=true"]
    else:
        for i in range(n):
            args += ["--camera", f"bench/push{i}=rtsp://127.0.0.1:{cam_port}/h264"]
    logf = open(os.path.join(workdir, f"kvr-{'push' if clip else 'pull'}-{n}.log"), "w")
    p = subprocess.Popen(args, stdout=logf, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{http_port}"
    pubs = []
    try:
        bench.wait_until(lambda: bench.http_get(f"{base}/health")[0] == 200, 180, "kvr to start")
        if clip:
            pubs = publishers(clip, [f"rtsp://127.0.0.1:{rtsp_port}/bench/push{i}" for i in range(n)], workdir)
        bench.wait_until(lambda: all(bench.http_get(f"{base}/bench/push{i}/index.m3u8")[0] == 200
                                     for i in range(n)), 120 + 4 * n, "kvr to record every stream")
        time.sleep(a.warmup)
        m0 = bench.metrics(base)
        c0, t0, th0 = bench.cpu_seconds(p.pid), time.time(), bench.thread_cpu(p.pid)
        time.sleep(a.seconds)
        c1, t1, th1 = bench.cpu_seconds(p.pid), time.time(), bench.thread_cpu(p.pid)
        m1 = bench.metrics(base)
        exited = sum(1 for q in pubs if q.poll() is not None)
        return {"cpu": c1 - c0, "wall": t1 - t0, "groups": by_group(th0, th1), "exited": exited,
                "units_per_s": (bench.units_total(m1) - bench.units_total(m0)) / (t1 - t0),
                "rss": bench.peak_rss_mib(p.pid)}
    finally:
        stop_all(pubs)
        stop_all([p], 30)
        logf.close()
        shutil.rmtree(data, ignore_errors=True)


def measure_ffmpeg(n, a, clip, workdir):
    """n `ffmpeg -rtsp_flags listen` receivers, each pushed to by one publisher: their CPU."""
    listeners, pubs = [], []
    urls = [f"rtsp://127.0.0.1:{bench.free_port()}/x" for _ in range(n)]
    try:
        for i, url in enumerate(urls):
            out = os.path.join(workdir, f"ffmpeg-{i}")
            os.makedirs(out, exist_ok=True)
            with open(os.path.join(workdir, f"listener-{i}.log"), "wb") as err:
                listeners.append(subprocess.Popen(
                    [bench.ffmpeg_path(), "-nostdin", "-v", "error", "-rtsp_flags", "listen", "-i", url, "-c", "copy",
                     "-f", "hls", "-hls_segment_type", "fmp4", "-hls_time", "2", "-hls_list_size", "6",
                     os.path.join(out, "index.m3u8")], stdout=subprocess.DEVNULL, stderr=err))
        time.sleep(1)  # the listeners bind their ports
        pubs = publishers(clip, urls, workdir)
        bench.wait_until(lambda: all(os.path.exists(os.path.join(workdir, f"ffmpeg-{i}", "index.m3u8"))
                                     for i in range(n)), 60, "the ffmpeg receivers to write playlists")
        time.sleep(min(a.warmup, 10))
        c0, t0 = sum(bench.cpu_seconds(q.pid) for q in listeners), time.time()
        time.sleep(a.seconds)
        c1, t1 = sum(bench.cpu_seconds(q.pid) for q in listeners), time.time()
        exited = sum(1 for q in listeners + pubs if q.poll() is not None)
        return {"cpu": c1 - c0, "wall": t1 - t0, "exited": exited}
    finally:
        stop_all(pubs)
        stop_all(listeners)


def run(a):
    streams = [int(x) for x in a.streams.split(",") if x.strip()]
    workdir = tempfile.mkdtemp(prefix="kvr-bench-push-")
    cam, cam_port = bench.start_camera("dev/bench-camera.py")  # also encodes CLIP on first use
    rows, load = [], []
    try:
        clip = mp4_clip(workdir)
        for n in streams:
            bench.log(f"kvr: {n} pushed stream(s), {a.warmup} s warm-up, {a.seconds} s measured")
            push = measure_kvr(n, a, workdir, clip=clip)
            bench.log(f"kvr push {n}: cpu {push['cpu']:.1f} s / {push['wall']:.1f} s, units/s {push['units_per_s']:.1f}")
            bench.log(f"kvr: {n} pulled camera(s)")
            pull = measure_kvr(n, a, workdir, cam_port=cam_port)
            bench.log(f"kvr pull {n}: cpu {pull['cpu']:.1f} s / {pull['wall']:.1f} s, units/s {pull['units_per_s']:.1f}")
            bench.log(f"ffmpeg: {n} receiver(s)")
            ff = measure_ffmpeg(n, a, clip, workdir)
            bench.log(f"ffmpeg {n}: cpu {ff['cpu']:.1f} s / {ff['wall']:.1f} s")
            rows.append((n, push, pull, ff))
            load.append(os.getloadavg()[0])
    finally:
        stop_all([cam])
        shutil.rmtree(workdir, ignore_errors=True)

    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"## Push: N streams of 1920x1080 25 fps H.264 ~4 Mb/s (GOP 1 s) pushed over RTSP/TCP, {a.seconds} s "
        f"measured after {a.warmup} s of warm-up\n",
        f"Machine: {bench.machine()}. Run: {when}. Load average (1 min) after each N: "
        f"{' / '.join(f'{x:.1f}' for x in load)} (other builds and tests shared the machine).\n",
        "| N | kvr, pushed: CPU/stream (% of one core) | of which bridge (push threads + RTSP event loops + producer) "
        "| kvr, pulled: CPU/stream | of which bridge (camera threads + producer) | ffmpeg receiving the push: "
        "CPU/stream | ratio pushed / pulled (whole kvr) | ratio pushed / ffmpeg (whole kvr) | ratio bridge pushed "
        "/ ffmpeg | kept up (AU/s per stream, pushed / pulled) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    breakdown = []
    for n, push, pull, ff in rows:
        pc = push["cpu"] / push["wall"] / n * 100
        lc = pull["cpu"] / pull["wall"] / n * 100
        fc = ff["cpu"] / ff["wall"] / n * 100
        pb = sum(push["groups"][g] for g in BRIDGE) / push["wall"] / n * 100
        lb = sum(pull["groups"][g] for g in BRIDGE) / pull["wall"] / n * 100
        notes = ""
        if push["exited"] or ff["exited"]:
            notes = f" ({push['exited']} kvr publishers, {ff['exited']} ffmpeg processes exited early)"
        lines.append(f"| {n} | {pc:.1f} | {pb:.1f} | {lc:.1f} | {lb:.1f} | {fc:.1f} | {pc / lc:.2f}x | "
                     f"{pc / fc:.2f}x | **{pb / fc:.2f}x** | {push['units_per_s'] / n:.1f} / "
                     f"{pull['units_per_s'] / n:.1f}{notes} |")
        for label, r in (("pushed", push), ("pulled", pull)):
            breakdown.append(f"N={n} {label}: " + ", ".join(
                f"{g} {v / r['wall'] * 100:.1f}" for g, v in r["groups"].items() if v > 0))
    lines += [
        "",
        "How: the publishers are `ffmpeg -re -stream_loop -1 -i clip.mp4 -c copy -f rtsp -rtsp_transport tcp`, "
        "one per stream (dev/bench-camera.py's pre-encoded clip remuxed to MP4; not counted). kvr is one process "
        "(bridge, embedded Kafka, segmenter, embedded S3, indexer, edge) with a fresh data directory per run: "
        "pushed = `./kvr run --rtsp 127.0.0.1:PORT publish.open=true` taking the N pushes, pulled = the same kvr "
        "with N `--camera` pulling dev/bench-camera.py's shared /h264 mount (the same clip). The peer is one "
        "`ffmpeg -rtsp_flags listen -i rtsp://127.0.0.1:PORTk/x -c copy -f hls -hls_segment_type fmp4 "
        "-hls_time 2` per stream. CPU = utime+stime over the window / wall / N. The bridge columns count only "
        "the threads that receive and hand the units to Kafka, which is what ffmpeg's receiver does (it writes "
        "local files instead of a broker and object storage); kvr's other threads record. Kept up: "
        "`kvr_bridge_access_units_total` per second per stream (25 expected).",
        "",
        "Where kvr's CPU goes (% of one core, whole process, per thread from `/proc/PID/task/*/stat` by thread "
        "name): " + "; ".join(breakdown) + ".",
        "",
    ]
    bench.write_report("push", "\n".join(lines) + "\n")
