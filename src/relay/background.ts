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

/**
 * Bilinear upscale of a grey image (pixel centres aligned), separable, integer weights in 1/256:
 * each source row is widened once, then output rows blend two widened rows. Used on the
 * already-blurred low-res background: ~0.5 ms for 80x60 -> 640x480, where libvips' resize takes
 * 4-5 ms of CPU for the same single-channel upscale.
 */
export function upscaleBilinear(src: Uint8Array, w: number, h: number, W: number, H: number): Uint8Array {
  // Horizontal pass: h rows of W, values scaled by 256.
  const wide = new Uint16Array(h * W);
  for (let x = 0; x < W; x++) {
    const s = Math.max(0, ((x + 0.5) * w) / W - 0.5);
    const i = Math.min(w - 1, Math.floor(s));
    const i1 = Math.min(w - 1, i + 1);
    const a = Math.min(256, Math.round((s - i) * 256));
    for (let y = 0, r = 0; y < h; y++, r += w) wide[y * W + x] = src[r + i] * (256 - a) + src[r + i1] * a;
  }
  // Vertical pass.
  const out = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    const s = Math.max(0, ((y + 0.5) * h) / H - 0.5);
    const j = Math.min(h - 1, Math.floor(s));
    const b = Math.min(256, Math.round((s - j) * 256));
    const r0 = j * W;
    const r1 = Math.min(h - 1, j + 1) * W;
    const o = y * W;
    if (b === 0) {
      for (let x = 0; x < W; x++) out[o + x] = (wide[r0 + x] + 128) >> 8;
    } else {
      for (let x = 0; x < W; x++) out[o + x] = (wide[r0 + x] * (256 - b) + wide[r1 + x] * b + 32768) >> 16;
    }
  }
  return out;
}

/**
 * Separable Gaussian blur of a small grey image (edges clamped), radius ceil(3 sigma). On the
 * 80x60 background this takes ~0.02 ms; a sharp pipeline for the same costs ~1 ms of CPU, mostly
 * fixed per-call overhead (measured here), and the relay makes one per bundle.
 * @example gaussianBlur(pixels, 80, 60, 1.2)
 */
export function gaussianBlur(src: Uint8Array, w: number, h: number, sigma: number): Uint8Array {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float32Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) sum += k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  const tmp = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let i = -r; i <= r; i++) acc += k[i + r] * src[row + Math.min(w - 1, Math.max(0, x + i))];
      tmp[row + x] = acc;
    }
  }
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let i = -r; i <= r; i++) acc += k[i + r] * tmp[Math.min(h - 1, Math.max(0, y + i)) * w + x];
      out[y * w + x] = Math.round(acc);
    }
  }
  return out;
}
