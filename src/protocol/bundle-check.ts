/**
 * The bundle format's rules and limits (README.md, "Bundle format"), checked before encoding and
 * again after decoding (bundle.ts), so whatever decodes, encodes back. ES5-safe.
 */
import { isIntIn } from './bytes.js';
import type { Bundle } from './bundle.js';
import { PURPOSES_ALL } from './consent.js';
import { protocolError, type ProtocolError } from './errors.js';
import {
  isValidBundleId, isValidCameraId, isValidConfigHash, isValidDetectorVersion,
} from './ids.js';
import {
  MAX_BACKGROUND_BYTES, MAX_BACKGROUND_DIM, MAX_BOXES, MAX_BUNDLE_BYTES, MAX_CELL_SIZE, MAX_GRID_CELLS,
  MAX_RAW_DIM, MAX_RAW_VIEW_BYTES, MAX_WORK_DIM,
} from './limits.js';
import { MAC_BYTES } from './mac.js';

/** Bytes of the fixed header, before the variable-length fields. */
export const BUNDLE_HEADER_BYTES = 50;
export const TWO_POW_32 = 4294967296;
/** Capture times up to 2^53 - 1 ms stay exact in a double: the high word is at most this. */
export const MAX_TIME_HI = 0x1fffff;
/** Bytes per box: x0, y0, x1, y1, area, uint16 each. */
export const BOX_BYTES = 10;

export function maskBytes(cells: number): number {
  return (cells + 7) >> 3;
}

export function checkGeometry(width: number, height: number, cellSize: number, cols: number, rows: number): ProtocolError | null {
  if (!isIntIn(width, 1, MAX_WORK_DIM) || !isIntIn(height, 1, MAX_WORK_DIM)) {
    return protocolError('bad-field', 'width x height: ' + width + 'x' + height + ', expected 1-' + MAX_WORK_DIM);
  }
  if (!isIntIn(cellSize, 1, MAX_CELL_SIZE)) return protocolError('bad-field', 'cellSize: ' + cellSize + ', expected 1-' + MAX_CELL_SIZE);
  const c = Math.floor((width + cellSize - 1) / cellSize);
  const r = Math.floor((height + cellSize - 1) / cellSize);
  if (cols !== c || rows !== r) {
    return protocolError('bad-field', 'cols x rows: ' + cols + 'x' + rows + ', expected ' + c + 'x' + r + ' (ceil(size / cellSize))');
  }
  if (c * r > MAX_GRID_CELLS) return protocolError('too-large', 'grid of ' + c * r + ' cells, limit ' + MAX_GRID_CELLS);
  return null;
}

export function checkRawView(width: number, height: number, length: number): ProtocolError | null {
  if (length > MAX_RAW_VIEW_BYTES) return protocolError('too-large', 'rawView: ' + length + ' bytes, limit ' + MAX_RAW_VIEW_BYTES);
  const lo = length === 0 ? 0 : 1;
  const hi = length === 0 ? 0 : MAX_RAW_DIM;
  if (!isIntIn(width, lo, hi) || !isIntIn(height, lo, hi)) {
    return protocolError('bad-field', 'rawView: ' + width + 'x' + height + ' for ' + length + ' bytes, expected ' + lo + '-' + hi);
  }
  return null;
}

export function checkBackground(width: number, height: number, length: number): ProtocolError | null {
  if (!isIntIn(width, 0, MAX_BACKGROUND_DIM) || !isIntIn(height, 0, MAX_BACKGROUND_DIM) || (width === 0) !== (height === 0)) {
    return protocolError('bad-field', 'background: ' + width + 'x' + height + ', expected both 0 or 1-' + MAX_BACKGROUND_DIM);
  }
  if (width * height > MAX_BACKGROUND_BYTES) return protocolError('too-large', 'background: ' + width * height + ' bytes, limit ' + MAX_BACKGROUND_BYTES);
  if (length !== width * height) return protocolError('bad-field', 'background: ' + length + ' bytes for ' + width + 'x' + height);
  return null;
}

function checkMask(name: string, m: Uint8Array, cells: number): ProtocolError | null {
  if (!(m instanceof Uint8Array) || m.length !== cells) return protocolError('bad-field', name + ': expected a Uint8Array of ' + cells + ' cells');
  for (let i = 0; i < cells; i++) if (m[i] > 1) return protocolError('bad-field', name + '[' + i + '] = ' + m[i] + ', expected 0 or 1');
  return null;
}

function checkBoxes(b: Bundle): ProtocolError | null {
  const n = b.boxCount;
  if (!isIntIn(n, 0, 65535)) return protocolError('bad-field', 'boxCount: ' + n);
  if (n > MAX_BOXES) return protocolError('too-large', 'boxCount: ' + n + ', limit ' + MAX_BOXES);
  if (!b.boxes || !b.boxAreas || !(b.boxes.length >= 4 * n) || !(b.boxAreas.length >= n)) {
    return protocolError('bad-field', 'boxes/boxAreas: fewer entries than boxCount ' + n);
  }
  for (let i = 0; i < n; i++) {
    const x0 = b.boxes[4 * i];
    const y0 = b.boxes[4 * i + 1];
    const x1 = b.boxes[4 * i + 2];
    const y1 = b.boxes[4 * i + 3];
    if (!isIntIn(x0, 0, b.cols - 1) || !isIntIn(x1, x0, b.cols - 1) || !isIntIn(y0, 0, b.rows - 1) || !isIntIn(y1, y0, b.rows - 1)) {
      return protocolError('bad-field', 'box ' + i + ': ' + x0 + ',' + y0 + '-' + x1 + ',' + y1 + ' outside the ' + b.cols + 'x' + b.rows + ' grid');
    }
    const cellsInBox = (x1 - x0 + 1) * (y1 - y0 + 1);
    if (!isIntIn(b.boxAreas[i], 0, cellsInBox)) return protocolError('bad-field', 'box ' + i + ': area ' + b.boxAreas[i] + ' > ' + cellsInBox + ' cells');
  }
  return null;
}

/** Encoded size in bytes of a valid bundle, so the board can allocate the output once. */
export function bundleSize(b: Bundle): number {
  const ids = b.cameraId.length + b.bundleId.length + b.detectorVersion.length + b.configHash.length;
  return BUNDLE_HEADER_BYTES + ids + 3 * maskBytes(b.cols * b.rows) + BOX_BYTES * b.boxCount +
    b.background.pixels.length + b.rawView.jpeg.length + MAC_BYTES + 4;
}

/**
 * Validate a bundle against the format's rules and limits. Returns null when encodable.
 * encodeBundle calls it; call it first on the board to avoid the RangeError.
 */
export function checkBundle(b: Bundle): ProtocolError | null {
  if (!b || typeof b !== 'object') return protocolError('bad-field', 'bundle: not an object');
  if (!isValidCameraId(b.cameraId)) return protocolError('bad-field', 'cameraId: expected 1-32 of a-z 0-9 _ - (first a-z 0-9)');
  if (!isValidBundleId(b.bundleId)) return protocolError('bad-field', 'bundleId: expected 1-64 of a-z 0-9 . _ - (first a-z 0-9)');
  if (!isValidDetectorVersion(b.detectorVersion)) return protocolError('bad-field', 'detectorVersion: expected 1-32 of A-Z a-z 0-9 . _ + -');
  if (!isValidConfigHash(b.configHash)) return protocolError('bad-field', 'configHash: expected 0-64 of A-Z a-z 0-9 . _ + -');
  if (!isIntIn(b.captureTimeMs, 0, MAX_TIME_HI * TWO_POW_32 + (TWO_POW_32 - 1))) {
    return protocolError('bad-field', 'captureTimeMs: ' + b.captureTimeMs + ', expected an integer 0..2^53-1');
  }
  if (!isIntIn(b.purposes, 0, PURPOSES_ALL)) return protocolError('bad-field', 'purposes: ' + b.purposes + ', expected bits of 3');
  if (!isIntIn(b.consentVersion, 0, 0xffffffff)) return protocolError('bad-field', 'consentVersion: ' + b.consentVersion + ', expected uint32');
  const err = checkGeometry(b.width, b.height, b.cellSize, b.cols, b.rows);
  if (err) return err;
  const cells = b.cols * b.rows;
  const maskErr = checkMask('sky', b.sky, cells) || checkMask('staticMask', b.staticMask, cells) || checkMask('motion', b.motion, cells);
  if (maskErr) return maskErr;
  const boxErr = checkBoxes(b);
  if (boxErr) return boxErr;
  const raw = b.rawView;
  if (!raw || !(raw.jpeg instanceof Uint8Array)) return protocolError('bad-field', 'rawView: expected { width, height, jpeg: Uint8Array }');
  const rawErr = checkRawView(raw.width, raw.height, raw.jpeg.length);
  if (rawErr) return rawErr;
  const bg = b.background;
  if (!bg || !(bg.pixels instanceof Uint8Array)) return protocolError('bad-field', 'background: expected { width, height, pixels: Uint8Array }');
  const bgErr = checkBackground(bg.width, bg.height, bg.pixels.length);
  if (bgErr) return bgErr;
  const size = bundleSize(b);
  if (size > MAX_BUNDLE_BYTES) return protocolError('too-large', 'bundle: ' + size + ' bytes, limit ' + MAX_BUNDLE_BYTES);
  return null;
}
