/**
 * The snapshot bundle: one versioned, CRC-checked binary record with everything the relay needs
 * to derive the five contribution images. ES5-safe (runs on the board): manual little-endian
 * packing, no DataView/TextEncoder. Layout: see README.md ("Bundle format").
 *
 * Field names follow DetectorOutput (src/core/types.ts), so a board fills a Bundle from the
 * detector's output without renaming: width, height, cellSize, cols, rows, sky, staticMask,
 * motion, boxes, boxAreas, boxCount.
 */
import { readU16, readU32, writeU16, writeU32 } from './bytes.js';
import {
  BOX_BYTES, BUNDLE_HEADER_BYTES, MAX_TIME_HI, TWO_POW_32, bundleSize, checkBackground, checkBundle, checkGeometry, checkRawView, maskBytes,
} from './bundle-check.js';
import { crc32 } from './crc32.js';
import { BUNDLE_MAC_DOMAIN, MAC_BYTES, macOf, sameBytes } from './mac.js';
import type { HmacSha256 } from './sha256.js';
import { protocolError, type ProtocolError, type ProtocolErrorCode } from './errors.js';
import { readAscii, writeAscii } from './ids.js';
import { MAX_BOXES, MAX_BUNDLE_BYTES } from './limits.js';

/** Magic bytes "QCBN" (QuietCam BuNdle). */
export const BUNDLE_MAGIC = [0x51, 0x43, 0x42, 0x4e];
/** Format version written by this code; decoders reject any other (2: the MAC before the CRC). */
export const BUNDLE_VERSION = 2;
// Purpose bits are defined once, in consent.ts; re-exported here for the codec's users.
export { PURPOSE_MOTION, PURPOSE_OBJECTRON } from './consent.js';
export { BUNDLE_HEADER_BYTES, bundleSize, checkBundle } from './bundle-check.js';

/** The camera's view, unedited: JPEG bytes and the image size they decode to. */
export interface RawView {
  /** Pixels; both 0 when there is no raw view (jpeg empty). */
  width: number;
  height: number;
  /** JPEG bytes, opaque to this codec; at most MAX_RAW_VIEW_BYTES. */
  jpeg: Uint8Array;
}

/** A low-resolution grey image, one byte per pixel, row-major. */
export interface GreyImage {
  /** Pixels; both 0 when absent. */
  width: number;
  height: number;
  /** width * height bytes. */
  pixels: Uint8Array;
}

/** Everything one snapshot carries. decodeBundle(encodeBundle(b)) deep-equals b. */
export interface Bundle {
  /** See ids.ts: 1-32 of a-z 0-9 _ - . */
  cameraId: string;
  /** See ids.ts: 1-64 of a-z 0-9 . _ - ; unique per camera. */
  bundleId: string;
  /** Capture time, integer ms since the Unix epoch, 0..2^53-1 (sent as two uint32). */
  captureTimeMs: number;
  /** Detector version, 1-32 of A-Z a-z 0-9 . _ + - . */
  detectorVersion: string;
  /** Hash of the detector config in force, 0-64 of A-Z a-z 0-9 . _ + - . */
  configHash: string;
  /** Working grid in pixels (1..MAX_WORK_DIM) and its cell grid: cols = ceil(width / cellSize). */
  width: number;
  height: number;
  cellSize: number;
  cols: number;
  rows: number;
  rawView: RawView;
  /** Per cell (cols * rows, row-major), 0 or 1. Sent as bitsets. */
  sky: Uint8Array;
  staticMask: Uint8Array;
  motion: Uint8Array;
  /** Number of motion boxes, 0..MAX_BOXES. */
  boxCount: number;
  /** 4 per box: x0, y0, x1, y1 in cells, inclusive; at least 4 * boxCount entries (decoded: exactly). */
  boxes: Int16Array;
  /** Cells covered by each box's component, <= the box's cell count; >= boxCount entries (decoded: exactly). */
  boxAreas: Uint16Array;
  /** The device's background estimate. */
  background: GreyImage;
  /** Contribution purposes in force: PURPOSE_MOTION | PURPOSE_OBJECTRON bits, nothing else. */
  purposes: number;
  /** Version of the owner's consent those purposes come from, uint32 (0 = none). */
  consentVersion: number;
}

export type DecodeBundleResult = { ok: true; bundle: Bundle } | { ok: false; error: ProtocolError };

function packBits(mask: Uint8Array, cells: number, out: Uint8Array, pos: number): number {
  const n = maskBytes(cells);
  for (let i = 0; i < n; i++) out[pos + i] = 0;
  for (let c = 0; c < cells; c++) if (mask[c]) out[pos + (c >> 3)] |= 1 << (c & 7);
  return pos + n;
}

/**
 * Encode a bundle. Writes into `out` when given (it must hold bundleSize(b) bytes; the result
 * is then a view of its first bundleSize(b) bytes), else allocates. `key` (the camera secret's
 * macKey, mac.ts) signs it; without one the MAC is 16 zero bytes, which no relay accepts.
 * Throws a RangeError when checkBundle(b) reports an error or `out` is too small.
 * @example const bytes = encodeBundle(bundle, undefined, macKey(secret)); // MAC, then CRC32 in the last 4 bytes
 */
export function encodeBundle(b: Bundle, out?: Uint8Array, key?: HmacSha256): Uint8Array {
  const err = checkBundle(b);
  if (err) throw new RangeError('encodeBundle: ' + err.code + ': ' + err.message);
  const size = bundleSize(b);
  if (out && out.length < size) throw new RangeError('encodeBundle: output holds ' + out.length + ' bytes, need ' + size);
  const buf = out ? out : new Uint8Array(size);
  for (let i = 0; i < 4; i++) buf[i] = BUNDLE_MAGIC[i];
  buf[4] = BUNDLE_VERSION;
  buf[5] = 0; // flags, reserved
  writeU32(buf, 6, size);
  const hi = Math.floor(b.captureTimeMs / TWO_POW_32);
  writeU32(buf, 10, hi);
  writeU32(buf, 14, b.captureTimeMs - hi * TWO_POW_32);
  writeU32(buf, 18, b.consentVersion);
  buf[22] = b.purposes;
  buf[23] = b.cellSize;
  writeU16(buf, 24, b.width);
  writeU16(buf, 26, b.height);
  writeU16(buf, 28, b.cols);
  writeU16(buf, 30, b.rows);
  writeU16(buf, 32, b.boxCount);
  writeU16(buf, 34, b.rawView.width);
  writeU16(buf, 36, b.rawView.height);
  writeU32(buf, 38, b.rawView.jpeg.length);
  writeU16(buf, 42, b.background.width);
  writeU16(buf, 44, b.background.height);
  buf[46] = b.cameraId.length;
  buf[47] = b.bundleId.length;
  buf[48] = b.detectorVersion.length;
  buf[49] = b.configHash.length;
  let p = BUNDLE_HEADER_BYTES;
  p = writeAscii(b.cameraId, buf, p);
  p = writeAscii(b.bundleId, buf, p);
  p = writeAscii(b.detectorVersion, buf, p);
  p = writeAscii(b.configHash, buf, p);
  const cells = b.cols * b.rows;
  p = packBits(b.sky, cells, buf, p);
  p = packBits(b.staticMask, cells, buf, p);
  p = packBits(b.motion, cells, buf, p);
  for (let i = 0; i < b.boxCount; i++) {
    writeU16(buf, p, b.boxes[4 * i]);
    writeU16(buf, p + 2, b.boxes[4 * i + 1]);
    writeU16(buf, p + 4, b.boxes[4 * i + 2]);
    writeU16(buf, p + 6, b.boxes[4 * i + 3]);
    writeU16(buf, p + 8, b.boxAreas[i]);
    p += BOX_BYTES;
  }
  buf.set(b.background.pixels, p);
  p += b.background.pixels.length;
  buf.set(b.rawView.jpeg, p);
  p += b.rawView.jpeg.length;
  if (key) macOf(key, BUNDLE_MAC_DOMAIN, buf, 0, p, buf, p);
  else for (let i = 0; i < MAC_BYTES; i++) buf[p + i] = 0;
  p += MAC_BYTES;
  writeU32(buf, p, crc32(buf, 0, p));
  return out ? buf.subarray(0, size) : buf;
}

type Failed = { ok: false; error: ProtocolError };

function failed(code: ProtocolErrorCode, message: string): Failed {
  return { ok: false, error: protocolError(code, message) };
}

/** Unpack a bitset into one byte per cell; returns null when the unused high bits are not 0. */
function unpackBits(b: Uint8Array, pos: number, cells: number): Uint8Array | null {
  const out = new Uint8Array(cells);
  for (let c = 0; c < cells; c++) out[c] = (b[pos + (c >> 3)] >> (c & 7)) & 1;
  const rest = cells & 7;
  if (rest !== 0 && b[pos + (cells >> 3)] >> rest !== 0) return null;
  return out;
}

function copyBytes(b: Uint8Array, pos: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  out.set(b.subarray(pos, pos + length));
  return out;
}

/** Magic, version, length (against the limit and the announced one), CRC and flags; null when they hold. */
function checkEnvelope(bytes: Uint8Array): Failed | null {
  const n = bytes.length;
  for (let i = 0; i < 4 && i < n; i++) if (bytes[i] !== BUNDLE_MAGIC[i]) return failed('bad-magic', 'not a quietcam bundle (magic "QCBN")');
  if (n < 5) return failed('truncated', n + ' bytes, shorter than the magic and version');
  if (bytes[4] !== BUNDLE_VERSION) return failed('bad-version', 'format version ' + bytes[4] + ', this decoder reads ' + BUNDLE_VERSION);
  if (n > MAX_BUNDLE_BYTES) return failed('too-large', n + ' bytes, limit ' + MAX_BUNDLE_BYTES);
  if (n < BUNDLE_HEADER_BYTES) return failed('truncated', n + ' bytes, shorter than the ' + BUNDLE_HEADER_BYTES + '-byte header');
  const total = readU32(bytes, 6);
  if (total > MAX_BUNDLE_BYTES) return failed('too-large', 'announced length ' + total + ', limit ' + MAX_BUNDLE_BYTES);
  if (total < BUNDLE_HEADER_BYTES + MAC_BYTES + 4) return failed('bad-field', 'announced length ' + total + ' is shorter than a header');
  if (n < total) return failed('truncated', n + ' of ' + total + ' bytes');
  if (n > total) return failed('bad-field', (n - total) + ' trailing bytes after the ' + total + '-byte bundle');
  const crc = crc32(bytes, 0, total - 4);
  if (crc !== readU32(bytes, total - 4)) return failed('bad-crc', 'CRC32 ' + crc + ' does not match the stored ' + readU32(bytes, total - 4));
  if (bytes[5] !== 0) return failed('bad-field', 'flags: ' + bytes[5] + ', expected 0');
  if (readU32(bytes, 10) > MAX_TIME_HI) return failed('bad-field', 'captureTimeMs: beyond 2^53-1');
  return null;
}

/**
 * Every size in the header against the limits, and the length they add up to against the
 * announced one, before any offset is computed or anything allocated; null when they hold.
 */
/** The header's sizes of the variable parts. */
function sizesOf(bytes: Uint8Array): { cols: number; rows: number; boxCount: number; rawLength: number; bgWidth: number; bgHeight: number } {
  return { cols: readU16(bytes, 28), rows: readU16(bytes, 30), boxCount: readU16(bytes, 32), rawLength: readU32(bytes, 38), bgWidth: readU16(bytes, 42), bgHeight: readU16(bytes, 44) };
}

function checkSizes(bytes: Uint8Array): Failed | null {
  const z = sizesOf(bytes);
  const err = checkGeometry(readU16(bytes, 24), readU16(bytes, 26), bytes[23], z.cols, z.rows) ||
    checkRawView(readU16(bytes, 34), readU16(bytes, 36), z.rawLength) ||
    checkBackground(z.bgWidth, z.bgHeight, z.bgWidth * z.bgHeight);
  if (err) return { ok: false, error: err };
  if (z.boxCount > MAX_BOXES) return failed('too-large', 'boxCount: ' + z.boxCount + ', limit ' + MAX_BOXES);
  const total = readU32(bytes, 6);
  const expected = BUNDLE_HEADER_BYTES + bytes[46] + bytes[47] + bytes[48] + bytes[49] + 3 * maskBytes(z.cols * z.rows) +
    BOX_BYTES * z.boxCount + z.bgWidth * z.bgHeight + z.rawLength + MAC_BYTES + 4;
  if (expected !== total) return failed('bad-field', 'announced length ' + total + ' differs from the ' + expected + ' bytes its fields need');
  return null;
}

/** The fields of a bundle whose envelope and sizes were checked (checkEnvelope, checkSizes). */
function readBundle(bytes: Uint8Array): DecodeBundleResult {
  const z = sizesOf(bytes);
  const cols = z.cols;
  const rows = z.rows;
  const boxCount = z.boxCount;
  const bgWidth = z.bgWidth;
  const bgHeight = z.bgHeight;
  const cells = cols * rows;
  const mb = maskBytes(cells);
  let p = BUNDLE_HEADER_BYTES;
  const cameraId = readAscii(bytes, p, bytes[46]);
  p += bytes[46];
  const bundleId = readAscii(bytes, p, bytes[47]);
  p += bytes[47];
  const detectorVersion = readAscii(bytes, p, bytes[48]);
  p += bytes[48];
  const configHash = readAscii(bytes, p, bytes[49]);
  p += bytes[49];
  const sky = unpackBits(bytes, p, cells);
  const staticMask = unpackBits(bytes, p + mb, cells);
  const motion = unpackBits(bytes, p + 2 * mb, cells);
  if (!sky || !staticMask || !motion) return failed('bad-field', 'mask: unused bits after the last cell are not 0');
  p += 3 * mb;
  const boxes = new Int16Array(4 * boxCount);
  const boxAreas = new Uint16Array(boxCount);
  for (let i = 0; i < boxCount; i++) {
    for (let k = 0; k < 4; k++) boxes[4 * i + k] = readU16(bytes, p + 2 * k);
    boxAreas[i] = readU16(bytes, p + 8);
    p += BOX_BYTES;
  }
  const pixels = copyBytes(bytes, p, bgWidth * bgHeight);
  p += bgWidth * bgHeight;
  const jpeg = copyBytes(bytes, p, z.rawLength);
  const bundle: Bundle = {
    cameraId: cameraId,
    bundleId: bundleId,
    captureTimeMs: readU32(bytes, 10) * TWO_POW_32 + readU32(bytes, 14),
    detectorVersion: detectorVersion,
    configHash: configHash,
    width: readU16(bytes, 24),
    height: readU16(bytes, 26),
    cellSize: bytes[23],
    cols: cols,
    rows: rows,
    rawView: { width: readU16(bytes, 34), height: readU16(bytes, 36), jpeg: jpeg },
    sky: sky,
    staticMask: staticMask,
    motion: motion,
    boxCount: boxCount,
    boxes: boxes,
    boxAreas: boxAreas,
    background: { width: bgWidth, height: bgHeight, pixels: pixels },
    purposes: bytes[22],
    consentVersion: readU32(bytes, 18),
  };
  return { ok: true, bundle: bundle };
}

/**
 * Decode and fully validate a bundle. Never throws: malformed input gives a typed error.
 * The result owns its arrays (copies, not views of `bytes`).
 * @example const r = decodeBundle(bytes); if (!r.ok) count(r.error.code); else use(r.bundle);
 */
export function decodeBundle(bytes: Uint8Array): DecodeBundleResult {
  if (!(bytes instanceof Uint8Array)) return failed('bad-field', 'input: expected a Uint8Array');
  const bad = checkEnvelope(bytes) || checkSizes(bytes);
  if (bad) return bad;
  const r = readBundle(bytes);
  if (!r.ok) return r;
  // The same rules as the encoder (ids, purposes, boxes): whatever decodes, encodes back to `bytes`.
  const fieldErr = checkBundle(r.bundle);
  if (fieldErr) return { ok: false, error: fieldErr };
  return r;
}

/**
 * True when the encoded bundle's MAC is the one `key` (the camera secret's macKey) makes. Call it
 * on bytes decodeBundle accepted (the length and CRC are checked there).
 * @example if (!verifyBundleMac(bytes, macKey(secret))) reject('bad-mac');
 */
export function verifyBundleMac(bytes: Uint8Array, key: HmacSha256): boolean {
  const at = bytes.length - 4 - MAC_BYTES;
  if (at < BUNDLE_HEADER_BYTES) return false;
  const mac = new Uint8Array(MAC_BYTES);
  macOf(key, BUNDLE_MAC_DOMAIN, bytes, 0, at, mac, 0);
  return sameBytes(mac, 0, bytes, at, MAC_BYTES);
}
