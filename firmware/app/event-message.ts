/**
 * Motion event messages on `quietcam/<camera>/event`: small JSON objects (ASCII, < 400 bytes),
 * published at the start and at the end of each event, so the relay can raise an alert without
 * waiting for a snapshot. Written into a caller-owned buffer; only the string is built per event.
 *
 * start: {"v":1,"type":"start","camera":"porch","event":3,"timeMs":1700000000000,"clockSynced":true,
 *         "cols":20,"rows":15,"boxes":2,"box":[3,4,9,12],"largest":[3,4,7,12],
 *         "gapMs":420000,"snapshot":"t1700000000000-e3","skip":""}
 *   box = union of this frame's boxes, largest = the largest box, in cells (x0,y0,x1,y1 inclusive);
 *   gapMs = time since the previous event ended (-1 unknown); snapshot = the bundle id or "";
 *   skip = why there is no snapshot: gap-unknown, gap-too-short, gap-too-long, or a consent
 *   reason (firmware/app/consent.ts), or "" when a snapshot was taken.
 * end:   {"v":1,"type":"end","camera":"porch","event":3,"timeMs":...,"clockSynced":true,
 *         "cols":20,"rows":15,"durationMs":5300,"maxBoxes":3,"peakCells":41,"box":[1,2,12,14]}
 *   box = union of every box during the event; durationMs from the monotonic clock.
 * ES5-safe.
 */

/** Room for the longest message (ids are at most 32 + 64 characters). */
export const EVENT_MESSAGE_BYTES = 512;

/** A box as x0,y0,x1,y1 from the first 4 entries (x1 = -1: none). */
function boxJson(b: Int16Array | Int32Array, present: boolean): string {
  if (!present || b[2] < 0) return 'null';
  return '[' + b[0] + ',' + b[1] + ',' + b[2] + ',' + b[3] + ']';
}

function head(type: string, camera: string, eventId: number, wallMs: number, synced: boolean, cols: number, rows: number): string {
  return '{"v":1,"type":"' + type + '","camera":"' + camera + '","event":' + eventId + ',"timeMs":' + Math.floor(wallMs) +
    ',"clockSynced":' + (synced ? 'true' : 'false') + ',"cols":' + cols + ',"rows":' + rows;
}

/** Write an ASCII string into `out`; returns its length (throws if it does not fit). */
function writeString(s: string, out: Uint8Array): number {
  if (s.length > out.length) throw new RangeError('event message: ' + s.length + ' bytes, buffer ' + out.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0x7f;
  return s.length;
}

export function writeStartMessage(out: Uint8Array, camera: string, eventId: number, wallMs: number, synced: boolean, cols: number, rows: number,
  boxCount: number, union: Int32Array, largest: Int16Array, gapMs: number, snapshotId: string, skip: string): number {
  const s = head('start', camera, eventId, wallMs, synced, cols, rows) + ',"boxes":' + boxCount + ',"box":' + boxJson(union, true) +
    ',"largest":' + boxJson(largest, boxCount > 0) + ',"gapMs":' + Math.floor(gapMs) + ',"snapshot":"' + snapshotId + '","skip":"' + skip + '"}';
  return writeString(s, out);
}

export function writeEndMessage(out: Uint8Array, camera: string, eventId: number, wallMs: number, synced: boolean, cols: number, rows: number,
  durationMs: number, maxBoxes: number, peakCells: number, union: Int32Array): number {
  const s = head('end', camera, eventId, wallMs, synced, cols, rows) + ',"durationMs":' + Math.floor(durationMs) + ',"maxBoxes":' + maxBoxes +
    ',"peakCells":' + peakCells + ',"box":' + boxJson(union, true) + '}';
  return writeString(s, out);
}
