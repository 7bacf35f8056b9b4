/**
 * Event frames on `quietcam/<camera>/frame`: the board's view (a small JPEG) at the start of a
 * motion event and a few times while it lasts, for the relay's person detector only. They are
 * never uploaded and never part of a contribution (the relay keeps them 7 days for the owner).
 *
 * Layout (little-endian, bytes.ts), then a 16-byte MAC (mac.ts) over domain
 * "quietcam-frame/<camera>/" + every byte before it:
 * | offset | bytes | field                                              |
 * |--------|-------|----------------------------------------------------|
 * | 0      | 2     | magic "QF"                                         |
 * | 2      | 1     | version (1)                                        |
 * | 3      | 1     | n = camera id length (1-32)                        |
 * | 4      | n     | camera id (ASCII)                                  |
 * | 4+n    | 4     | event id (the detector's, per boot)                |
 * | 8+n    | 1     | index of this frame in the event (0 = at the start)|
 * | 9+n    | 1     | frames planned per event                           |
 * | 10+n   | 4+4   | wall clock ms: low 32 bits, high bits              |
 * | 18+n   | 4     | ms since the event started (monotonic)             |
 * | 22+n   | 2+2   | JPEG width, height (px)                            |
 * | 26+n   | 4     | JPEG length L (1..MAX_RAW_VIEW_BYTES)              |
 * | 30+n   | L     | JPEG                                               |
 * | 30+n+L | 16    | MAC                                                |
 * Limits: one JPEG per message (no chunking: a frame is a few KB; esp-mqtt fragments larger
 * publishes itself), at most MAX_RAW_VIEW_BYTES. ES5-safe.
 * @example
 *   const len = encodeEventFrame(out, key, { cameraId: 'porch', eventId: 3, index: 0, count: 3, timeMs, offsetMs: 0, width: 160, height: 120 }, jpeg, jpegLen);
 *   const d = decodeEventFrame(bytes); if (d.frame && eventFrameMacOk(key, bytes)) detect(d.frame.jpeg);
 */
import { readU16, readU32, writeU16, writeU32 } from './bytes.js';
import { isValidCameraId } from './ids.js';
import { MAX_RAW_VIEW_BYTES } from './limits.js';
import { MAC_BYTES, macOf, sameBytes } from './mac.js';
import type { HmacSha256 } from './sha256.js';

export const EVENT_FRAME_VERSION = 1;
/** Bytes around the JPEG besides the camera id: header 30 + MAC 16. */
export const EVENT_FRAME_OVERHEAD = 30 + MAC_BYTES;

export interface EventFrameHeader {
  cameraId: string;
  eventId: number;
  index: number;
  count: number;
  timeMs: number;
  offsetMs: number;
  width: number;
  height: number;
}

export interface EventFrame extends EventFrameHeader {
  jpeg: Uint8Array;
}

/** Domain of an event frame's MAC. */
export function frameMacDomain(cameraId: string): string {
  return 'quietcam-frame/' + cameraId + '/';
}

/** Bytes of the message for a camera id and a JPEG length. */
export function eventFrameSize(cameraId: string, jpegLength: number): number {
  return EVENT_FRAME_OVERHEAD + cameraId.length + jpegLength;
}

/**
 * The same layout under another MAC domain (live-view frames: src/protocol/live-view.ts), so a
 * frame sent for one purpose is never valid for the other.
 */
export function encodeFrameMessage(out: Uint8Array, key: HmacSha256, domain: string, h: EventFrameHeader, jpeg: Uint8Array, jpegLength: number): number {
  const n = h.cameraId.length;
  if (!isValidCameraId(h.cameraId)) throw new RangeError('event frame: invalid camera id');
  if (jpegLength < 1 || jpegLength > MAX_RAW_VIEW_BYTES || jpegLength > jpeg.length) throw new RangeError('event frame: JPEG length ' + jpegLength);
  const size = eventFrameSize(h.cameraId, jpegLength);
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
  writeU32(out, p + 22, jpegLength);
  p += 26;
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

/** The fields (jpeg is a view into `b`), or an error word: bad-magic, bad-version, bad-camera, bad-length. */
export function decodeEventFrame(b: Uint8Array): { frame: EventFrame | null; error: string } {
  if (b.length < EVENT_FRAME_OVERHEAD + 1 || b[0] !== 0x51 || b[1] !== 0x46) return { frame: null, error: 'bad-magic' };
  if (b[2] !== EVENT_FRAME_VERSION) return { frame: null, error: 'bad-version' };
  const n = b[3];
  let id = '';
  for (let i = 0; i < n && 4 + i < b.length; i++) id += String.fromCharCode(b[4 + i]);
  if (!isValidCameraId(id) || b.length < EVENT_FRAME_OVERHEAD + n) return { frame: null, error: 'bad-camera' };
  const p = 4 + n;
  const len = readU32(b, p + 22);
  if (len < 1 || len > MAX_RAW_VIEW_BYTES || b.length !== EVENT_FRAME_OVERHEAD + n + len) return { frame: null, error: 'bad-length' };
  return {
    frame: {
      cameraId: id, eventId: readU32(b, p), index: b[p + 4], count: b[p + 5],
      timeMs: readU32(b, p + 10) * 4294967296 + readU32(b, p + 6), offsetMs: readU32(b, p + 14),
      width: readU16(b, p + 18), height: readU16(b, p + 20), jpeg: b.subarray(p + 26, p + 26 + len),
    },
    error: '',
  };
}

/** True when `b` (a decodable frame message) carries the right MAC for `key` under `domain`. */
export function frameMessageMacOk(key: HmacSha256, domain: string, b: Uint8Array): boolean {
  if (b.length < EVENT_FRAME_OVERHEAD) return false;
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
