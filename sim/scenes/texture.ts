/**
 * Precomputed textures (built once per scene, never per frame): smooth value noise for ground,
 * walls, clouds and foliage, and per-pixel grain for surfaces that must not look flat.
 * Values are 0..255 in a Uint8Array of w*h, row-major.
 */
import { hash32 } from './random.js';

/** Smoothstep weight table for one lattice cell, so the inner loop is a lookup. */
function weights(cell: number): Float64Array {
  const w = new Float64Array(cell);
  for (let i = 0; i < cell; i++) {
    const u = i / cell;
    w[i] = u * u * (3 - 2 * u);
  }
  return w;
}

/**
 * Value noise: random lattice values every `cell` px, smoothly interpolated.
 * `periodX` (in lattice cells) makes it wrap horizontally, for clouds that drift forever.
 */
export function valueNoise(w: number, h: number, cell: number, seed: number, periodX = 0): Uint8Array {
  cell = Math.max(1, Math.round(cell));
  const out = new Uint8Array(w * h);
  const wt = weights(cell);
  const lat = (ix: number, iy: number) => hash32(periodX ? ((ix % periodX) + periodX) % periodX : ix, iy, seed) & 255;
  for (let y = 0; y < h; y++) {
    const iy = Math.floor(y / cell);
    const fy = wt[y - iy * cell];
    for (let x = 0; x < w; x++) {
      const ix = Math.floor(x / cell);
      const fx = wt[x - ix * cell];
      const top = lat(ix, iy) + (lat(ix + 1, iy) - lat(ix, iy)) * fx;
      const bot = lat(ix, iy + 1) + (lat(ix + 1, iy + 1) - lat(ix, iy + 1)) * fx;
      out[y * w + x] = Math.round(top + (bot - top) * fy);
    }
  }
  return out;
}

/**
 * Fractal noise: `octaves` layers of value noise, each half the cell size and half the weight,
 * stretched back to the full 0..255 range so callers can map it with one gain.
 */
export function fractalNoise(w: number, h: number, cell: number, octaves: number, seed: number, periodX = 0): Uint8Array {
  const acc = new Float64Array(w * h);
  let amp = 1;
  for (let o = 0; o < octaves; o++) {
    const c = Math.max(1, cell >> o);
    const layer = valueNoise(w, h, c, hash32(seed, o, 0x0c7a), periodX ? periodX << o : 0);
    for (let i = 0; i < acc.length; i++) acc[i] += (layer[i] - 128) * amp;
    amp /= 2;
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < acc.length; i++) {
    if (acc[i] < lo) lo = acc[i];
    if (acc[i] > hi) hi = acc[i];
  }
  const out = new Uint8Array(w * h);
  const k = hi > lo ? 255 / (hi - lo) : 0;
  for (let i = 0; i < acc.length; i++) out[i] = Math.round((acc[i] - lo) * k);
  return out;
}

/** Per-pixel grain: independent 0..255 values (fine texture such as asphalt or foliage). */
export function grain(w: number, h: number, seed: number): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let i = 0; i < out.length; i++) out[i] = hash32(i, seed, 0x6a1) & 255;
  return out;
}
