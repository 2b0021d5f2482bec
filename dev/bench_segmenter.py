"""Scenario "segmenter" of ./dev/bench: segmenter throughput next to ffmpeg, and segment-visible latency.

1. Record: one kvr process records N cameras of dev/test-camera.py's /h264aac (640x360 25 fps H.264 + AAC) for S
   seconds; ffmpeg copies one of the cameras to an MPEG-TS file beside it. Meanwhile dev/SegmenterBench.java
   (latency) tails the media topic and polls kvr's index: segment-visible latency = when a segment first shows in
   the index - when the keyframe that closed it was read from Kafka.
2. Synthesize: dev/SegmenterBench.java (synthesize) copies the recorded media topic K times under new stream names
   into a new topic (the copies of a unit next to each other, as if K x N cameras had recorded at once).
3. Replay: a segmenter alone in its own JVM (SegmenterMain, fresh consumer group, own segments topic) cuts the
   synthesized topic as fast as it can into kvr's embedded S3; measured from its process start (JVM start-up
   included) until its consumer lag is 0: MB/s of media topic bytes, and cameras per core = camera-seconds / CPU-seconds.
4. Peer: ffmpeg -c copy -f hls -hls_segment_type fmp4 over the MPEG-TS file looped to the same camera-seconds.
"""
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
CLASSPATH = f"{ROOT}/launcher/target/kvr-launcher.jar:{ROOT}/launcher/target/lib/*"
S3_ACCESS, S3_SECRET = "kvr", "kvr-embedded-secret"  # the launcher's embedded S3 credentials
TARGET_P99_MS = 500


def java():
    return os.path.join(subprocess.run([os.path.join(ROOT, "dev/java-home")], capture_output=True, text=True,
                                       check=True).stdout.strip(), "bin", "java")


def tool(*args, timeout=900):
    """Runs dev/SegmenterBench.java; returns the JSON of its last output line."""
    out = subprocess.run([java(), "-cp", CLASSPATH, os.path.join(ROOT, "dev/SegmenterBench.java"), *map(str, args)],
                         capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0:
        raise SystemExit(f"SegmenterBench {args[0]} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def metric(ms, name, **labels):
    return sum(v for n, l, v in ms if n == name and all(l.get(k) == v2 for k, v2 in labels.items()))


def lag(ms, topic):
    """Per-partition records-lag of the segmenter's consumer on topic, or None before it has reported any."""
    lags = [v for n, l, v in ms if n == "kafka_consumer_fetch_manager_records_lag" and l.get("topic") == topic]
    return max(lags) if lags else None


def replay(bootstrap, s3_endpoint, topic, workdir):
    """A segmenter alone cutting `topic` from its start; returns cpu, wall, bytes consumed, segments."""
    port = bench.free_port()
    args = [java(), "-Xmx1g", "-cp", CLASSPATH, "io.kvr.segmenter.SegmenterMain",
            f"kafka.bootstrap.servers={bootstrap}", f"s3.endpoint={s3_endpoint}", f"s3.access.key={S3_ACCESS}",
            f"s3.secret.key={S3_SECRET}", "s3.prefix=bench-replay/", f"topics.media={topic}",
            "topics.segments=bench.segments.v1", "topics.replication.factor=1",
            f"segmenter.group.id=bench-replay-{int(time.time())}", f"http.port={port}"]
    logf = open(os.path.join(workdir, "segmenter-replay.log"), "w")
    # Measured from the process start (JVM start-up and JIT included, like ffmpeg's own start-up in its figure):
    # the segmenter consumes before its HTTP port serves, and now cuts a replay of this size in a few seconds,
    # so a window opened at the first /metrics answer could miss all of it.
    t0 = time.time()
    p = subprocess.Popen(args, stdout=logf, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        bench.wait_until(lambda: bench.http_get(f"{base}/health")[0] == 200, 120, "the replay segmenter to start")
        deadline = time.time() + 1800
        while time.time() < deadline:
            ms = bench.metrics(base)
            consumed = metric(ms, "kafka_consumer_fetch_manager_records_consumed_total", topic=topic)
            current = lag(ms, topic)
            if consumed > 0 and current is not None and current <= 0:
                t1, c1 = time.time(), bench.cpu_seconds(p.pid)
                return {"cpu": c1, "wall": t1 - t0,
                        "bytes": metric(ms, "kafka_consumer_fetch_manager_bytes_consumed_total", topic=topic),
                        "segments": metric(ms, "kvr_segmenter_segments_total"),
                        "rss": bench.peak_rss_mib(p.pid)}
            time.sleep(0.2)
        raise SystemExit("the replay segmenter did not catch up within 30 min")
    finally:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(30)
        except subprocess.TimeoutExpired:
            p.kill()
        logf.close()


def ffmpeg_peer(ts_file, loops, workdir):
    """ffmpeg -c copy -f hls (fMP4) over ts_file played `loops` times; cpu and wall seconds."""
    out = os.path.join(workdir, "ffmpeg-replay")
    os.makedirs(out, exist_ok=True)
    t0 = time.time()
    p = subprocess.Popen([bench.ffmpeg_path(), "-nostdin", "-v", "error", "-stream_loop", str(loops - 1),
                          "-i", ts_file, "-c", "copy", "-f", "hls", "-hls_segment_type", "fmp4", "-hls_time", "2",
                          "-hls_list_size", "0", os.path.join(out, "index.m3u8")],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.time() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    err = p.stderr.read()
    if p.returncode != 0:
        raise SystemExit(f"ffmpeg peer failed: {err[-2000:]}")
    written = sum(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out))
    shutil.rmtree(out, ignore_errors=True)
    return {"cpu": usage.ru_utime + usage.ru_stime, "wall": wall, "bytes": os.path.getsize(ts_file) * loops,
            "written": written}


def run(a):
    workdir = tempfile.mkdtemp(prefix="kvr-bench-segmenter-")
    cam, cam_port = bench.start_camera()
    kvr = None
    try:
        http_port, kafka_port, s3_port = bench.free_port(), bench.free_port(), bench.free_port()
        args = [os.path.join(ROOT, "kvr"), "run", "--data", os.path.join(workdir, "data"),
                "--http", f"127.0.0.1:{http_port}", "--kafka-port", str(kafka_port), "--s3-port", str(s3_port)]
        for i in range(a.cameras):
            args += ["--camera", f"bench/cam{i}=rtsp://127.0.0.1:{cam_port}/h264aac"]
        logf = open(os.path.join(workdir, "kvr.log"), "w")
        kvr = subprocess.Popen(args, stdout=logf, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{http_port}"
        bootstrap, s3 = f"127.0.0.1:{kafka_port}", f"http://127.0.0.1:{s3_port}"
        bench.wait_until(lambda: all(bench.http_get(f"{base}/bench/cam{i}/index.m3u8")[0] == 200
                                     for i in range(a.cameras)), 300, "kvr to record every camera")
        ts_file = os.path.join(workdir, "cam.ts")
        ffrec = subprocess.Popen([bench.ffmpeg_path(), "-nostdin", "-v", "error", "-rtsp_transport", "tcp", "-i",
                                  f"rtsp://127.0.0.1:{cam_port}/h264aac", "-c", "copy", "-t", str(a.seconds),
                                  "-f", "mpegts", ts_file], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        bench.log(f"recording {a.cameras} camera(s) for {a.seconds} s, measuring segment-visible latency")
        latency = tool("latency", bootstrap, "kvr.media.v1", base + "/", a.seconds, timeout=a.seconds + 120)
        bench.log(f"segment-visible latency: {latency}")
        ffrec.wait(60)
        cam.terminate()  # the recording ends; kvr stays up for its Kafka and S3
        time.sleep(8)
        bench.log(f"synthesizing {a.copies} copies of the media topic")
        synth = tool("synthesize", bootstrap, "kvr.media.v1", "bench.media.v1", a.copies, 6)
        bench.log(f"synthesized: {synth}")
        bench.log("replaying it through a segmenter alone")
        k = replay(bootstrap, s3, "bench.media.v1", workdir)
        bench.log(f"segmenter: {k}")
        ts_seconds = a.seconds
        loops = max(1, round(synth["camera_seconds"] / ts_seconds))
        bench.log(f"ffmpeg -c copy -f hls over {ts_file} x{loops}")
        f = ffmpeg_peer(ts_file, loops, workdir)
        bench.log(f"ffmpeg: {f}")
    finally:
        if kvr is not None:
            kvr.send_signal(signal.SIGTERM)
            try:
                kvr.wait(30)
            except subprocess.TimeoutExpired:
                kvr.kill()
        if cam.poll() is None:
            cam.terminate()
        shutil.rmtree(workdir, ignore_errors=True)

    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    k_mbs, f_mbs = k["bytes"] / k["wall"] / 1e6, f["bytes"] / f["wall"] / 1e6
    k_cpc = synth["camera_seconds"] / k["cpu"]
    f_cpc = loops * ts_seconds / f["cpu"]
    k_mbcpu, f_mbcpu = k["bytes"] / k["cpu"] / 1e6, f["bytes"] / f["cpu"] / 1e6
    load = os.getloadavg()
    lines = [
        f"## Segmenter: throughput replaying a media topic, and segment-visible latency\n",
        f"Machine: {bench.machine()}. Run: {when}. Load average at the end: {load[0]:.1f} / {load[1]:.1f} / "
        f"{load[2]:.1f} (other builds share this machine, so wall-clock figures are pessimistic).\n",
        f"Media: {a.cameras} camera(s) of `dev/test-camera.py` `/h264aac` (640x360 25 fps H.264 ~800 kb/s, GOP 1 s, "
        f"AAC 48 kHz) recorded by kvr for {a.seconds} s, then copied {a.copies} times into a new topic: "
        f"{synth['streams']} streams, {synth['camera_seconds']:.0f} camera-seconds, {synth['bytes'] / 1e6:.0f} MB "
        "of access units.\n",
        "Higher is better in this table (throughput), including the ratios.\n",
        "| | MB/s (wall) | MB per CPU-second | cameras per core (camera-seconds / CPU-seconds) | CPU s | wall s |",
        "|---|---:|---:|---:|---:|---:|",
        f"| kvr segmenter alone (own JVM; Kafka consume, cut, fMP4 write, S3 upload, announce) | {k_mbs:.1f} | "
        f"{k_mbcpu:.1f} | {k_cpc:.0f} | {k['cpu']:.1f} | {k['wall']:.1f} |",
        f"| ffmpeg `-c copy -f hls -hls_segment_type fmp4 -hls_time 2` over the same camera as MPEG-TS, looped to "
        f"the same camera-seconds | {f_mbs:.1f} | {f_mbcpu:.1f} | {f_cpc:.0f} | {f['cpu']:.1f} | {f['wall']:.1f} |",
        f"| **ratio kvr / ffmpeg** | **{k_mbs / f_mbs:.2f}x** | **{k_mbcpu / f_mbcpu:.2f}x** | "
        f"**{k_cpc / f_cpc:.2f}x** | | |",
        "",
        f"Segment-visible latency while recording {a.cameras} camera(s) (whole pipeline in one kvr process), "
        f"target p99 <= {TARGET_P99_MS} ms after the closing keyframe arrives:\n",
        "| closing keyframe → segment in the index | segments | p50 ms | p99 ms | min ms | max ms | target |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for label, q in (("from the bridge receiving it (`arrivalTimeMs`; includes the produce to Kafka)", latency["arrival"]),
                     ("from the bench's tail reading it from Kafka", latency["read"])):
        lines.append(f"| {label} | {q['count']} | {q['p50_ms']} | {q['p99_ms']} | {q['min_ms']} | {q['max_ms']} | "
                     f"{'met' if 0 <= q['p99_ms'] <= TARGET_P99_MS else 'not met'} |")
    lines += [
        "",
        "How: throughput is measured from the replay segmenter's process start (JVM start-up included) until its consumer lag "
        "(`kafka_consumer_fetch_manager_records_lag`) is 0; MB are media-topic bytes consumed (Avro records with "
        "the access units). Its CPU is the segmenter JVM's utime+stime from its start (start-up and JIT warm-up included); the "
        "embedded Kafka and S3 it talks to run in the kvr process and are not counted. ffmpeg reads a local "
        "MPEG-TS file and writes to local disk (no broker, no object storage); its MB are the TS bytes read. "
        "Latency: `dev/SegmenterBench.java latency` tails the media topic (noting when each video keyframe is "
        "read; it parses only the fields before the payload, to keep up) and polls `GET /v1/index/streams` "
        "every 20 ms; a segment's latency is when it first shows in the index minus when the keyframe after its "
        "last unit (the one that closed it) was received by the bridge (its `arrivalTimeMs`), or was read by the "
        "tail; segments closed by the idle flush are not counted. The poll interval adds up to 20 ms. The tail and "
        "the poller run in their own JVM: on an overloaded machine they fall behind too (a negative minimum of the "
        "tail's figure shows it), so the arrival-based row is the one to trust there.\n",
    ]
    bench.write_report("segmenter", "\n".join(lines) + "\n")
