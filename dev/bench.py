"""Benchmark harness behind ./dev/bench: runs kvr and its peer in the same run, writes BENCHMARKS.md."""
import argparse
import datetime
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLK_TCK = os.sysconf("SC_CLK_TCK")


def log(msg):
    print(f"[dev/bench] {msg}", flush=True)


def cpu_seconds(pid):
    """utime + stime of a process and its waited-for children, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / CLK_TCK


def thread_cpu(pid):
    """{tid: (thread name as Linux keeps it, first 15 characters), utime + stime seconds)} of a process."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                comm = f.read().strip()
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the thread ended
        out[tid] = (comm, (int(fields[11]) + int(fields[12])) / CLK_TCK)
    return out


# kvr's threads by what they do, from their names (first match wins; Linux keeps 15 characters of a name)
THREAD_GROUPS = [
    ("camera threads", lambda n: n.startswith("camera-") and not n.startswith(("camera-sources", "camera-fleet",
                                                                               "camera-ownersh", "camera-stop-"))),
    ("producer", lambda n: n.startswith("kafka-producer-")),
    ("segmenter", lambda n: n == "segmenter"),
    ("s3proxy", lambda n: n.startswith("S3Proxy")),
    ("JIT", lambda n: n.startswith(("C1 CompilerThre", "C2 CompilerThre"))),
    ("GC", lambda n: n.startswith(("GC Thread", "G1 "))),
    ("indexer", lambda n: n.startswith("kvr-indexer")),
    ("rest", lambda n: True),  # embedded broker, control-plane consumers, HTTP, virtual-thread carriers
]


def cpu_by_group(t0, t1):
    """CPU seconds per THREAD_GROUPS name between two thread_cpu samples (threads born in between count from 0)."""
    out = {name: 0.0 for name, _ in THREAD_GROUPS}
    for tid, (comm, cpu) in t1.items():
        used = cpu - t0.get(tid, (comm, 0.0))[1]
        out[next(name for name, match in THREAD_GROUPS if match(comm))] += used
    return out


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def start_camera(script="dev/test-camera.py"):
    """Starts a GStreamer RTSP camera script on a free port; returns (process, port)."""
    return start_camera_args(script, [])


def start_camera_args(script, args):
    """Starts a GStreamer RTSP server script (READY protocol of dev/test-camera.py) with args on a free port."""
    p = subprocess.Popen(["/usr/bin/python3", os.path.join(ROOT, script), "--port", "0", *args],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = p.stdout.readline()
    m = re.match(r"READY (\d+)", line or "")
    if not m:
        p.kill()
        sys.exit(f"{script} did not start; run ./dev/test once to install GStreamer")
    return p, int(m.group(1))


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, r.read()


def wait_until(predicate, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if predicate():
                return
        except Exception:
            pass
        time.sleep(0.5)
    raise SystemExit(f"timed out waiting for {what}")


def bench_kvr(cam_port, cameras, seconds, warmup, workdir):
    http_port = free_port()
    args = [os.path.join(ROOT, "kvr"), "run", "--data", os.path.join(workdir, f"kvr-data-{cameras}"),
            "--http", f"127.0.0.1:{http_port}", "--kafka-port", "0", "--s3-port", "0"]
    for i in range(cameras):
        args += ["--camera", f"bench/cam{i}=rtsp://127.0.0.1:{cam_port}/h264"]
    logf = open(os.path.join(workdir, "kvr.log"), "w")
    p = subprocess.Popen(args, stdout=logf, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{http_port}"
        if cameras:
            wait_until(lambda: all(http_get(f"{base}/bench/cam{i}/index.m3u8")[0] == 200 for i in range(cameras)),
                       120, "kvr to record every camera")
        else:
            wait_until(lambda: http_get(f"{base}/health")[0] == 200, 120, "kvr to start")
        # the JIT compiles for about a minute after start; measure the steady state
        time.sleep(warmup)
        c0, t0 = cpu_seconds(p.pid), time.time()
        time.sleep(seconds)
        c1, t1 = cpu_seconds(p.pid), time.time()
        rss = peak_rss_mib(p.pid)
        return {"cpu": c1 - c0, "wall": t1 - t0, "rss": rss}
    finally:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(30)
        except subprocess.TimeoutExpired:
            p.kill()
        logf.close()


def ffmpeg_path():
    out = subprocess.run([os.path.join(ROOT, "kvr"), "tool", "ffmpeg"], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def bench_ffmpeg(cam_port, cameras, seconds, warmup, workdir):
    ffmpeg = ffmpeg_path()
    procs, logs = [], []
    for i in range(cameras):
        out = os.path.join(workdir, f"ffmpeg-cam{i}")
        os.makedirs(out, exist_ok=True)
        logs.append(os.path.join(workdir, f"ffmpeg-cam{i}.log"))
        with open(logs[-1], "wb") as err:
            procs.append(subprocess.Popen(
                [ffmpeg, "-nostdin", "-v", "error", "-rtsp_transport", "tcp", "-i", f"rtsp://127.0.0.1:{cam_port}/h264",
                 "-c", "copy", "-f", "hls", "-hls_segment_type", "fmp4", "-hls_time", "2", "-hls_list_size", "6",
                 os.path.join(out, "index.m3u8")], stdout=subprocess.DEVNULL, stderr=err))
    try:
        def recorders_exited():
            # a recorder that exits (e.g. its RTSP session refused) is reported with its last words, not waited on
            exited = [i for i, p in enumerate(procs) if p.poll() is not None]
            if exited:
                with open(logs[exited[0]], errors="replace") as f:
                    last = " | ".join(line.strip() for line in f.readlines()[-3:]) or "(no output)"
                raise SystemExit(f"{len(exited)} of {cameras} ffmpeg recorders exited "
                                 f"(first: cam{exited[0]}, exit code {procs[exited[0]].returncode}: {last}); "
                                 "no ffmpeg figure")

        deadline = time.time() + 60
        while not all(os.path.exists(os.path.join(workdir, f"ffmpeg-cam{i}", "index.m3u8")) for i in range(cameras)):
            recorders_exited()
            if time.time() > deadline:
                raise SystemExit("timed out waiting for ffmpeg recorders")
            time.sleep(0.5)
        time.sleep(min(warmup, 10))
        c0, t0 = sum(cpu_seconds(p.pid) for p in procs), time.time()
        time.sleep(seconds)
        recorders_exited()
        c1, t1 = sum(cpu_seconds(p.pid) for p in procs), time.time()
        rss = sum(peak_rss_mib(p.pid) for p in procs)
        return {"cpu": c1 - c0, "wall": t1 - t0, "rss": rss}
    finally:
        # one deadline for all: waiting 10 s per recorder in turn took minutes at 64 cameras
        for p in procs:
            p.send_signal(signal.SIGTERM)
        deadline = time.time() + 10
        for p in procs:
            try:
                p.wait(max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    java = subprocess.run([os.path.join(ROOT, "dev/java-home")], capture_output=True, text=True).stdout.strip()
    return f"{os.cpu_count()} cores ({model}), {mem:.0f} GiB RAM, {platform.system()} {platform.release()}, JDK {os.path.basename(java)}"


def write_report(section, table):
    path = os.path.join(ROOT, "BENCHMARKS.md")
    text = open(path).read() if os.path.exists(path) else (
        "# Benchmarks\n\nWritten by `./dev/bench`. Each scenario runs kvr and its peer in the same run on the same "
        "machine; ratios are kvr / peer (lower is better for CPU and memory).\n")
    start = text.find(f"<!-- {section} -->")
    end = text.find(f"<!-- /{section} -->")
    block = f"<!-- {section} -->\n{table}<!-- /{section} -->\n"
    text = text[:start] + block + text[end + len(f"<!-- /{section} -->\n"):] if start >= 0 and end >= 0 else text + "\n" + block
    with open(path, "w") as f:
        f.write(text)
    log(f"wrote {path}")


# ---------------------------------------------------------------------------------------------------------------
# Scenario "ingest": N cameras of 1080p 25 fps ~4 Mb/s H.264 (dev/bench-camera.py loops a pre-encoded clip).

FPS = 25


METRIC = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)')
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def metrics(base):
    """Prometheus text of /metrics as [(name, {label: value}, float)]."""
    out = []
    for line in http_get(f"{base}/metrics", timeout=10)[1].decode().splitlines():
        m = METRIC.match(line)
        if not m or line.startswith("#"):
            continue
        try:
            out.append((m.group(1), dict(LABEL.findall(m.group(2) or "")), float(m.group(3))))
        except ValueError:
            pass
    return out


def heap_used(ms):
    return sum(v for n, l, v in ms if n == "jvm_memory_used_bytes" and l.get("area") == "heap")


def units_total(ms):
    return sum(v for n, l, v in ms if n.startswith("kvr_bridge_access_units") and n.endswith("_total"))


def ack_quantiles(m0, m1, q):
    """Per camera, quantile q of kvr_bridge_capture_to_ack_seconds over the window between the samples m0 and
    m1: from the client-side quantile series when kvr publishes them, else from the histogram buckets' increase
    (linear within a bucket)."""
    direct = [v for n, l, v in m1 if n == "kvr_bridge_capture_to_ack_seconds" and l.get("quantile") == str(q)]
    if direct:
        return direct
    def buckets(ms):
        out = {}
        for n, l, v in ms:
            if n == "kvr_bridge_capture_to_ack_seconds_bucket":
                out.setdefault(l.get("stream"), {})[float(l["le"])] = v
        return out
    b0, b1 = buckets(m0), buckets(m1)
    result = []
    for stream, bs in b1.items():
        les = sorted(bs)
        cum = [bs[le] - b0.get(stream, {}).get(le, 0) for le in les]
        total = cum[-1] if cum else 0
        if total <= 0:
            continue
        target, prev_le, prev_c = q * total, 0.0, 0.0
        for le, c in zip(les, cum):
            if c >= target:
                if le == float("inf"):
                    result.append(prev_le)
                else:
                    result.append(prev_le + (le - prev_le) * ((target - prev_c) / (c - prev_c) if c > prev_c else 1))
                break
            prev_le, prev_c = le, c
    return result


def live_after_gc(ms):
    return sum(v for n, l, v in ms if n == "jvm_gc_live_data_size_bytes")


def median(xs):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    mid = len(xs) // 2
    return xs[mid] if len(xs) % 2 else (xs[mid - 1] + xs[mid]) / 2


def camera_states(base):
    body = http_get(f"{base}/v1/cameras", timeout=10)[1].decode()
    states = {}
    for st in re.findall(r'"state"\s*:\s*"([^"]+)"', body):
        states[st] = states.get(st, 0) + 1
    return states


def bench_kvr_ingest(cam_port, cameras, seconds, warmup, workdir):
    """kvr with `cameras` cameras on the shared /h264 mount: CPU, heap samples, ack latency, units/s, states."""
    http_port = free_port()
    data = os.path.join(workdir, f"kvr-ingest-data-{cameras}")
    args = [os.path.join(ROOT, "kvr"), "run", "--data", data,
            "--http", f"127.0.0.1:{http_port}", "--kafka-port", "0", "--s3-port", "0"]
    for i in range(cameras):
        args += ["--camera", f"bench/cam{i}=rtsp://127.0.0.1:{cam_port}/h264"]
    logf = open(os.path.join(workdir, f"kvr-ingest-{cameras}.log"), "w")
    p = subprocess.Popen(args, stdout=logf, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{http_port}"
    try:
        wait_until(lambda: http_get(f"{base}/health")[0] == 200, 180, "kvr to start")
        if cameras:
            # with many cameras on a small machine some may never get there: wait a bounded time, then measure
            try:
                wait_until(lambda: all(http_get(f"{base}/bench/cam{i}/index.m3u8")[0] == 200
                                       for i in range(cameras)), 60 + cameras * 2, "kvr to record every camera")
            except SystemExit as e:
                log(f"warning: {e}; measuring anyway")
        time.sleep(warmup)
        m0 = metrics(base)
        c0, t0, th0 = cpu_seconds(p.pid), time.time(), thread_cpu(p.pid)
        heaps = []
        while time.time() < t0 + seconds:
            time.sleep(min(5, max(0.1, t0 + seconds - time.time())))
            try:
                heaps.append(heap_used(metrics(base)))
            except Exception:
                pass
        c1, t1, th1 = cpu_seconds(p.pid), time.time(), thread_cpu(p.pid)
        m1 = metrics(base)
        states = camera_states(base) if cameras else {}
        return {"cpu": c1 - c0, "wall": t1 - t0, "groups": cpu_by_group(th0, th1), "heap_avg": sum(heaps) / max(1, len(heaps)),
                "heap_end": heap_used(m1), "units_per_s": (units_total(m1) - units_total(m0)) / (t1 - t0),
                "p50": ack_quantiles(m0, m1, 0.5), "p99": ack_quantiles(m0, m1, 0.99), "states": states,
                "live": live_after_gc(m1),
                "rss": peak_rss_mib(p.pid)}
    finally:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(30)
        except subprocess.TimeoutExpired:
            p.kill()
        logf.close()
        shutil.rmtree(data, ignore_errors=True)


def ingest(a):
    counts = [int(x) for x in a.counts.split(",") if x.strip()]
    workdir = tempfile.mkdtemp(prefix="kvr-bench-ingest-")
    cam, port = start_camera("dev/bench-camera.py")
    rows = []
    try:
        log("kvr with no camera, for its baseline heap")
        idle = bench_kvr_ingest(port, 0, min(a.seconds, 20), min(a.warmup, 30), workdir)
        log(f"kvr idle: heap avg {idle['heap_avg'] / 2**20:.0f} MiB, end {idle['heap_end'] / 2**20:.0f} MiB, "
            f"live after GC {idle['live'] / 2**20:.0f} MiB")
        for n in counts:
            log(f"kvr: {n} camera(s) of 1080p H.264, {a.warmup} s warm-up, {a.seconds} s measured")
            k = bench_kvr_ingest(port, n, a.seconds, a.warmup, workdir)
            log(f"kvr {n}: cpu {k['cpu']:.1f} s / {k['wall']:.1f} s, heap avg {k['heap_avg'] / 2**20:.0f} MiB, "
                f"live after GC {k['live'] / 2**20:.0f} MiB, units/s {k['units_per_s']:.1f} (expected {n * FPS}), "
                f"states {k['states']}, ack p50 {k['p50']} p99 {k['p99']}")
            log(f"ffmpeg: {n} recorder(s)")
            try:
                f = bench_ffmpeg(port, n, a.seconds, a.warmup, workdir)
                log(f"ffmpeg {n}: cpu {f['cpu']:.1f} s / {f['wall']:.1f} s")
            except SystemExit as e:
                # kvr's figures for this N still stand; the table says why the peer's are missing
                f = {"error": str(e)}
                log(f"ffmpeg {n}: {e}")
            rows.append((n, k, f))
    finally:
        cam.terminate()
        try:
            cam.wait(10)
        except subprocess.TimeoutExpired:
            cam.kill()
        shutil.rmtree(workdir, ignore_errors=True)

    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"## Ingest: N cameras of 1920x1080 25 fps H.264 ~4 Mb/s (GOP 1 s) over RTSP/TCP, {a.seconds} s measured "
        f"after {a.warmup} s of warm-up\n",
        f"Machine: {machine()}. Run: {when}. Source: `dev/bench-camera.py` (one shared RTSP mount looping a "
        "pre-encoded clip, no live encoding; it runs on the same machine and its CPU is not counted).\n",
        "Targets: kvr's whole pipeline (bridge through segment upload) at most **1.0x** ffmpeg's CPU per "
        "camera and at most **8 MiB** heap per camera.\n",
        "| N | kvr CPU/camera (% of one core) | ffmpeg CPU/camera | ratio kvr / ffmpeg | of which bridge (camera "
        "threads + producer)/camera, / ffmpeg | kvr heap/camera (MiB) "
        "| kvr old-gen live after GC/camera (MiB) | capture→ack p50 / p99 (ms) | kvr kept up? | CPU target "
        "| heap target |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|",
    ]
    breakdown = []
    for n, k, f in rows:
        kc = k["cpu"] / k["wall"] / n * 100
        fc = f["cpu"] / f["wall"] / n * 100 if "error" not in f else None
        ratio = kc / fc if fc else None
        heap = (k["heap_avg"] - idle["heap_avg"]) / n / 2**20
        # jvm_gc_live_data_size_bytes is 0 until the first old-generation collection: no baseline, no figure
        live = (k["live"] - idle["live"]) / n / 2**20 if idle["live"] > 0 and k["live"] > 0 else None
        p50, p99 = median(k["p50"]) * 1000, median(k["p99"]) * 1000
        p99max = max(k["p99"]) * 1000 if k["p99"] else float("nan")
        rate = k["units_per_s"] / n
        streaming = k["states"].get("streaming", 0)
        ok = rate >= 0.9 * FPS and streaming == n
        kept = (f"yes ({rate:.1f} AU/s per camera, {streaming}/{n} streaming)" if ok else
                f"**overloaded**: {rate:.1f} of {FPS} AU/s per camera, states {k['states']}")
        groups = {g: v / k["wall"] * 100 for g, v in k["groups"].items()}  # % of one core, whole process
        bridge = (groups["camera threads"] + groups["producer"]) / n
        bridge_cell = f"{bridge:.2f} ({'n/a' if fc is None else f'{bridge / fc:.2f}x'})"
        breakdown.append(f"N={n}: " + ", ".join(f"{g} {v:.1f}" for g, v in groups.items()))
        peer = f"n/a ({f['error']})" if fc is None else f"{fc:.1f}"
        cpu_target = "n/a" if ratio is None else "met" if ratio <= 1.0 else "not met"
        lines.append(f"| {n} | {kc:.1f} | {peer} | {'n/a' if ratio is None else f'{ratio:.2f}x'} | {bridge_cell} | {heap:.1f} | {'n/a' if live is None else f'{live:.1f}'} | {p50:.0f} / {p99:.0f} "
                     f"(worst camera p99 {p99max:.0f}) | {kept} | {cpu_target} "
                     f"| {'met' if max(heap, live or 0) <= 8 else 'not met'} |")
    lines += [
        "",
        "How: kvr is one process (bridge, embedded Kafka, segmenter, embedded S3, indexer, edge) with a fresh data "
        "directory per N; CPU is its utime+stime over the measured window / wall time / N. The peer is one "
        "`ffmpeg -rtsp_transport tcp -i URL -c copy -f hls -hls_segment_type fmp4 -hls_time 2` per camera (CPU "
        "summed over the processes / wall time / N). Heap per camera = (mean over the window of the sum of "
        "`jvm_memory_used_bytes{area=\"heap\"}`, sampled every 5 s from `/metrics`, minus the same for kvr with no "
        f"camera ({idle['heap_avg'] / 2**20:.0f} MiB), measured once) / N; heap used includes garbage not yet "
        "collected, so it depends on the collector and on when it last ran (with few cameras it is noise, can be "
        "negative). The second heap column uses `jvm_gc_live_data_size_bytes` (old generation after the last "
        f"collection; idle kvr: {idle['live'] / 2**20:.0f} MiB) the same way; n/a when either kvr had not yet run an "
        "old-generation collection (the gauge is 0 until then). The heap target counts as met only if both "
        "figures are within it. Latency: the increase of the histogram "
        "`kvr_bridge_capture_to_ack_seconds_bucket{stream}` over the measured window (kvr publishes buckets, not "
        "quantiles), p50/p99 interpolated within a bucket per camera, then the median over cameras (and the worst "
        "camera's p99). \"Kept up\" compares access units/s "
        "(`kvr_bridge_access_units_total`) with 25 per camera and checks every camera is `streaming` in "
        "`/v1/cameras`.",
        "",
        "Where kvr's CPU goes (% of one core, whole process, over the same window; per thread from "
        "`/proc/PID/task/*/stat`, grouped by thread name: camera threads = RTSP reading, FFmpeg demuxing and the "
        "hand-off to Kafka; producer = the Kafka producer's network thread; rest = the embedded broker, "
        "control-plane consumers, HTTP and virtual-thread carriers): " + "; ".join(breakdown) + ". The bridge "
        "column compares the bridge's own threads with ffmpeg's whole recorder: ffmpeg does the same RTSP reading "
        "and demuxing and writes local files; kvr's other threads (broker, segmenter, S3, index) do what ffmpeg "
        "does not.",
        "",
    ]
    write_report("ingest", "\n".join(lines) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", choices=["record", "ingest", "segmenter", "edge", "export", "relay", "push"], default="record")
    ap.add_argument("--copies", type=int, default=25, help="segmenter: copies of the recorded media topic to replay")
    ap.add_argument("--counts", default="1,16,64", help="ingest: camera counts to run, comma-separated")
    ap.add_argument("--cameras", type=int, default=4)
    ap.add_argument("--streams", default=None, help="relay, push: stream counts, comma-separated")
    ap.add_argument("--viewers", default="1,64", help="relay: player counts, comma-separated")
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--connections", type=int, default=32, help="edge: wrk connections")
    ap.add_argument("--compare-ref", help="edge: also build this git revision's kvr and measure it first, the same way")
    ap.add_argument("--minutes", type=float, default=10, help="export: minutes of recording to export")
    ap.add_argument("--largest-minutes", type=float, default=0,
                    help="export: also record this many minutes the same way for the exporter-alone MB/s and heap")
    ap.add_argument("--largest-source", choices=["bench", "small"], default="bench",
                    help="export: what --largest-minutes loops: the 1080p 4 Mb/s camera, or dev/test-camera.py's "
                         "640x360 ~0.9 Mb/s /h264aac (a 24 h recording then fits on this machine's disk)")
    ap.add_argument("--repeat", type=int, default=3, help="export: timed runs of each exporter (best reported)")
    ap.add_argument("--keep", action="store_true", help="export: keep the work directory (logs)")
    ap.add_argument("--warmup", type=int, default=60, help="seconds of recording before measuring kvr (JIT)")
    a = ap.parse_args()
    if a.scenario == "ingest":
        return ingest(a)
    if a.scenario == "edge":
        import bench_edge  # dev/bench_edge.py
        return bench_edge.run(a)
    if a.scenario == "export":
        import bench_export  # dev/bench_export.py
        return bench_export.run(a)
    if a.scenario == "relay":
        import bench_relay  # dev/bench_relay.py
        a.streams = a.streams or "1,16"
        return bench_relay.run(a)
    if a.scenario == "push":
        import bench_push  # dev/bench_push.py
        a.streams = a.streams or "1,8"
        return bench_push.run(a)
    if a.scenario == "segmenter":
        import bench_segmenter  # dev/bench_segmenter.py
        return bench_segmenter.run(a)
    workdir = tempfile.mkdtemp(prefix="kvr-bench-")
    cam, port = start_camera()
    try:
        log(f"recording {a.cameras} camera(s) for {a.seconds} s with kvr")
        k = bench_kvr(port, a.cameras, a.seconds, a.warmup, workdir)
        log(f"kvr: {k}")
        log(f"kvr with no cameras (its fixed cost) for {a.seconds} s")
        k0 = bench_kvr(port, 0, a.seconds, a.warmup, workdir)
        log(f"kvr idle: {k0}")
        log(f"recording {a.cameras} camera(s) for {a.seconds} s with ffmpeg -c copy -f hls")
        f = bench_ffmpeg(port, a.cameras, a.seconds, a.warmup, workdir)
        log(f"ffmpeg: {f}")
    finally:
        cam.terminate()
        cam.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)
    n = a.cameras
    kc, fc = k["cpu"] / n / k["wall"] * 100, f["cpu"] / n / f["wall"] * 100
    k0c = k0["cpu"] / k0["wall"] * 100
    kmc = (k["cpu"] / k["wall"] - k0["cpu"] / k0["wall"]) / n * 100
    kmr = max(0.0, (k["rss"] - k0["rss"]) / n)
    kr, fr = k["rss"] / n, f["rss"] / n
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    table = (
        f"## Record: {n} camera(s), 640x360 25 fps H.264 ~800 kb/s over RTSP/TCP, {a.seconds} s measured after {a.warmup} s of warm-up\n\n"
        f"Machine: {machine()}. Run: {when}.\n\n"
        "| recorder | CPU per camera (% of one core) | peak RSS per camera (MiB) |\n|---|---:|---:|\n"
        f"| kvr (one process: bridge, embedded Kafka, segmenter, embedded S3, indexer, edge) | {kc:.1f} | {kr:.0f} |\n"
        f"| ffmpeg `-rtsp_transport tcp -c copy -f hls -hls_segment_type fmp4 -hls_time 2`, one per camera | {fc:.1f} | {fr:.0f} |\n"
        f"| **ratio kvr / ffmpeg** | **{kc / fc:.2f}x** | **{kr / fr:.1f}x** |\n"
        f"| kvr with no camera (fixed cost of the process) | {k0c:.1f} (whole process) | {k0['rss']:.0f} (whole process) |\n"
        f"| kvr, marginal cost of one more camera ((N cameras - none) / N) | {kmc:.1f} | {kmr:.0f} |\n"
        f"| **ratio, marginal kvr / ffmpeg** | **{kmc / fc:.2f}x** | **{kmr / fr:.1f}x** |\n\n"
        "kvr's figures include the embedded Kafka broker and S3 server and the JVM's fixed cost, shared by the "
        "cameras; with few cameras that fixed cost dominates the per-camera numbers.\n\n")
    write_report("record", table)


if __name__ == "__main__":
    main()
