/**
 * Image 5's pixels before blur: the best background evidence the relay has for a camera.
 *
 * The device sends its own estimate (the detector's running background, low-res grey): long-term,
 * robust, but lagging behind light changes. Each snapshot's raw view is fresh, but only where
 * nothing moves. So the relay keeps, per camera, a running mean of the raw views' motion-free
 * pixels (at the device estimate's resolution), and where that evidence is recent it averages it
 * with the device estimate: both errors halve. Without a device estimate, the evidence alone is
 * used, and where there is none yet, the current raw view.
 *
 * Bounded: one state per camera (at most MAX_CAMERAS, least recently used dropped), each at most
 * MAX_BACKGROUND_BYTES * 5 bytes (mean, frames, seconds).
 */
import type { GreyImage } from '../protocol/index.js';

const MAX_CAMERAS = 256;
const MAX_FRAMES = 8; // the running mean becomes an average of the last ~8 snapshots

interface Evidence {
  width: number;
  height: number;
  mean: Uint8Array;
  /** Frames averaged into each pixel, 0-MAX_FRAMES. */
  frames: Uint8Array;
  /** When each pixel was last updated, seconds since the epoch. */
  seenS: Uint32Array;
}

export interface RefinedBackground {
  pixels: Uint8Array;
  width: number;
  height: number;
  /** 'device', 'device+evidence', 'evidence', or 'raw-view' (no better evidence yet). */
  source: string;
  /** Share of pixels refined with recent motion-free evidence, 0-1. */
  refined: number;
}

export class BackgroundEvidence {
  private readonly cameras = new Map<string, Evidence>();

  constructor(private readonly maxAgeMs: number) {}

  /**
   * Update the camera's evidence with this snapshot and return its background.
   * @param device the device's estimate (0x0 when it sent none)
   * @param frame the raw view in grey at `width x height` (the device estimate's size, or the
   *   working grid's when there is no estimate)
   * @param free 1 where the frame is motion-free, same size
   */
  refine(cameraId: string, device: GreyImage, frame: Uint8Array, free: Uint8Array, width: number, height: number, nowMs: number): RefinedBackground {
    const ev = this.state(cameraId, width, height);
    const nowS = Math.floor(nowMs / 1000);
    const maxAgeS = Math.floor(this.maxAgeMs / 1000);
    const n = width * height;
    for (let i = 0; i < n; i++) {
      if (!free[i]) continue;
      if (ev.frames[i] === 0 || nowS - ev.seenS[i] > maxAgeS) {
        ev.mean[i] = frame[i];
        ev.frames[i] = 1;
      } else {
        const k = ev.frames[i] < MAX_FRAMES ? ev.frames[i] + 1 : MAX_FRAMES;
        ev.mean[i] = Math.round(ev.mean[i] + (frame[i] - ev.mean[i]) / k);
        ev.frames[i] = k;
      }
      ev.seenS[i] = nowS;
    }
    const hasDevice = device.width === width && device.height === height && device.pixels.length === n;
    const out = new Uint8Array(n);
    let refined = 0;
    for (let i = 0; i < n; i++) {
      const fresh = ev.frames[i] > 0 && nowS - ev.seenS[i] <= maxAgeS;
      if (fresh) refined++;
      if (hasDevice) out[i] = fresh ? (device.pixels[i] + ev.mean[i] + 1) >> 1 : device.pixels[i];
      else out[i] = fresh ? ev.mean[i] : frame[i];
    }
    const source = hasDevice ? (refined ? 'device+evidence' : 'device') : refined ? 'evidence' : 'raw-view';
    return { pixels: out, width, height, source, refined: n ? refined / n : 0 };
  }

  private state(cameraId: string, width: number, height: number): Evidence {
    let ev = this.cameras.get(cameraId);
    if (ev) this.cameras.delete(cameraId); // re-inserted below: most recently used last
    if (!ev || ev.width !== width || ev.height !== height) {
      const n = width * height;
      ev = { width, height, mean: new Uint8Array(n), frames: new Uint8Array(n), seenS: new Uint32Array(n) };
    }
    this.cameras.set(cameraId, ev);
    if (this.cameras.size > MAX_CAMERAS) this.cameras.delete(this.cameras.keys().next().value as string);
    return ev;
  }
}

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
const WIDE_KEEP = 256 * 1600; // entries of upscaleBilinear's scratch kept between calls (1.6 MB)
let wideScratch = new Int32Array(0);

/**
 * Bilinear upscale of a grey image (pixel centres aligned), separable, integer weights in 1/256
 * and one rounding at the end (so the result does not depend on the order of the passes): each
 * source row is widened once; then for each run of output rows that blend the same two widened
 * rows, their base and difference are computed once and each output pixel is one multiply-add,
 * written four to a 32-bit store. Used on the already-blurred low-res background: ~0.6 ms for
 * 80x60 -> 640x480 here, where libvips' resize takes 4-5 ms of CPU for the same upscale.
 * `into`: write the W x H result there (its first W * H bytes; returned) instead of a new buffer.
 */
export function upscaleBilinear(src: Uint8Array, w: number, h: number, W: number, H: number, into?: Uint8Array): Uint8Array {
  const xi = new Int32Array(W);
  const xa = new Int32Array(W);
  for (let x = 0; x < W; x++) {
    const s = Math.max(0, ((x + 0.5) * w) / W - 0.5);
    const i = Math.min(w - 1, Math.floor(s));
    xi[x] = i;
    xa[x] = Math.min(256, Math.round((s - i) * 256));
  }
  // Horizontal pass: h rows of W, values scaled by 256 (into a scratch kept between calls: at
  // 80x640 it is 160 KB, which malloc would otherwise mmap and unmap every time).
  const wide = wideScratch.length >= h * W ? wideScratch : new Int32Array(h * W);
  if (wide !== wideScratch && h * W <= WIDE_KEEP) wideScratch = wide;
  for (let y = 0; y < h; y++) {
    const r = y * w;
    const o = y * W;
    for (let x = 0; x < W; x++) {
      const p = src[r + xi[x]];
      wide[o + x] = p * 256 + (src[r + Math.min(w - 1, xi[x] + 1)] - p) * xa[x];
    }
  }
  // Vertical pass, one run of output rows per pair of widened rows.
  const out = into ? into.subarray(0, W * H) : new Uint8Array(W * H);
  const words = LITTLE_ENDIAN && (W & 3) === 0 && (out.byteOffset & 3) === 0 ? new Uint32Array(out.buffer, out.byteOffset, (W * H) >> 2) : null;
  const base = new Int32Array(W);
  const diff = new Int32Array(W);
  const rowOf = (y: number) => Math.max(0, ((y + 0.5) * h) / H - 0.5);
  for (let y = 0; y < H;) {
    const j = Math.min(h - 1, Math.floor(rowOf(y)));
    let end = y + 1;
    while (end < H && Math.min(h - 1, Math.floor(rowOf(end))) === j) end++;
    const r0 = j * W;
    const r1 = Math.min(h - 1, j + 1) * W;
    for (let x = 0; x < W; x++) {
      base[x] = wide[r0 + x] * 256 + 32768;
      diff[x] = wide[r1 + x] - wide[r0 + x];
    }
    for (; y < end; y++) {
      const b = Math.min(256, Math.round((rowOf(y) - j) * 256));
      const o = y * W;
      if (words) {
        for (let x = 0, q = o >> 2; x < W; x += 4, q++) {
          words[q] = ((base[x] + diff[x] * b) >>> 16) | (((base[x + 1] + diff[x + 1] * b) >>> 16) << 8)
            | (((base[x + 2] + diff[x + 2] * b) >>> 16) << 16) | (((base[x + 3] + diff[x + 3] * b) >>> 16) << 24);
        }
      } else {
        for (let x = 0; x < W; x++) out[o + x] = (base[x] + diff[x] * b) >>> 16;
      }
    }
  }
  return out;
}

/**
 * Separable Gaussian blur of a small grey image (edges clamped), radius ceil(3 sigma). On the
 * 80x60 background this takes ~0.2 ms of CPU here (edge taps clamped, interior taps straight); a
 * sharp pipeline for the same costs ~1 ms of CPU, mostly fixed per-call overhead (measured here),
 * and the relay makes one per bundle.
 * @example gaussianBlur(pixels, 80, 60, 1.2)
 */
export function gaussianBlur(src: Uint8Array, w: number, h: number, sigma: number): Uint8Array {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const taps = 2 * r + 1;
  const k = new Float32Array(taps);
  let sum = 0;
  for (let i = -r; i <= r; i++) sum += k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < taps; i++) k[i] /= sum;
  // Horizontal pass into rows padded by r clamped pixels on each side: no bounds tests per tap.
  const pw = w + 2 * r;
  const padded = new Float32Array(pw);
  const tmp = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < pw; x++) padded[x] = src[row + Math.min(w - 1, Math.max(0, x - r))];
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let i = 0; i < taps; i++) acc += k[i] * padded[x + i];
      tmp[row + x] = acc;
    }
  }
  // Vertical pass: the clamped row index of each tap, once per output row.
  const out = new Uint8Array(w * h);
  const rowAt = new Int32Array(taps);
  for (let y = 0; y < h; y++) {
    for (let i = 0; i < taps; i++) rowAt[i] = Math.min(h - 1, Math.max(0, y + i - r)) * w;
    const o = y * w;
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let i = 0; i < taps; i++) acc += k[i] * tmp[rowAt[i] + x];
      out[o + x] = Math.round(acc);
    }
  }
  return out;
}
