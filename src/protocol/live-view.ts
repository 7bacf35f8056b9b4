/**
 * Live view: the owner's page asks the board for its latest frames, a few per second for a
 * minute. Two messages:
 *
 * Request, web -> board on `quietcam/<camera>/command` (not retained, QoS 1), signed with the
 * camera's secret (mac.ts signJson, domain "quietcam-live-request/<camera>/"):
 *   {"v":1,"type":"live","camera":"porch","counter":1700000000123,"expiresMs":1700000030123,"seconds":60,"fps":2}
 *   counter = the web's wall clock in ms when it asked: the board takes a request only when its
 *   counter is above every counter it took before (kept in its settings, so a reboot does not
 *   forget it) and, when the board's clock is synced, only before expiresMs. A recorded request
 *   replayed later is refused either way; a forged one has no MAC.
 *
 * Frame, board -> web on `quietcam/<camera>/live` (not retained, QoS 0: a late frame is worth
 * nothing): the event-frame layout (event-frame.ts) under the MAC domain "quietcam-live/<camera>/",
 * with eventId = the request's counter (low 32 bits), index = frame number (mod 256), count = 0,
 * offsetMs = ms since the live view started, no motion (grid cols 0). Never stored, never uploaded: the web passes it to the
 * owner's open page and forgets it.
 * ES5-safe.
 * @example
 *   publish(commandTopic('porch'), signLiveRequest(key, 'porch', { counter: now, expiresMs: now + 30000, seconds: 60, fps: 2 }));
 *   const r = openLiveRequest(key, 'porch', payload); if (r.ok) start(r.request);
 */
import { bytesToAscii } from './consent-config.js';
import { decodeEventFrame, encodeFrameMessage, frameMessageMacOk } from './event-frame.js';
import type { EventFrame, EventFrameHeader } from './event-frame.js';
import { isValidCameraId } from './ids.js';
import { openJson, signJson } from './mac.js';
import type { HmacSha256 } from './sha256.js';

export const LIVE_LIMITS = {
  /** Longest live view one request may ask for (s). */
  maxSeconds: 120,
  /** Most frames per second a request may ask for: a board sends small JPEGs, a few per second. */
  maxFps: 5,
  /** Longest a request stays valid after it was made (ms): expiresMs - counter. */
  maxValidMs: 120000,
  /** Longest request text (bytes). */
  maxBytes: 256,
};

export interface LiveRequest {
  counter: number;
  expiresMs: number;
  seconds: number;
  fps: number;
}

/** Domain of a live-view request's MAC. */
export function liveRequestMacDomain(cameraId: string): string {
  return 'quietcam-live-request/' + cameraId + '/';
}

/** Domain of a live-view frame's MAC. */
export function liveFrameMacDomain(cameraId: string): string {
  return 'quietcam-live/' + cameraId + '/';
}

function isInt(v: unknown, min: number, max: number): boolean {
  return typeof v === 'number' && Math.floor(v) === v && v >= min && v <= max;
}

function valid(r: LiveRequest): boolean {
  return isInt(r.counter, 1, 9007199254740991) && isInt(r.expiresMs, r.counter, r.counter + LIVE_LIMITS.maxValidMs) &&
    isInt(r.seconds, 1, LIVE_LIMITS.maxSeconds) && isInt(r.fps, 1, LIVE_LIMITS.maxFps);
}

/** The signed request text. Throws a RangeError on an invalid camera id or a field out of range (LIVE_LIMITS). */
export function signLiveRequest(key: HmacSha256, cameraId: string, r: LiveRequest): string {
  if (!isValidCameraId(cameraId)) throw new RangeError('live request: invalid camera id');
  if (!valid(r)) throw new RangeError('live request: a field is out of range');
  return signJson(key, liveRequestMacDomain(cameraId), '{"v":1,"type":"live","camera":"' + cameraId + '","counter":' + r.counter +
    ',"expiresMs":' + r.expiresMs + ',"seconds":' + r.seconds + ',"fps":' + r.fps + '}');
}

export type OpenLiveResult = { ok: true; request: LiveRequest } | { ok: false; code: 'too-large' | 'bad-mac' | 'malformed' };

/** The request when `payload` carries this camera's MAC and valid fields; else why not. */
export function openLiveRequest(key: HmacSha256, cameraId: string, payload: Uint8Array): OpenLiveResult {
  if (payload.length > LIVE_LIMITS.maxBytes) return { ok: false, code: 'too-large' };
  const body = openJson(key, liveRequestMacDomain(cameraId), bytesToAscii(payload, 0, payload.length));
  if (body === null) return { ok: false, code: 'bad-mac' };
  let o: { [k: string]: unknown };
  try {
    o = JSON.parse(body);
  } catch (e) {
    return { ok: false, code: 'malformed' };
  }
  if (!o || o.v !== 1 || o.type !== 'live' || o.camera !== cameraId) return { ok: false, code: 'malformed' };
  const r = { counter: o.counter as number, expiresMs: o.expiresMs as number, seconds: o.seconds as number, fps: o.fps as number };
  return valid(r) ? { ok: true, request: r } : { ok: false, code: 'malformed' };
}

/**
 * Write a live frame (the JPEG is jpeg[0..jpegLength)) into `out`; returns its length. Live frames
 * carry no motion (grid cols 0): a header with motion is refused. Throws a RangeError like encodeEventFrame.
 */
export function encodeLiveFrame(out: Uint8Array, key: HmacSha256, h: EventFrameHeader, jpeg: Uint8Array, jpegLength: number): number {
  if (h.motion && h.motion.cols !== 0) throw new RangeError('live frame: no motion boxes in a live frame');
  return encodeFrameMessage(out, key, liveFrameMacDomain(h.cameraId), h, jpeg, jpegLength);
}

/** The frame of `cameraId` (jpeg is a view into `b`) when it is well formed and carries its live MAC; else null. */
export function openLiveFrame(key: HmacSha256, cameraId: string, b: Uint8Array): EventFrame | null {
  const d = decodeEventFrame(b);
  if (!d.frame || d.frame.cameraId !== cameraId) return null;
  return frameMessageMacOk(key, liveFrameMacDomain(cameraId), b) ? d.frame : null;
}
