/**
 * Sensor noise and the final per-pixel pass. Noise is Gaussian, rounded to integers, independent
 * per pixel and per frame: a 65,536-entry table of exact Gaussian quantiles is indexed by 16
 * random bits, so one mulberry32 draw serves two pixels. Each frame's generator is seeded from
 * (scene seed, frame index), so any frame renders the same on its own (frames are random-access).
 */
import { readParams } from './params.js';
import type { CameraState, Element, FrameContext, NoiseSpec } from './types.js';

export const NOISE_PARAMS = {
  sigma: { def: 2, min: 0, max: 40 }, // grey levels; an OV2640 in daylight at QVGA is about 1.5–3
};

/** Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
function probit(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) return -probit(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

const tables = new Map<number, Int16Array>();

/** Table of rounded Gaussian values for sigma (quantised to 1/4 grey level; cached per process). */
export function gaussTable(sigma: number): Int16Array {
  const key = Math.round(sigma * 4);
  let t = tables.get(key);
  if (!t) {
    t = new Int16Array(65536);
    for (let i = 0; i < 65536; i++) t[i] = Math.round((key / 4) * probit((i + 0.5) / 65536));
    tables.set(key, t);
  }
  return t;
}

/**
 * The last step of every frame: grey = clamp(lut[grey] + noise). `lut` null means identity,
 * `table` null means no noise.
 */
export function finish(f: FrameContext, lut: Uint8Array | null, table: Int16Array | null, seed: number): void {
  const g = f.grey;
  const out = f.clamped;
  const n = g.length;
  if (!table) {
    if (lut) for (let i = 0; i < n; i++) g[i] = lut[g[i]];
    return;
  }
  let s = seed | 0;
  const id = lut ?? IDENTITY;
  for (let i = 0; i < n; i += 2) {
    // mulberry32, inlined: this loop is most of a frame's cost.
    s = (s + 0x6d2b79f5) | 0;
    let r = Math.imul(s ^ (s >>> 15), s | 1);
    r ^= r + Math.imul(r ^ (r >>> 7), r | 61);
    r ^= r >>> 14;
    out[i] = id[g[i]] + table[r & 0xffff];
    if (i + 1 < n) out[i + 1] = id[g[i + 1]] + table[(r >>> 16) & 0xffff];
  }
}

const IDENTITY = Uint8Array.from({ length: 256 }, (_, v) => v);

export function createNoise(spec: NoiseSpec): Element {
  const p = readParams(spec, NOISE_PARAMS, 'noise');
  return {
    kind: 'noise',
    layer: 3,
    foreground: false,
    camera(_t: number, cam: CameraState) {
      cam.sigma = Math.hypot(cam.sigma, p.sigma);
    },
  };
}
