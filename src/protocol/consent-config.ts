/**
 * The retained config `quietcam/<camera>/config` (topics.ts): the owner's consent as the board
 * reads it. Written and signed by the owner pages (src/web/consent.ts), read by the board
 * (firmware/app), which trusts only what carries the camera secret's MAC.
 *
 * Payload: JSON, ASCII, at most 1024 bytes, format v2, e.g.
 *   {"v":2,"purposes":"motion","placement":"exterior","interiorConfirmed":false,"grantedMs":1763900000000,
 *    "expiresMs":1795000000000,"consentVersion":3,"mac":"<32 hex>"}
 * - mac (last member): HMAC-SHA256(camera secret, "quietcam-config/<camera>/" + the text without
 *   it), first 16 bytes (mac.ts signJson). A config without the right MAC is not the owner's.
 * - consentVersion: the counter. It grows with every decision of the owner; the board keeps the
 *   highest it accepted (settings "cfgctr") and ignores a config with a lower one (a replay). The
 *   same counter again is the retained config redelivered after a reconnect or reboot: the web
 *   never signs two different configs with one counter.
 * - purposes: "off" | "motion" | "objectron" | "both" (consent.ts CONSENT_CHOICES).
 * - placement: "exterior" | "interior"; absent = interior (the cautious default).
 * - interiorConfirmed: true is required for an interior camera to contribute.
 * - expires: "YYYY-MM-DD" (consent ends at 00:00 UTC that day) or expiresMs (ms since the epoch).
 *   Absent = no valid consent.
 * - grantedMs: when the consent was given (optional): not in force before.
 * - consentVersion: uint32 copied into each bundle, so the relay can match the consent record.
 * decodeConfig refuses (with a reason) an empty payload, more than 1024 bytes, malformed JSON or
 * fields, and an unknown "v". Whether the terms are in force is consent.ts's question.
 * ES5-safe: JSON.parse is ES5; dates are parsed by hand (engines disagree on Date.parse).
 */
import { choiceBits, choiceOf, type ConsentTerms } from './consent.js';
import { configMacDomain, openJson, signJson } from './mac.js';
import type { HmacSha256 } from './sha256.js';

/** Largest accepted config payload, bytes. */
export const MAX_CONFIG_BYTES = 1024;
/** Config format version written and read by this code (2: signed, with a counter). */
export const CONFIG_FORMAT_VERSION = 2;

/** Decoded terms: ConsentTerms with every field known (version 0 = none). */
export interface ConfigTerms extends ConsentTerms {
  placement: string;
  interiorConfirmed: boolean;
  expiresMs: number;
  version: number;
}

export type DecodeConfigResult = { ok: true; terms: ConfigTerms } | { ok: false; problem: string };

/**
 * Why a config was not taken: 'empty' (deleted retained message), 'too-large', 'bad-mac' (not
 * signed with this camera's secret: forged, or for another camera) — none of them come from the
 * owner, so the board keeps its consent; 'malformed' (signed, but unreadable: consent off).
 */
export type OpenConfigResult = { ok: true; terms: ConfigTerms } | { ok: false; code: 'empty' | 'too-large' | 'bad-mac' | 'malformed'; problem: string };

/** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil, integers only). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = m > 2 ? m - 3 : m + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function digits(s: string, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** "YYYY-MM-DD" to ms since the epoch at 00:00 UTC; -1 when malformed. */
export function parseDateMs(s: unknown): number {
  if (typeof s !== 'string' || s.length !== 10 || s.charAt(4) !== '-' || s.charAt(7) !== '-') return -1;
  const y = digits(s, 0, 4);
  const m = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  if (y < 1970 || m < 1 || m > 12 || d < 1) return -1;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const dim = m === 2 ? (leap ? 29 : 28) : (m === 4 || m === 6 || m === 9 || m === 11) ? 30 : 31;
  if (d > dim) return -1;
  return daysFromCivil(y, m, d) * 86400000;
}

/** Bytes as a string, one char per byte (the payload is ASCII). */
export function bytesToAscii(bytes: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/** A string as bytes, one per char (non-ASCII chars are cut to 7 bits: callers write ASCII). */
export function asciiToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0x7f;
  return out;
}

function isUint32(v: unknown): boolean {
  return typeof v === 'number' && v >= 0 && v <= 4294967295 && Math.floor(v) === v;
}

function refuse(problem: string): DecodeConfigResult {
  return { ok: false, problem: problem };
}

function expiryOf(c: { [k: string]: unknown }): number | string {
  if (c.expiresMs !== undefined) {
    if (typeof c.expiresMs !== 'number' || !(c.expiresMs >= 0) || Math.floor(c.expiresMs) !== c.expiresMs) return 'expiresMs must be an integer';
    return c.expiresMs;
  }
  if (c.expires !== undefined) {
    const ms = parseDateMs(c.expires);
    return ms < 0 ? 'expires must be a YYYY-MM-DD date' : ms;
  }
  return -1;
}

/** Read the JSON text of a config. Never throws. */
export function decodeConfigText(text: string): DecodeConfigResult {
  let c: { [k: string]: unknown };
  try {
    c = JSON.parse(text);
  } catch (e) {
    return refuse('config is not JSON');
  }
  if (!c || typeof c !== 'object' || c instanceof Array) return refuse('config is not a JSON object');
  if (c.v !== CONFIG_FORMAT_VERSION) return refuse('config v ' + String(c.v) + ', this code reads ' + CONFIG_FORMAT_VERSION);
  const bits = choiceBits(c.purposes);
  if (bits < 0) return refuse('purposes must be off, motion, objectron or both');
  const placement = c.placement === undefined ? 'interior' : c.placement;
  if (placement !== 'interior' && placement !== 'exterior') return refuse('placement must be exterior or interior');
  const expires = expiryOf(c);
  if (typeof expires === 'string') return refuse(expires);
  const version = c.consentVersion === undefined ? 0 : c.consentVersion;
  if (!isUint32(version)) return refuse('consentVersion must be a uint32');
  const granted = c.grantedMs === undefined ? null : c.grantedMs;
  if (granted !== null && (typeof granted !== 'number' || !(granted >= 0) || Math.floor(granted) !== granted)) return refuse('grantedMs must be an integer');
  const terms: ConfigTerms = { purposes: bits, placement: placement, interiorConfirmed: c.interiorConfirmed === true, expiresMs: expires, version: version as number };
  if (granted !== null) terms.grantedMs = granted as number;
  return { ok: true, terms: terms };
}

/**
 * Decode a config payload. Never throws.
 * @example const r = decodeConfig(payload); if (r.ok) terms = r.terms; else log(r.problem);
 */
export function decodeConfig(payload: Uint8Array): DecodeConfigResult {
  if (payload.length === 0) return refuse('config deleted (empty retained message)');
  if (payload.length > MAX_CONFIG_BYTES) return refuse('config of ' + payload.length + ' bytes, limit ' + MAX_CONFIG_BYTES);
  return decodeConfigText(bytesToAscii(payload, 0, payload.length));
}

/**
 * The config JSON text for these terms (expiresMs and consentVersion only when some purpose is chosen).
 * @example encodeConfigText({ purposes: 1, placement: 'exterior', interiorConfirmed: false, expiresMs: t, version: 3 })
 */
export function encodeConfigText(t: ConsentTerms): string {
  const bits = t.purposes;
  let s = '{"v":' + CONFIG_FORMAT_VERSION + ',"purposes":"' + choiceOf(bits) + '"';
  if (t.placement === 'exterior' || t.placement === 'interior') s += ',"placement":"' + t.placement + '"';
  s += ',"interiorConfirmed":' + (t.interiorConfirmed === true ? 'true' : 'false');
  if (bits && typeof t.grantedMs === 'number' && t.grantedMs >= 0) s += ',"grantedMs":' + Math.floor(t.grantedMs);
  if (bits && typeof t.expiresMs === 'number' && t.expiresMs >= 0) s += ',"expiresMs":' + Math.floor(t.expiresMs);
  s += ',"consentVersion":' + (typeof t.version === 'number' ? t.version : 0);
  return s + '}';
}

/**
 * The signed config payload text for `cameraId` (encodeConfigText, then its MAC).
 * @example publish(configTopic(id), asciiToBytes(encodeConfig(terms, id, macKey(secret))))
 */
export function encodeConfig(t: ConsentTerms, cameraId: string, key: HmacSha256): string {
  return signJson(key, configMacDomain(cameraId), encodeConfigText(t));
}

/**
 * Check a config payload's MAC for `cameraId`, then decode it. Never throws.
 * @example const r = openConfig(payload, 'porch', key); if (r.ok) use(r.terms); else if (r.code !== 'malformed') report(r.code);
 */
export function openConfig(payload: Uint8Array, cameraId: string, key: HmacSha256): OpenConfigResult {
  if (payload.length === 0) return { ok: false, code: 'empty', problem: 'config deleted (empty retained message)' };
  if (payload.length > MAX_CONFIG_BYTES) return { ok: false, code: 'too-large', problem: 'config of ' + payload.length + ' bytes, limit ' + MAX_CONFIG_BYTES };
  const body = openJson(key, configMacDomain(cameraId), bytesToAscii(payload, 0, payload.length));
  if (body === null) return { ok: false, code: 'bad-mac', problem: 'config MAC does not match this camera\'s secret' };
  const r = decodeConfigText(body);
  return r.ok ? r : { ok: false, code: 'malformed', problem: r.problem };
}
