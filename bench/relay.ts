/**
 * The home stack on its embedded defaults, measured: aedes (broker), s3rver (local S3) and the
 * relay, each in its own process, then with the owner pages all in one process as `quietcam web
 * --local` runs them (bench/relay-peer.ts); N simulated cameras in this process.
 * Prints each process's RSS idle and under load (the peak of samples every 250 ms) and the
 * stack's total (goal: <= 300 MB), and the latency from a bundle's last chunk published to its
 * last S3 object confirmed (goal: p99 < 1 s with 20 cameras).
 *
 * The load: every `BENCH_INTERVAL_MS` all cameras send a bundle at once (the worst case: motion
 * across the whole house), for `BENCH_SECONDS`. A camera sends at most 12 bundles an hour; this is
 * hundreds of times that, in bursts. Bundles are encoded and chunked before the run (a board
 * does that on its own CPU).
 * Env: BENCH_CAMERAS (20), BENCH_SECONDS (30), BENCH_INTERVAL_MS (2000), BENCH_RAW_WIDTH (640),
 * BENCH_LAYOUT (processes | one; default both), BENCH_PLAIN=1 (without the lean settings),
 * BENCH_CONCURRENCY (upload.concurrency), BENCH_PEER_NODE_ARGS (extra node flags for the stack's
 * processes, e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof').
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectPublisher, type BundlePublisher } from '../src/adapters/mqtt-publisher.ts';
import { S3RVER_CREDENTIALS } from '../src/adapters/s3rver-endpoint.ts';
import { bundleTopic, chunkBundle, demoCameraSecret, encodeBundle, hexToBytes, macKey } from '../src/protocol/index.ts';
import { demoCamera } from '../src/relay/stack.ts';
import { makeBundle, testJpeg } from '../test/relay/helpers/bundles.ts';

const PEER = fileURLToPath(new URL('./relay-peer.ts', import.meta.url));

/**
 * What the home server should run the stack's processes with (README.md): glibc's malloc keeps
 * up to 8 arenas per core for libvips' and libuv's threads, and V8's young generation grows to
 * 3 x 16 MB semi-spaces; neither pays off at a home's load. Measured here: ~50 MB and ~40 MB less in
 * total under load respectively (BENCH_PLAIN=1 runs without them).
 */
const LEAN_ENV = process.env.BENCH_PLAIN === '1' ? {} : { MALLOC_ARENA_MAX: '2' };
const LEAN_NODE_ARGS = [...(process.env.BENCH_PLAIN === '1' ? [] : ['--max-semi-space-size=2']), ...(process.env.BENCH_PEER_NODE_ARGS ?? '').split(' ').filter(Boolean)];

/** BENCH_CONCURRENCY: bundles uploading at once (default: the config's). */
const RELAY_OVERRIDES = process.env.BENCH_CONCURRENCY ? { upload: { concurrency: Number(process.env.BENCH_CONCURRENCY) } } : {};

interface Peer { child: ChildProcess; ready: Promise<Record<string, string>> }

function peer(args: string[]): Peer {
  const child = fork(PEER, args, { execArgv: [...LEAN_NODE_ARGS, '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...LEAN_ENV, NODE_NO_WARNINGS: '1' } });
  const ready = new Promise<Record<string, string>>((resolve, reject) => {
    child.on('message', (m: { ready?: Record<string, string> }) => m.ready && resolve(m.ready));
    child.once('exit', (code) => reject(new Error(`bench peer ${args[0]} exited with ${code}`)));
  });
  return { child, ready };
}

/** A process's resident set (Linux /proc), MB, and its CPU time so far (user + system), ms; 0 once it is gone. */
function ownUsage(pid: number): { rssMb: number; cpuMs: number } {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const stat = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    // fields 14 and 15 of stat (utime, stime) in clock ticks of 10 ms
    return { rssMb: m ? Number(m[1]) / 1024 : 0, cpuMs: (Number(stat[11]) + Number(stat[12])) * 10 };
  } catch {
    return { rssMb: 0, cpuMs: 0 };
  }
}

/** RSS (MB) and CPU time (ms) of a process and its descendants (tsx runs an esbuild service beside each Node process). */
function usage(pid: number): { rssMb: number; cpuMs: number } {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parentOf.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const total = { rssMb: 0, cpuMs: 0 };
  for (const p of parentOf.keys()) {
    for (let q: number | undefined = p; q !== undefined && q > 1; q = parentOf.get(q)) {
      if (q === pid) {
        const u = ownUsage(p);
        total.rssMb += u.rssMb;
        total.cpuMs += u.cpuMs;
        break;
      }
    }
  }
  return total;
}

const rssMb = (pid: number) => usage(pid).rssMb;

function quantile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] : NaN;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface RelayBench {
  layout: Layout;
  cameras: number;
  rawView: string;
  bundles: number;
  /** Per process (broker, relay, s3; or stack), MB. */
  idleMb: Record<string, number>;
  loadMb: Record<string, number>;
  /** CPU time per bundle under load, per process (10 ms clock ticks over the whole run). */
  cpuMsPerBundle: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** 'processes': broker, S3 and relay one process each (attributes RSS); 'one': those and the owner pages in one, as `quietcam web --local` runs them. */
export type Layout = 'processes' | 'one';

interface Stack {
  peers: Record<string, Peer>;
  relay: Peer;
  brokerUrl: string;
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
    if (layout === 'one') {
      const configFile = join(dir, 'stack.json');
      writeFileSync(configFile, JSON.stringify({ dataDir: join(dir, 'relay'), ...RELAY_OVERRIDES, cameras: cameras.map((c) => demoCamera(c)) }));
      const stack = peer(['stack', configFile]);
      started.push(stack);
      const { url, logins } = await stack.ready;
      return { peers: { stack }, relay: stack, brokerUrl: url, logins: JSON.parse(logins), cleanup };
    }
    const broker = peer(['broker']);
    const s3 = peer(['s3', s3Dir]);
    started.push(broker, s3);
    const [b, s] = await Promise.all([broker.ready, s3.ready]);
    const configFile = join(dir, 'relay.json');
    writeFileSync(configFile, JSON.stringify({
      dataDir: join(dir, 'relay'), broker: { url: b.url }, s3: { endpoint: s.endpoint, ...S3RVER_CREDENTIALS },
      status: { port: null }, ...RELAY_OVERRIDES, cameras: cameras.map((c) => demoCamera(c)),
    }));
    const relay = peer(['relay', configFile]);
    started.push(relay);
    await relay.ready;
    return { peers: { broker, relay, s3 }, relay, brokerUrl: b.url, logins: {}, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** Every camera's bundles for every round, signed with its MAC secret and chunked ahead. */
async function prepare(cameras: string[], rounds: number, rawWidth: number, secretOf: (cameraId: string) => Uint8Array): Promise<{ chunks: Uint8Array[][][]; jpegBytes: number }> {
  const rawHeight = Math.round((rawWidth * 3) / 4);
  const jpeg = await testJpeg(rawWidth, rawHeight);
  const chunks = Array.from({ length: rounds }, (_, r) => cameras.map((cameraId) => {
    const b = makeBundle({ cameraId, bundleId: `r${r}`, jpeg, rawWidth, rawHeight, captureTimeMs: Date.UTC(2026, 11, 7) });
    return chunkBundle(encodeBundle(b, undefined, macKey(secretOf(cameraId))), { cameraId, bundleId: b.bundleId });
  }));
  return { chunks, jpegBytes: jpeg.length };
}

/** The peak RSS of each process while `during` runs, sampled every 250 ms. */
async function peakRss<T>(peers: Record<string, Peer>, during: Promise<T>): Promise<{ result: T; peak: Record<string, number> }> {
  const peak: Record<string, number> = {};
  let done = false;
  const sampler = (async () => {
    while (!done) {
      for (const [r, p] of Object.entries(peers)) peak[r] = Math.max(peak[r] ?? 0, rssMb(p.child.pid!));
      await sleep(250);
    }
  })();
  const result = await during.finally(() => (done = true));
  await sampler;
  return { result, peak };
}

/** Publish the rounds, one burst every `intervalMs`; resolve with each bundle's latency once all are in S3. */
async function runLoad(stack: Stack, pubs: BundlePublisher[], cameras: string[], chunks: Uint8Array[][][], intervalMs: number): Promise<number[]> {
  const lastChunkAt = new Map<string, number>();
  const latencies: number[] = [];
  const total = chunks.length * cameras.length;
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
  for (let r = 0; r < chunks.length; r++) {
    const due = t0 + r * intervalMs;
    if (due > Date.now()) await sleep(due - Date.now());
    const sends = cameras.map((cam, c) => {
      const cs = chunks[r][c];
      const topic = bundleTopic(cam);
      const last = pubs[c].publishRaw(topic, cs[cs.length - 1]);
      return Promise.all([...cs.slice(0, -1).map((x) => pubs[c].publishRaw(topic, x)), last]);
    });
    // every camera's last chunk of this round goes out now: the latest of them starts the clock
    lastChunkAt.set(`r${r}`, Date.now());
    chunks[r] = []; // published: let it go
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
    const { chunks, jpegBytes } = await prepare(cameras, rounds, rawWidth, secretOf);
    for (const c of cameras) {
      const login = stack.logins[c];
      pubs.push(await connectPublisher({ url: stack.brokerUrl, clientId: c, ...(login ? { username: login.username, password: login.password } : {}) }));
    }
    await sleep(3000); // settle: what a home server idles at
    const idle: Record<string, number> = {};
    for (const [r, p] of Object.entries(stack.peers)) idle[r] = rssMb(p.child.pid!);
    const cpu0 = Object.fromEntries(Object.entries(stack.peers).map(([r, p]) => [r, usage(p.child.pid!).cpuMs]));
    const { result: latencies, peak } = await peakRss(stack.peers, runLoad(stack, pubs, cameras, chunks, intervalMs));
    const cpuMsPerBundle = Object.fromEntries(Object.entries(stack.peers).map(([r, p]) => [r, (usage(p.child.pid!).cpuMs - cpu0[r]) / latencies.length]));
    return {
      layout, cameras: n, rawView: `${rawWidth}x${Math.round((rawWidth * 3) / 4)} JPEG, ${jpegBytes} bytes`, bundles: latencies.length,
      idleMb: idle, loadMb: peak, cpuMsPerBundle, p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99), maxMs: latencies[latencies.length - 1],
    };
  } finally {
    for (const p of pubs) await p.close();
    await stack.cleanup();
  }
}

function print(r: RelayBench): void {
  const ok = (b: boolean) => (b ? 'ok' : 'MISSED');
  const sum = (m: Record<string, number>) => Object.values(m).reduce((a, v) => a + v, 0);
  const row = (m: Record<string, number>) => Object.entries(m).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ');
  console.log(r.layout === 'one' ? '  broker, local S3, relay and owner pages in one process (quietcam web --local):' : '  broker, local S3 and relay one process each:');
  console.log(`    RSS idle: ${row(r.idleMb)} MB; total ${sum(r.idleMb).toFixed(0)} MB (goal <= 300: ${ok(sum(r.idleMb) <= 300)})`);
  console.log(`    RSS under load (peak): ${row(r.loadMb)} MB; total ${sum(r.loadMb).toFixed(0)} MB (goal <= 300: ${ok(sum(r.loadMb) <= 300)})`);
  console.log(`    CPU per bundle under load: ${Object.entries(r.cpuMsPerBundle).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')} ms`);
  console.log(`    latency, last chunk published -> last S3 object confirmed: p50 ${r.p50Ms.toFixed(0)} ms, p99 ${r.p99Ms.toFixed(0)} ms (goal < 1000: ${ok(r.p99Ms < 1000)}), max ${r.maxMs.toFixed(0)} ms, ${r.bundles} bundles`);
}

export async function main(): Promise<void> {
  const lean = process.env.BENCH_PLAIN === '1' ? 'plain node' : 'MALLOC_ARENA_MAX=2, --max-semi-space-size=2';
  console.log(`relay: the home stack on its embedded defaults (aedes, s3rver, relay; ${lean}; RSS includes tsx's esbuild service)`);
  const layouts: Layout[] = process.env.BENCH_LAYOUT ? [process.env.BENCH_LAYOUT as Layout] : ['processes', 'one'];
  for (const [i, layout] of layouts.entries()) {
    const r = await benchRelay(layout);
    if (i === 0) console.log(`  ${r.cameras} cameras, raw view ${r.rawView}, all cameras at once every ${process.env.BENCH_INTERVAL_MS ?? 2000} ms for ${process.env.BENCH_SECONDS ?? 30} s`);
    print(r);
  }
  await (await import('./relay-wear.ts')).main();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
