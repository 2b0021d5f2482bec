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


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def start_camera():
    p = subprocess.Popen(["/usr/bin/python3", os.path.join(ROOT, "dev/test-camera.py"), "--port", "0"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = p.stdout.readline()
    m = re.match(r"READY (\d+)", line or "")
    if not m:
        p.kill()
        sys.exit("test camera did not start; run ./dev/test once to install GStreamer")
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
    args = [os.path.join(ROOT, "kvr"), "run", "--data", os.path.join(workdir, "kvr-data"),
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
    procs = []
    for i in range(cameras):
        out = os.path.join(workdir, f"ffmpeg-cam{i}")
        os.makedirs(out, exist_ok=True)
        procs.append(subprocess.Popen(
            [ffmpeg, "-nostdin", "-v", "error", "-rtsp_transport", "tcp", "-i", f"rtsp://127.0.0.1:{cam_port}/h264",
             "-c", "copy", "-f", "hls", "-hls_segment_type", "fmp4", "-hls_time", "2", "-hls_list_size", "6",
             os.path.join(out, "index.m3u8")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    try:
        wait_until(lambda: all(os.path.exists(os.path.join(workdir, f"ffmpeg-cam{i}", "index.m3u8"))
                               for i in range(cameras)), 60, "ffmpeg recorders")
        time.sleep(min(warmup, 10))
        c0, t0 = sum(cpu_seconds(p.pid) for p in procs), time.time()
        time.sleep(seconds)
        c1, t1 = sum(cpu_seconds(p.pid) for p in procs), time.time()
        rss = sum(peak_rss_mib(p.pid) for p in procs)
        return {"cpu": c1 - c0, "wall": t1 - t0, "rss": rss}
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()


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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cameras", type=int, default=4)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--warmup", type=int, default=60, help="seconds of recording before measuring kvr (JIT)")
    a = ap.parse_args()
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
