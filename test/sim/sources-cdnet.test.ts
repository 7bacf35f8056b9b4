import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeGreyPng } from '../../sim/image-io.js';
import { frameNumber, openCdnet, parseTemporalRoi } from '../../sim/sources/cdnet.js';
import type { NativeFrame } from '../../sim/sources/types.js';
import { rejects } from './assert-async.js';
import { makeBmp, makePalettePng } from './image-fixtures.js';

const W = 8;
const H = 6;
const tmp = mkdtempSync(join(tmpdir(), 'quietcam-cdnet-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

const flat = (v: number, w = W, h = H) => new Uint8Array(w * h).fill(v);

/** A sequence: inputs 1, 2, 3 (a BMP), 10 (unpadded names); masks for 1, 2, 10; temporal ROI 2..10. */
function buildSequence(dir: string): void {
  mkdirSync(join(dir, 'input'), { recursive: true });
  mkdirSync(join(dir, 'groundtruth'));
  for (const n of [1, 2, 10]) writeFileSync(join(dir, 'input', `in${n}.png`), encodeGreyPng(flat(n * 10), W, H));
  writeFileSync(join(dir, 'input', 'in3.bmp'), makeBmp({ width: W, height: H, bpp: 24, pixels: new Array(W * H).fill([30, 30, 30]) }));
  writeFileSync(join(dir, 'input', 'notes.txt'), 'not an image');
  // Ground truth as palette PNGs whose indices are not the labels: index 0 = 255, 1 = 0, 2 = 170.
  const palette: [number, number, number][] = [[255, 255, 255], [0, 0, 0], [170, 170, 170]];
  const idx = Array.from({ length: W * H }, (_, i) => (i < 8 ? 0 : i < 12 ? 2 : 1));
  for (const n of [1, 2, 10]) writeFileSync(join(dir, 'groundtruth', `gt${String(n).padStart(6, '0')}.png`), makePalettePng(W, H, 8, palette, idx));
  writeFileSync(join(dir, 'temporalROI.txt'), '2 10\n');
  // ROI: palette index 0 is white (inside), index 1 black (outside): the left half is inside.
  const roiIdx = Array.from({ length: W * H }, (_, i) => (i % W < 4 ? 0 : 1));
  writeFileSync(join(dir, 'ROI.bmp'), makeBmp({ width: W, height: H, bpp: 8, palette: [[255, 255, 255], [0, 0, 0]], pixels: roiIdx }));
}

async function collect(it: AsyncIterable<NativeFrame & { name?: string }>) {
  const out: (NativeFrame & { name?: string })[] = [];
  for await (const f of it) out.push(f);
  return out;
}

test('frame numbers are the trailing digits of the stem', () => {
  assert.is(frameNumber('in000470.jpg'), 470);
  assert.is(frameNumber('gt000470.png'), 470);
  assert.is(frameNumber('Candela_m1.10_000012.png'), 12);
  assert.is(frameNumber('frame_7.jpg'), 7);
  assert.is(frameNumber('/a/b/x12y.png'), -1);
});

test('temporalROI.txt: two integers, inclusive, start <= end', () => {
  assert.equal(parseTemporalRoi('470 1700\n'), { start: 470, end: 1700 });
  assert.equal(parseTemporalRoi(' 0\t295 '), { start: 0, end: 295 });
  assert.throws(() => parseTemporalRoi('12'), /start end/);
  assert.throws(() => parseTemporalRoi('9 3'), /start <= end/);
});

test('a CDnet folder: numeric order, pairing, temporal ROI, missing masks unscored, palette ROI', async () => {
  const dir = join(tmp, 'seq');
  buildSequence(dir);
  const src = await openCdnet(dir);
  assert.is(src.name, 'seq');
  assert.equal([src.width, src.height, src.fps, src.frameCount, src.hasTruth], [W, H, 25, 4, true]);
  assert.equal(src.temporalRoi, { start: 2, end: 10 });
  assert.ok(src.roi);
  assert.equal(Array.from(src.roi!.subarray(0, W)), [1, 1, 1, 1, 0, 0, 0, 0], 'inside = palette colour > 0');
  const frames = await collect(src.frames());
  assert.equal(frames.map((f) => f.index), [1, 2, 3, 10]);
  assert.equal(frames.map((f) => f.name), ['in1', 'in2', 'in3', 'in10']);
  assert.equal(frames.map((f) => f.scored), [false, true, false, true], '1 is before the ROI, 3 has no mask');
  assert.equal(frames.map((f) => f.timeMs), [0, 40, 80, 120]);
  assert.equal(frames.map((f) => f.grey[0]), [10, 20, 30, 100], 'input N, BMP included');
  const gt = frames[1].truth!.motion!;
  assert.equal([gt[0], gt[7], gt[8], gt[11], gt[12], gt[47]], [255, 255, 170, 170, 0, 0], 'labels through the palette');
  assert.is(frames[2].truth, undefined);
  // Every iteration starts over, and the first frame is a copy the caller may modify.
  frames[0].grey[0] = 99;
  const again = await collect(src.frames());
  assert.is(again.length, 4);
  assert.is(again[0].grey[0], 10);
});

test('no groundtruth/: every frame in the temporal ROI is scored (false alarms); fps option', async () => {
  const dir = join(tmp, 'nogt');
  buildSequence(dir);
  rmSync(join(dir, 'groundtruth'), { recursive: true });
  const src = await openCdnet(dir, { fps: 10 });
  assert.is(src.hasTruth, false);
  const frames = await collect(src.frames());
  assert.equal(frames.map((f) => f.scored), [false, true, true, true]);
  assert.equal(frames.map((f) => f.timeMs), [0, 100, 200, 300]);
  await rejects(() => openCdnet(dir, { fps: 0 }), /fps/);
});

test('a sky.png is attached to every frame as sky truth', async () => {
  const dir = join(tmp, 'sky');
  buildSequence(dir);
  writeFileSync(join(dir, 'sky.png'), encodeGreyPng(flat(255), W, H));
  const frames = await collect((await openCdnet(dir)).frames());
  assert.ok(frames.every((f) => f.truth?.sky?.[0] === 255));
});

test('clear errors: missing folder, no input/, no images, mixed sizes, duplicate numbers, no digits', async () => {
  await rejects(() => openCdnet(join(tmp, 'nowhere')), /not a folder/);
  const noInput = join(tmp, 'noinput');
  mkdirSync(noInput);
  await rejects(() => openCdnet(noInput), /no input\/ folder/);
  const empty = join(tmp, 'empty');
  mkdirSync(join(empty, 'input'), { recursive: true });
  await rejects(() => openCdnet(empty), /no images/);

  const mixed = join(tmp, 'mixed');
  mkdirSync(join(mixed, 'input'), { recursive: true });
  writeFileSync(join(mixed, 'input', 'in1.png'), encodeGreyPng(flat(1), W, H));
  writeFileSync(join(mixed, 'input', 'in2.png'), encodeGreyPng(flat(1, 4, 4), 4, 4));
  const src = await openCdnet(mixed);
  await rejects(() => collect(src.frames()), /in2\.png: 4x4, but the sequence is 8x6/);

  const dup = join(tmp, 'dup');
  mkdirSync(join(dup, 'input'), { recursive: true });
  writeFileSync(join(dup, 'input', 'in1.png'), encodeGreyPng(flat(1), W, H));
  writeFileSync(join(dup, 'input', 'in001.png'), encodeGreyPng(flat(1), W, H));
  await rejects(() => openCdnet(dup), /both have frame number 1/);

  const nodigits = join(tmp, 'nodigits');
  mkdirSync(join(nodigits, 'input'), { recursive: true });
  writeFileSync(join(nodigits, 'input', 'first.png'), encodeGreyPng(flat(1), W, H));
  await rejects(() => openCdnet(nodigits), /no trailing frame number/);
});

const HALL = new URL('../../../shared/footage/sbi2015_HallAndMonitor', import.meta.url).pathname;

test('real footage: sbi2015_HallAndMonitor opens with 148 frames and temporal ROI 0..295', async () => {
  if (!existsSync(HALL)) {
    console.log(`  footage absent: ${HALL} not found, real-footage check skipped (not a failure)`);
    return;
  }
  const src = await openCdnet(HALL);
  assert.equal([src.width, src.height, src.frameCount, src.hasTruth], [352, 240, 148, true]);
  assert.equal(src.temporalRoi, { start: 0, end: 295 });
  assert.is(src.roi?.length, 352 * 240);
  const frames = await collect(src.frames());
  assert.is(frames.length, 148);
  assert.is(frames[0].index, 0);
  assert.is(frames[147].index, 294);
  assert.ok(frames.every((f) => f.scored && f.truth?.motion?.length === 352 * 240));
  assert.ok(frames.every((f, i) => f.index === 2 * i), 'even indices 0..294');
});

test.run();
