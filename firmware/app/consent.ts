/**
 * Consent, as the owner set it, from the retained config topic `quietcam/<camera>/config`
 * (src/protocol/topics.ts). Nothing leaves the board without an explicit, per-purpose,
 * unexpired consent: every doubt reads as "off".
 *
 * Payload: JSON, at most 1024 bytes, e.g.
 *   {"v":1,"purposes":"motion","placement":"exterior","expires":"2026-11-23","consentVersion":3}
 * - purposes: "off" | "motion" | "objectron" | "both".
 * - placement: "exterior" | "interior"; absent = interior (the cautious default).
 * - interiorConfirmed: true is required for an interior camera to contribute (the owner's page
 *   asks for an explicit, warned confirmation): interior defaults to off.
 * - expires: "YYYY-MM-DD" (consent ends at 00:00 UTC that day) or expiresMs (ms since the epoch).
 *   Absent = no valid consent.
 * - consentVersion: uint32 copied into each bundle, so the relay can match the consent record.
 * Off when: no config yet, an empty (deleted) retained message, malformed JSON or fields, an
 * unknown "v", purposes "off", interior without confirmation, no expiry, expired, or a wall clock
 * that is not synced (expiry cannot be checked).
 * ES5-safe: JSON.parse is ES5; dates are parsed by hand (engines disagree on Date.parse).
 */
import { PURPOSE_MOTION, PURPOSE_OBJECTRON } from '../../src/protocol/bundle.js';

/** Largest accepted config payload, bytes. */
export const MAX_CONFIG_BYTES = 1024;
export const CONFIG_FORMAT_VERSION = 1;

/** Why consent is off (or CONSENT_ON). */
export const CONSENT_ON = 'on';

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

function bytesToString(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

function isUint32(v: unknown): boolean {
  return typeof v === 'number' && v >= 0 && v <= 4294967295 && Math.floor(v) === v;
}

export class Consent {
  /** PURPOSE_* bits the owner chose, before expiry and placement checks. */
  purposes: number;
  placement: string;
  interiorConfirmed: boolean;
  /** ms since the epoch when consent ends; -1 = none. */
  expiresMs: number;
  consentVersion: number;
  /** Why the last config was rejected ('' = accepted), for the log. */
  problem: string;

  constructor() {
    this.purposes = 0;
    this.placement = 'interior';
    this.interiorConfirmed = false;
    this.expiresMs = -1;
    this.consentVersion = 0;
    this.problem = 'no config received';
  }

  private off(problem: string): boolean {
    this.purposes = 0;
    this.placement = 'interior';
    this.interiorConfirmed = false;
    this.expiresMs = -1;
    this.consentVersion = 0;
    this.problem = problem;
    return false;
  }

  /** Apply a config payload. Returns false (and turns everything off) when it is not acceptable. */
  update(payload: Uint8Array): boolean {
    if (payload.length === 0) return this.off('config deleted (empty retained message)');
    if (payload.length > MAX_CONFIG_BYTES) return this.off('config of ' + payload.length + ' bytes, limit ' + MAX_CONFIG_BYTES);
    let c: { [k: string]: unknown };
    try {
      c = JSON.parse(bytesToString(payload));
    } catch (e) {
      return this.off('config is not JSON');
    }
    if (!c || typeof c !== 'object') return this.off('config is not a JSON object');
    if (c.v !== CONFIG_FORMAT_VERSION) return this.off('config v ' + String(c.v) + ', this firmware reads ' + CONFIG_FORMAT_VERSION);
    const p = c.purposes;
    let bits = -1;
    if (p === 'off') bits = 0;
    else if (p === 'motion') bits = PURPOSE_MOTION;
    else if (p === 'objectron') bits = PURPOSE_OBJECTRON;
    else if (p === 'both') bits = PURPOSE_MOTION | PURPOSE_OBJECTRON;
    if (bits < 0) return this.off('purposes must be off, motion, objectron or both');
    const placement = c.placement === undefined ? 'interior' : c.placement;
    if (placement !== 'interior' && placement !== 'exterior') return this.off('placement must be exterior or interior');
    let expires = -1;
    if (c.expiresMs !== undefined) {
      if (typeof c.expiresMs !== 'number' || !(c.expiresMs >= 0) || Math.floor(c.expiresMs) !== c.expiresMs) return this.off('expiresMs must be an integer');
      expires = c.expiresMs;
    } else if (c.expires !== undefined) {
      expires = parseDateMs(c.expires);
      if (expires < 0) return this.off('expires must be a YYYY-MM-DD date');
    }
    const version = c.consentVersion === undefined ? 0 : c.consentVersion;
    if (!isUint32(version)) return this.off('consentVersion must be a uint32');
    this.purposes = bits;
    this.placement = placement;
    this.interiorConfirmed = c.interiorConfirmed === true;
    this.expiresMs = expires;
    this.consentVersion = version as number;
    this.problem = '';
    return true;
  }

  /**
   * Purposes in force at `wallMs` (0 = no snapshot), or the reason they are not.
   * `wallValid` is false when the wall clock is not synced.
   */
  purposesAt(wallMs: number, wallValid: boolean): number {
    return this.reason(wallMs, wallValid) === CONSENT_ON ? this.purposes : 0;
  }

  /** CONSENT_ON, or a short reason why consent is off (for the event message). */
  reason(wallMs: number, wallValid: boolean): string {
    if (this.problem) return 'no-config';
    if (this.purposes === 0) return 'off';
    if (this.placement === 'interior' && !this.interiorConfirmed) return 'interior-unconfirmed';
    if (this.expiresMs < 0) return 'no-expiry';
    if (!wallValid) return 'clock-unsynced';
    if (wallMs >= this.expiresMs) return 'expired';
    return CONSENT_ON;
  }
}
