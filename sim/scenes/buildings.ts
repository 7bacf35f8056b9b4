/**
 * Buildings standing on the horizon: brick or rendered walls with window grids, leaving gaps of
 * sky between them (an irregular skyline for the sky mask), or with `solid` one brick wall that
 * fills everything above the horizon (a courtyard: no sky at all), or with `solid` and `facade` a
 * bright, flat rendered wall (no sky, though it looks like it).
 */
import { readParams } from './params.js';
import { hash32, Rng } from './random.js';
import { grain } from './texture.js';
import { SKY_NO, type Backdrop, type BuildingsSpec, type Element } from './types.js';

export const BUILDINGS_PARAMS = {
  count: { def: 4, min: 1, max: 12 }, // buildings across the frame (one per equal slot)
  tone: { def: 205, min: 0, max: 255 }, // grey of a `facade` wall
};
const HEIGHT_RANGE = [0.3, 0.85]; // building height as a fraction of the space above the horizon
const SLOT_FILL = [0.55, 0.9]; // width as a fraction of its slot: the rest is sky

/** Brick courses scale with the frame height so walls keep their look at any resolution. */
function brick(b: Backdrop, x0: number, y0: number, x1: number, y1: number, tone: number, seed: number, fine: Uint8Array): void {
  const W = b.g.width;
  const bh = Math.max(2, Math.round(b.g.height / 60));
  const bw = Math.round(bh * 2.5);
  for (let y = y0; y < y1; y++) {
    const course = Math.floor((y - y0) / bh);
    const shift = (course & 1) * (bw >> 1);
    for (let x = x0; x < x1; x++) {
      const col = Math.floor((x - x0 + shift) / bw);
      const mortar = (y - y0) % bh === bh - 1 || (x - x0 + shift) % bw === 0;
      const v = mortar ? tone + 30 : tone + (hash32(col, course, seed) % 25) - 12 + ((fine[y * W + x] - 128) >> 4);
      b.grey[y * W + x] = Math.max(0, Math.min(255, v));
      b.skyClass[y * W + x] = SKY_NO;
    }
  }
}

function rect(b: Backdrop, x0: number, y0: number, x1: number, y1: number, tone: number, fine: Uint8Array, grainShift: number): void {
  const W = b.g.width;
  for (let y = Math.max(0, y0); y < Math.min(b.g.height, y1); y++) {
    for (let x = Math.max(0, x0); x < Math.min(W, x1); x++) {
      b.grey[y * W + x] = Math.max(0, Math.min(255, tone + ((fine[y * W + x] - 128) >> grainShift)));
      b.skyClass[y * W + x] = SKY_NO;
    }
  }
}

/** A grid of windows inside a facade; some dark, some reflecting the sky. */
function windows(b: Backdrop, x0: number, y0: number, x1: number, y1: number, rng: Rng, fine: Uint8Array): void {
  const u = Math.max(2, Math.round(b.g.height / 40)); // window height in px
  const ww = Math.max(2, Math.round(u * 0.8));
  const pitchX = ww * 2;
  const pitchY = u * 2;
  for (let y = y0 + u; y + u < y1 - u; y += pitchY) {
    for (let x = x0 + ww; x + ww < x1 - ww / 2; x += pitchX) {
      const tone = rng.float() < 0.7 ? 45 + rng.int(30) : 170 + rng.int(30);
      rect(b, x, y, x + ww, y + u, tone, fine, 5);
    }
  }
}

export function createBuildings(spec: BuildingsSpec, seed: number): Element {
  const p = readParams(spec, BUILDINGS_PARAMS, 'buildings');
  const solid = spec.solid === true;
  return {
    kind: 'buildings',
    layer: 0,
    foreground: false,
    bake(b: Backdrop) {
      const { width: W, horizonY } = b.g;
      const rng = new Rng(seed);
      const fine = grain(W, b.g.height, hash32(seed, 3));
      if (solid && spec.facade) {
        // A bright rendered wall up to the top edge, smooth as sky, with two floors of dark
        // windows (a storey is 6 window units; the top fifth is one flat bright surface).
        rect(b, 0, 0, W, horizonY, p.tone, fine, 6);
        const u = Math.max(2, Math.round(b.g.height / 30));
        for (const y1 of [horizonY - u, horizonY - 7 * u]) {
          for (let x = Math.round(W * 0.08); x + 2 * u < W; x += Math.round(W * 0.22)) rect(b, x, y1 - 3 * u, x + 2 * u, y1, 60, fine, 4);
        }
        return;
      }
      if (solid) {
        brick(b, 0, 0, W, horizonY, 118, seed, fine);
        // A door and a window, so the wall is not one repeated pattern.
        const dh = Math.round(horizonY * 0.55);
        const dx = Math.round(W * (0.15 + 0.2 * rng.float()));
        rect(b, dx, horizonY - dh, dx + Math.round(dh * 0.45), horizonY, 62, fine, 4);
        const wx = Math.round(W * (0.55 + 0.2 * rng.float()));
        rect(b, wx, Math.round(horizonY * 0.2), wx + Math.round(W * 0.14), Math.round(horizonY * 0.55), 58, fine, 4);
        return;
      }
      const slot = W / p.count;
      for (let k = 0; k < p.count; k++) {
        const width = Math.round(slot * (SLOT_FILL[0] + (SLOT_FILL[1] - SLOT_FILL[0]) * rng.float()));
        const x0 = Math.round(k * slot + (slot - width) * rng.float());
        const hgt = Math.round(horizonY * (HEIGHT_RANGE[0] + (HEIGHT_RANGE[1] - HEIGHT_RANGE[0]) * rng.float()));
        const y0 = horizonY - hgt;
        const tone = 95 + rng.int(80);
        if (rng.float() < 0.5) brick(b, x0, y0, x0 + width, horizonY, tone, hash32(seed, k), fine);
        else rect(b, x0, y0, x0 + width, horizonY, tone, fine, 4);
        rect(b, x0, y0, x0 + width, y0 + Math.max(1, Math.round(b.g.height / 120)), tone - 35, fine, 5); // roof parapet
        windows(b, x0, y0, x0 + width, horizonY, rng, fine);
      }
    },
  };
}
