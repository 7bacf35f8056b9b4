/**
 * The CenterNet sibling adapter (src/adapters/person-centernet.ts) and the detector choice
 * (person-models.ts, person-pool.ts startPersonDetector): CenterNet at its converted 512x512 scores
 * people in vtest.avi at or above the alert threshold and the tree below it, with person boxes
 * inside the frame; a patch naming a constant the graph lacks is refused; the relay's default is
 * NanoDet 288x224 in one worker. Real frames from ../shared/footage (skipped loudly when absent).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { centernetFiles, centernetPatch, centernetPersonDetector } from '../../src/adapters/person-centernet.ts';
import { PERSON_DETECTOR_DEFAULT } from '../../src/adapters/person-models.ts';
import { startPersonDetector } from '../../src/adapters/person-pool.ts';
import { loadGraph } from '../../src/adapters/person-tfjs.ts';
import type { PersonDetector } from '../../src/alerts/types.ts';
import { ALERT_DEFAULTS } from '../../src/alerts/verdict.ts';
import { FOOTAGE, videoFrame } from '../../bench/alerts-frames.ts';

const T = ALERT_DEFAULTS.personScore;
const absent = !existsSync(join(FOOTAGE, 'vtest.avi')) || !existsSync(join(FOOTAGE, 'tree.avi')) || spawnSync('ffmpeg', ['-version']).status !== 0;
const skip = (why: string) => console.log(`\n  !!!!! SKIPPED: ${why} !!!!!\n`);
const open: PersonDetector[] = [];

test.after(async () => {
  for (const d of open) await d.close();
});

test("the relay's default: NanoDet at 288x224 in one worker thread", async () => {
  assert.equal(PERSON_DETECTOR_DEFAULT, { model: 'nanodet', input: { width: 288, height: 224 }, workers: 1 });
  const d = await startPersonDetector({ workers: 0 });
  open.push(d);
  assert.is(d.name, 'nanodet-288x224');
});

test('a graph patch must name int32 constants the graph has, with as many values', async () => {
  const { modelJson } = centernetFiles();
  assert.not.match(modelJson, /face|iris|age|gender|emotion/);
  const bad = async (ints: Record<string, number[]>) => {
    let err = '';
    await loadGraph(modelJson, { input: [1, 256, 320, 3], ints }).catch((e: Error) => (err = e.message));
    return err;
  };
  assert.match(await bad({ 'tower_0/no_such_constant': [1, 2] }), /cannot set tower_0\/no_such_constant/);
  assert.match(await bad({ 'tower_0/CenternetHead/c5_upsample/up_sampling2d/mul': [16] }), /cannot set/);
  assert.equal(centernetPatch({ width: 320, height: 256 }).ints!['tower_0/CenternetHead/c3_upsample/up_sampling2d_2/mul'], [64, 80]);
});

test('CenterNet: people at or above the threshold with boxes inside the frame, the tree below it', async () => {
  if (absent) return skip(`${FOOTAGE} (vtest.avi, tree.avi) or ffmpeg is absent: CenterNet did not run on real frames`);
  const d = await centernetPersonDetector({ input: { width: 512, height: 512 } });
  open.push(d);
  assert.is(d.name, 'centernet-512x512');
  const frame = videoFrame(join(FOOTAGE, 'vtest.avi'), 30);
  const { width, height } = await sharp(frame).metadata();
  const r = await d.detect(frame);
  assert.ok(r.score >= T, `vtest.avi at 30 s: person score ${r.score}`);
  assert.ok(r.boxes.length >= 2, `people boxed: ${r.boxes.length}`);
  for (const b of r.boxes) assert.ok(b.x >= 0 && b.y >= 0 && b.w > 0 && b.h > 0 && b.x + b.w <= width! && b.y + b.h <= height!, `inside: ${JSON.stringify(b)}`);
  for (const t of [1, 10]) {
    const e = await d.detect(videoFrame(join(FOOTAGE, 'tree.avi'), t));
    assert.ok(e.score < T, `tree.avi at ${t} s: person score ${e.score}`);
  }
});

test.run();
