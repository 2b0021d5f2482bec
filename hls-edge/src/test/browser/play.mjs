// Plays one HLS URL with hls.js in Debian's headless Chromium and prints what happened as one JSON line.
// Driven by HlsPlayersIT (launcher) through io.kvr.testsupport.HlsJsPlayer; runnable by hand too:
//
//   node play.mjs --url http://127.0.0.1:8080/live/cam/index.m3u8 [--watch 10] [--seek-to S --until T]
//                 [--timeout 60] [--codecs hvc1.1.6.L93.B0] [--chromium /usr/bin/chromium] [--mode hls|file]
//
// --mode file   no hls.js: the URL (e.g. an exported MP4) is the <video> element's src, played by the browser's
//               own demuxer and decoders (ExportIT); the report adds duration, videoWidth and videoHeight
// --watch N     observe N seconds of wall time after playback started (live)
// --seek-to S   once playing, seek to S seconds of media time; --until T: wait until currentTime >= T
// --codecs C    also report whether MediaSource accepts video/mp4; codecs="C"
//
// The page is served on the edge's own origin (an intercepted URL), so hls.js fetches without CORS; hls.js
// itself comes from node_modules (the npm package pinned in package-lock.json), never from a CDN.
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

function parseArgs(argv) {
  const args = { watch: 0, seekTo: null, until: null, timeout: 60, codecs: null, chromium: '/usr/bin/chromium',
    mode: 'hls' };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`missing value for ${argv[i]}`);
    args[key] = ['watch', 'seekTo', 'until', 'timeout'].includes(key) ? Number(value) : value;
  }
  if (!args.url) throw new Error('--url is required');
  if (!['hls', 'file'].includes(args.mode)) throw new Error(`--mode must be hls or file, not ${args.mode}`);
  return args;
}

// Runs inside the page: hls.js (or, in file mode, the plain src) on a muted <video>, recording events, errors
// and currentTime.
async function playInPage(opts) {
  const withHls = opts.mode === 'hls';
  const report = {
    hlsVersion: withHls ? Hls.version : null, hlsSupported: withHls ? Hls.isSupported() : null,
    mseTypeSupported: null, levels: [],
    fatal: null, errors: [], samples: [], playing: false, seeked: null, ended: false, stoppedBecause: null,
  };
  if (opts.codecs) {
    report.mseTypeSupported = MediaSource.isTypeSupported(`video/mp4; codecs="${opts.codecs}"`);
  }
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  document.body.appendChild(video);
  const hls = withHls ? new Hls({ debug: false, enableWorker: true }) : null;
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const sample = () => report.samples.push({ t: Number(elapsed().toFixed(2)), currentTime: video.currentTime });
  let done;
  const finished = new Promise((resolve) => { done = resolve; });
  const stop = (why) => { if (!report.stoppedBecause) { report.stoppedBecause = why; done(); } };

  const play = () => video.play().catch((e) => report.errors.push({ details: 'play() rejected', reason: String(e) }));
  if (withHls) {
    hls.on(Hls.Events.MANIFEST_PARSED, (_, data) => {
      report.levels = data.levels.map((l) => ({ codecs: [l.videoCodec, l.audioCodec].filter(Boolean).join(','),
        width: l.width, height: l.height, bitrate: l.bitrate }));
      play();
    });
    hls.on(Hls.Events.ERROR, (_, data) => {
      const e = { type: data.type, details: data.details, fatal: data.fatal,
        reason: data.reason || (data.error && data.error.message) || (data.response && `HTTP ${data.response.code}`) || '' };
      if (data.fatal) { report.fatal = e; stop('fatal error'); } else if (report.errors.length < 50) { report.errors.push(e); }
    });
  } else {
    video.addEventListener('loadedmetadata', play, { once: true });
  }
  video.addEventListener('error', () => {
    report.fatal = { type: 'mediaElement', details: `MediaError ${video.error && video.error.code}`,
      fatal: true, reason: (video.error && video.error.message) || '' };
    stop('media element error');
  });
  video.addEventListener('ended', () => { report.ended = true; sample(); stop('ended'); });

  let watchStart = null;
  let seekIssued = false;
  video.addEventListener('playing', () => {
    report.playing = true;
    if (watchStart === null) watchStart = elapsed();
    if (opts.seekTo !== null && !seekIssued && video.currentTime > 0.5) {
      seekIssued = true;
      report.seeked = { from: video.currentTime, to: opts.seekTo, landedAt: null };
      video.currentTime = opts.seekTo;
    }
  });
  video.addEventListener('timeupdate', () => {
    if (opts.seekTo !== null && !seekIssued && video.currentTime > 0.5) {
      seekIssued = true;
      report.seeked = { from: video.currentTime, to: opts.seekTo, landedAt: null };
      video.currentTime = opts.seekTo;
    }
  });
  video.addEventListener('seeked', () => {
    if (report.seeked && report.seeked.landedAt === null) report.seeked.landedAt = video.currentTime;
  });

  const timer = setInterval(() => {
    sample();
    if (elapsed() > opts.timeout) stop('timeout');
    if (opts.watch > 0 && watchStart !== null && elapsed() - watchStart >= opts.watch) stop('watched');
    if (opts.until !== null && (opts.seekTo === null || (report.seeked && report.seeked.landedAt !== null))
        && video.currentTime >= opts.until) stop('reached');
  }, 500);
  if (withHls) {
    hls.loadSource(opts.url);
    hls.attachMedia(video);
  } else {
    video.preload = 'auto';
    video.src = opts.url;
  }
  await finished;
  clearInterval(timer);
  sample();
  report.buffered = Array.from({ length: video.buffered.length },
    (_, i) => [video.buffered.start(i), video.buffered.end(i)]);
  report.duration = Number.isFinite(video.duration) ? video.duration : null;
  report.videoWidth = video.videoWidth;
  report.videoHeight = video.videoHeight;
  if (withHls) hls.destroy();
  return report;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const origin = new URL(args.url).origin;
  const pageUrl = `${origin}/__kvr_browser_test__/player.html`;
  const hlsJs = path.join(path.dirname(require.resolve('hls.js/package.json')), 'dist', 'hls.min.js');
  const browser = await chromium.launch({
    executablePath: args.chromium,
    headless: true,
    // root on a CI machine has no user namespace sandbox; sound and GPU are not there either
    args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required', '--mute-audio', '--disable-gpu',
      '--disable-dev-shm-usage'],
  });
  try {
    // --insecure: the server's certificate is a test's self-signed one
    const page = await browser.newPage({ ignoreHTTPSErrors: args.insecure === 'true' });
    const consoleErrors = [];
    page.on('console', (m) => { if (m.type() === 'error' && consoleErrors.length < 20) consoleErrors.push(m.text()); });
    await page.route(pageUrl, (route) => route.fulfill({ contentType: 'text/html',
      body: '<!doctype html><html><head><title>kvr player test</title></head><body></body></html>' }));
    await page.goto(pageUrl);
    if (args.mode === 'hls') await page.addScriptTag({ path: hlsJs });
    const report = await page.evaluate(playInPage, {
      url: args.url, watch: args.watch, seekTo: args.seekTo, until: args.until, timeout: args.timeout,
      codecs: args.codecs, mode: args.mode,
    });
    report.browser = browser.version();
    report.consoleErrors = consoleErrors;
    process.stdout.write(JSON.stringify(report) + '\n');
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ harnessError: String(e && e.stack || e) }) + '\n');
  process.exit(2);
});
