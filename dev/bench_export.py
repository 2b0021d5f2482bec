"""Scenario "export" of ./dev/bench: kvr's MP4 export next to ffmpeg -c copy and the byte-copy floor.

1. Record: one kvr process records dev/bench-camera.py's /h264aac (1920x1080 25 fps H.264 ~4 Mb/s + AAC) for
   --seconds seconds (real time, through the bridge).
2. Lengthen: dev/ExportBench.java (loop) publishes that ingest session again to kvr's media topic under a new
   stream name, looped to --minutes of media with shifted timestamps, as fast as Kafka takes it; kvr's segmenter
   and indexer record it like any camera (segments in the embedded S3, records in the index). Recording 10
   minutes in real time would add 10 minutes to every run; the exporter cannot tell the difference.
3. Measure on the same segments, in the same run, each --repeat times (the best is reported; kvr's first, cold
   download is reported beside it): kvr's direct download (GET export.mp4, curl to /dev/null; and the same with
   format=fmp4), kvr's job (POST
   /v1/nvr/convert2mp4 until status done: the file is written to object storage), `ffmpeg -i <range playlist> -c
   copy -movflags +faststart out.mp4` (reading the same segments from kvr's edge), and the floor `cat init seg... >
   /dev/null` over the same segment bytes fetched to local files beforehand (page cache warm); and the embedded
   S3 alone, without kvr code: one curl GETting the stream's objects, and curl PUTting a file of those bytes
   (presigned URLs), the floor of what the exporter's two HTTP hops through storage can reach.
4. Heap: an exporter alone in its own JVM with -Xmx256m (ExporterMain, against the same Kafka, S3 and index)
   serves the largest direct download while its heap is sampled from /metrics and its GC logged; its MB/s is
   reported too. The largest download is the --minutes range, or --largest-minutes of a second looped recording
   (--largest-source small: of dev/test-camera.py's 640x360 /h264aac, recorded beside the 1080p camera, so that
   24 h of media, --largest-minutes 1440, fits on the disk: about 10 GB in Kafka and as much in object storage).
"""
import datetime
import hashlib
import hmac
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.request
from html import unescape
from urllib.parse import quote, urlsplit

import bench
import bench_segmenter

ROOT = bench.ROOT
SRC, DST = "bench/cam", "bench/export"
SMALL = "bench/small"
BUCKET = "kvr"  # the launcher's default s3.bucket


def index_summary(base, stream):
    try:
        return json.loads(bench.http_get(f"{base}/v1/index/streams/{stream}", timeout=10)[1])
    except Exception:
        return None


def recorded_seconds(base, stream):
    s = index_summary(base, stream)
    return 0 if not s else (s["lastEndMs"] - s["firstStartMs"]) / 1000


def curl_time(url):
    """GET url to /dev/null: (seconds, bytes, seconds to the first byte)."""
    out = subprocess.run(["curl", "-sS", "-f", "-o", "/dev/null", "-w", "%{time_total} %{size_download} "
                          "%{time_starttransfer}", url], capture_output=True, text=True, check=True, timeout=3600)
    total, size, first = out.stdout.split()
    return float(total), int(size), float(first)


def job_time(base, start, end):
    body = json.dumps({"app_name": "bench", "stream_name": "export", "start_time": start, "end_time": end,
                       "file_name": "bench.mp4"}).encode()
    t0 = time.time()
    req = urllib.request.Request(f"{base}/v1/nvr/convert2mp4", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        ident = json.loads(r.read())["id"]
    while time.time() < t0 + 3600:
        st = json.loads(bench.http_get(f"{base}/v1/nvr/exports/{ident}", timeout=30)[1])
        if st["status"] in ("done", "failed"):
            wall = time.time() - t0
            if st["status"] != "done":
                raise SystemExit(f"export job failed: {st}")
            req = urllib.request.Request(f"{base}/v1/nvr/exports/{ident}", method="DELETE")
            urllib.request.urlopen(req, timeout=30).close()
            return wall, st["bytes"]
        time.sleep(0.05)
    raise SystemExit("export job did not finish within an hour")


def timed(cmd, **kw):
    t0 = time.time()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=3600, **kw)
    return time.time() - t0


def presign(s3, method, key, query=None, region="us-east-1", seconds=3600):
    """A SigV4 presigned URL (path style, payload unsigned) of the embedded S3, for curl: what kvr's
    ObjectStore.put sends, without kvr."""
    host = urlsplit(s3).netloc
    now = datetime.datetime.now(datetime.timezone.utc)
    stamp, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    scope = f"{day}/{region}/s3/aws4_request"
    params = dict(query or {})
    params.update({"X-Amz-Algorithm": "AWS4-HMAC-SHA256", "X-Amz-Credential": f"{bench_segmenter.S3_ACCESS}/{scope}",
                   "X-Amz-Date": stamp, "X-Amz-Expires": str(seconds), "X-Amz-SignedHeaders": "host"})
    qs = "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in sorted(params.items()))
    path = "/" + BUCKET + ("/" + quote(key, safe="/-_.~") if key else "")
    canonical = f"{method}\n{path}\n{qs}\nhost:{host}\n\nhost\nUNSIGNED-PAYLOAD"
    to_sign = f"AWS4-HMAC-SHA256\n{stamp}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    k = ("AWS4" + bench_segmenter.S3_SECRET).encode()
    for part in (day, region, "s3", "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    return f"{s3}{path}?{qs}&X-Amz-Signature={hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()}"


def object_keys(s3, contains):
    """Keys of the bucket that contain `contains` (ListObjectsV2, every page)."""
    keys, token = [], None
    while True:
        q = {"list-type": "2", "max-keys": "1000"}
        if token:
            q["continuation-token"] = token
        body = bench.http_get(presign(s3, "GET", "", q), timeout=60)[1].decode()
        keys += [unescape(k) for k in re.findall(r"<Key>([^<]*)</Key>", body) if contains in unescape(k)]
        m = re.search(r"<NextContinuationToken>([^<]*)</NextContinuationToken>", body)
        if not m:
            return keys
        token = unescape(m.group(1))


def storage_read(s3, keys, workdir):
    """Seconds for one curl to GET every object (sequentially, one kept-alive connection) to /dev/null."""
    cfg = os.path.join(workdir, "storage-read.curl")
    with open(cfg, "w") as f:
        for k in keys:
            f.write(f'url = "{presign(s3, "GET", k)}"\noutput = "/dev/null"\n')
    return timed(["curl", "-sS", "-f", "-K", cfg])


def storage_write(s3, path):
    """Seconds for curl to PUT a local file as one object (a presigned URL, as kvr's export jobs do); then deletes it."""
    key = "bench-storage-floor/file.mp4"
    t = timed(["curl", "-sS", "-f", "-o", "/dev/null", "-T", path, presign(s3, "PUT", key)])
    subprocess.run(["curl", "-sS", "-f", "-X", "DELETE", presign(s3, "DELETE", key)], check=True,
                   stdout=subprocess.DEVNULL, timeout=60)
    return t


def standalone_exporter(kafka, s3, index_base, workdir):
    port = bench.free_port()
    args = [bench_segmenter.java(), "-Xmx256m", f"-Xlog:gc:file={os.path.join(workdir, 'exporter-gc.log')}", "-cp", bench_segmenter.CLASSPATH, "io.kvr.exporter.ExporterMain",
            f"kafka.bootstrap.servers={kafka}", f"s3.endpoint={s3}", f"s3.access.key={bench_segmenter.S3_ACCESS}",
            f"s3.secret.key={bench_segmenter.S3_SECRET}", f"exporter.index.url={index_base}/",
            f"exporter.group.id=bench-export-alone-{int(time.time())}", f"http.port={port}"]
    logf = open(os.path.join(workdir, "exporter-alone.log"), "w")
    p = subprocess.Popen(args, stdout=logf, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    bench.wait_until(lambda: bench.http_get(f"{base}/health")[0] == 200, 120, "the exporter alone to start")
    return p, base, logf


def heap_after_gc(gc_log, since):
    """The largest heap after a collection in a -Xlog:gc file, counting lines from line `since`: (MiB, count)."""
    import re
    with open(gc_log) as f:
        lines = f.read().splitlines()[since:]
    after = [int(m.group(1)) for m in (re.search(r"->(\d+)M\(\d+M\)", l) for l in lines) if m]
    return (max(after) if after else 0), len(after)


def gc_lines(gc_log):
    with open(gc_log) as f:
        return len(f.read().splitlines())


def heap_while(base, action):
    """Runs action() while sampling heap used from base's /metrics every 200 ms; returns (result, max heap)."""
    peak, stop = [0.0], threading.Event()

    def sample():
        while not stop.is_set():
            try:
                peak[0] = max(peak[0], bench.heap_used(bench.metrics(base)))
            except Exception:
                pass
            stop.wait(0.2)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    try:
        return action(), peak[0]
    finally:
        stop.set()
        t.join()


def ensure_media_loop():
    """`./kvr` builds without test classes; MediaLoop is one of the launcher's."""
    if not os.path.exists(os.path.join(ROOT, "launcher/target/test-classes/io/kvr/launcher/MediaLoop.class")):
        bench.log("compiling the launcher's test classes (MediaLoop)")
        subprocess.run(["mvn", "-B", "-q", "-pl", "launcher", "test-compile"], cwd=ROOT, check=True)


def lengthen(kafka, base, stream, minutes, src=SRC):
    """Publishes SRC's last session again as `stream`, looped to `minutes`, and waits until kvr has recorded it;
    returns (what ExportBench printed, start ms, end ms) of a range of `minutes` from the first segment."""
    ensure_media_loop()
    bench.log(f"looping {src} to {minutes} min of media as {stream}")
    # MediaLoop lives in the launcher's test classes (ExportIT uses it too)
    out = subprocess.run([bench_segmenter.java(), "-cp", f"{bench_segmenter.CLASSPATH}:{ROOT}/launcher/target/test-classes",
                          os.path.join(ROOT, "dev/ExportBench.java"), "loop", kafka, "kvr.media.v1", src, stream,
                          str(minutes * 60 + 20)], capture_output=True, text=True, timeout=4 * 3600)
    if out.returncode != 0:
        raise SystemExit(f"ExportBench loop failed:\n{out.stderr[-3000:]}")
    loop = json.loads(out.stdout.strip().splitlines()[-1])
    bench.log(f"published: {loop}")
    want = min(minutes * 60, loop["seconds"] - 4)
    bench.wait_until(lambda: recorded_seconds(base, stream) >= want, 4 * 3600, f"kvr to record {want:.0f} s of {stream}")
    summary = index_summary(base, stream)
    start = summary["firstStartMs"]
    end = int(min(summary["lastEndMs"], start + minutes * 60_000))
    bench.log(f"{stream}: range {start}..{end} ({(end - start) / 1000:.1f} s), {summary['segments']} segments indexed")
    return loop, start, end


def run(a):
    workdir = tempfile.mkdtemp(prefix="kvr-bench-export-")
    cam, cam_port = bench.start_camera("dev/bench-camera.py")
    small = None
    cameras = ["--camera", f"{SRC}=rtsp://127.0.0.1:{cam_port}/h264aac"]
    if a.largest_source == "small" and a.largest_minutes > a.minutes:
        small, small_port = bench.start_camera("dev/test-camera.py")
        cameras += ["--camera", f"{SMALL}=rtsp://127.0.0.1:{small_port}/h264aac"]
    kvr = alone = None
    logs = []
    try:
        http_port, kafka_port, s3_port = bench.free_port(), bench.free_port(), bench.free_port()
        logf = open(os.path.join(workdir, "kvr.log"), "w")
        logs.append(logf)
        kvr = subprocess.Popen([os.path.join(ROOT, "kvr"), "run", "--data", os.path.join(workdir, "data"),
                                "--http", f"127.0.0.1:{http_port}", "--kafka-port", str(kafka_port),
                                "--s3-port", str(s3_port), *cameras],
                               stdout=logf, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{http_port}"
        kafka, s3 = f"127.0.0.1:{kafka_port}", f"http://127.0.0.1:{s3_port}"
        bench.log(f"recording {SRC} (1080p H.264 + AAC) for {a.seconds} s")
        bench.wait_until(lambda: recorded_seconds(base, SRC) >= a.seconds, a.seconds + 300,
                         f"kvr to record {a.seconds} s of the camera")
        if small is not None:
            bench.wait_until(lambda: recorded_seconds(base, SMALL) >= a.seconds, 300,
                             f"kvr to record {a.seconds} s of the small camera")
        for c in (cam, small):
            if c is not None:
                c.terminate()
                c.wait(10)
        cam = small = None
        time.sleep(3)
        loop, start, end = lengthen(kafka, base, DST, a.minutes)
        playlist = f"{base}/{DST}/playlist.m3u8?start_time={start}&end_time={end}"
        export_url = f"{base}/{DST}/export.mp4?start_time={start}&end_time={end}"

        # the floor's input: the same segments as local files, fetched once (untimed)
        seg_dir = os.path.join(workdir, "segments")
        os.makedirs(seg_dir)
        text = bench.http_get(playlist, timeout=60)[1].decode()
        uris = []
        for line in text.splitlines():
            if line.startswith("#EXT-X-MAP:"):
                uris.append(line.split('URI="', 1)[1].split('"', 1)[0])
            elif line and not line.startswith("#"):
                uris.append(line)
        files = []
        for i, uri in enumerate(uris):
            url = uri if uri.startswith("http") else f"{base}/{DST}/{uri}" if not uri.startswith("/") else base + uri
            path = os.path.join(seg_dir, f"{i:06d}.m4s")
            with open(path, "wb") as f:
                f.write(bench.http_get(url, timeout=60)[1])
            files.append(path)
        seg_bytes = sum(os.path.getsize(f) for f in files)
        bench.log(f"{len(files) - 1} segments + init, {seg_bytes / 1e6:.1f} MB")
        # the storage floor's input: the stream's objects in the embedded S3, and one local file of their size
        names = {u.split("?", 1)[0].rsplit(f"/{DST}/", 1)[-1] for u in uris}  # stream-relative: 2026/…/x.m4s, init/…
        store_keys = [k for k in object_keys(s3, f"{DST}/") if k.split(f"{DST}/", 1)[1] in names]
        if len(store_keys) != len(uris):
            raise SystemExit(f"found {len(store_keys)} of the playlist's {len(uris)} objects in the embedded S3")
        store_file = os.path.join(workdir, "concatenated.mp4")
        subprocess.run(["sh", "-c", 'cat "$@" > "$0"', store_file, *files], check=True)

        with open("/proc/loadavg") as f:
            load_before = f.read().split()[0]
        cold = curl_time(export_url)
        bench.log(f"kvr direct download, first (cold JIT): {cold}")
        runs = {"direct": [], "fmp4": [], "job": [], "ffmpeg": [], "cat": [], "s3get": [], "s3put": []}
        ff_out = os.path.join(workdir, "ffmpeg.mp4")
        for r in range(a.repeat):
            runs["cat"].append(timed(["sh", "-c", 'cat "$@" > /dev/null', "cat", *files]))
            runs["s3get"].append(storage_read(s3, store_keys, workdir))
            runs["s3put"].append(storage_write(s3, store_file))
            runs["ffmpeg"].append(timed([bench.ffmpeg_path(), "-nostdin", "-v", "error", "-y", "-i", playlist,
                                         "-c", "copy", "-movflags", "+faststart", ff_out]))
            ff_bytes = os.path.getsize(ff_out)
            os.remove(ff_out)
            runs["direct"].append(curl_time(export_url))
            runs["fmp4"].append(curl_time(export_url + "&format=fmp4"))
            runs["job"].append(job_time(base, start, end))
            bench.log(f"run {r + 1}: cat {runs['cat'][-1]:.2f} s, S3 GET {runs['s3get'][-1]:.2f} s, S3 PUT "
                      f"{runs['s3put'][-1]:.2f} s, ffmpeg {runs['ffmpeg'][-1]:.2f} s, "
                      f"kvr direct {runs['direct'][-1]}, fmp4 {runs['fmp4'][-1]}, kvr job {runs['job'][-1]}")
        os.remove(store_file)
        with open("/proc/loadavg") as f:
            load_after = f.read().split()[0]

        # the largest export: the same range, or a longer recording made the same way (--largest-minutes)
        large_minutes, large_start, large_end, large_stream, large_loop = a.minutes, start, end, DST, None
        if a.largest_minutes > a.minutes:
            large_stream = "bench/long"
            large_loop, large_start, large_end = lengthen(kafka, base, large_stream, a.largest_minutes,
                                                          SMALL if a.largest_source == "small" else SRC)
            large_minutes = (large_end - large_start) / 60_000
        bench.log(f"an exporter alone with -Xmx256m: {large_minutes:.0f} min of {large_stream}, heap sampled")
        alone, alone_base, alone_log = standalone_exporter(kafka, s3, base, workdir)
        logs.append(alone_log)
        curl_time(f"{alone_base}/{DST}/export.mp4?start_time={start}&end_time={end}")  # warms its JIT
        alone_url = f"{alone_base}/{large_stream}/export.mp4?start_time={large_start}&end_time={large_end}"
        heap0 = bench.heap_used(bench.metrics(alone_base))
        gc_log = os.path.join(workdir, "exporter-gc.log")
        gc_from = gc_lines(gc_log)
        (alone_t, alone_bytes, alone_first), alone_peak = heap_while(alone_base, lambda: curl_time(alone_url))
        gc_after, gc_count = heap_after_gc(gc_log, gc_from)
        alone_ms = bench.metrics(alone_base)
        alone_max = sum(v for n, l, v in alone_ms if n == "jvm_memory_max_bytes" and l.get("area") == "heap")
        bench.log(f"exporter alone: {alone_t:.2f} s, {alone_bytes} B, heap before {heap0 / 2**20:.0f} MiB, "
                  f"peak {alone_peak / 2**20:.0f} MiB of max {alone_max / 2**20:.0f} MiB, after GC at most {gc_after} MiB")
    finally:
        for p in (alone, kvr, cam, small):
            if p is not None:
                p.send_signal(signal.SIGTERM)
        for p in (alone, kvr, cam, small):
            if p is not None:
                try:
                    p.wait(30)
                except subprocess.TimeoutExpired:
                    p.kill()
        for f in logs:
            f.close()
        if a.keep:
            bench.log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    if large_stream == DST:
        largest_note = "The largest export measured is the range above."
    elif a.largest_source == "small":
        largest_note = (f"`{large_stream}` is dev/test-camera.py's /h264aac (640x360 25 fps H.264 ~0.8 Mb/s + AAC 48 kHz) "
                        f"recorded for {a.seconds} s beside the 1080p camera and looped the same way to "
                        f"{large_loop['seconds']:.0f} s ({large_loop['bytes'] / 1e6:.0f} MB of access units): a 24 h "
                        "recording at 4 Mb/s (about 43 GB, twice: Kafka and object storage) does not fit on this "
                        "machine's disk; the number of segments and samples, which is what the exporter's memory "
                        "grows with, is the same at any bitrate.")
    else:
        largest_note = (f"`{large_stream}` was looped from the same camera to {large_loop['seconds']:.0f} s.")
    best_direct = min(runs["direct"], key=lambda x: x[0])
    best_job = min(runs["job"], key=lambda x: x[0])
    best_fmp4 = min(runs["fmp4"], key=lambda x: x[0])
    ff, floor = min(runs["ffmpeg"]), min(runs["cat"])
    s3get, s3put = min(runs["s3get"]), min(runs["s3put"])
    size = best_direct[1]
    seconds = (end - start) / 1000
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")

    def row(name, t, extra=""):
        return (f"| {name} | {t:.2f} | {size / t / 1e6:.0f} | {t / ff:.2f}x | {t / floor:.1f}x | {extra} |")

    lines = [
        f"## Export: {seconds / 60:.1f} min of 1920x1080 25 fps H.264 ~4 Mb/s + AAC ({size / 1e6:.0f} MB MP4, "
        f"{len(files) - 1} segments), best of {a.repeat}\n",
        f"Machine: {bench.machine()}. Run: {when}. Load average (1 min) before / after: {load_before} / "
        f"{load_after} (other jobs share the machine).\n",
        "Targets: kvr at most **0.5x** ffmpeg's time and at most **2x** the byte-copy floor.\n",
        "| what | wall s | MB/s (of the MP4) | / ffmpeg | / floor | notes |",
        "|---|---:|---:|---:|---:|---|",
        row("kvr direct download (`GET export.mp4`, curl to /dev/null)", best_direct[0],
            f"first byte after {best_direct[2] * 1000:.0f} ms; first (cold) run {cold[0]:.2f} s; all "
            + ", ".join(f"{x[0]:.2f}" for x in runs["direct"])),
        row("kvr direct download, fragmented (`GET export.mp4?…&format=fmp4`)", best_fmp4[0],
            f"{best_fmp4[1] / 1e6:.1f} MB (MB/s column uses the MP4's size); first byte after "
            f"{best_fmp4[2] * 1000:.0f} ms; all " + ", ".join(f"{x[0]:.2f}" for x in runs["fmp4"])),
        row("kvr job (`POST /v1/nvr/convert2mp4` until `done`, file in object storage)", best_job[0],
            "all " + ", ".join(f"{x[0]:.2f}" for x in runs["job"])),
        row("ffmpeg `-i <range playlist> -c copy -movflags +faststart out.mp4`", ff,
            f"reads the same segments from kvr's edge; output {ff_bytes / 1e6:.0f} MB; all "
            + ", ".join(f"{x:.2f}" for x in runs["ffmpeg"])),
        row("floor: `cat init seg... > /dev/null`", floor,
            f"{seg_bytes / 1e6:.0f} MB of local files, page cache warm; all " + ", ".join(f"{x:.2f}" for x in runs["cat"])),
        row("storage read: one `curl` GETs the stream's objects from the embedded S3", s3get,
            f"{len(store_keys)} objects (presigned URLs, one kept-alive connection, to /dev/null); no kvr code; all "
            + ", ".join(f"{x:.2f}" for x in runs["s3get"])),
        row("storage write: `curl -T` PUTs a file of those bytes into the embedded S3", s3put,
            "one presigned PUT, as kvr's job does; all " + ", ".join(f"{x:.2f}" for x in runs["s3put"])),
        row("storage floor of a job: read + write above", s3get + s3put, "a job moves every byte through both"),
        "",
        f"Targets: direct download {best_direct[0] / ff:.2f}x ffmpeg ({'met' if best_direct[0] <= 0.5 * ff else 'not met'}), "
        f"{best_direct[0] / floor:.1f}x floor ({'met' if best_direct[0] <= 2 * floor else 'not met'}); job "
        f"{best_job[0] / ff:.2f}x ffmpeg ({'met' if best_job[0] <= 0.5 * ff else 'not met'}), {best_job[0] / floor:.1f}x "
        f"floor ({'met' if best_job[0] <= 2 * floor else 'not met'}). Against the embedded S3 alone (curl, no kvr "
        f"code): the direct download takes {best_direct[0] / s3get:.2f}x the storage read, the job "
        f"{best_job[0] / (s3get + s3put):.2f}x the storage read + write.\n",
        f"Largest export, heap: an exporter alone (`ExporterMain`, `-Xmx256m`, heap max {alone_max / 2**20:.0f} MiB) "
        f"streamed {large_minutes:.0f} min ({alone_bytes / 1e6:.0f} MB, from `{large_stream}`) in {alone_t:.2f} s ({alone_bytes / alone_t / 1e6:.0f} MB/s, first byte after "
        f"{alone_first * 1000:.0f} ms); heap used {heap0 / 2**20:.0f} MiB before, at most {alone_peak / 2**20:.0f} MiB while "
        "it ran (`jvm_memory_used_bytes{area=\"heap\"}` summed over pools, sampled every 200 ms: includes garbage not "
        f"yet collected); {gc_count} collections meanwhile, the largest heap after one {gc_after} MiB (`-Xlog:gc`). "
        f"Its first byte left after {alone_first * 1000:.0f} ms (the {seconds / 60:.0f} min range above: "
        f"{best_direct[2] * 1000:.0f} ms, sized): a download longer than `exporter.download.sized.max` (20 min) "
        "and without a Range header is sent chunked: the `ftyp` leaves once the range's first segment has been "
        "checked, the `moov` (every sample's size and offset, so it waits for the whole plan, read from the index "
        "in windows while planning) and the media follow; shorter ranges and Range requests are planned whole and "
        "sent with a Content-Length.\n",
        f"How the recording was made: {a.seconds} s of dev/bench-camera.py's /h264aac recorded by kvr in real time, then "
        f"that ingest session published again under `{DST}` looped to {loop['seconds']:.0f} s of media "
        f"({loop['loops']} loops of {loop['span_s']:.1f} s, {loop['bytes'] / 1e6:.0f} MB of access units, produced in "
        f"{loop['produce_s']:.0f} s) by `dev/ExportBench.java loop`; kvr's segmenter and indexer recorded it like any "
        "camera. " + largest_note + "\n",
        "Where the job's and the direct download's time goes (profiles, and what changed): "
        "`docs/performance-notes.md`.\n",
    ]
    bench.write_report("export", "\n".join(lines) + "\n")
