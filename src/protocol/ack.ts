/**
 * The end-to-end acknowledgement: the relay tells a board, on `quietcam/<camera>/ack` (QoS 1, not
 * retained), that one of its bundles is stored in the relay's outbox (durable: on disk, fsynced,
 * and it will reach S3). Until then the board keeps the bundle and sends it again.
 *
 * Format 1, ASCII JSON ≤ 160 bytes, signed like the other JSON messages (mac.ts signJson) with the
 * camera's secret under the domain `quietcam-ack/<camera>/`:
 *   {"v":1,"bundle":"t1700000000000-e3","crc":"314b45f6","mac":"<32 hex>"}
 * `crc` is the bundle's own CRC-32 (its last 4 bytes, also in every chunk header), 8 lower-case hex.
 *
 * A refusal is the same message with a last member `refused`, a reason of 1-24 characters a-z 0-9 -
 * (`no-consent`, `consent-expired`, `bundle-too-large`, ...):
 *   {"v":1,"bundle":"t1700000000000-e3","crc":"314b45f6","refused":"no-consent","mac":"<32 hex>"}
 * It is a final answer too: the relay will never store these bytes, so the board drops them instead
 * of sending them again with back-off for ever. (A board built before refusals reads one as
 * malformed and ignores it: it keeps re-sending, as before.)
 *
 * Who can make one: only a holder of the camera secret (the relay, the owner pages). A forged ack
 * (no secret) is refused, so it can never make a board drop a bundle. A replayed ack names a
 * bundle id and CRC that were stored (or refused): it can only free a bundle with the same id *and*
 * bytes' CRC, which was answered already. The relay signs a refusal only for bytes that carry the
 * camera's own bundle MAC (src/relay/ack.ts), so a sender without the secret cannot make it sign
 * one. ES5-safe.
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

/** Longest refusal reason, characters. */
export const MAX_REFUSAL_LENGTH = 24;

/** A refusal reason: 1-24 of a-z 0-9 -. */
export function isValidRefusal(s: string): boolean {
  if (s.length < 1 || s.length > MAX_REFUSAL_LENGTH) return false;
  for (let i = 0; i < s.length; i++) if ('abcdefghijklmnopqrstuvwxyz0123456789-'.indexOf(s.charAt(i)) < 0) return false;
  return true;
}

/**
 * The signed ack text for one stored bundle, or with `refused` (a reason) for one the relay will
 * never store. Throws a RangeError on an invalid bundle id or reason.
 */
export function encodeAck(key: HmacSha256, cameraId: string, bundleId: string, bundleCrc: number, refused?: string): string {
  if (!isValidBundleId(bundleId)) throw new RangeError('ack: invalid bundle id');
  if (refused !== undefined && !isValidRefusal(refused)) throw new RangeError('ack: invalid refusal reason');
  const tail = refused === undefined ? '' : ',"refused":"' + refused + '"';
  return signJson(key, ackMacDomain(cameraId), '{"v":' + ACK_FORMAT_VERSION + ',"bundle":"' + bundleId + '","crc":"' + crcHex(bundleCrc) + '"' + tail + '}');
}

/** A verified ack, or why it was refused. */
export interface OpenAckResult {
  ok: boolean;
  /** '' when ok; else 'too-large', 'bad-mac' (forged, another camera's, not signed), 'malformed'. */
  error: string;
  bundleId: string;
  /** The bundle CRC-32, unsigned. */
  crc: number;
  /** '' for "stored"; the reason for a refusal (either way the bundle is answered for good). */
  refused: string;
}

function refused(error: string): OpenAckResult {
  return { ok: false, error: error, bundleId: '', crc: 0, refused: '' };
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
  const why = '","refused":"';
  const end = body.indexOf(mid);
  if (body.substring(0, head.length) !== head || end < 0 || body.substring(body.length - 2) !== '"}') return refused('malformed');
  let reason = '';
  if (body.length !== end + mid.length + 10) {
    // a refusal: 8 hex, then exactly ',"refused":"<reason>"}'
    const at = end + mid.length + 8;
    if (body.substring(at, at + why.length) !== why) return refused('malformed');
    reason = body.substring(at + why.length, body.length - 2);
    if (!isValidRefusal(reason)) return refused('malformed');
  }
  const id = body.substring(head.length, end);
  const hex = body.substring(end + mid.length, end + mid.length + 8);
  let crc = 0;
  for (let i = 0; i < 8; i++) {
    const d = '0123456789abcdef'.indexOf(hex.charAt(i));
    if (d < 0) return refused('malformed');
    crc = crc * 16 + d;
  }
  if (!isValidBundleId(id)) return refused('malformed');
  return { ok: true, error: '', bundleId: id, crc: crc, refused: reason };
}
