/**
 * The per-pixel stage: absolute difference against the 8-bit background, counted per cell.
 * This is the only loop over every pixel on every frame, so it does no more than a bare
 * frame-difference loop (load, subtract, abs, compare, count) plus one add for the noise sum.
 * Cells of 4 pixels wide (the default) get an unrolled path: it halves the per-cell overhead
 * in V8 and in the board's interpreter alike.
 */
import { State } from './state.js';

function differenceBy4(s: State, frame: Uint8Array): void {
  const w = s.width;
  const h = s.height;
  const cols = s.cols;
  const full = w >> 2; // whole cells per row; a partial cell at the right edge is done pixel by pixel
  const bg = s.bg8;
  const thr = s.thr;
  const cnt = s.cnt;
  const sad = s.sad;
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

function differenceAny(s: State, frame: Uint8Array): void {
  const w = s.width;
  const h = s.height;
  const cs = s.cellSize;
  const cols = s.cols;
  const bg = s.bg8;
  const thr = s.thr;
  const cnt = s.cnt;
  const sad = s.sad;
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

export function difference(s: State, frame: Uint8Array): void {
  const cnt = s.cnt;
  const sad = s.sad;
  for (let c = 0; c < s.cells; c++) {
    cnt[c] = 0;
    sad[c] = 0;
  }
  if (s.cellSize === 4) differenceBy4(s, frame);
  else differenceAny(s, frame);
}
