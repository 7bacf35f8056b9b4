/**
 * Ground below the horizon, textured so the background is never flat: a dark verge, paved
 * pavements with slab joints in perspective, an asphalt road with a dashed centre line, and grass
 * near the camera. Each band gives people a different background, so their contrast changes sign.
 */
import { hash32 } from './random.js';
import { fractalNoise, grain } from './texture.js';
import { SKY_NO, type Backdrop, type Element, type GroundSpec } from './types.js';

/** Bands as fractions of the ground height (0 = horizon, 1 = bottom row). */
const BANDS = {
  verge: 0.12, // up to here: far verge, dark hedges and grass
  pavementFar: 0.3, // far pavement
  road: 0.62, // asphalt; dashed line at its middle
  pavementNear: 0.8, // near pavement, then grass to the bottom
};
const SLAB_M = 0.6; // m, paving slab size
const DASH_M = 3; // m, dash length (and gap) of the centre line
const ROAD_TONE = 92; // grey, asphalt
const PAVE_TONE = 148; // grey, concrete slabs

export function createGround(spec: GroundSpec, seed: number): Element {
  const road = spec.road !== false;
  return {
    kind: 'ground',
    layer: 0,
    foreground: false,
    bake(b: Backdrop) {
      const g = b.g;
      const { width: W, height: H, horizonY } = g;
      const rows = H - horizonY;
      if (rows <= 0) return;
      const big = fractalNoise(W, rows, Math.max(4, W >> 3), 3, hash32(seed, 1));
      const fine = grain(W, rows, hash32(seed, 2));
      const lineR = (BANDS.pavementFar + BANDS.road) / 2;
      for (let y = horizonY; y < H; y++) {
        const r = (y - horizonY + 0.5) / rows;
        const s = Math.max(0.5, g.scaleAt(y + 0.5)); // px per metre on this row
        // Distance along the ground in metres (up to a constant): rows closer to the horizon cover more.
        const depth = (g.pxPerMeter * (g.refY - horizonY)) / s / SLAB_M;
        const depthNext = (g.pxPerMeter * (g.refY - horizonY)) / Math.max(0.5, g.scaleAt(y + 1.5)) / SLAB_M;
        const joint = Math.floor(depth) !== Math.floor(depthNext);
        const kerb = [BANDS.pavementFar, BANDS.road].some((k) => Math.abs(r - k) < 0.5 / rows);
        const isLine = road && Math.abs(r - lineR) < Math.max(0.6, 0.06 * s) / rows;
        for (let x = 0; x < W; x++) {
          const i = (y - horizonY) * W + x;
          const n = big[i] - 128;
          const q = fine[i] - 128;
          const xm = (x - W / 2) / s; // metres from the centre line of view
          let v: number;
          if (r < BANDS.verge) v = 88 + n / 4 + q / 6;
          else if (road && kerb) v = 178 + q / 16;
          else if (!road || r < BANDS.pavementFar || (r >= BANDS.road && r < BANDS.pavementNear)) {
            const vj = Math.floor(xm / SLAB_M) !== Math.floor((xm + 1 / s) / SLAB_M);
            v = PAVE_TONE + n / 12 + q / 16 + (hash32(Math.floor(xm / SLAB_M), Math.floor(depth), seed) & 15) - 8;
            if (joint || vj) v -= 34;
          } else if (r < BANDS.road) {
            v = ROAD_TONE + n / 10 + q / 8;
            if (isLine && (Math.floor(xm / DASH_M) & 1) === 0) v = 196 + q / 16;
          } else v = 96 + n / 5 + q / 6;
          b.grey[y * W + x] = Math.max(0, Math.min(255, Math.round(v)));
        }
        b.skyClass.fill(SKY_NO, y * W, (y + 1) * W);
      }
    },
  };
}
