/**
 * Does a kernels implementation (kernels.ts) give the reference's integers? Runs both on the same
 * pseudo-random inputs — odd sizes, partial edge cells, cell sizes 1..8, strides and phases, hold
 * (rate 0) and out-of-range shifts — and compares every output array. The board runs a few cases
 * at start-up before trusting its native kernels; the tests run thousands.
 * Allocates its arrays once per call (start-up only). ES5-safe: xorshift, no Math.imul.
 */
import { JS_KERNELS, PixelKernels } from './kernels.js';

/** Largest case: a few cells wide and tall, with partial edge cells. */
const MAX_W = 27;
const MAX_H = 19;

/** xorshift32 on s[0]: a function of its own, not a closure (a closure over checkKernels' locals
 * would keep its arrays alive in Duktape until the next full GC, instead of freeing them on return). */
function nextRandom(s: Int32Array): number {
  let x = s[0];
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  s[0] = x;
  return x >>> 0;
}

function differs(a: { length: number; [i: number]: number }, b: { length: number; [i: number]: number }, n: number): number {
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/**
 * @param cases how many random cases (each runs both kernels on fresh inputs)
 * @param seed any non-zero integer: the same seed gives the same cases on every engine
 * @returns null when every output matched, else which case and array differed first
 * @example if (checkKernels(ports.kernels, 8, 1) !== null) useReference();
 */
export function checkKernels(k: PixelKernels, cases: number, seed: number): string | null {
  const ref = JS_KERNELS;
  const n = MAX_W * MAX_H;
  const frame = new Uint8Array(n);
  const bg8a = new Uint8Array(n);
  const bg8b = new Uint8Array(n);
  const bgqa = new Uint16Array(n);
  const bgqb = new Uint16Array(n);
  const thr = new Uint8Array(n);
  const rate = new Uint8Array(n);
  const cnta = new Uint16Array(n);
  const cntb = new Uint16Array(n);
  const sada = new Int32Array(n);
  const sadb = new Int32Array(n);
  const rnd = new Int32Array(1);
  rnd[0] = seed | 0 || 1;
  for (let t = 0; t < cases; t++) {
    const w = 1 + (nextRandom(rnd) % MAX_W);
    const h = 1 + (nextRandom(rnd) % MAX_H);
    const cell = 1 + (nextRandom(rnd) % 8);
    const px = w * h;
    const cells = ((w + cell - 1) / cell | 0) * ((h + cell - 1) / cell | 0);
    // Near-background frames (small differences around the thresholds) half the time.
    const near = nextRandom(rnd) & 1;
    for (let i = 0; i < px; i++) {
      const b = nextRandom(rnd) & 255;
      bg8a[i] = bg8b[i] = b;
      const d = near ? (nextRandom(rnd) % 41) - 20 : (nextRandom(rnd) & 255) - b;
      const f = b + d;
      frame[i] = f < 0 ? 0 : f > 255 ? 255 : f;
      bgqa[i] = bgqb[i] = nextRandom(rnd) & 65535;
    }
    for (let c = 0; c < cells; c++) {
      const r = nextRandom(rnd) % 12;
      thr[c] = near ? nextRandom(rnd) % 24 : nextRandom(rnd) & 255;
      // Mostly the detector's shifts (0 = hold, 1..8); sometimes ones only a bug would pass.
      rate[c] = r < 9 ? r : r === 9 ? 31 : r === 10 ? 32 : 255;
      cnta[c] = cntb[c] = nextRandom(rnd) & 65535; // garbage: kernels overwrite
      sada[c] = sadb[c] = nextRandom(rnd) | 0;
    }
    ref.difference(frame, bg8a, thr, cnta, sada, w, h, cell);
    k.difference(frame, bg8b, thr, cntb, sadb, w, h, cell);
    let at = differs(cnta, cntb, cells);
    if (at >= 0) return 'case ' + t + ' (' + w + 'x' + h + ', cell ' + cell + '): difference cnt[' + at + '] ' + cntb[at] + ', reference ' + cnta[at];
    at = differs(sada, sadb, cells);
    if (at >= 0) return 'case ' + t + ' (' + w + 'x' + h + ', cell ' + cell + '): difference sad[' + at + '] ' + sadb[at] + ', reference ' + sada[at];
    const stride = 1 + (nextRandom(rnd) % 9);
    const phase = nextRandom(rnd) % (stride + 1);
    ref.updateBackground(frame, bgqa, bg8a, rate, w, h, cell, stride, phase);
    k.updateBackground(frame, bgqb, bg8b, rate, w, h, cell, stride, phase);
    at = differs(bgqa, bgqb, px);
    if (at < 0) at = differs(bg8a, bg8b, px);
    if (at >= 0) {
      return 'case ' + t + ' (' + w + 'x' + h + ', cell ' + cell + ', stride ' + stride + ', phase ' + phase + '): updateBackground pixel ' + at +
        ' bgq ' + bgqb[at] + '/' + bg8b[at] + ', reference ' + bgqa[at] + '/' + bg8a[at];
    }
  }
  return null;
}
