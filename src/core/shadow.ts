/**
 * Hard cast shadows in the evaluation mask (CDnet labels them 50: background). A moving cell is a
 * shadow when every pixel over its threshold is darker than the background by one shared factor
 * (ratio frame/background between SHADOW_MIN and SHADOW_MAX, spread at most SHADOW_SPREAD, in
 * 1/256) and the ground's texture shows through, scaled by that factor (the frame's horizontal
 * contrast between changed pixels is the background's times the ratio, within half of it). An object has its
 * own texture; a shadow keeps the ground's. Cells on a flat background (no texture to compare)
 * are never called shadow. Evaluation only: events and boxes do not use it. ES5-safe, integers.
 */
import { State } from './state.js';

const SHADOW_MIN = 90; // ratio floor (0.35): darker than that is an object
const SHADOW_MAX = 230; // ratio ceiling (0.9): less dark is noise or a soft change
const SHADOW_SPREAD = 64; // max - min ratio over the cell's changed pixels
const MIN_TEXTURE = 12; // sum of |bg horizontal differences| in the cell below which it is flat

/**
 * The shared darkening ratio (1/256) when the changed pixels of cell c look like a shadow on
 * textured ground, else 0.
 */
export function shadowRatio(s: State, frame: Uint8Array, c: number): number {
  const w = s.width;
  const t = s.thr[c];
  const bg = s.bg8;
  let lo = 256;
  let hi = 0;
  let n = 0;
  let rsum = 0;
  let ftex = 0;
  let btex = 0;
  let pairs = 0;
  const cw = s.cellW[c];
  for (let y = 0, row = s.cellFirst[c]; y < s.cellH[c]; y++, row += w) {
    let prevIn = false;
    for (let k = 0, i = row; k < cw; k++, i++) {
      const f = frame[i];
      const b = bg[i];
      if (f - b > t) return 0; // brighter than the background: not a shadow
      const inside = b - f > t;
      if (inside) {
        if (b === 0) return 0;
        const r = ((f << 8) - ((f << 8) % b)) / b;
        if (r < SHADOW_MIN || r > SHADOW_MAX) return 0;
        if (r < lo) lo = r;
        if (r > hi) hi = r;
        rsum += r;
        n++;
        // Texture inside the shadow: pairs of neighbouring changed pixels only.
        if (prevIn) {
          const df = f - frame[i - 1];
          const db = b - bg[i - 1];
          ftex += df < 0 ? -df : df;
          btex += db < 0 ? -db : db;
          pairs++;
        }
      }
      prevIn = inside;
    }
  }
  if (n === 0 || hi - lo > SHADOW_SPREAD || btex < MIN_TEXTURE) return 0;
  const r = (rsum - rsum % n) / n;
  // The ground's contrast scaled by the ratio, within half of it plus 2 grey levels a pair of noise.
  const expect = (btex * r) >> 8;
  const err = ftex > expect ? ftex - expect : expect - ftex;
  return 2 * err <= expect + 4 * pairs ? r : 0;
}

/**
 * In a moving cell beside whole-shadow cells, the changed pixels darkened by the neighbours' own
 * ratio (within SHADOW_NEAR) are the same shadow running into the cell of the person casting it.
 * A dark object matches that one ratio only where its grey happens to be that fraction of the
 * ground's, so only cells touching a confirmed shadow are looked at.
 */
export const SHADOW_NEAR = 12;

/** The ratio of a whole-shadow 8-neighbour of cell c (`ratios` per cell, 0 = none), or 0. */
export function neighbourShadowRatio(s: State, ratios: Int32Array, c: number): number {
  const cols = s.cols;
  const rows = s.rows;
  const cx = c % cols;
  const cy = (c - cx) / cols;
  let sum = 0;
  let n = 0;
  for (let dy = -1; dy <= 1; dy++) {
    const ny = cy + dy;
    if (ny < 0 || ny >= rows) continue;
    for (let dx = -1; dx <= 1; dx++) {
      const nx = cx + dx;
      if (nx < 0 || nx >= cols) continue;
      const r = ratios[ny * cols + nx];
      if (r > 0) { sum += r; n++; }
    }
  }
  return n === 0 ? 0 : (sum - sum % n) / n;
}
