/**
 * The proof that the ES5 bundle runs the same in an embedded engine: the device app in Node and
 * the bundle inside the desktop firmware runtime (C + Duktape 2.7, capped heap) publish
 * byte-identical messages — events and bundle chunks — for the same inputs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runFirmware, type FirmwareRun, type FirmwareRunOptions } from '../../firmware/node/run.ts';
import { collectBundles, runFirmwareOnSource } from '../../sim/firmware.ts';
import { WALL_2025 } from '../../firmware/node/synthetic.ts';
import type { FirmwareInput } from '../../firmware/node/wire.ts';
import { openSource } from '../../sim/sources/open.ts';
import { CAMERA, CONSENT_BOTH, H, W, config, eventsOf, frames, motion, quiet, settle, warm } from './scenario.ts';

const TREE = fileURLToPath(new URL('../../../shared/footage/tree.avi', import.meta.url));

/** `embeddedKernels`: whether the embedded run was given the native kernels (the runtime's default). */
function assertSame(a: FirmwareRun, b: FirmwareRun, what: string, embeddedKernels = true): void {
  assert.is(b.publishes.length, a.publishes.length, `${what}: publish count`);
  for (let i = 0; i < a.publishes.length; i++) {
    const x = a.publishes[i];
    const y = b.publishes[i];
    assert.is(y.topic, x.topic, `${what}: publish ${i} topic`);
    assert.is(y.qos, x.qos, `${what}: publish ${i} qos`);
    assert.ok(Buffer.from(y.payload).equals(Buffer.from(x.payload)), `${what}: publish ${i} (${x.topic}) bytes differ`);
  }
  // The one intended difference: the runtime gives the app native per-pixel kernels and SHA-256
  // compression, Node does not (the bytes above, MACs included, prove them bit-exact with the TypeScript ones).
  const kernelsOff = (logs: FirmwareRun['logs']) =>
    logs.map((l) => ({ ...l, text: l.text.replace(/, (native|TypeScript) SHA-256, (native|TypeScript) kernels$/, '') }));
  assert.equal(kernelsOff(b.logs), kernelsOff(a.logs), `${what}: logs`);
  assert.equal({ ...b.app, nativeKernels: 0, nativeDigest: 0 }, { ...a.app, nativeKernels: 0, nativeDigest: 0 }, `${what}: app stats`);
  assert.is(a.app.nativeKernels, 0, `${what}: Node runs the TypeScript kernels`);
  assert.is(a.app.nativeDigest, 0, `${what}: Node runs the TypeScript SHA-256`);
  assert.is(b.app.nativeKernels, b.runtime === 'embedded' && embeddedKernels ? 1 : 0, `${what}: kernels in ${b.runtime}`);
  assert.is(b.app.nativeDigest, b.runtime === 'embedded' && embeddedKernels ? 1 : 0, `${what}: SHA-256 in ${b.runtime}`);
}

async function both(inputs: FirmwareInput[], o: Omit<FirmwareRunOptions, 'runtime'>): Promise<[FirmwareRun, FirmwareRun]> {
  const node = await runFirmware(inputs, { ...o, runtime: 'node' });
  const embedded = await runFirmware(inputs, { ...o, runtime: 'embedded' });
  return [node, embedded];
}

/** Fake raw views: the codec treats JPEG bytes as opaque, so any bytes prove they pass through. */
function withViews(inputs: FirmwareInput[]): FirmwareInput[] {
  return inputs.map((r, i) => (r.kind === 'frame' ? { ...r, view: new Uint8Array(3000 + (i % 7) * 100).map((_, k) => (k * 31 + i) & 255) } : r));
}

test('synthetic frames: events, a snapshot, a consent change and a reboot publish the same bytes', async () => {
  const inputs = withViews([
    ...config(CONSENT_BOTH), ...frames([warm, motion(), settle, quiet(10), motion(30), settle, quiet(7)]),
    { kind: 'reboot' }, ...config({ ...CONSENT_BOTH, purposes: 'motion' }),
    ...frames([warm, quiet(6), motion(), settle, quiet(2)], WALL_2025 + 40 * 60000, 2, 0),
    ...config({ ...CONSENT_BOTH, expires: '2024-01-01' }), ...frames([motion(), settle], WALL_2025 + 60 * 60000, 3, 20 * 60000),
  ]);
  const [node, embedded] = await both(inputs, { width: W, height: H, viewWidth: 320, viewHeight: 240, settings: { camera: CAMERA } });
  assertSame(node, embedded, '80x60');
  const bundles = collectBundles(embedded.publishes);
  assert.is(bundles.length, 2, 'one snapshot before the reboot, one after');
  assert.equal(bundles.map((b) => b.bundle.purposes), [3, 1]);
  assert.ok(bundles.every((b) => b.bundle.rawView.width === 320 && b.bundle.rawView.jpeg.length >= 3000));
  assert.ok(eventsOf(embedded.publishes).some((e) => e.skip === 'expired'));
  const sent = embedded.publishes.filter((p) => p.topic === `quietcam/${CAMERA}/frame`);
  assert.ok(sent.length >= 3, `event frames published (${sent.length})`);
  assert.ok(embedded.app.eventFrames >= 1 && embedded.app.eventFrames < sent.length, "stats count the frames since the reboot");
  const heap = embedded.heap as Record<string, number>;
  assert.is(heap.engine, 'duktape 2.7.0');
  assert.is(heap.refused, 0);
  assert.is(heap.boots, 2);
  assert.ok(heap.heapBase > 50000, `engine base ${heap.heapBase}`);
  assert.ok(heap.peakAboveBase < heap.heapCap - heap.heapBase, 'under the cap');
  console.log(`  80x60 in Duktape: base ${heap.heapBase} B, code ${heap.codeBytes} B, peak above base ${heap.peakAboveBase} B (app ${heap.peakAboveBase - heap.codeBytes} B)`);
});

test('160x120: the same bytes, and the heap holds steady (nothing allocated per frame survives)', async () => {
  const inputs = [...config(CONSENT_BOTH), ...frames([warm, motion(), settle, quiet(6), motion(), settle]).map((r) => {
    if (r.kind !== 'frame') return r;
    const g = new Uint8Array(160 * 120);
    for (let y = 0; y < 120; y++) for (let x = 0; x < 160; x++) g[y * 160 + x] = r.grey[(y >> 1) * W + (x >> 1)];
    return { ...r, grey: g };
  })];
  const [node, embedded] = await both(inputs, { width: 160, height: 120, settings: { camera: CAMERA } });
  assertSame(node, embedded, '160x120');
  assert.is(collectBundles(embedded.publishes).length, 1);
  const heap = embedded.heap as Record<string, number>;
  // After the run only the code and the app's start-up allocations remain (+ GC slack).
  assert.ok(heap.nowAboveBase - heap.codeBytes - heap.startBytes < 16384, `heap grew by ${heap.nowAboveBase - heap.codeBytes - heap.startBytes} B`);
});

test('the TypeScript per-pixel loops inside Duktape (no native kernels): the same bytes as Node', async () => {
  const inputs = [...config(CONSENT_BOTH), ...frames([warm, motion(), settle, quiet(6), motion(), settle])];
  const [node, embedded] = await both(inputs, { width: W, height: H, settings: { camera: CAMERA }, noKernels: true });
  assert.is(embedded.app.nativeKernels, 0);
  assert.equal(embedded.logs.map((l) => l.text), node.logs.map((l) => l.text), 'logs, kernel note included');
  assertSame(node, embedded, 'no kernels', false);
  assert.is(collectBundles(embedded.publishes).length, 1);
});

test('a generated scene through the simulator path (JPEG raw view): identical bundles', async () => {
  const run = async (runtime: 'node' | 'embedded') => runFirmwareOnSource(await openSource('scene:busy', { seconds: 20 }), {
    runtime, seconds: 20, settings: { lastEventEnd: String(WALL_2025 - 10 * 60000) },
  });
  const node = await run('node');
  const embedded = await run('embedded');
  assertSame(node, embedded, 'scene:busy');
  assert.ok(embedded.bundles.length >= 1, 'the first event is eligible (previous end 10 min before)');
  assert.equal(embedded.bundles.map((b) => Buffer.from(b.bytes).toString('hex')), node.bundles.map((b) => Buffer.from(b.bytes).toString('hex')));
  assert.ok(embedded.bundles[0].bundle.rawView.jpeg[0] === 0xff && embedded.bundles[0].bundle.rawView.jpeg[1] === 0xd8, 'a JPEG');
});

test('../shared/footage/tree.avi via ffmpeg: identical publishes', async () => {
  if (!existsSync(TREE)) {
    console.log('\n  !!!!! SKIPPED: ../shared/footage/tree.avi is absent: the real-footage identity check did not run !!!!!\n');
    return;
  }
  const ff = spawnSync('ffmpeg', ['-v', 'error', '-i', TREE, '-vf', `scale=${W}:${H}:flags=area`, '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], { maxBuffer: 1 << 28 });
  if (ff.error || ff.status !== 0) {
    console.log(`\n  !!!!! SKIPPED: ffmpeg could not decode tree.avi (${ff.error?.message ?? ff.stderr}): apt-get install ffmpeg !!!!!\n`);
    return;
  }
  const n = Math.floor(ff.stdout.length / (W * H));
  const inputs: FirmwareInput[] = [...config(CONSENT_BOTH)];
  // 15 fps, as the file's index says.
  for (let i = 0; i < n; i++) {
    const t = Math.round((i * 1000) / 15);
    inputs.push({ kind: 'frame', wallMs: WALL_2025 + t, ticksMs: t, grey: new Uint8Array(ff.stdout.subarray(i * W * H, (i + 1) * W * H)) });
  }
  const [node, embedded] = await both(inputs, { width: W, height: H, settings: { camera: CAMERA, lastEventEnd: String(WALL_2025 - 15 * 60000) } });
  assertSame(node, embedded, 'tree.avi');
  const ev = eventsOf(embedded.publishes);
  assert.ok(n > 400, `${n} frames`);
  assert.ok(ev.length >= 1, 'the hand makes an event');
  assert.ok((ev[0].timeMs as number) - WALL_2025 > 20000, `first event at ${((ev[0].timeMs as number) - WALL_2025) / 1000} s (the tree alone must not start one)`);
  assert.is(collectBundles(embedded.publishes).length, 1, 'the first event is eligible: one snapshot');
});

test.run();
