// test-timeout: 90 s
/**
 * The NanoDet person detector (src/adapters/person-nanodet.ts) on real frames taken from
 * ../shared/footage at test time (never copied): people in vtest.avi and (most frames of)
 * HallAndMonitor score at or above the alert threshold, the tree (before the hand) below it. Also the pool (two worker
 * threads) gives the same scores. Skipped loudly when the footage or ffmpeg is absent.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { nanodetFiles, nanodetPersonDetector } from '../../src/adapters/person-nanodet.ts';
import { personDetectorPool } from '../../src/adapters/person-pool.ts';
import type { PersonDetector } from '../../src/alerts/types.ts';
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

test('people score at or above the threshold, the swaying tree below it', async () => {
  if (absent) return skip(`${FOOTAGE} (vtest.avi, tree.avi) or ffmpeg is absent: the detector did not run on real frames`);
  detector = await nanodetPersonDetector();
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
