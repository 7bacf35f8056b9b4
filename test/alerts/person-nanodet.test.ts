// test-timeout: 90 s
/**
 * The NanoDet person detector (src/adapters/person-nanodet.ts) on real frames taken from
 * ../shared/footage at test time (never copied), at its default input (288x224, the graph resized
 * from the 416x416 it was converted for): people in vtest.avi and (most frames of) HallAndMonitor
 * score at or above the alert threshold, the tree (before the hand) below it; the people it boxes
 * are the ones it boxes at 416x416; the worker pool gives the same scores. Skipped loudly when the
 * footage or ffmpeg is absent.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { nanodetFiles, nanodetPatch, nanodetPersonDetector } from '../../src/adapters/person-nanodet.ts';
import { PERSON_DETECTOR_DEFAULT } from '../../src/adapters/person-models.ts';
import { personDetectorPool } from '../../src/adapters/person-pool.ts';
import type { PersonBox, PersonDetector } from '../../src/alerts/types.ts';
import { ALERT_DEFAULTS } from '../../src/alerts/verdict.ts';
import { personProposals } from '../../src/review/person-proposals.ts';
import { FOOTAGE, hallFrames, videoFrame } from '../../bench/alerts-frames.ts';

const T = ALERT_DEFAULTS.personScore;
const absent = !existsSync(join(FOOTAGE, 'vtest.avi')) || !existsSync(join(FOOTAGE, 'tree.avi')) || spawnSync('ffmpeg', ['-version']).status !== 0;
const skip = (why: string) => console.log(`\n  !!!!! SKIPPED: ${why} !!!!!\n`);
let detector: PersonDetector | null = null;

test.after(async () => {
  await detector?.close();
});

test('the model and the wasm come from node_modules; no face model is among what is loaded', () => {
  const { modelJson, wasmDir } = nanodetFiles();
  assert.ok(existsSync(modelJson) && modelJson.endsWith('nanodet.json'));
  assert.ok(existsSync(join(wasmDir, 'tfjs-backend-wasm-simd.wasm')));
  assert.not.match(modelJson, /face|iris|age|gender|emotion/);
});

test('one graph for any size: the pyramid\'s four resize targets are computed from the input (1/16, 1/8, 1/16, 1/32); other sizes are refused', async () => {
  const p = nanodetPatch();
  assert.equal(p.input, [1, 3, -1, -1]);
  assert.equal(Object.values(p.sizes!.byName), [16, 8, 16, 32]);
  let err = '';
  await nanodetPersonDetector({ input: { width: 300, height: 240 } }).catch((e: Error) => (err = e.message));
  assert.match(err, /multiples of 32/);
  err = '';
  await nanodetPersonDetector({ region: { width: 200, height: 192 } }).catch((e: Error) => (err = e.message));
  assert.match(err, /multiples of 32/);
});

test('people score at or above the threshold, the swaying tree below it', async () => {
  if (absent) return skip(`${FOOTAGE} (vtest.avi, tree.avi) or ffmpeg is absent: the detector did not run on real frames`);
  detector = await nanodetPersonDetector();
  assert.is(detector.name, `nanodet-${PERSON_DETECTOR_DEFAULT.input!.width}x${PERSON_DETECTOR_DEFAULT.input!.height}`, 'the default input is the relay default');
  for (const t of [5, 30]) {
    const r = await detector.detect(videoFrame(join(FOOTAGE, 'vtest.avi'), t));
    assert.ok(r.score >= T, `vtest.avi at ${t} s: person score ${r.score}`);
    assert.ok(r.boxes.length >= 1 && r.boxes.every((b) => b.w > 0 && b.h > b.w && b.x >= 0 && b.y >= 0), 'upright person boxes in frame pixels');
  }
  for (const t of [1, 10]) {
    const r = await detector.detect(videoFrame(join(FOOTAGE, 'tree.avi'), t));
    assert.ok(r.score < T, `tree.avi at ${t} s: person score ${r.score}`);
  }
});

test('HallAndMonitor: most frames with a person in the truth masks score at or above the threshold', async () => {
  const frames = (await hallFrames(24)).filter((f) => f.label === 'person');
  if (!frames.length || !detector) return skip('HallAndMonitor frames are absent');
  const scores = [];
  for (const f of frames) scores.push((await detector.detect(f.jpeg)).score);
  const flagged = scores.filter((s) => s >= T).length;
  assert.ok(flagged * 2 >= frames.length, `flagged ${flagged}/${frames.length}: ${scores.map((s) => s.toFixed(2)).join(' ')}`);
});

test('at its default input it boxes the people it boxes at 416x416 (the resized graph and the non-square grid decode alike)', async () => {
  if (absent || !detector) return skip('footage absent: the sizes were not compared');
  const frame = videoFrame(join(FOOTAGE, 'vtest.avi'), 30);
  const big = await nanodetPersonDetector({ input: { width: 416, height: 416 } });
  try {
    const [a, b] = [await big.detect(frame), await detector.detect(frame)];
    const sure = (r: typeof a) => r.boxes.filter((x) => x.score >= T);
    assert.ok(sure(b).length >= 3, `people boxed at ${detector.name}: ${sure(b).length}`);
    const overlap = (p: PersonBox, q: PersonBox) => {
      const w = Math.min(p.x + p.w, q.x + q.w) - Math.max(p.x, q.x), h = Math.min(p.y + p.h, q.y + q.h) - Math.max(p.y, q.y);
      return w > 0 && h > 0 ? (w * h) / (p.w * p.h + q.w * q.h - w * h) : 0;
    };
    for (const x of sure(b)) assert.ok(a.boxes.some((y) => overlap(x, y) >= 0.4), `a 416x416 box where ${detector!.name} has ${JSON.stringify(x)}`);
  } finally {
    await big.close();
  }
});

test('a region is scored at the region input, its boxes come back in frame pixels', async () => {
  if (absent || !detector) return skip('footage absent: regions were not scored');
  const frame = videoFrame(join(FOOTAGE, 'vtest.avi'), 30);
  const whole = await detector.detect(frame);
  const best = whole.boxes[0];
  assert.ok(best && best.score >= T, 'a person in the whole frame');
  // a region twice the person's box, square, around it
  const side = Math.max(192, 2 * best.h);
  const region = { x: Math.max(0, Math.round(best.x + best.w / 2 - side / 2)), y: Math.max(0, Math.round(best.y + best.h / 2 - side / 2)), w: side, h: side };
  const r = await detector.detect(frame, { ...region, w: Math.min(region.w, 320 - region.x), h: Math.min(region.h, 240 - region.y) });
  assert.ok(r.score >= T, `the person in the region: ${r.score}`);
  const mid = (b: PersonBox) => [b.x + b.w / 2, b.y + b.h / 2];
  const [cx, cy] = mid(best);
  assert.ok(r.boxes.some((b) => Math.abs(mid(b)[0] - cx) < best.w / 2 && Math.abs(mid(b)[1] - cy) < best.h / 2), `a region box where the whole frame has ${JSON.stringify(best)}: ${JSON.stringify(r.boxes.slice(0, 3))}`);
  assert.ok(r.boxes.every((b) => b.x >= region.x - 1 && b.y >= region.y - 1), 'boxes are inside the region, in frame pixels');
  let err = '';
  await detector.detect(frame, { x: 400, y: 0, w: 50, h: 50 }).catch((e: Error) => (err = e.message));
  assert.match(err, /outside the 320x240 frame/);
});

test('a corrupt JPEG is refused with an error, not a verdict', async () => {
  if (!detector) return skip('no detector (footage absent)');
  const good = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#808080' } }).jpeg().toBuffer();
  await assert.not.throws(() => detector!.detect(new Uint8Array(good)));
  let failed = false;
  await detector.detect(new Uint8Array(good.subarray(0, 100))).catch(() => (failed = true));
  assert.ok(failed, 'a truncated JPEG rejects');
});

test('the worker pool gives the same scores as the in-thread detector', async () => {
  if (absent || !detector) return skip('footage absent: the pool was not compared');
  const frame = videoFrame(join(FOOTAGE, 'vtest.avi'), 12);
  const pool = await personDetectorPool(1);
  try {
    const [a, b] = [await detector.detect(frame), await pool.detect(frame)];
    assert.is(b.score, a.score);
    assert.equal(b.boxes, a.boxes);
    const region = { x: 64, y: 16, w: 192, h: 192 };
    const [c, d] = [await detector.detect(frame, region), await pool.detect(frame, region)];
    assert.is(d.score, c.score, 'the region reaches the worker');
    assert.equal(pool.inputs, detector.inputs);
  } finally {
    await pool.close();
  }
});

test('the review console proposes the people the detector finds as person boxes inside the view', async () => {
  if (absent || !detector) return skip('footage absent: no proposals were made from real frames');
  const frame = videoFrame(join(FOOTAGE, 'vtest.avi'), 5);
  const { width, height } = await sharp(frame).metadata();
  const item = { ownerId: 'o', cameraId: 'c', bundleId: 'b', prefix: 'p/', captureTimeMs: 0, purposes: 2, width: width!, height: height! };
  const boxes = await personProposals(detector).propose(frame, item);
  assert.ok(boxes.length >= 1, 'at least one proposed person on a plaza with people');
  for (const b of boxes) {
    assert.is(b.label, 'person');
    assert.ok(b.x >= 0 && b.y >= 0 && b.w >= 2 && b.h >= 2 && b.x + b.w <= item.width && b.y + b.h <= item.height, `inside the view: ${JSON.stringify(b)}`);
    assert.ok(Number.isInteger(b.x) && Number.isInteger(b.w), 'whole pixels');
  }
});

test.run();
