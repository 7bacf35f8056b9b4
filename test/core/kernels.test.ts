/**
 * The reference per-pixel kernels (src/core/kernels.ts) on inputs whose answers are worked out by
 * hand: partial edge cells, thresholds (strictly greater), overwrite of old counts, the Q8 update
 * with floor shifts toward a darker frame, hold, and the row stride/phase.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { JS_KERNELS } from '../../src/core/index.ts';

test('difference: counts pixels strictly over the cell threshold and sums |frame - bg| per cell, partial cells included', () => {
  // 5x3 frame, cells of 4: cell 0 = columns 0-3 (12 px), cell 1 = column 4 (3 px).
  const bg = new Uint8Array(15).fill(100);
  const frame = Uint8Array.from([
    110, 90, 100, 100, 130,
    100, 100, 111, 100, 70,
    100, 100, 100, 89, 100,
  ]);
  const thr = Uint8Array.from([10, 25]);
  const cnt = Uint16Array.from([999, 999]);
  const sad = Int32Array.from([-5, 77]);
  JS_KERNELS.difference(frame, bg, thr, cnt, sad, 5, 3, 4);
  // cell 0 diffs: 10, 10, 11, 11 -> over 10: the two 11s; sum 42. cell 1: 30, 30, 0 -> over 25: two; sum 60.
  assert.equal(Array.from(cnt), [2, 2]);
  assert.equal(Array.from(sad), [42, 60]);
});

test('updateBackground: Q8 step with a floor shift, hold at rate 0, only rows y % stride == phase', () => {
  // 2x4 frame, cells of 2: cell 0 = rows 0-1, cell 1 = rows 2-3 (one column of cells).
  const frame = Uint8Array.from([0, 255, 0, 255, 0, 255, 0, 255]);
  const bgq = new Uint16Array(8).fill(100 << 8);
  const bg8 = new Uint8Array(8).fill(100);
  const rate = Uint8Array.from([2, 0]);
  JS_KERNELS.updateBackground(frame, bgq, bg8, rate, 2, 4, 2, 2, 0); // rows 0 and 2; row 2 is held
  // row 0: 25600 + ((0 - 25600) >> 2) = 19200 (bg8 75); 25600 + ((65280 - 25600) >> 2) = 35520 (bg8 139)
  assert.equal(Array.from(bgq), [19200, 35520, 25600, 25600, 25600, 25600, 25600, 25600]);
  assert.equal(Array.from(bg8), [75, 139, 100, 100, 100, 100, 100, 100]);
  // A difference that is not a multiple of 4 floors toward minus infinity: (0 - 19201) >> 2 = -4801.
  bgq[0] = 19201;
  JS_KERNELS.updateBackground(frame, bgq, bg8, rate, 2, 4, 2, 4, 0);
  assert.is(bgq[0], 19201 - 4801);
  assert.is(bg8[0], (14400 + 128) >> 8);
});

test.run();
