/** Seeded randomness and random valid bundles for the protocol tests (Node-only helpers). */
import { MAX_BOXES, type Bundle } from '../../src/protocol/index.js';

/** mulberry32: a tiny seeded PRNG returning floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rng = () => number;

/** Integer in lo..hi inclusive. */
export function int(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

export function randomBytes(rng: Rng, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (rng() * 256) | 0;
  return b;
}

/** Fisher-Yates shuffle, in place; returns the array. */
export function shuffle<T>(rng: Rng, a: T[]): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = int(rng, 0, i);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

function randomId(rng: Rng, chars: string, first: string, min: number, max: number): string {
  const n = int(rng, min, max);
  let s = n > 0 ? first[int(rng, 0, first.length - 1)] : '';
  for (let i = 1; i < n; i++) s += chars[int(rng, 0, chars.length - 1)];
  return s;
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz0123456789';
const TOKEN = LOWER + 'ABCDEFGHIJKLMNOPQRSTUVWXYZ._+-';

export interface BundleShape {
  width?: number;
  height?: number;
  cellSize?: number;
  boxCount?: number;
  rawBytes?: number;
  background?: [number, number];
}

/** A random valid bundle; unspecified parts of the shape are random too. */
export function randomBundle(rng: Rng, shape: BundleShape = {}): Bundle {
  const width = shape.width ?? (rng() < 0.5 ? 80 : 160);
  const height = shape.height ?? (width === 80 ? 60 : 120);
  const cellSize = shape.cellSize ?? [1, 2, 4, 5, 8, 16][int(rng, 0, 5)];
  const cols = Math.ceil(width / cellSize);
  const rows = Math.ceil(height / cellSize);
  const cells = cols * rows;
  const mask = (p: number) => {
    const m = new Uint8Array(cells);
    for (let i = 0; i < cells; i++) m[i] = rng() < p ? 1 : 0;
    return m;
  };
  const boxCount = shape.boxCount ?? int(rng, 0, rng() < 0.2 ? MAX_BOXES : 8);
  const boxes = new Int16Array(4 * boxCount);
  const boxAreas = new Uint16Array(boxCount);
  for (let i = 0; i < boxCount; i++) {
    const x0 = int(rng, 0, cols - 1);
    const y0 = int(rng, 0, rows - 1);
    const x1 = int(rng, x0, cols - 1);
    const y1 = int(rng, y0, rows - 1);
    boxes.set([x0, y0, x1, y1], 4 * i);
    boxAreas[i] = int(rng, 1, (x1 - x0 + 1) * (y1 - y0 + 1));
  }
  const rawBytes = shape.rawBytes ?? (rng() < 0.1 ? 0 : int(rng, 1, 20000));
  const [bgW, bgH] = shape.background ?? (rng() < 0.1 ? [0, 0] : [Math.min(cols, 256), Math.min(rows, 256)]);
  return {
    cameraId: randomId(rng, LOWER + '_-', LOWER, 1, 32),
    bundleId: randomId(rng, LOWER + '._-', LOWER, 1, 64),
    captureTimeMs: rng() < 0.1 ? int(rng, 0, 0xffffffff) : Math.floor(rng() * 9007199254740991),
    detectorVersion: randomId(rng, TOKEN, TOKEN, 1, 32),
    configHash: randomId(rng, TOKEN, TOKEN, 0, 64),
    width, height, cellSize, cols, rows,
    rawView: rawBytes ? { width: int(rng, 1, 4096), height: int(rng, 1, 4096), jpeg: randomBytes(rng, rawBytes) } : { width: 0, height: 0, jpeg: new Uint8Array(0) },
    sky: mask(0.2),
    staticMask: mask(0.05),
    motion: mask(0.1),
    boxCount, boxes, boxAreas,
    background: { width: bgW, height: bgH, pixels: randomBytes(rng, bgW * bgH) },
    purposes: int(rng, 0, 3),
    consentVersion: rng() < 0.5 ? int(rng, 0, 10) : int(rng, 0, 0xffffffff),
  };
}
