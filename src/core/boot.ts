/**
 * The first calibration after a (re)boot: a useful motion mask from the second frame, and a
 * background learned only where nothing moves.
 *
 * While the background cannot be trusted yet, the 8-bit background the difference pass reads
 * holds the previous frame instead, so foreground cells are frame-differencing cells (what moves
 * between two frames). The Q8 background learns at the fast calibration rate only in cells that
 * do not move; a cell that moved and is now still gets the frame copied in (whatever stood there
 * at the first frame has left), so people walking through the scene at boot leave no ghost.
 * At the last calibration frame the 8-bit background becomes the learned one again.
 *
 * No events start during calibration (events.ts) nor in the warm-up after it; no extra memory
 * (the per-cell `calDirty` flags). ES5-safe, integer only.
 */
import { absorbCell } from './background.js';
import { State } from './state.js';

/** Per-cell rates and raw foreground for one boot-calibration frame; `r` is the fast rate. */
export function bootCells(s: State, frame: Uint8Array, r: number): void {
  const raw = s.raw;
  const rate = s.rate;
  const dirty = s.calDirty;
  const stillAge = s.stillAge;
  const cells = s.cells;
  for (let c = 0; c < cells; c++) {
    stillAge[c] = 0;
    if (raw[c]) {
      rate[c] = 0;
      dirty[c] = 1;
    } else if (dirty[c]) {
      absorbCell(s, frame, c);
      dirty[c] = 0;
      rate[c] = 0;
    } else {
      rate[c] = r;
    }
  }
}

/** After the background update: unless this was the last calibration frame, compare the next frame with this one. */
export function bootKeepFrame(s: State, frame: Uint8Array, last: boolean): void {
  if (last) {
    const dirty = s.calDirty;
    const cells = s.cells;
    for (let c = 0; c < cells; c++) dirty[c] = 0;
    return;
  }
  // One native copy (frame has s.pixels bytes, checked by the detector's step), not a loop per pixel.
  s.bg8.set(frame);
}
