/**
 * The home stack on its embedded defaults, measured, as `npm start` / `npm run web` run it: aedes
 * (broker), s3rver (local S3), the relay with smart alerts (the person detector loaded) and the
 * owner pages in one process (`quietcam web --local`); the same without alerts, for comparison;
 * and broker, S3 and relay one process each (to attribute RSS). The stack's processes run
 * prebuilt (scripts/build-runtime.ts, as bin/quietcam.js runs dist/runtime; BENCH_RUNTIME=tsx:
 * the sources through tsx) with the settings of `npm start`; N simulated cameras in this process.
 * Prints each process's RSS idle and under load (the peak of samples every 250 ms) and the
 * stack's total (goal: <= 300 MB), and the latency from a bundle's last chunk published to its
 * last S3 object confirmed (goal: p99 < 1 s with 20 cameras).
 *
 * The load: every `BENCH_INTERVAL_MS` all cameras send a bundle at once (the worst case: motion
 * across the whole house), for `BENCH_SECONDS`; with alerts, one camera's event frame per round
 * too (BENCH_FRAMES per round), and one before the idle figure, so the model's working memory is
 * in both. A camera sends at most 12 bundles an hour; this is hundreds of times that, in bursts.
 * Bundles are encoded and chunked before the run (a board does that on its own CPU).
 * Env: BENCH_CAMERAS (20), BENCH_SECONDS (30), BENCH_INTERVAL_MS (2000), BENCH_RAW_WIDTH (640),
 * BENCH_FRAMES (1), BENCH_DETECTOR_WORKERS (the stack's default), BENCH_LAYOUT (one | one-no-alerts | processes, comma-separated; default all
 * three), BENCH_RUNTIME (dist | tsx), BENCH_PLAIN=1 (without the lean settings),
 * BENCH_CONCURRENCY (upload.concurrency), BENCH_PEER_NODE_ARGS (extra node flags for the stack's
 * processes, e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof'), BENCH_WEAR=0 (skip the disk-wear part).
 */
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectPublisher, type BundlePublisher } from '../src/adapters/mqtt-publisher.ts';
import { S3RVER_CREDENTIALS } from '../src/adapters/s3rver-endpoint.ts';
import { bundleTopic, chunkBundle, demoCameraSecret, encodeBundle, encodeEventFrame, eventFrameSize, hexToBytes, macKey } from '../src/protocol/index.ts';
import { demoCamera } from '../src/relay/stack.ts';
import { makeBundle, testJpeg } from '../test/relay/helpers/bundles.ts';
import { ask, dropBuiltPeer, peer as startPeer, usageOf, type Peer, type Runtime } from './relay-procs.ts';

/**
 * What the home server runs the stack's processes with (package.json start and web): glibc's
 * malloc keeps up to 8 arenas per core for libvips' and libuv's threads, V8's young generation
 * grows to 3 x 16 MB semi-spaces, and its old generation collects late while there is room;
 * none of it pays off at a home's load (BENCH_PLAIN=1 runs without them). The old generation's cap
 * (160 MB, ~3.5x the stack's live heap) took ~40 MB off the peak under this load (240-242 MB
 * against 280-287 MB, two runs each, interleaved, load 7-9) at no measurable CPU.
 */
const LEAN_ENV: Record<string, string> = process.env.BENCH_PLAIN === '1' ? {} : { MALLOC_ARENA_MAX: '2' };
const LEAN_FLAGS = ['--max-semi-space-size=2', '--max-old-space-size=160'];
const LEAN_NODE_ARGS = [...(process.env.BENCH_PLAIN === '1' ? [] : LEAN_FLAGS), ...(process.env.BENCH_PEER_NODE_ARGS ?? '').split(' ').filter(Boolean)];
const RUNTIME: Runtime = process.env.BENCH_RUNTIME === 'tsx' ? 'tsx' : 'dist';

/** BENCH_CONCURRENCY: bundles uploading at once (default: the config's). */
const RELAY_OVERRIDES = process.env.BENCH_CONCURRENCY ? { upload: { concurrency: Number(process.env.BENCH_CONCURRENCY) } } : {};

const peer = (args: string[]) => startPeer(args, RUNTIME, LEAN_NODE_ARGS, LEAN_ENV);

function quantile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] : NaN;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface RelayBench {
  layout: Layout;
  cameras: number;
  rawView: string;
  bundles: number;
  /** Per process (broker, relay, s3; or stack; a descendant as role/command), MB. */
  idleMb: Record<string, number>;
  loadMb: Record<string, number>;
  /** CPU time per bundle under load, per process (10 ms clock ticks over the whole run). */
  cpuMsPerBundle: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** With alerts: event frames sent and scored by the person detector. */
  frames?: { sent: number; scored: number };
  /** The one-process stack's process.memoryUsage() at idle and after the load, MB: where its RSS is. */
  memory?: { idle: NodeJS.MemoryUsage; after: NodeJS.MemoryUsage };
}

/**
 * 'one': broker, S3, relay with alerts and the owner pages in one process, as `npm run web` runs
 * them; 'one-no-alerts': the same with --no-alerts; 'processes': broker, S3 and relay (no alerts)
 * one process each (attributes RSS).
 */
export type Layout = 'one' | 'one-no-alerts' | 'processes';

interface Stack {
  peers: Record<string, Peer>;
  relay: Peer;
  brokerUrl: string;
  alerts: boolean;
  /** Camera logins when the broker wants them (the one-process stack pairs its cameras). */
  logins: Record<string, { username: string; password: string; secret: string }>;
  cleanup: () => Promise<void>;
}

/** Broker and S3 first, then the relay pointed at them, on its defaults; or the three in one process. */
async function startStack(cameras: string[], layout: Layout): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'quietcam-bench-relay-'));
  // S3 is elsewhere in production: keep s3rver's files off the relay's disk (its file writes would
  // otherwise share the ext4 journal with the relay's fsyncs).
  const s3Dir = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/quietcam-bench-s3-') : join(dir, 's3');
  const started: Peer[] = [];
  const cleanup = async () => {
    for (const p of started.reverse()) {
      if (p.child.exitCode !== null) continue;
      p.child.kill('SIGTERM');
      await once(p.child, 'exit');
    }
    rmSync(dir, { recursive: true, force: true });
    rmSync(s3Dir, { recursive: true, force: true });
  };
  try {
    if (layout !== 'processes') {
      const configFile = join(dir, 'stack.json');
      writeFileSync(configFile, JSON.stringify({ dataDir: join(dir, 'relay'), ...RELAY_OVERRIDES, cameras: cameras.map((c) => demoCamera(c)) }));
      const alerts = layout === 'one';
      const stack = await peer(['stack', configFile, alerts ? 'alerts' : 'no-alerts']);
      started.push(stack);
      const { url, logins } = await stack.ready;
      return { peers: { stack }, relay: stack, brokerUrl: url, alerts, logins: JSON.parse(logins), cleanup };
    }
    const broker = await peer(['broker']);
    const s3 = await peer(['s3', s3Dir]);
    started.push(broker, s3);
    const [b, s] = await Promise.all([broker.ready, s3.ready]);
    const configFile = join(dir, 'relay.json');
    writeFileSync(configFile, JSON.stringify({
      dataDir: join(dir, 'relay'), broker: { url: b.url }, s3: { endpoint: s.endpoint, ...S3RVER_CREDENTIALS },
      status: { port: null }, ...RELAY_OVERRIDES, cameras: cameras.map((c) => demoCamera(c)),
    }));
    const relay = await peer(['relay', configFile]);
    started.push(relay);
    await relay.ready;
    return { peers: { broker, relay, s3 }, relay, brokerUrl: b.url, alerts: false, logins: {}, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** Every camera's bundles for every round, signed with its MAC secret and chunked ahead. */
async function prepare(cameras: string[], rounds: number, jpeg: Uint8Array, rawWidth: number, secretOf: (cameraId: string) => Uint8Array): Promise<Uint8Array[][][]> {
  const rawHeight = Math.round((rawWidth * 3) / 4);
  return Array.from({ length: rounds }, (_, r) => cameras.map((cameraId) => {
    const b = makeBundle({ cameraId, bundleId: `r${r}`, jpeg, rawWidth, rawHeight, captureTimeMs: Date.UTC(2026, 11, 7) });
    return chunkBundle(encodeBundle(b, undefined, macKey(secretOf(cameraId))), { cameraId, bundleId: b.bundleId });
  }));
}

/** An event's first frame (the camera's view as a JPEG), signed: what the alert stage scores. */
function eventFrame(cameraId: string, eventId: number, jpeg: Uint8Array, width: number, secret: Uint8Array): Uint8Array {
  const out = new Uint8Array(eventFrameSize(cameraId, jpeg.length));
  const header = { cameraId, eventId, index: 0, count: 1, timeMs: Date.now(), offsetMs: 0, width, height: Math.round((width * 3) / 4) };
  encodeEventFrame(out, macKey(secret), header, jpeg, jpeg.length);
  return out;
}

/** The peak RSS of each process while `during` runs, sampled every 250 ms. */
async function peakRss<T>(peers: Record<string, Peer>, during: Promise<T>): Promise<{ result: T; peak: Record<string, number> }> {
  const peak: Record<string, number> = {};
  let done = false;
  const sampler = (async () => {
    while (!done) {
      for (const [r, u] of Object.entries(usageOf(peers))) peak[r] = Math.max(peak[r] ?? 0, u.rssMb);
      await sleep(250);
    }
  })();
  const result = await during.finally(() => (done = true));
  await sampler;
  return { result, peak };
}

/** Resolves once the alert stage has scored `n` frames (polled), or rejects after `ms`. */
async function scored(relay: Peer, n: number, ms: number): Promise<number> {
  const until = Date.now() + ms;
  for (;;) {
    const s = await ask<{ scored: number } | null>(relay, 'alerts');
    if ((s?.scored ?? 0) >= n) return s!.scored;
    if (Date.now() > until) throw new Error(`relay bench: ${s?.scored ?? 0} of ${n} event frames scored after ${ms} ms`);
    await sleep(100);
  }
}

interface Load { pubs: BundlePublisher[]; cameras: string[]; chunks: Uint8Array[][][]; intervalMs: number; frames: number; frame: (round: number, k: number) => Promise<void> }

/** Publish the rounds, one burst every `intervalMs` (and `frames` event frames); resolve with each bundle's latency once all are in S3. */
async function runLoad(stack: Stack, l: Load): Promise<number[]> {
  const lastChunkAt = new Map<string, number>();
  const latencies: number[] = [];
  const total = l.chunks.length * l.cameras.length;
  const allIn = new Promise<void>((resolve) => {
    stack.relay.child.on('message', (m: { uploaded?: [string, number] }) => {
      if (!m.uploaded) return;
      // every camera's bundle of round r is `r<r>`: one start time per round
      const [bundleId, at] = m.uploaded;
      latencies.push(at - (lastChunkAt.get(bundleId) ?? at));
      if (latencies.length === total) resolve();
    });
  });
  const t0 = Date.now();
  for (let r = 0; r < l.chunks.length; r++) {
    const due = t0 + r * l.intervalMs;
    if (due > Date.now()) await sleep(due - Date.now());
    const sends = l.cameras.map((cam, c) => {
      const cs = l.chunks[r][c];
      const topic = bundleTopic(cam);
      const last = l.pubs[c].publishRaw(topic, cs[cs.length - 1]);
      return Promise.all([...cs.slice(0, -1).map((x) => l.pubs[c].publishRaw(topic, x)), last]);
    });
    // every camera's last chunk of this round goes out now: the latest of them starts the clock
    lastChunkAt.set(`r${r}`, Date.now());
    l.chunks[r] = []; // published: let it go
    for (let k = 0; k < l.frames; k++) sends.push(l.frame(r, k) as never);
    await Promise.all(sends);
  }
  // a relay that stops uploading (bundles refused, a broken stack) fails the bench, never hangs it
  let seen = -1;
  while (latencies.length < total) {
    if (latencies.length === seen) throw new Error(`relay bench: ${latencies.length} of ${total} bundles in S3, none for 20 s (rejected? see the relay's log)`);
    seen = latencies.length;
    await Promise.race([allIn, sleep(20000)]);
  }
  return latencies.sort((a, b) => a - b);
}

const rssOf = (u: Record<string, { rssMb: number }>) => Object.fromEntries(Object.entries(u).map(([k, v]) => [k, v.rssMb]));

export async function benchRelay(layout: Layout): Promise<RelayBench> {
  const n = Number(process.env.BENCH_CAMERAS ?? 20);
  const seconds = Number(process.env.BENCH_SECONDS ?? 30);
  const intervalMs = Number(process.env.BENCH_INTERVAL_MS ?? 2000);
  const rawWidth = Number(process.env.BENCH_RAW_WIDTH ?? 640);
  const cameras = Array.from({ length: n }, (_, i) => `cam-${i}`);
  const rounds = Math.max(1, Math.floor((seconds * 1000) / intervalMs));
  const stack = await startStack(cameras, layout);
  const pubs: BundlePublisher[] = [];
  try {
    // the config's cameras carry the demo secret; cameras the stack paired have a fresh one each
    const secretOf = (c: string) => (stack.logins[c] ? hexToBytes(stack.logins[c].secret, 32)! : demoCameraSecret(c));
    const jpeg = await testJpeg(rawWidth, Math.round((rawWidth * 3) / 4));
    const chunks = await prepare(cameras, rounds, jpeg, rawWidth, secretOf);
    for (const c of cameras) {
      const login = stack.logins[c];
      pubs.push(await connectPublisher({ url: stack.brokerUrl, clientId: c, ...(login ? { username: login.username, password: login.password } : {}) }));
    }
    const frames = stack.alerts ? Number(process.env.BENCH_FRAMES ?? 1) : 0;
    const frame = (r: number, k: number) => {
      const c = (r * frames + k) % n;
      return pubs[c].publishRaw(`quietcam/${cameras[c]}/frame`, eventFrame(cameras[c], 1000 + r * frames + k, jpeg, rawWidth, secretOf(cameras[c])));
    };
    if (stack.alerts) {
      // one frame scored before the idle figure: the model's working memory is part of what idles
      await pubs[0].publishRaw(`quietcam/${cameras[0]}/frame`, eventFrame(cameras[0], 1, jpeg, rawWidth, secretOf(cameras[0])));
      await scored(stack.relay, 1, 30000);
    }
    await sleep(3000); // settle: what a home server idles at
    const idle = rssOf(usageOf(stack.peers));
    const oneProcess = layout !== 'processes';
    const memIdle = oneProcess ? await ask<NodeJS.MemoryUsage>(stack.relay, 'memory') : undefined;
    const cpu0 = usageOf(stack.peers);
    const { result: latencies, peak } = await peakRss(stack.peers, runLoad(stack, { pubs, cameras, chunks, intervalMs, frames, frame }));
    const cpu1 = usageOf(stack.peers);
    const cpuMsPerBundle = Object.fromEntries(Object.entries(cpu1).map(([r, u]) => [r, (u.cpuMs - (cpu0[r]?.cpuMs ?? 0)) / latencies.length]));
    const frameCounts = stack.alerts ? { sent: frames * rounds, scored: (await scored(stack.relay, 1 + frames * rounds, 60000)) - 1 } : undefined;
    const memory = memIdle ? { idle: memIdle, after: await ask<NodeJS.MemoryUsage>(stack.relay, 'memory') } : undefined;
    return {
      layout, cameras: n, rawView: `${rawWidth}x${Math.round((rawWidth * 3) / 4)} JPEG, ${jpeg.length} bytes`, bundles: latencies.length,
      idleMb: idle, loadMb: peak, cpuMsPerBundle, p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99), maxMs: latencies[latencies.length - 1], frames: frameCounts, memory,
    };
  } finally {
    for (const p of pubs) await p.close();
    await stack.cleanup();
  }
}

const TITLES: Record<Layout, string> = {
  one: 'broker, local S3, relay with alerts (person model loaded) and owner pages in one process (npm run web):',
  'one-no-alerts': 'the same without alerts (--no-alerts), for comparison:',
  processes: 'broker, local S3 and relay (no alerts) one process each:',
};

function print(r: RelayBench): void {
  const ok = (b: boolean) => (b ? 'ok' : 'MISSED');
  const sum = (m: Record<string, number>) => Object.values(m).reduce((a, v) => a + v, 0);
  const row = (m: Record<string, number>) => Object.entries(m).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ');
  console.log(`  ${TITLES[r.layout]}`);
  console.log(`    RSS idle: ${row(r.idleMb)} MB; total ${sum(r.idleMb).toFixed(0)} MB (goal <= 300: ${ok(sum(r.idleMb) <= 300)})`);
  console.log(`    RSS under load (peak): ${row(r.loadMb)} MB; total ${sum(r.loadMb).toFixed(0)} MB (goal <= 300: ${ok(sum(r.loadMb) <= 300)})`);
  console.log(`    CPU per bundle under load: ${Object.entries(r.cpuMsPerBundle).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')} ms${r.frames ? ' (with the event frames\' detections)' : ''}`);
  console.log(`    latency, last chunk published -> last S3 object confirmed: p50 ${r.p50Ms.toFixed(0)} ms, p99 ${r.p99Ms.toFixed(0)} ms (goal < 1000: ${ok(r.p99Ms < 1000)}), max ${r.maxMs.toFixed(0)} ms, ${r.bundles} bundles`);
  if (r.frames) console.log(`    event frames: ${r.frames.scored} of ${r.frames.sent} scored by the person detector during the run`);
  const mb = (m: NodeJS.MemoryUsage) => `JS heap ${(m.heapUsed / 1048576).toFixed(0)} of ${(m.heapTotal / 1048576).toFixed(0)}, external ${(m.external / 1048576).toFixed(0)} (array buffers and WASM memory ${(m.arrayBuffers / 1048576).toFixed(0)})`;
  if (r.memory) console.log(`    where the RSS is (MB): idle ${mb(r.memory.idle)}; after the load ${mb(r.memory.after)}`);
  const held = r.memory?.after as { loopDelayP99Ms?: number; loopDelayMaxMs?: number } | undefined;
  if (held?.loopDelayMaxMs !== undefined) console.log(`    the stack's thread held during the load: event-loop delay p99 ${held.loopDelayP99Ms!.toFixed(0)} ms, max ${held.loopDelayMaxMs.toFixed(0)} ms`);
}

export async function main(): Promise<void> {
  const lean = process.env.BENCH_PLAIN === '1' ? 'plain node' : `MALLOC_ARENA_MAX=2, ${LEAN_FLAGS.join(' ')}`;
  const runtime = RUNTIME === 'dist' ? 'prebuilt runtime, no loader' : 'sources through tsx; RSS includes its esbuild service';
  console.log(`relay: the home stack on its embedded defaults (aedes, s3rver, relay, alerts; ${runtime}; ${lean}; load average ${loadavg()[0].toFixed(1)})`);
  const layouts = (process.env.BENCH_LAYOUT ? process.env.BENCH_LAYOUT.split(',') : ['one', 'one-no-alerts', 'processes']) as Layout[];
  try {
    for (const [i, layout] of layouts.entries()) {
      const r = await benchRelay(layout);
      if (i === 0) console.log(`  ${r.cameras} cameras, raw view ${r.rawView}, all cameras at once every ${process.env.BENCH_INTERVAL_MS ?? 2000} ms for ${process.env.BENCH_SECONDS ?? 30} s; with alerts ${process.env.BENCH_FRAMES ?? 1} event frame(s) per round`);
      print(r);
    }
  } finally {
    dropBuiltPeer();
  }
  if (process.env.BENCH_WEAR !== '0') await (await import('./relay-wear.ts')).main();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
