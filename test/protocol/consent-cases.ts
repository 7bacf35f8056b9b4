/**
 * The consent table: one list of cases that every place deciding consent must answer the same
 * way (test/firmware/consent-table.test.ts runs it against the rule itself, the board's Consent
 * in Node, the same app code in the Duktape firmware runtime, the relay's purposesInForce and the
 * web's consentState / reviewer check). `want` is consentReason's answer ('on' = allowed).
 */
import type { ConsentTerms } from '../../src/protocol/consent.js';

export interface ConsentCase {
  name: string;
  /** null = nothing known (no config received / camera not in the registry). */
  terms: ConsentTerms | null;
  /** PURPOSE_* bits asked about. */
  purpose: number;
  nowMs: number;
  want: string;
}

const NOW = Date.UTC(2026, 5, 1, 12);
const DAY = 86400000;
const EXT = { placement: 'exterior', interiorConfirmed: false, grantedMs: NOW - 10 * DAY, expiresMs: NOW + 300 * DAY, version: 4 };
const INT = { placement: 'interior', interiorConfirmed: true, grantedMs: NOW - DAY, expiresMs: NOW + DAY, version: 9 };

function c(name: string, terms: ConsentTerms | null, purpose: number, want: string, nowMs = NOW): ConsentCase {
  return { name, terms, purpose, nowMs, want };
}

export const CONSENT_CASES: ConsentCase[] = [
  c('nothing known', null, 1, 'no-consent'),
  c('exterior, both, motion asked', { ...EXT, purposes: 3 }, 1, 'on'),
  c('exterior, both, objectron asked', { ...EXT, purposes: 3 }, 2, 'on'),
  c('exterior, both, both asked', { ...EXT, purposes: 3 }, 3, 'on'),
  c('exterior, motion only, motion asked', { ...EXT, purposes: 1 }, 1, 'on'),
  c('exterior, motion only, objectron asked', { ...EXT, purposes: 1 }, 2, 'not-granted'),
  c('exterior, motion only, both asked', { ...EXT, purposes: 1 }, 3, 'not-granted'),
  c('exterior, objectron only, objectron asked', { ...EXT, purposes: 2 }, 2, 'on'),
  c('exterior, objectron only, motion asked', { ...EXT, purposes: 2 }, 1, 'not-granted'),
  c('exterior, off (withdrawn)', { ...EXT, purposes: 0 }, 1, 'off'),
  c('exterior, off, objectron asked', { ...EXT, purposes: 0 }, 2, 'off'),
  c('interior, unconfirmed', { ...INT, interiorConfirmed: false, purposes: 3 }, 1, 'interior-unconfirmed'),
  c('interior, unconfirmed and off', { ...INT, interiorConfirmed: false, purposes: 0 }, 1, 'interior-unconfirmed'),
  c('interior, confirmed', { ...INT, purposes: 3 }, 2, 'on'),
  c('interior, confirmed, off', { ...INT, purposes: 0 }, 2, 'off'),
  c('no placement = interior, unconfirmed', { ...EXT, placement: undefined, purposes: 3 }, 1, 'interior-unconfirmed'),
  c('no placement = interior, confirmed', { ...EXT, placement: undefined, interiorConfirmed: true, purposes: 3 }, 1, 'on'),
  c('no expiry', { ...EXT, expiresMs: -1, purposes: 3 }, 1, 'no-expiry'),
  c('one ms before expiry', { ...EXT, purposes: 3 }, 1, 'on', EXT.expiresMs - 1),
  c('at the expiry instant', { ...EXT, purposes: 3 }, 1, 'expired', EXT.expiresMs),
  c('a year after expiry', { ...EXT, purposes: 3 }, 2, 'expired', EXT.expiresMs + 365 * DAY),
  c('before the grant', { ...EXT, purposes: 3 }, 1, 'not-yet', EXT.grantedMs - 1),
  c('at the grant instant', { ...EXT, purposes: 3 }, 1, 'on', EXT.grantedMs),
  c('clock not synced (1970)', { ...EXT, grantedMs: 0, purposes: 3 }, 1, 'clock-unsynced', 5000),
  c('clock not synced (2019)', { ...EXT, grantedMs: 0, purposes: 3 }, 1, 'clock-unsynced', Date.UTC(2019, 11, 31, 23, 59)),
  c('expired beats not-granted', { ...EXT, purposes: 1 }, 2, 'expired', EXT.expiresMs + 1),
  c('interior unconfirmed beats expired', { ...INT, interiorConfirmed: false, purposes: 3 }, 1, 'interior-unconfirmed', INT.expiresMs + DAY),
  c('no purpose asked', { ...EXT, purposes: 3 }, 0, 'not-granted'),
];
