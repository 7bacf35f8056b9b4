/**
 * THE consent rule, written once and called by the board (firmware/app), the relay (accepting and
 * uploading), the owner pages (what they show) and the reviewer route (what a reviewer may open).
 * Nothing leaves the home without an explicit, per-purpose, unexpired consent: every doubt reads
 * as "off".
 *
 * Rules, in the order they are checked (the first that applies is the reason):
 * - no terms at all (no config received, unknown camera): 'no-consent';
 * - placement 'interior', or no placement (missing means interior, everywhere), without the
 *   owner's warned confirmation: 'interior-unconfirmed';
 * - no purpose chosen: 'off';
 * - no expiry: 'no-expiry';
 * - a clock that is not synced (before 2020-01-01, negative, NaN): 'clock-unsynced';
 * - before the grant time (when one is known): 'not-yet';
 * - at or after the expiry instant: 'expired';
 * - the purpose asked about was not chosen: 'not-granted'.
 * Otherwise CONSENT_ON.
 *
 * Also here: purpose bits and names, the owner's four choices, and the retained config payload
 * (consent-config.ts codes it). ES5-safe: runs on the board.
 * @example
 *   if (consentAllows(terms, PURPOSE_OBJECTRON, Date.now())) serve();
 *   consentReason(terms, PURPOSE_MOTION, now) // 'expired'
 */

/** Contribution purpose flag: training the motion detector. */
export const PURPOSE_MOTION = 1;
/** Contribution purpose flag: manual object annotation (ObjecTron). */
export const PURPOSE_OBJECTRON = 2;
/** Every purpose this protocol knows. */
export const PURPOSES_ALL = 3;
/** Purpose names by bit: PURPOSE_BY_NAME.motion === PURPOSE_MOTION. */
export const PURPOSE_BY_NAME: { motion: number; objectron: number } = { motion: PURPOSE_MOTION, objectron: PURPOSE_OBJECTRON };
export type PurposeName = 'motion' | 'objectron';
/** The owner's choices per camera, and the config's `purposes` field. */
export type ConsentChoice = 'off' | 'motion' | 'objectron' | 'both';
/** Choices in page order; CONSENT_CHOICES[bits] is the choice of those bits. */
export const CONSENT_CHOICES: ConsentChoice[] = ['off', 'motion', 'objectron', 'both'];

/** Returned by consentReason when consent is in force. */
export const CONSENT_ON = 'on';
/** Wall clock times before this are "not synced": 1577836800000 = 2020-01-01T00:00:00Z. */
export const CLOCK_SYNCED_FROM_MS = 1577836800000;

/** What the rule reads: the owner's decision for one camera. */
export interface ConsentTerms {
  /** PURPOSE_* bits chosen by the owner, OR-ed; 0 = off. */
  purposes: number;
  /** 'exterior' | 'interior'; anything else, or absent, counts as interior. */
  placement?: string | null;
  /** The owner confirmed, after the warning, that this interior camera may contribute. */
  interiorConfirmed?: boolean | null;
  /** ms since the epoch when consent ends; < 0 or absent = no expiry = no consent. */
  expiresMs?: number | null;
  /** ms since the epoch when it was given (optional: the board does not know it). */
  grantedMs?: number | null;
  /** The consent version (a uint32 that grows with every decision). */
  version?: number | null;
}

/** Purpose bits to names, in a fixed order: 3 -> ['motion', 'objectron']. */
export function purposeNames(bits: number): PurposeName[] {
  const out: PurposeName[] = [];
  if (bits & PURPOSE_MOTION) out.push('motion');
  if (bits & PURPOSE_OBJECTRON) out.push('objectron');
  return out;
}

/** Names to bits: ['motion'] -> 1 (unknown names add nothing). */
export function purposeBits(names: PurposeName[]): number {
  let bits = 0;
  for (let i = 0; i < names.length; i++) {
    if (names[i] === 'motion') bits |= PURPOSE_MOTION;
    else if (names[i] === 'objectron') bits |= PURPOSE_OBJECTRON;
  }
  return bits;
}

/** The choice's bits ('both' -> 3), or -1 for anything else. */
export function choiceBits(choice: unknown): number {
  for (let i = 0; i < CONSENT_CHOICES.length; i++) if (CONSENT_CHOICES[i] === choice) return i;
  return -1;
}

/** The choice of these bits (bits outside PURPOSES_ALL are ignored). */
export function choiceOf(bits: number): ConsentChoice {
  return CONSENT_CHOICES[bits & PURPOSES_ALL];
}

function isNumber(v: unknown): boolean {
  return typeof v === 'number' && v === v;
}

/**
 * Why the terms allow no purpose at `nowMs`, or CONSENT_ON when at least one is in force.
 * The same checks as consentReason, without the per-purpose one.
 */
export function consentStatus(terms: ConsentTerms | null | undefined, nowMs: number): string {
  if (!terms) return 'no-consent';
  if (terms.placement !== 'exterior' && terms.interiorConfirmed !== true) return 'interior-unconfirmed';
  if (!isNumber(terms.purposes) || (terms.purposes & PURPOSES_ALL) === 0) return 'off';
  const expires = terms.expiresMs;
  if (typeof expires !== 'number' || !(expires >= 0)) return 'no-expiry';
  if (!isNumber(nowMs) || nowMs < CLOCK_SYNCED_FROM_MS) return 'clock-unsynced';
  const granted = terms.grantedMs;
  if (typeof granted === 'number' && isNumber(granted) && nowMs < granted) return 'not-yet';
  if (nowMs >= expires) return 'expired';
  return CONSENT_ON;
}

/**
 * CONSENT_ON when every purpose bit in `purpose` (non-zero) is in force at `nowMs`, else the
 * reason (see the file's header).
 */
export function consentReason(terms: ConsentTerms | null | undefined, purpose: number, nowMs: number): string {
  const status = consentStatus(terms, nowMs);
  if (status !== CONSENT_ON) return status;
  if (purpose === 0 || (purpose & ~PURPOSES_ALL) !== 0 || ((terms as ConsentTerms).purposes & purpose) !== purpose) return 'not-granted';
  return CONSENT_ON;
}

/**
 * True when the owner's consent allows `purpose` (a PURPOSE_* bit, or several: all must be
 * allowed) at `nowMs` (ms since the epoch, from a synced clock).
 * @example consentAllows({ purposes: 3, placement: 'exterior', expiresMs: t + 1 }, PURPOSE_MOTION, t) // true
 */
export function consentAllows(terms: ConsentTerms | null | undefined, purpose: number, nowMs: number): boolean {
  return consentReason(terms, purpose, nowMs) === CONSENT_ON;
}

/** The PURPOSE_* bits in force at `nowMs` (0 = none). */
export function consentPurposes(terms: ConsentTerms | null | undefined, nowMs: number): number {
  return consentStatus(terms, nowMs) === CONSENT_ON ? (terms as ConsentTerms).purposes & PURPOSES_ALL : 0;
}
