/**
 * Event frames on `quietcam/<camera>/frame`: the board's view (a small JPEG) at the start of a
 * motion event and a few times while it lasts, for the relay's person detector only, with the
 * detector's motion boxes of that frame (the relay scores a crop around them). They are never
 * uploaded and never part of a contribution (the relay keeps them 7 days for the owner).
 *
 * Layout, version 2 (little-endian, bytes.ts), then a 16-byte MAC (mac.ts) over domain
 * "quietcam-frame/<camera>/" + every byte before it (the boxes included):
 * | offset    | bytes | field                                                          |
 * |-----------|-------|----------------------------------------------------------------|
 * | 0         | 2     | magic "QF"                                                     |
 * | 2         | 1     | version (2; version 1 is still decoded, below)                 |
 * | 3         | 1     | n = camera id length (1-32)                                    |
 * | 4         | n     | camera id (ASCII)                                              |
 * | 4+n       | 4     | event id (the detector's, per boot)                            |
 * | 8+n       | 1     | index of this frame in the event (0 = at the start)            |
 * | 9+n       | 1     | frames planned per event                                       |
 * | 10+n      | 4+4   | wall clock ms: low 32 bits, high bits                          |
 * | 18+n      | 4     | ms since the event started (monotonic)                         |
 * | 22+n      | 2+2   | JPEG width, height (px)                                        |
 * | 26+n      | 1     | motion grid cols (1-255; 0 = no motion information: rows, k 0) |
 * | 27+n      | 1     | motion grid rows (1-255)                                       |
 * | 28+n      | 1     | k = motion boxes (0..MAX_FRAME_BOXES = 8)                      |
 * | 29+n      | 4k    | per box x0, y0, x1, y1: cells, inclusive, one byte each        |
 * | 29+n+4k   | 4     | JPEG length L (1..MAX_RAW_VIEW_BYTES)                          |
 * | 33+n+4k   | L     | JPEG                                                           |
 * | 33+n+4k+L | 16    | MAC                                                            |
 * Boxes are the detector's (DetectorOutput: largest first, in cells of its grid, which covers the
 * whole view: cell x spans JPEG columns x*W/cols..(x+1)*W/cols for a W-wide JPEG, exact when the detector's width is a
 * multiple of its cell size, as in every board profile). More than 8: boxes 0..6 as they are, the
 * 8th the union of the others (every moving cell stays inside some box). Version 1 (boards before
 * issue 14's crops) has no grid/box bytes: the JPEG length follows the size at 26+n; it decodes
 * with `motion: null`.
 * Limits: one JPEG per message (no chunking: a frame is a few KB; esp-mqtt fragments larger
 * publishes itself), at most MAX_RAW_VIEW_BYTES. The boxes are read and merged in place (no allocation). ES5-safe.
 * @example
 *   const at = eventFrameHeaderSize('porch', out.boxCount); // read the JPEG into buf at `at`, then:
 *   const len = encodeEventFrame(buf, key, { cameraId: 'porch', eventId: 3, index: 0, count: 3, timeMs, offsetMs: 0, width: 160, height: 120,
 *     motion: { cols: out.cols, rows: out.rows, count: out.boxCount, boxes: out.boxes } }, buf.subarray(at, at + jpegLen), jpegLen);
 *   const d = decodeEventFrame(bytes); if (d.frame && eventFrameMacOk(key, bytes)) detect(d.frame.jpeg, d.frame.motion);
 */
import { readU16, readU32, writeU16, writeU32 } from './bytes.js';
import { isValidCameraId } from './ids.js';
import { MAX_RAW_VIEW_BYTES } from './limits.js';
import { MAC_BYTES, macOf, sameBytes } from './mac.js';
import type { HmacSha256 } from './sha256.js';

export const EVENT_FRAME_VERSION = 2;
/** Most motion boxes a message carries (more are merged into the last one). */
export const MAX_FRAME_BOXES = 8;
/** Bytes around the JPEG besides the camera id and the boxes (4 B each): header 33 + MAC 16. */
export const EVENT_FRAME_OVERHEAD = 33 + MAC_BYTES;
/** The same for version 1 (no grid or boxes): header 30 + MAC 16. */
const V1_OVERHEAD = 30 + MAC_BYTES;

/**
 * Where the detector saw motion in this frame: its grid and its boxes, 4 numbers per box (x0, y0,
 * x1, y1, cells, inclusive), `count` of them. The board passes its DetectorOutput's fields as they
 * are (boxes = out.boxes, count = out.boxCount): nothing is copied.
 */
export interface FrameMotion {
  cols: number;
  rows: number;
  count: number;
  boxes: ArrayLike<number>;
}

/** Motion as decoded: at most MAX_FRAME_BOXES boxes, count = boxes.length / 4. */
export interface DecodedMotion {
  cols: number;
  rows: number;
  count: number;
  boxes: number[];
}

export interface EventFrameHeader {
  cameraId: string;
  eventId: number;
  index: number;
  count: number;
  timeMs: number;
  offsetMs: number;
  width: number;
  height: number;
  /** The detector's motion for this frame; absent, null or cols 0: none (written as cols 0). */
  motion?: FrameMotion | null;
}

export interface EventFrame extends EventFrameHeader {
  jpeg: Uint8Array;
  /** null: a version 1 message, or one without motion information (cols 0). */
  motion: DecodedMotion | null;
}

/** Domain of an event frame's MAC. */
export function frameMacDomain(cameraId: string): string {
  return 'quietcam-frame/' + cameraId + '/';
}

/** Boxes a message carries for `boxCount` detector boxes: min(boxCount, MAX_FRAME_BOXES), 0 if negative. */
export function frameBoxesOnAir(boxCount: number): number {
  return boxCount > MAX_FRAME_BOXES ? MAX_FRAME_BOXES : boxCount > 0 ? boxCount : 0;
}

/**
 * Bytes before the JPEG for a camera id and `boxCount` detector boxes (clamped like the encoder:
 * frameBoxesOnAir). A board reading the JPEG into the message buffer reads it at this offset.
 */
export function eventFrameHeaderSize(cameraId: string, boxCount: number): number {
  return EVENT_FRAME_OVERHEAD - MAC_BYTES + cameraId.length + 4 * frameBoxesOnAir(boxCount);
}

/** Bytes of the message for a camera id, a JPEG length and `boxCount` detector boxes (default 0). */
export function eventFrameSize(cameraId: string, jpegLength: number, boxCount?: number): number {
  return eventFrameHeaderSize(cameraId, boxCount || 0) + jpegLength + MAC_BYTES;
}

function gridOk(v: number): boolean {
  return typeof v === 'number' && Math.floor(v) === v && v >= 1 && v <= 255;
}

/**
 * Writes grid, k and the boxes at out[p..] (room already checked); returns the offset after them.
 * Box MAX_FRAME_BOXES - 1 becomes the union of it and every box after it. Throws a RangeError on a
 * grid out of 1..255 or a box outside it.
 */
function writeMotion(out: Uint8Array, p: number, m: FrameMotion | null | undefined): number {
  if (!m || m.cols === 0) {
    out[p] = 0;
    out[p + 1] = 0;
    out[p + 2] = 0;
    return p + 3;
  }
  const cols = m.cols;
  const rows = m.rows;
  if (!gridOk(cols) || !gridOk(rows)) throw new RangeError('event frame: motion grid ' + cols + 'x' + rows + ' (1..255 each)');
  if (!(m.count >= 0 && m.count * 4 <= m.boxes.length)) throw new RangeError('event frame: ' + m.count + ' motion boxes, ' + m.boxes.length + ' numbers');
  const k = frameBoxesOnAir(m.count);
  out[p] = cols;
  out[p + 1] = rows;
  out[p + 2] = k;
  p += 3;
  const b = m.boxes;
  for (let i = 0; i < k; i++) {
    let x0 = b[i * 4];
    let y0 = b[i * 4 + 1];
    let x1 = b[i * 4 + 2];
    let y1 = b[i * 4 + 3];
    if (i === MAX_FRAME_BOXES - 1) {
      for (let j = i + 1; j < m.count; j++) {
        if (b[j * 4] < x0) x0 = b[j * 4];
        if (b[j * 4 + 1] < y0) y0 = b[j * 4 + 1];
        if (b[j * 4 + 2] > x1) x1 = b[j * 4 + 2];
        if (b[j * 4 + 3] > y1) y1 = b[j * 4 + 3];
      }
    }
    if (!(x0 >= 0 && x0 <= x1 && x1 < cols && y0 >= 0 && y0 <= y1 && y1 < rows)) throw new RangeError('event frame: motion box ' + i + ' outside the ' + cols + 'x' + rows + ' grid');
    out[p] = x0;
    out[p + 1] = y0;
    out[p + 2] = x1;
    out[p + 3] = y1;
    p += 4;
  }
  return p;
}

/**
 * The same layout under another MAC domain (live-view frames: src/protocol/live-view.ts), so a
 * frame sent for one purpose is never valid for the other. The JPEG may already sit in `out` at
 * eventFrameHeaderSize(cameraId, motion count) (then nothing moves).
 */
export function encodeFrameMessage(out: Uint8Array, key: HmacSha256, domain: string, h: EventFrameHeader, jpeg: Uint8Array, jpegLength: number): number {
  const n = h.cameraId.length;
  if (!isValidCameraId(h.cameraId)) throw new RangeError('event frame: invalid camera id');
  if (jpegLength < 1 || jpegLength > MAX_RAW_VIEW_BYTES || jpegLength > jpeg.length) throw new RangeError('event frame: JPEG length ' + jpegLength);
  const m = h.motion;
  const boxes = m && m.cols !== 0 ? m.count : 0;
  const size = eventFrameSize(h.cameraId, jpegLength, boxes);
  if (size > out.length) throw new RangeError('event frame: ' + size + ' bytes, buffer ' + out.length);
  out[0] = 0x51;
  out[1] = 0x46;
  out[2] = EVENT_FRAME_VERSION;
  out[3] = n;
  for (let i = 0; i < n; i++) out[4 + i] = h.cameraId.charCodeAt(i);
  let p = 4 + n;
  writeU32(out, p, h.eventId);
  out[p + 4] = h.index & 0xff;
  out[p + 5] = h.count & 0xff;
  const t = Math.floor(h.timeMs);
  writeU32(out, p + 6, t % 4294967296);
  writeU32(out, p + 10, Math.floor(t / 4294967296));
  writeU32(out, p + 14, Math.floor(h.offsetMs));
  writeU16(out, p + 18, h.width);
  writeU16(out, p + 20, h.height);
  p = writeMotion(out, p + 22, m);
  writeU32(out, p, jpegLength);
  p += 4;
  out.set(jpeg.subarray(0, jpegLength), p);
  p += jpegLength;
  macOf(key, domain, out, 0, p, out, p);
  return p + MAC_BYTES;
}

/**
 * Write the signed message into `out` (the JPEG is jpeg[0..jpegLength)); returns its length.
 * Throws a RangeError when a field is out of range or `out` is too small.
 */
export function encodeEventFrame(out: Uint8Array, key: HmacSha256, h: EventFrameHeader, jpeg: Uint8Array, jpegLength: number): number {
  return encodeFrameMessage(out, key, frameMacDomain(h.cameraId), h, jpeg, jpegLength);
}

/**
 * The motion of a version 2 message whose grid bytes start at b[p] (3 bytes there checked), or an
 * error word: 'bad-motion' (grid, k or a box out of range), 'bad-length' (boxes cut short).
 */
function readMotion(b: Uint8Array, p: number): { motion: DecodedMotion | null; error: string } {
  const cols = b[p];
  const rows = b[p + 1];
  const k = b[p + 2];
  if (cols === 0) return { motion: null, error: rows === 0 && k === 0 ? '' : 'bad-motion' };
  if (rows === 0 || k > MAX_FRAME_BOXES) return { motion: null, error: 'bad-motion' };
  if (b.length < p + 3 + 4 * k + 4 + MAC_BYTES) return { motion: null, error: 'bad-length' };
  const boxes: number[] = [];
  for (let i = 0; i < k; i++) {
    const q = p + 3 + i * 4;
    if (b[q] > b[q + 2] || b[q + 2] >= cols || b[q + 1] > b[q + 3] || b[q + 3] >= rows) return { motion: null, error: 'bad-motion' };
    boxes.push(b[q], b[q + 1], b[q + 2], b[q + 3]);
  }
  return { motion: { cols: cols, rows: rows, count: k, boxes: boxes }, error: '' };
}

/**
 * The fields (jpeg is a view into `b`), or an error word: bad-magic, bad-version, bad-camera,
 * bad-motion, bad-length. Decodes versions 1 (motion null) and 2.
 */
export function decodeEventFrame(b: Uint8Array): { frame: EventFrame | null; error: string } {
  if (b.length < V1_OVERHEAD + 1 || b[0] !== 0x51 || b[1] !== 0x46) return { frame: null, error: 'bad-magic' };
  const version = b[2];
  if (version !== 1 && version !== EVENT_FRAME_VERSION) return { frame: null, error: 'bad-version' };
  const n = b[3];
  let id = '';
  for (let i = 0; i < n && 4 + i < b.length; i++) id += String.fromCharCode(b[4 + i]);
  const base = version === 1 ? V1_OVERHEAD : EVENT_FRAME_OVERHEAD;
  if (!isValidCameraId(id) || b.length < base + n) return { frame: null, error: 'bad-camera' };
  const p = 4 + n;
  let q = p + 22;
  let motion: DecodedMotion | null = null;
  if (version !== 1) {
    const m = readMotion(b, q);
    if (m.error) return { frame: null, error: m.error };
    motion = m.motion;
    q += 3 + (motion ? 4 * motion.count : 0);
  }
  const len = readU32(b, q);
  if (len < 1 || len > MAX_RAW_VIEW_BYTES || b.length !== q + 4 + len + MAC_BYTES) return { frame: null, error: 'bad-length' };
  return {
    frame: {
      cameraId: id, eventId: readU32(b, p), index: b[p + 4], count: b[p + 5],
      timeMs: readU32(b, p + 10) * 4294967296 + readU32(b, p + 6), offsetMs: readU32(b, p + 14),
      width: readU16(b, p + 18), height: readU16(b, p + 20), motion: motion, jpeg: b.subarray(q + 4, q + 4 + len),
    },
    error: '',
  };
}

/** True when `b` (a decodable frame message) carries the right MAC for `key` under `domain`. */
export function frameMessageMacOk(key: HmacSha256, domain: string, b: Uint8Array): boolean {
  if (b.length < V1_OVERHEAD) return false;
  const end = b.length - MAC_BYTES;
  const mac = new Uint8Array(MAC_BYTES);
  macOf(key, domain, b, 0, end, mac, 0);
  return sameBytes(mac, 0, b, end, MAC_BYTES);
}

/** True when the message (already decoded: its length is consistent) carries the right MAC for `key`. */
export function eventFrameMacOk(key: HmacSha256, b: Uint8Array): boolean {
  const d = decodeEventFrame(b);
  return d.frame ? frameMessageMacOk(key, frameMacDomain(d.frame.cameraId), b) : false;
}
