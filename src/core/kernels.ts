/**
 * The detector's two per-pixel loops behind one small port, so a platform can run them natively
 * (C on the board and in the desktop runtime: firmware/native/qc_kernels.c) while the TypeScript
 * here stays the reference. Everything else in the detector works on cells (300 at 80x60), the
 * loops here touch every pixel: in an interpreter they are most of a frame's cost.
 *
 * A native implementation must be bit-exact: same integer results in every array, for every size,
 * cell size, stride and phase (test/firmware/kernels.test.ts checks the C ones against these).
 * Arrays are the caller's; nothing is allocated. ES5-safe.
 */
import { differencePixels } from './difference.js';
import { updateBackgroundRows } from './background.js';

export interface PixelKernels {
  /**
   * Per cell c of `cellSize` pixels (partial cells at the right and bottom edges):
   * cnt[c] = pixels with |frame - bg8| > thr[c], sad[c] = the sum of |frame - bg8|.
   * Both are overwritten (not accumulated).
   */
  difference(frame: Uint8Array, bg8: Uint8Array, thr: Uint8Array, cnt: Uint16Array, sad: Int32Array,
    width: number, height: number, cellSize: number): void;
  /**
   * Q8 background update of the rows y with y % stride == phase: per pixel
   * q += ((frame << 8) - q) >> rate[cell] (arithmetic shift), bg8 = (q + 128) >> 8; rate 0 = hold.
   */
  updateBackground(frame: Uint8Array, bgq: Uint16Array, bg8: Uint8Array, rate: Uint8Array,
    width: number, height: number, cellSize: number, stride: number, phase: number): void;
}

/** The reference kernels, in TypeScript (what Node and an engine without native kernels run). */
export const JS_KERNELS: PixelKernels = {
  difference: differencePixels,
  updateBackground: updateBackgroundRows,
};
