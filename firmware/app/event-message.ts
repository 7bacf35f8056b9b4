/**
 * Event messages on `quietcam/<camera>/event`: small JSON objects (ASCII, < 450 bytes),
 * published at the start and at the end of each event, so the relay can raise an alert without
 * waiting for a snapshot, and when the board refuses a config. Each ends with a "mac" member
 * (src/protocol/mac.ts signJson, domain "quietcam-event/<camera>/"): proof of origin.
 * Written into a caller-owned buffer; only the strings are built per event.
 *
 * start: {"v":2,"type":"start","camera":"porch","event":3,"timeMs":1700000000000,"clockSynced":true,
 *         "cols":20,"rows":15,"boxes":2,"box":[3,4,9,12],"largest":[3,4,7,12],
 *         "gapMs":420000,"snapshot":"t1700000000000-e3","skip":""}
 *   box = union of this frame's boxes, largest = the largest box, in cells (x0,y0,x1,y1 inclusive);
 *   gapMs = time since the previous event ended (-1 unknown); snapshot = the bundle id or "";
 *   skip = why there is no snapshot: gap-unknown, gap-too-short, gap-too-long, or a consent
 *   reason (firmware/app/consent.ts), or "" when a snapshot was taken.
 * end:   {"v":2,"type":"end","camera":"porch","event":3,"timeMs":...,"clockSynced":true,
 *         "cols":20,"rows":15,"durationMs":5300,"maxBoxes":3,"peakCells":41,"box":[1,2,12,14]}
 *   box = union of every box during the event; durationMs from the monotonic clock.
 * config-rejected: {"v":2,"type":"config-rejected","camera":"porch","timeMs":...,"clockSynced":true,
 *         "reason":"bad-mac","counter":-1,"highest":5}
 *   reason = bad-mac | empty | too-large (not signed by the owner) | replayed (counter below the
 *   highest accepted); counter = the refused config's (-1 unknown); the board kept its consent.
 * ES5-safe.
 */
import { eventMacDomain, signJson } from '../../src/protocol/mac.js';
import type { HmacSha256 } from '../../src/protocol/sha256.js';

/** Room for the longest message (ids are at most 32 + 64 characters). */
export const EVENT_MESSAGE_BYTES = 512;

/** A box as x0,y0,x1,y1 from the first 4 entries (x1 = -1: none). */
function boxJson(b: Int16Array | Int32Array, present: boolean): string {
  if (!present || b[2] < 0) return 'null';
  return '[' + b[0] + ',' + b[1] + ',' + b[2] + ',' + b[3] + ']';
}

function head(type: string, camera: string, eventId: number, wallMs: number, synced: boolean, cols: number, rows: number): string {
  return '{"v":2,"type":"' + type + '","camera":"' + camera + '","event":' + eventId + ',"timeMs":' + Math.floor(wallMs) +
    ',"clockSynced":' + (synced ? 'true' : 'false') + ',"cols":' + cols + ',"rows":' + rows;
}

/** Sign the message text and write it into `out`; returns its length (throws if it does not fit). */
export function writeSigned(out: Uint8Array, camera: string, key: HmacSha256, text: string): number {
  const s = signJson(key, eventMacDomain(camera), text);
  if (s.length > out.length) throw new RangeError('event message: ' + s.length + ' bytes, buffer ' + out.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0x7f;
  return s.length;
}

export function startMessage(camera: string, eventId: number, wallMs: number, synced: boolean, cols: number, rows: number,
  boxCount: number, union: Int32Array, largest: Int16Array, gapMs: number, snapshotId: string, skip: string): string {
  return head('start', camera, eventId, wallMs, synced, cols, rows) + ',"boxes":' + boxCount + ',"box":' + boxJson(union, true) +
    ',"largest":' + boxJson(largest, boxCount > 0) + ',"gapMs":' + Math.floor(gapMs) + ',"snapshot":"' + snapshotId + '","skip":"' + skip + '"}';
}

export function endMessage(camera: string, eventId: number, wallMs: number, synced: boolean, cols: number, rows: number,
  durationMs: number, maxBoxes: number, peakCells: number, union: Int32Array): string {
  return head('end', camera, eventId, wallMs, synced, cols, rows) + ',"durationMs":' + Math.floor(durationMs) + ',"maxBoxes":' + maxBoxes +
    ',"peakCells":' + peakCells + ',"box":' + boxJson(union, true) + '}';
}

export function configRejectedMessage(camera: string, wallMs: number, synced: boolean, reason: string, counter: number, highest: number): string {
  return '{"v":2,"type":"config-rejected","camera":"' + camera + '","timeMs":' + Math.floor(wallMs) + ',"clockSynced":' + (synced ? 'true' : 'false') +
    ',"reason":"' + reason + '","counter":' + counter + ',"highest":' + highest + '}';
}
