/**
 * The per-pixel foreground mask for evaluation: inside moving or static cells, the pixels that
 * differ from the background by more than the cell's threshold, with each pixel's 4-neighbourhood
 * closing small holes (a shirt the colour of the wall), without moving cells that are a hard
 * shadow on textured ground (shadow.ts), nor the pixels of a moving cell beside such a cell that
 * are darkened by the same ratio (the shadow running into the person's cells). Touches only
 * foreground cells.
 */
import { State } from './state.js';
import { shadowRatio, neighbourShadowRatio, SHADOW_NEAR } from './shadow.js';

export function writeForeground(s: State, frame: Uint8Array, motion: Uint8Array, statics: Uint8Array, out: Uint8Array): void {
  const w = s.width;
  const h = s.height;
  for (let i = 0; i < s.pixels; i++) out[i] = 0;
  // s.label is free here (components are done): per cell, its shadow ratio (0 = not a shadow).
  const ratios = s.label;
  const bg = s.bg8;
  for (let c = 0; c < s.cells; c++) ratios[c] = motion[c] && !statics[c] ? shadowRatio(s, frame, c) : 0;
  for (let c = 0; c < s.cells; c++) {
    if ((!motion[c] && !statics[c]) || ratios[c] > 0) continue;
    const t = s.thr[c];
    // A moving cell beside a shadow: its pixels darkened by that ratio are the shadow's.
    const near = statics[c] ? 0 : neighbourShadowRatio(s, ratios, c);
    for (let y = 0, row = s.cellFirst[c]; y < s.cellH[c]; y++, row += w) {
      for (let i = row, e = row + s.cellW[c]; i < e; i++) {
        const f = frame[i];
        const b = bg[i];
        let d = f - b;
        if (d < 0) d = -d;
        if (d <= t) continue;
        if (near > 0 && f < b) {
          const r = ((f << 8) - ((f << 8) % b)) / b;
          const dr = r > near ? r - near : near - r;
          if (dr <= SHADOW_NEAR) continue;
        }
        out[i] = 1;
      }
    }
  }
  // Close one-pixel holes: a background pixel with at least 3 foreground 4-neighbours joins.
  for (let y = 1; y < h - 1; y++) {
    for (let i = y * w + 1, e = y * w + w - 1; i < e; i++) {
      if (out[i]) continue;
      const n = (out[i - 1] & 1) + (out[i + 1] & 1) + (out[i - w] & 1) + (out[i + w] & 1);
      if (n >= 3) out[i] = 2; // 2 = filled, so fills do not cascade within this pass
    }
  }
  for (let i = 0; i < s.pixels; i++) if (out[i] === 2) out[i] = 1;
}
