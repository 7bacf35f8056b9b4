/**
 * The end-to-end acknowledgement: the relay tells a board, on `quietcam/<camera>/ack` (QoS 1, not
 * retained), that one of its bundles is stored in the relay's outbox (durable: on disk, fsynced,
 * and it will reach S3). Until then the board keeps the bundle and sends it again.
 *
 * Format 1, ASCII JSON ≤ 160 bytes, signed like the other JSON messages (mac.ts signJson) with the
 * camera's secret under the domain `quietcam-ack/<camera>/`:
 *   {"v":1,"bundle":"t1700000000000-e3","crc":"314b45f6","mac":"<32 hex>"}
 * `crc` is the bundle's own CRC-32 (its last 4 bytes, also in every chunk header), 8 lower-case hex.
 * Who can make one: only a holder of the camera secret (the relay, the owner pages). A forged ack
 * (no secret) is refused, so it can never make a board drop a bundle. A replayed ack names a
 * bundle id and CRC that were stored: it can only free a bundle with the same id *and* bytes' CRC,
 * which was stored already. ES5-safe.
 */
import { bytesToHex, openJson, signJson } from './mac.js';
import type { HmacSha256 } from './sha256.js';
import { isValidBundleId } from './ids.js';

export const ACK_FORMAT_VERSION = 1;
/** Largest ack message, bytes (a 64-char bundle id fits with room). */
export const MAX_ACK_BYTES = 192;

/** Domain of an ack's MAC: bound to its camera. */
export function ackMacDomain(cameraId: string): string {
  return 'quietcam-ack/' + cameraId + '/';
}

function crcHex(crc: number): string {
  const b = new Uint8Array(4);
  b[0] = (crc >>> 24) & 255;
  b[1] = (crc >>> 16) & 255;
  b[2] = (crc >>> 8) & 255;
  b[3] = crc & 255;
  return bytesToHex(b, 0, 4);
}

/** The signed ack text for one stored bundle. Throws a RangeError on an invalid bundle id. */
export function encodeAck(key: HmacSha256, cameraId: string, bundleId: string, bundleCrc: number): string {
  if (!isValidBundleId(bundleId)) throw new RangeError('ack: invalid bundle id');
  return signJson(key, ackMacDomain(cameraId), '{"v":' + ACK_FORMAT_VERSION + ',"bundle":"' + bundleId + '","crc":"' + crcHex(bundleCrc) + '"}');
}

/** A verified ack, or why it was refused. */
export interface OpenAckResult {
  ok: boolean;
  /** '' when ok; else 'too-large', 'bad-mac' (forged, another camera's, not signed), 'malformed'. */
  error: string;
  bundleId: string;
  /** The bundle CRC-32, unsigned. */
  crc: number;
}

function refused(error: string): OpenAckResult {
  return { ok: false, error: error, bundleId: '', crc: 0 };
}

/** Read an ack's bytes (ASCII) into text; '' when a byte is not printable ASCII. */
function asciiText(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) {
    if (b[i] < 32 || b[i] > 126) return '';
    s += String.fromCharCode(b[i]);
  }
  return s;
}

/** Check the MAC, then read the fields (exactly the text encodeAck writes, nothing else). */
export function openAck(key: HmacSha256, cameraId: string, payload: Uint8Array): OpenAckResult {
  if (payload.length > MAX_ACK_BYTES) return refused('too-large');
  const text = asciiText(payload);
  if (text === '') return refused('bad-mac');
  const body = openJson(key, ackMacDomain(cameraId), text);
  if (body === null) return refused('bad-mac');
  // No RegExp (not every board engine build has it): fixed prefix, id, fixed middle, 8 hex, '"}'.
  const head = '{"v":' + ACK_FORMAT_VERSION + ',"bundle":"';
  const mid = '","crc":"';
  const end = body.indexOf(mid);
  if (body.substring(0, head.length) !== head || end < 0 || body.length !== end + mid.length + 10 || body.substring(body.length - 2) !== '"}') return refused('malformed');
  const id = body.substring(head.length, end);
  const hex = body.substring(end + mid.length, end + mid.length + 8);
  let crc = 0;
  for (let i = 0; i < 8; i++) {
    const d = '0123456789abcdef'.indexOf(hex.charAt(i));
    if (d < 0) return refused('malformed');
    crc = crc * 16 + d;
  }
  if (!isValidBundleId(id)) return refused('malformed');
  return { ok: true, error: '', bundleId: id, crc: crc };
}
