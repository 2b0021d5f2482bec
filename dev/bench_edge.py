"""Scenario "edge" of ./dev/bench: the HLS edge's req/s next to nginx serving the same bytes from disk.

One kvr process records dev/bench-camera.py's /h264 (1080p ~4 Mb/s) with a recording policy of 4 s segments
(~2 MB each) for --warmup seconds. dev/EdgeBenchIndex.java then announces an hour of segments (copies of a recorded
one) ending before the recording started, so a past 1 h range playlist has a full hour of segments without
recording for an hour. The live playlist, that past hour's range playlist, a range from 50 min ago to 10 min ahead (still growing) and the
largest segment of the live window are fetched once and written to a directory that nginx serves as static files.
wrk (loopback, --connections connections, --seconds each, after an unmeasured 5 s pass) loads kvr's URL and nginx's copy of it in turn: req/s,
MB/s and p99 latency, and the ratio kvr / nginx. Installs nginx-light and wrk via apt-get when missing.

With --compare-ref REF, the kvr of git revision REF is built first (in a temporary git worktree outside the
repository, removed afterwards) and measured in the same run, before the current kvr: the same camera, recorded the
same way, the same hour of history placed the same way relative to its recording, the same URLs and wrk settings.
Only one kvr runs at a time. The table then has the old kvr's columns and the ratios new / nginx, old / nginx and
new / old.
"""
import contextlib
import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

import bench

ROOT = bench.ROOT
SEGMENT_MS = 4000  # with the bench camera's ~4 Mb/s: ~2 MB segments
# an unmeasured wrk pass per URL and server first: the measured one sees JIT-compiled code, not the compiler at work
WARMUP_SECONDS = 5
NAMES = ("live", "range", "open", "segment")


def java():
    return os.path.join(subprocess.run([os.path.join(ROOT, "dev/java-home")], capture_output=True, text=True,
                                       check=True).stdout.strip(), "bin", "java")


def classpath(kvr_root):
    return f"{kvr_root}/launcher/target/kvr-launcher.jar:{kvr_root}/launcher/target/lib/*"


def http_put(url, body):
    import urllib.request
    req = urllib.request.Request(url, data=body.encode(), method="PUT", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status


def playlist_segments(text):
    return [l for l in text.decode().splitlines() if l and not l.startswith("#")]


def ensure_tools():
    missing = [p for p, exe in (("nginx-light", "nginx"), ("wrk", "wrk")) if not shutil.which(exe)
               and not os.path.exists(f"/usr/sbin/{exe}")]
    if missing:
        bench.log(f"apt-get install {' '.join(missing)}")
        sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
        subprocess.run(sudo + ["apt-get", "-q", "-y", "update"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(sudo + ["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "-q", "-y", "install", *missing],
                       check=True, stdout=subprocess.DEVNULL)


def nginx_exe():
    return shutil.which("nginx") or "/usr/sbin/nginx"


def start_nginx(root, port, workdir):
    conf = os.path.join(workdir, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""daemon off;
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  sendfile on;
  types {{ application/vnd.apple.mpegurl m3u8; video/iso.segment m4s; }}
  client_body_temp_path {workdir}/nginx-tmp;
  server {{ listen 127.0.0.1:{port}; root {root}; }}
}}
""")
    os.makedirs(os.path.join(workdir, "nginx-tmp"), exist_ok=True)
    p = subprocess.Popen([nginx_exe(), "-c", conf, "-p", workdir], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        bench.wait_until(lambda: bench.http_get(f"http://127.0.0.1:{port}/live.m3u8")[0] == 200, 20, "nginx")
    except SystemExit:
        p.terminate()
        raise
    return p


UNITS = {"": 1, "k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9, "KB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3, "B": 1}


def wrk(url, seconds, connections):
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    m = re.search(r"Transfer/sec:\s+([\d.]+)(\w+)", out)
    mbs = float(m.group(1)) * UNITS[m.group(2)] / 1e6
    m = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    p99 = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "mbs": mbs, "p99": p99, "non2xx": int(errors.group(1)) if errors else 0}


def load_1min():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def git(*args):
    return subprocess.run(["git", "-C", ROOT, *args], capture_output=True, text=True, check=True).stdout.strip()


def describe_head():
    """This tree's revision as the table names it: short hash, and whether files differ from it (BENCHMARKS.md,
    which the bench itself writes, aside)."""
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)BENCHMARKS.md")
    return f"`{git('rev-parse', '--short', 'HEAD')}`" + (" with local changes" if dirty else "")


@contextlib.contextmanager
def ref_build(ref):
    """Checks out git revision `ref` in a temporary worktree outside the repository and builds its launcher;
    yields (worktree, short hash, subject). The worktree is removed afterwards."""
    sha = git("rev-parse", "--verify", f"{ref}^{{commit}}")
    short, subject = git("rev-parse", "--short", sha), git("log", "-1", "--format=%s", sha)
    parent = tempfile.mkdtemp(prefix="kvr-bench-ref-")
    tree = os.path.join(parent, "kvr")
    try:
        bench.log(f"building kvr at {short} ({subject}) in {tree}")
        git("worktree", "add", "--detach", tree, sha)
        java_home = os.path.join(tree if os.path.exists(os.path.join(tree, "dev/java-home")) else ROOT, "dev/java-home")
        env = dict(os.environ, JAVA_HOME=subprocess.run([java_home], capture_output=True, text=True,
                                                        check=True).stdout.strip())
        # package, not install: the local Maven repository keeps the current tree's artifacts
        build = subprocess.run(["mvn", "-B", "-o", "-q", "-DskipTests", "-pl", "launcher", "-am", "package"],
                               cwd=tree, env=env, capture_output=True, text=True)
        if build.returncode != 0:
            raise SystemExit(f"building {short} failed:\n{(build.stdout + build.stderr)[-3000:]}")
        yield tree, short, subject
    finally:
        subprocess.run(["git", "-C", ROOT, "worktree", "remove", "--force", tree], capture_output=True)
        shutil.rmtree(parent, ignore_errors=True)
        subprocess.run(["git", "-C", ROOT, "worktree", "prune"], capture_output=True)


@contextlib.contextmanager
def recording_kvr(kvr_root, name, cam_port, a, workdir):
    """Starts the kvr of `kvr_root` with fresh data, records the camera for --warmup seconds with 4 s segments,
    gives its index a past hour of segments ending 10 s before the recording started, and yields the URLs to
    measure and their bodies; stops kvr (and waits for it to exit) afterwards."""
    http_port, kafka_port = bench.free_port(), bench.free_port()
    logf = open(os.path.join(workdir, f"kvr-{name}.log"), "w")
    kvr = subprocess.Popen([os.path.join(kvr_root, "kvr"), "run", "--data", os.path.join(workdir, f"data-{name}"),
                            "--http", f"127.0.0.1:{http_port}", "--kafka-port", str(kafka_port), "--s3-port", "0",
                            "--camera", f"bench/cam=rtsp://127.0.0.1:{cam_port}/h264"],
                           stdout=logf, stderr=subprocess.STDOUT)
    try:
        root = f"http://127.0.0.1:{http_port}"
        base = f"{root}/bench/cam"
        bench.wait_until(lambda: bench.http_get(f"{root}/health")[0] == 200, 120, f"{name} kvr to start")
        http_put(f"{root}/v1/policies/bench", json.dumps({"segment_duration_ms": SEGMENT_MS}))
        bench.wait_until(lambda: bench.http_get(f"{base}/index.m3u8")[0] == 200, 120, f"{name} kvr to record the camera")
        bench.log(f"{name} kvr (pid {kvr.pid}): recording for {a.warmup} s before measuring")
        time.sleep(a.warmup)
        summary = [s for s in json.loads(bench.http_get(f"{root}/v1/streams")[1]) if s["stream"] == "cam"][0]
        # an hour of history, ending 10 s before the recording started (a gap, as after a restart)
        hour_end = summary["first_start_ms"] - 10_000
        fixture = subprocess.run([java(), "-cp", classpath(kvr_root), os.path.join(ROOT, "dev/EdgeBenchIndex.java"),
                                  f"127.0.0.1:{kafka_port}", "kvr.segments.v1", "bench/cam",
                                  str(3_600_000 // SEGMENT_MS), str(hour_end)], capture_output=True, text=True)
        if fixture.returncode != 0:
            raise SystemExit(f"dev/EdgeBenchIndex.java failed:\n{fixture.stderr[-3000:]}")
        hour = json.loads(fixture.stdout.strip().splitlines()[-1])
        hour_start = hour_end - 3_600_000
        now = int(time.time() * 1000)
        urls = {"live": f"{base}/index.m3u8",
                "range": f"{base}/playlist.m3u8?start_time={hour_start}&end_time={hour_end}",
                # ends 10 min from now: stays a growing range for the whole run, never a settled one
                "open": f"{base}/playlist.m3u8?start_time={now - 3_000_000}&end_time={now + 600_000}"}
        # asked of the recordings listing: the range playlist of a past hour would be kept (rendered) for a minute
        listing = f"{root}/v1/streams/bench/cam/recordings?start_time={hour_start}&end_time={hour_end}"
        bench.wait_until(lambda: sum(s["segments"] for s in json.loads(bench.http_get(listing)[1])["spans"])
                         >= hour["count"], 120, "the index to hold the hour of segments")
        bodies = {name: bench.http_get(urls[name])[1] for name in ("live", "range", "open")}
        sizes = {s: len(bench.http_get(f"{base}/{s}")[1]) for s in playlist_segments(bodies["live"])}
        biggest = max(sizes, key=sizes.get)
        urls["segment"] = f"{base}/{biggest}"
        bodies["segment"] = bench.http_get(urls["segment"])[1]
        yield {"pid": kvr.pid, "urls": urls, "bodies": bodies}
    finally:
        kvr.send_signal(signal.SIGTERM)
        try:
            kvr.wait(30)
        except subprocess.TimeoutExpired:
            kvr.kill()
            kvr.wait()
        logf.close()


def body_info(bodies):
    return {"live_lines": bodies["live"].count(b"#EXTINF"), "range_segments": bodies["range"].count(b"#EXTINF"),
            "range_bytes": len(bodies["range"]), "open_segments": bodies["open"].count(b"#EXTINF"),
            "open_bytes": len(bodies["open"]), "segment_bytes": len(bodies["segment"])}


def stop(p):
    if p is None:
        return
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(30)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def run(a):
    ensure_tools()
    if not a.compare_ref:
        return measure(a, None)
    with ref_build(a.compare_ref) as ref:
        return measure(a, ref)


def measure(a, ref):
    workdir = tempfile.mkdtemp(prefix="kvr-bench-edge-")
    os.chmod(workdir, 0o755)  # nginx's worker runs as another user (www-data) when started by root
    cam, cam_port = bench.start_camera("dev/bench-camera.py")
    nginx_port = bench.free_port()
    nginx = None
    results, old = {}, None
    try:
        if ref is not None:
            # the old kvr first, alone; it has exited before the current one starts
            with recording_kvr(ref[0], "old", cam_port, a, workdir) as k:
                old = {"results": {}, "loads": [], "info": body_info(k["bodies"])}
                for name in NAMES:
                    wrk(k["urls"][name], WARMUP_SECONDS, a.connections)
                    old["loads"].append(load_1min())
                    old["results"][name] = wrk(k["urls"][name], a.seconds, a.connections)
                    bench.log(f"{name}: old kvr {old['results'][name]}")
                old["loads"].append(load_1min())
        with recording_kvr(ROOT, "new" if ref else "current", cam_port, a, workdir) as k:
            static = os.path.join(workdir, "static")
            os.makedirs(static)
            peer = {"live": "live.m3u8", "range": "range.m3u8", "open": "open.m3u8", "segment": "segment.m4s"}
            for name in NAMES:
                with open(os.path.join(static, peer[name]), "wb") as f:
                    f.write(k["bodies"][name])
            nginx = start_nginx(static, nginx_port, workdir)
            loads = []
            try:
                for name in NAMES:
                    wrk(k["urls"][name], WARMUP_SECONDS, a.connections)
                    wrk(f"http://127.0.0.1:{nginx_port}/{peer[name]}", WARMUP_SECONDS, a.connections)
                    loads.append(load_1min())
                    kr = wrk(k["urls"][name], a.seconds, a.connections)
                    n = wrk(f"http://127.0.0.1:{nginx_port}/{peer[name]}", a.seconds, a.connections)
                    bench.log(f"{name}: kvr {kr}, nginx {n}")
                    results[name] = (kr, n)
                loads.append(load_1min())
            finally:
                stop(nginx)
            info = body_info(k["bodies"])
    finally:
        stop(cam)
        shutil.rmtree(workdir, ignore_errors=True)
    write(a, ref, results, loads, info, old)


def ratio(name, x, y):
    return x["mbs"] / y["mbs"] if name == "segment" else x["rps"] / y["rps"]


def write(a, ref, results, loads, info, old):
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    labels = {"live": f"live playlist ({info['live_lines']} segments)",
              "range": f"range playlist, a past hour ({info['range_segments']} segments, {info['range_bytes']} B)",
              "open": f"range playlist, last 50 min to 10 min ahead ({info['open_segments']} segments, {info['open_bytes']} B)",
              "segment": f"segment ({info['segment_bytes'] / 1e6:.2f} MB, proxied from embedded S3)"}
    rows = []
    for name in NAMES:
        k, n = results[name]
        unit = "MB/s" if name == "segment" else "req/s"
        if old is None:
            rows.append(f"| {labels[name]} | {k['rps']:.0f} | {k['mbs']:.1f} | {k['p99']:.1f} | {n['rps']:.0f} | "
                        f"{n['mbs']:.1f} | {n['p99']:.1f} | **{ratio(name, k, n):.2f}x** {unit} | {k['non2xx']} |")
        else:
            o = old["results"][name]
            rows.append(f"| {labels[name]} | {o['rps']:.0f} | {o['mbs']:.1f} | {o['p99']:.1f} | {k['rps']:.0f} | "
                        f"{k['mbs']:.1f} | {k['p99']:.1f} | {n['rps']:.0f} | {n['mbs']:.1f} | {n['p99']:.1f} | "
                        f"**{ratio(name, k, n):.2f}x** {unit} | {ratio(name, o, n):.2f}x | "
                        f"{ratio(name, k, o):.2f}x | {o['non2xx']} / {k['non2xx']} |")
    loads_text = " / ".join(f"{l:.1f}" for l in loads)
    if old is None:
        title = f"wrk on loopback, 2 threads, {a.connections} connections, {a.seconds} s per URL, kvr then nginx"
        load_line = (f"Load average (1 min) before each URL and after the last: {loads_text} (other jobs share the "
                     "machine; kvr records one camera meanwhile).")
        head = ("| URL | kvr req/s | kvr MB/s | kvr p99 ms | nginx req/s | nginx MB/s | nginx p99 ms | ratio kvr / nginx "
                "| kvr non-2xx |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
        versions = ""
    else:
        title = (f"wrk on loopback, 2 threads, {a.connections} connections, {a.seconds} s per URL; old kvr, then "
                 "new kvr and nginx")
        load_line = (f"Load average (1 min) before each URL and after the last: old kvr "
                     f"{' / '.join(f'{l:.1f}' for l in old['loads'])}; new kvr and nginx {loads_text} (other jobs "
                     "share the machine; each kvr records one camera meanwhile).")
        head = ("| URL | old req/s | old MB/s | old p99 ms | new req/s | new MB/s | new p99 ms | nginx req/s "
                "| nginx MB/s | nginx p99 ms | new / nginx | old / nginx | new / old | non-2xx old / new |\n"
                "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
        oi = old["info"]
        same = all(oi[key] == info[key] for key in ("live_lines", "range_segments", "open_segments"))
        versions = (f"Old: kvr built from `{ref[1]}` ({ref[2]}); new: kvr of this tree ({describe_head()}). Each "
                    f"recorded the same camera the same way, alone (the old one had exited before the new one "
                    f"started); the old kvr's playlists had {oi['live_lines']} / {oi['range_segments']} "
                    f"({oi['range_bytes']} B) / {oi['open_segments']} ({oi['open_bytes']} B) segments and its "
                    f"segment {oi['segment_bytes'] / 1e6:.2f} MB"
                    + (" (the same counts)" if same else "") + ". nginx serves the new kvr's bytes.\n\n")
    table = (
        f"## Edge: {title}\n\n"
        f"Machine: {bench.machine()}. Run: {when}. {load_line}\n\n"
        + versions + head + "\n".join(rows) + "\n\n"
        "nginx (1 worker, sendfile) serves the same playlist text and segment bytes as static files. Targets: "
        "playlists >= 0.8x nginx req/s, segments >= 0.5x nginx throughput (MB/s) when proxied. The camera is "
        "dev/bench-camera.py's 1080p ~4 Mb/s /h264 with a recording policy of 4 s segments; the past hour is "
        f"{info['range_segments']} copies of a recorded segment's index entry announced by dev/EdgeBenchIndex.java "
        "(only its playlist is measured); the range reaching 10 min ahead is still growing, so it is not a "
        "settled range (kept only edge.live.cache, 250 ms).\n\n")
    bench.write_report("edge", table)
