/**
 * Background update in Q8 fixed point. Each frame updates one row in eight (rows rotate), with
 * the rate raised by 3 shifts to match: the same time constant as a full update at an eighth of
 * the per-pixel cost. Each cell's rate comes from `s.rate` (0 = hold: something is there).
 */
import { State } from './state.js';
import type { PixelKernels } from './kernels.js';

/**
 * After calibration each frame updates one row in 2^ROW_STRIDE_LOG2 (8): a pixel moves 8x as far
 * once every 8 frames, the same time constant at an eighth of the per-pixel cost, which matters in
 * the board's interpreter (the update is ~3x the cost of a difference per pixel there).
 */
export const ROW_STRIDE_LOG2 = 3;

/** Start the background from one frame. */
export function seedBackground(s: State, frame: Uint8Array): void {
  for (let i = 0; i < s.pixels; i++) {
    s.bgq[i] = frame[i] << 8;
    s.bg8[i] = frame[i];
  }
}

/**
 * Move the background toward the frame, through the detector's kernels. `stride` 1 updates every
 * row (calibration); 8 updates the rows with y % 8 == phase, and the caller's shifts must already
 * account for that.
 */
export function updateBackground(s: State, frame: Uint8Array, stride: number, phase: number, k: PixelKernels): void {
  k.updateBackground(frame, s.bgq, s.bg8, s.rate, s.width, s.height, s.cellSize, stride, phase);
}

/** The reference kernel (see kernels.ts): Q8 update of the rows y % stride == phase, per-cell shift. */
export function updateBackgroundRows(frame: Uint8Array, bgq: Uint16Array, bg8: Uint8Array, rate: Uint8Array,
  w: number, height: number, cs: number, stride: number, phase: number): void {
  const cols = ((w + cs - 1) / cs) | 0;
  for (let y = phase; y < height; y += stride) {
    const rowCell = ((y / cs) | 0) * cols;
    let i = y * w;
    let x = 0;
    for (let c = rowCell; c < rowCell + cols; c++) {
      const xe = x + cs < w ? x + cs : w;
      const r = rate[c];
      if (r === 0) {
        i += xe - x;
        x = xe;
        continue;
      }
      for (; x < xe; x++) {
        let q = bgq[i];
        q += ((frame[i] << 8) - q) >> r;
        bgq[i] = q;
        bg8[i] = (q + 128) >> 8;
        i++;
      }
    }
  }
}

/** Copy one cell of the frame into the background (a static object is absorbed, or reseeded). */
export function absorbCell(s: State, frame: Uint8Array, c: number): void {
  const bgq = s.bgq;
  const bg8 = s.bg8;
  const w = s.width;
  const cw = s.cellW[c];
  const ch = s.cellH[c];
  for (let y = 0, row = s.cellFirst[c]; y < ch; y++, row += w) {
    for (let i = row, e = row + cw; i < e; i++) {
      bgq[i] = frame[i] << 8;
      bg8[i] = frame[i];
    }
  }
}

/** Sum of the frame's pixels in one cell. */
export function cellSum(s: State, frame: Uint8Array, c: number): number {
  const w = s.width;
  const cw = s.cellW[c];
  const ch = s.cellH[c];
  let sum = 0;
  for (let y = 0, row = s.cellFirst[c]; y < ch; y++, row += w) {
    for (let i = row, e = row + cw; i < e; i++) sum += frame[i];
  }
  return sum;
}
