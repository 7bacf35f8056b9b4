/**
 * Clouds: soft, low-contrast brightness offsets drifting slowly across the visible sky. Clouds are
 * sky (sky truth stays 255) and never motion. The field is precomputed once, wraps horizontally,
 * and is sampled per frame with Q8 sub-pixel interpolation so the drift is smooth, not stepwise.
 */
import { readParams } from './params.js';
import { hash32 } from './random.js';
import { fractalNoise } from './texture.js';
import { SKY_NO, type Backdrop, type CloudsSpec, type Element, type FrameContext } from './types.js';

export const CLOUDS_PARAMS = {
  speed: { def: 0.4, min: 0, max: 20 }, // frame widths per minute (0.4 ≈ 2 px/s at 320 wide: slow)
  contrast: { def: 12, min: -60, max: 60 }, // grey levels at a cloud's core; > 0 brighter than the sky
  cover: { def: 0.45, min: 0, max: 1 }, // fraction of the sky covered
};
const Q = 4; // field values are stored ×16 (Q4) for smooth edges after interpolation

export function createClouds(spec: CloudsSpec, seed: number): Element {
  const p = readParams(spec, CLOUDS_PARAMS, 'clouds');
  let field = new Int16Array(0);
  let fieldW = 0;
  let period = 0;
  let runs = new Int32Array(0); // [y*W + x0, length] for each horizontal run of sky pixels
  let pxPerSec = 0;
  return {
    kind: 'clouds',
    layer: 1,
    foreground: false,
    bake(b: Backdrop) {
      const { width: W, height: H, horizonY } = b.g;
      const rows = Math.min(horizonY, H);
      if (rows <= 0) return;
      const cell = Math.max(4, Math.round((W * 32) / 320 / 4) * 4); // divisible by 4 for 3 exact octaves
      const cells = Math.ceil((2 * W) / cell);
      period = cells * cell;
      const n = fractalNoise(period, rows, cell, 3, hash32(seed, 7), cells);
      const sorted = Array.from(n).sort((a, c) => a - c);
      const thr = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * (1 - p.cover)))];
      fieldW = period + W + 1; // duplicated columns: the per-pixel loop never wraps
      field = new Int16Array(fieldW * rows);
      for (let y = 0; y < rows; y++) {
        for (let x = 0; x < fieldW; x++) {
          const v = n[y * period + (x % period)];
          const u = p.cover >= 1 ? 1 : Math.min(1, Math.max(0, (v - thr) / Math.max(1, (255 - thr) * 0.6)));
          field[y * fieldW + x] = Math.round(p.contrast * u * u * (3 - 2 * u) * (1 << Q));
        }
      }
      const list: number[] = [];
      for (let y = 0; y < rows; y++) {
        let x = 0;
        while (x < W) {
          while (x < W && b.skyClass[y * W + x] === SKY_NO) x++;
          const x0 = x;
          while (x < W && b.skyClass[y * W + x] !== SKY_NO) x++;
          if (x > x0) list.push(y * W + x0, x - x0);
        }
      }
      runs = Int32Array.from(list);
      pxPerSec = (p.speed * W) / 60;
    },
    draw(f: FrameContext) {
      if (runs.length === 0) return;
      const W = f.g.width;
      const shift = Math.round(f.t * pxPerSec * 256) % (period * 256);
      const a = shift >> 8;
      const w1 = shift & 255;
      const w0 = 256 - w1;
      const out = f.clamped;
      const grey = f.grey;
      for (let k = 0; k < runs.length; k += 2) {
        const start = runs[k];
        const y = (start / W) | 0;
        let fi = y * fieldW + (start - y * W) + a;
        for (let i = start, end = start + runs[k + 1]; i < end; i++, fi++) {
          out[i] = grey[i] + ((field[fi] * w0 + field[fi + 1] * w1 + 2048) >> 12);
        }
      }
    },
  };
}
