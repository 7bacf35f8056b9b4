/**
 * Deriving is a function of the stored bundle: the same bundle gives byte-identical objects
 * whatever the deriver saw before, after a restart (a new deriver), and images 1-5 do not depend
 * on the purposes in force (only meta.json says them). A retry or a re-derive on another relay
 * therefore writes the same bytes under the same deterministic keys.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sharpCodec } from '../../src/adapters/sharp-codec.js';
import { resolveConfig } from '../../src/relay/config.js';
import { Deriver, type DerivedObject } from '../../src/relay/derive.js';
import type { OutboxEntry } from '../../src/relay/types.js';
import { makeBundle, testJpeg } from './helpers/bundles.js';

const images = resolveConfig().images;
const newDeriver = () => new Deriver(sharpCodec({ jpegQuality: images.backgroundJpegQuality }), images);

const entry = (bundleId: string): OutboxEntry => ({
  id: 1, cameraId: 'porch', bundleId, ownerId: 'alice', bytes: new Uint8Array(0), captureTimeMs: Date.UTC(2026, 10, 23, 12),
  purposes: 3, consentVersion: 3, firstChunkMs: Date.UTC(2026, 10, 23, 12, 0, 1), acceptedMs: Date.UTC(2026, 10, 23, 12, 0, 2), attempts: 0,
});

const same = (a: DerivedObject[], b: DerivedObject[], what: string) => {
  assert.equal(a.map((o) => o.name), b.map((o) => o.name));
  for (let i = 0; i < a.length; i++) assert.ok(Buffer.from(a[i].body).equals(Buffer.from(b[i].body)), `${a[i].name} differs ${what}`);
};

test('the same bundle twice, with other bundles of the camera between, and after a restart: identical bytes', async () => {
  const b1 = makeBundle({ cameraId: 'porch', bundleId: 'd1', jpeg: await testJpeg(640, 480), rawWidth: 640, rawHeight: 480 });
  const b2 = makeBundle({ cameraId: 'porch', bundleId: 'd2', jpeg: await testJpeg(640, 480), rawWidth: 640, rawHeight: 480, box: [1, 1, 5, 5] });
  const deriver = newDeriver();
  const first = await deriver.derive(b1, entry('d1'), 3);
  for (let i = 0; i < 3; i++) await deriver.derive(b2, entry('d2'), 3);
  same(first, await deriver.derive(b1, entry('d1'), 3), 'after other bundles of the camera');
  same(first, await newDeriver().derive(b1, entry('d1'), 3), 'after a restart');
});

test('a narrower purpose changes meta.json only', async () => {
  const b = makeBundle({ cameraId: 'porch', bundleId: 'd3', jpeg: await testJpeg(320, 240) });
  const both = await newDeriver().derive(b, entry('d3'), 3);
  const motion = await newDeriver().derive(b, entry('d3'), 1);
  same(both.slice(0, 5), motion.slice(0, 5), 'with a narrower purpose');
  const meta = (o: DerivedObject[]) => JSON.parse(new TextDecoder().decode(o[5].body)).purposes;
  assert.equal(meta(both), ['motion', 'objectron']);
  assert.equal(meta(motion), ['motion']);
});

test.run();
