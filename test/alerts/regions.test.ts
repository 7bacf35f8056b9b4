/** src/alerts/regions.ts: the region around the board's motion boxes, or the whole frame. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { motionRegion, motionUnion } from '../../src/alerts/regions.ts';

const CROP = { width: 192, height: 192 };
const FULL = { width: 288, height: 224 };
const grid = (boxes: number[]) => ({ cols: 20, rows: 15, count: boxes.length / 4, boxes });

test('union: cells scaled to the frame, inclusive edges; none without boxes or a grid', () => {
  assert.equal(motionUnion(640, 480, grid([9, 4, 12, 9])), { x: 288, y: 128, w: 128, h: 192 });
  assert.equal(motionUnion(640, 480, grid([0, 0, 0, 0, 19, 14, 19, 14])), { x: 0, y: 0, w: 640, h: 480 });
  assert.is(motionUnion(640, 480, null), null);
  assert.is(motionUnion(640, 480, grid([])), null);
  assert.is(motionUnion(640, 480, { cols: 0, rows: 0, count: 1, boxes: [0, 0, 0, 0] }), null);
});

test('a person-sized box on a VGA frame: twice its size, square, centred, inside the frame', () => {
  const r = motionRegion(640, 480, grid([9, 4, 12, 9]), CROP, FULL)!;
  // union 128x192 -> x2 = 256x384 -> square 384
  assert.equal(r, { x: 160, y: 32, w: 384, h: 384 });
});

test('a small box: at least half the crop input (enlarged at most 2x); moved inside at the edge, not cut', () => {
  assert.equal(motionRegion(640, 480, grid([0, 14, 0, 14]), CROP, FULL), { x: 0, y: 384, w: 96, h: 96 });
  assert.equal(motionRegion(640, 480, grid([19, 0, 19, 0]), CROP, FULL), { x: 544, y: 0, w: 96, h: 96 });
  assert.equal(motionRegion(640, 480, grid([10, 7, 10, 7]), CROP, FULL, 0.5, 1), { x: 240, y: 144, w: 192, h: 192 }, 'never enlarged: the crop size');
});

test('whole frame when the region would be coarser than the whole frame at its input, or without motion', () => {
  assert.is(motionRegion(640, 480, grid([2, 2, 17, 12]), CROP, FULL), null, 'most of the frame moves');
  // a 320x240 frame: the whole frame is scored at 0.9 px per pixel; a region over ~213 px is coarser
  assert.ok(motionRegion(320, 240, grid([9, 6, 10, 8]), CROP, FULL), 'small motion on a small frame: a region');
  assert.is(motionRegion(320, 240, grid([5, 3, 14, 11]), CROP, FULL), null, 'wide motion on a small frame: whole');
  assert.is(motionRegion(640, 480, null, CROP, FULL), null);
});

test('the region keeps the crop input aspect and never leaves the frame (every box on a 7x5 grid)', () => {
  const crop = { width: 224, height: 160 };
  for (let x0 = 0; x0 < 7; x0++) for (let x1 = x0; x1 < 7; x1++) for (let y0 = 0; y0 < 5; y0++) for (let y1 = y0; y1 < 5; y1++) {
    const r = motionRegion(1280, 720, { cols: 7, rows: 5, count: 1, boxes: [x0, y0, x1, y1] }, crop, FULL);
    if (!r) continue;
    assert.ok(r.x >= 0 && r.y >= 0 && r.x + r.w <= 1280 && r.y + r.h <= 720, JSON.stringify(r));
    assert.ok(Math.abs(r.w / r.h - 224 / 160) < 0.02, `aspect ${r.w}x${r.h}`);
    const u = motionUnion(1280, 720, { cols: 7, rows: 5, count: 1, boxes: [x0, y0, x1, y1] })!;
    assert.ok(r.x <= u.x && r.y <= u.y && r.x + r.w >= u.x + u.w && r.y + r.h >= u.y + u.h, 'the motion is inside the region');
  }
});

test.run();
