/**
 * The board's health at a glance, on `quietcam/<camera>/status` (not retained, QoS 0): published
 * at start-up, at each reconnection and every `everyMs` (the board profile's status.intervalMs).
 * The web keeps the newest verified one per camera; "online" = one seen within 2 intervals.
 *
 * {"v":1,"type":"status","camera":"porch","fw":"0.6.0","board":"esp32-cam-ai-thinker",
 *  "timeMs":1700000000000,"clockSynced":true,"uptimeS":3600,"everyMs":60000,"fps10":98,
 *  "heap":163840,"rssi":-58,"frames":35280,"events":4,"lastEventMs":1699999000000}
 *   fps10 = frames per second x 10 over the last interval (integers only: the same text in every
 *   engine); heap = free heap bytes (-1 unknown); rssi = Wi-Fi dBm (0 unknown, wired or simulated
 *   without a value); lastEventMs = wall clock of the last motion event start since boot (0 none).
 * Ends with a "mac" member (mac.ts signJson, domain "quietcam-status/<camera>/"). ES5-safe.
 * @example
 *   const text = signJson(key, statusMacDomain('porch'), statusText(s));
 *   openStatus(key, 'porch', text) // the fields, or null when forged or malformed
 */
import { isValidCameraId } from './ids.js';
import { openJson } from './mac.js';
import type { HmacSha256 } from './sha256.js';

export const STATUS_VERSION = 1;
/** Longest status text (camera id 32, firmware and board names 32 each): the web refuses longer. */
export const MAX_STATUS_BYTES = 512;

export interface CameraStatus {
  camera: string;
  fw: string;
  board: string;
  timeMs: number;
  clockSynced: boolean;
  uptimeS: number;
  everyMs: number;
  fps10: number;
  heap: number;
  rssi: number;
  frames: number;
  events: number;
  lastEventMs: number;
}

/** Domain of a status message's MAC. */
export function statusMacDomain(cameraId: string): string {
  return 'quietcam-status/' + cameraId + '/';
}

const NAME = /^[A-Za-z0-9._+-]{1,32}$/;

function int(v: number): string {
  return String(Math.floor(v));
}

/** The unsigned text. Throws a RangeError on an invalid camera id or a firmware/board name outside 1-32 of A-Z a-z 0-9 . _ + -. */
export function statusText(s: CameraStatus): string {
  if (!isValidCameraId(s.camera)) throw new RangeError('status: invalid camera id');
  if (!NAME.test(s.fw) || !NAME.test(s.board)) throw new RangeError('status: firmware and board names are 1-32 of A-Z a-z 0-9 . _ + -');
  return '{"v":' + STATUS_VERSION + ',"type":"status","camera":"' + s.camera + '","fw":"' + s.fw + '","board":"' + s.board +
    '","timeMs":' + int(s.timeMs) + ',"clockSynced":' + (s.clockSynced ? 'true' : 'false') + ',"uptimeS":' + int(s.uptimeS) +
    ',"everyMs":' + int(s.everyMs) + ',"fps10":' + int(s.fps10) + ',"heap":' + int(s.heap) + ',"rssi":' + int(s.rssi) +
    ',"frames":' + int(s.frames) + ',"events":' + int(s.events) + ',"lastEventMs":' + int(s.lastEventMs) + '}';
}

function isInt(v: unknown, min: number, max: number): boolean {
  return typeof v === 'number' && Math.floor(v) === v && v >= min && v <= max;
}

/**
 * The status of `cameraId` when `text` carries its MAC and every field is in range; null when
 * forged, another camera's, too long or malformed.
 */
export function openStatus(key: HmacSha256, cameraId: string, text: string): CameraStatus | null {
  if (typeof text !== 'string' || text.length > MAX_STATUS_BYTES) return null;
  const body = openJson(key, statusMacDomain(cameraId), text);
  if (body === null) return null;
  let o: { [k: string]: unknown };
  try {
    o = JSON.parse(body);
  } catch (e) {
    return null;
  }
  if (!o || o.v !== STATUS_VERSION || o.type !== 'status' || o.camera !== cameraId) return null;
  if (typeof o.fw !== 'string' || !NAME.test(o.fw) || typeof o.board !== 'string' || !NAME.test(o.board) || typeof o.clockSynced !== 'boolean') return null;
  const big = 9007199254740991;
  if (!isInt(o.timeMs, 0, big) || !isInt(o.uptimeS, 0, big) || !isInt(o.everyMs, 1000, 86400000) || !isInt(o.fps10, 0, 10000) ||
    !isInt(o.heap, -1, big) || !isInt(o.rssi, -127, 0) || !isInt(o.frames, 0, big) || !isInt(o.events, 0, big) || !isInt(o.lastEventMs, 0, big)) return null;
  return {
    camera: cameraId, fw: o.fw, board: o.board, timeMs: o.timeMs as number, clockSynced: o.clockSynced, uptimeS: o.uptimeS as number,
    everyMs: o.everyMs as number, fps10: o.fps10 as number, heap: o.heap as number, rssi: o.rssi as number, frames: o.frames as number,
    events: o.events as number, lastEventMs: o.lastEventMs as number,
  };
}
