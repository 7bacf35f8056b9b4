/**
 * Synthetic bundles with known content: a textured JPEG raw view, a sky band on top, one static
 * cell block, one moving box, an 80x60 gradient background. One JPEG per size is made once and
 * reused (JPEG encoding is the slow part).
 */
import sharp from 'sharp';
import { PURPOSE_MOTION, PURPOSE_OBJECTRON, type Bundle } from '../../../src/protocol/index.js';

const jpegs = new Map<string, Promise<Uint8Array>>();

/** A textured grey-and-colour test picture as JPEG (quality 80), cached per size. */
export function testJpeg(width = 320, height = 240): Promise<Uint8Array> {
  const key = `${width}x${height}`;
  let p = jpegs.get(key);
  if (!p) {
    const px = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = 3 * (y * width + x);
        px[i] = (x * 255) / width;
        px[i + 1] = (y * 255) / height;
        px[i + 2] = ((x >> 3) ^ (y >> 3)) & 1 ? 200 : 60;
      }
    }
    p = sharp(px, { raw: { width, height, channels: 3 } }).jpeg({ quality: 80 }).toBuffer().then((b) => new Uint8Array(b));
    jpegs.set(key, p);
  }
  return p;
}

export interface BundleSpec {
  cameraId: string;
  bundleId: string;
  jpeg: Uint8Array;
  rawWidth?: number;
  rawHeight?: number;
  captureTimeMs?: number;
  purposes?: number;
  consentVersion?: number;
  /** Moving box in cells (x0, y0, x1, y1), default [8, 6, 11, 10]. */
  box?: [number, number, number, number];
  /** Send no device background (0x0). */
  noBackground?: boolean;
}

/** 80x60 working grid, 4-pixel cells (20x15). */
export function makeBundle(s: BundleSpec): Bundle {
  const width = 80;
  const height = 60;
  const cellSize = 4;
  const cols = 20;
  const rows = 15;
  const sky = new Uint8Array(cols * rows);
  const staticMask = new Uint8Array(cols * rows);
  const motion = new Uint8Array(cols * rows);
  for (let c = 0; c < cols; c++) sky[c] = sky[cols + c] = 1; // top two cell rows
  for (let r = 11; r <= 12; r++) for (let c = 2; c <= 4; c++) staticMask[r * cols + c] = 1;
  const [x0, y0, x1, y1] = s.box ?? [8, 6, 11, 10];
  for (let r = y0; r <= y1; r++) for (let c = x0; c <= x1; c++) motion[r * cols + c] = 1;
  const bg = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) bg[y * width + x] = 40 + x + y;
  return {
    cameraId: s.cameraId,
    bundleId: s.bundleId,
    captureTimeMs: s.captureTimeMs ?? Date.UTC(2026, 10, 23, 12, 0, 0),
    detectorVersion: '1.0.0',
    configHash: 'abcd1234',
    width,
    height,
    cellSize,
    cols,
    rows,
    rawView: { width: s.rawWidth ?? 320, height: s.rawHeight ?? 240, jpeg: s.jpeg },
    sky,
    staticMask,
    motion,
    boxCount: 1,
    boxes: Int16Array.from([x0, y0, x1, y1]),
    boxAreas: Uint16Array.from([(x1 - x0 + 1) * (y1 - y0 + 1)]),
    background: s.noBackground ? { width: 0, height: 0, pixels: new Uint8Array(0) } : { width, height, pixels: bg },
    purposes: s.purposes ?? PURPOSE_MOTION | PURPOSE_OBJECTRON,
    consentVersion: s.consentVersion ?? 1,
  };
}
