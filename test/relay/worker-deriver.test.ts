/**
 * adapters/worker-deriver.ts: the derive stage on its own thread gives the same objects as in
 * process, passes DeriveError reasons and the sharp-fallback counts back, and survives losing
 * its thread (the bundles in it fail with DeriveUnavailable, the next one starts a new thread).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { WorkerDeriver } from '../../src/relay/adapters/worker-deriver.js';
import { sharpCodec } from '../../src/relay/adapters/sharp-codec.js';
import { resolveConfig } from '../../src/relay/config.js';
import { DeriveError, Deriver, DeriveUnavailable } from '../../src/relay/derive.js';
import type { OutboxEntry } from '../../src/relay/types.js';
import { makeBundle, testJpeg } from './helpers/bundles.js';

const images = resolveConfig({}).images;
const entry = (bundleId: string): OutboxEntry => ({
  id: 1, cameraId: 'porch', bundleId, ownerId: 'alice', captureTimeMs: Date.UTC(2026, 10, 23, 12), purposes: 3, consentVersion: 3,
  firstChunkMs: Date.UTC(2026, 10, 23, 12), acceptedMs: Date.UTC(2026, 10, 23, 12), attempts: 0, bytes: new Uint8Array(0),
});
const now = Date.UTC(2026, 10, 23, 12, 0, 1);

test('same objects as the in-process deriver, bundle after bundle (the evidence state lives in the thread)', async () => {
  const threaded = new WorkerDeriver(images);
  const local = new Deriver(sharpCodec({ jpegQuality: images.backgroundJpegQuality }), images);
  try {
    const sizes: [number, number][] = [[640, 480], [640, 480], [320, 240], [642, 481]];
    for (const [i, [w, h]] of sizes.entries()) {
      const b = makeBundle({ cameraId: 'porch', bundleId: `t${i}`, jpeg: await testJpeg(w, h), rawWidth: w, rawHeight: h });
      const [a, c] = await Promise.all([threaded.derive(b, entry(`t${i}`), 3, now), local.derive(b, entry(`t${i}`), 3, now)]);
      assert.equal(a.map((o) => o.name), c.map((o) => o.name));
      for (let k = 0; k < a.length; k++) assert.ok(Buffer.from(a[k].body).equals(Buffer.from(c[k].body)), `${w}x${h} ${a[k].name}`);
    }
    assert.equal(threaded.counts, local.counts, 'fallback counts come back from the thread');
    assert.ok(threaded.counts.viewsDecodedBySharp > 0 && threaded.counts.backgroundsEncodedBySharp > 0);
    assert.is(threaded.started, 1);
  } finally {
    await threaded.close();
  }
});

test('a DeriveError keeps its reason across the thread', async () => {
  const d = new WorkerDeriver(images);
  try {
    const b = makeBundle({ cameraId: 'porch', bundleId: 'bad', jpeg: await testJpeg(640, 480) }); // the bundle says 320x240
    const err = await d.derive(b, entry('bad'), 3, now).then(() => null, (e: Error) => e);
    assert.instance(err, DeriveError);
    assert.is((err as DeriveError).reason, 'bad-image');
  } finally {
    await d.close();
  }
});

test('a lost thread fails its bundles with DeriveUnavailable and the next bundle gets a new thread', async () => {
  const d = new WorkerDeriver(images);
  try {
    const b = makeBundle({ cameraId: 'porch', bundleId: 'r1', jpeg: await testJpeg() });
    await d.derive(b, entry('r1'), 3, now);
    const inFlight = d.derive(b, entry('r1'), 3, now);
    await (d as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    const err = await inFlight.then(() => null, (e: Error) => e);
    assert.instance(err, DeriveUnavailable);
    const again = await d.derive(b, entry('r1'), 3, now);
    assert.is(again.length, 6);
    assert.is(d.started, 2);
  } finally {
    await d.close();
  }
});

test.run();
