/**
 * The per-pixel stage: absolute difference against the 8-bit background, counted per cell.
 * This is the only loop over every pixel on every frame, so it does no more than a bare
 * frame-difference loop (load, subtract, abs, compare, count) plus one add for the noise sum.
 * Cells of 4 pixels wide (the default) get an unrolled path: it halves the per-cell overhead
 * in V8 and in the board's interpreter alike.
 */
import { State } from './state.js';
import type { PixelKernels } from './kernels.js';

function differenceBy4(frame: Uint8Array, bg: Uint8Array, thr: Uint8Array, cnt: Uint16Array, sad: Int32Array, w: number, h: number, cols: number): void {
  const full = w >> 2; // whole cells per row; a partial cell at the right edge is done pixel by pixel
  let rowCell = 0;
  let i = 0;
  for (let y = 0; y < h; y++) {
    const end = rowCell + full;
    for (let c = rowCell; c < end; c++) {
      const t = thr[c];
      let n = 0;
      let d0 = frame[i] - bg[i];
      if (d0 < 0) d0 = -d0;
      if (d0 > t) n++;
      let d1 = frame[i + 1] - bg[i + 1];
      if (d1 < 0) d1 = -d1;
      if (d1 > t) n++;
      let d2 = frame[i + 2] - bg[i + 2];
      if (d2 < 0) d2 = -d2;
      if (d2 > t) n++;
      let d3 = frame[i + 3] - bg[i + 3];
      if (d3 < 0) d3 = -d3;
      if (d3 > t) n++;
      i += 4;
      cnt[c] += n;
      sad[c] += d0 + d1 + d2 + d3;
    }
    if (full < cols) {
      const c = end;
      const t = thr[c];
      for (let x = full << 2; x < w; x++) {
        let d = frame[i] - bg[i];
        i++;
        if (d < 0) d = -d;
        sad[c] += d;
        if (d > t) cnt[c]++;
      }
    }
    if ((y & 3) === 3) rowCell += cols;
  }
}

function differenceAny(frame: Uint8Array, bg: Uint8Array, thr: Uint8Array, cnt: Uint16Array, sad: Int32Array, w: number, h: number, cs: number, cols: number): void {
  let i = 0;
  let rowCell = 0;
  let inRow = 0;
  for (let y = 0; y < h; y++) {
    let x = 0;
    for (let c = rowCell; c < rowCell + cols; c++) {
      const t = thr[c];
      const xe = x + cs < w ? x + cs : w;
      let n = 0;
      let sum = 0;
      for (; x < xe; x++) {
        let d = frame[i] - bg[i];
        i++;
        if (d < 0) d = -d;
        sum += d;
        if (d > t) n++;
      }
      cnt[c] += n;
      sad[c] += sum;
    }
    if (++inRow === cs) {
      inRow = 0;
      rowCell += cols;
    }
  }
}

/** The reference kernel (see kernels.ts): per-cell count over threshold and sum of |frame - bg8|. */
export function differencePixels(frame: Uint8Array, bg8: Uint8Array, thr: Uint8Array, cnt: Uint16Array, sad: Int32Array,
  width: number, height: number, cellSize: number): void {
  const cols = ((width + cellSize - 1) / cellSize) | 0;
  const cells = cols * (((height + cellSize - 1) / cellSize) | 0);
  for (let c = 0; c < cells; c++) {
    cnt[c] = 0;
    sad[c] = 0;
  }
  if (cellSize === 4) differenceBy4(frame, bg8, thr, cnt, sad, width, height, cols);
  else differenceAny(frame, bg8, thr, cnt, sad, width, height, cellSize, cols);
}

/** The difference stage: fills s.cnt and s.sad for this frame, through the detector's kernels. */
export function difference(s: State, frame: Uint8Array, k: PixelKernels): void {
  k.difference(frame, s.bg8, s.thr, s.cnt, s.sad, s.width, s.height, s.cellSize);
}
