/**
 * Camera registry and consent rules. Nothing leaves the home without a matching, unexpired,
 * per-purpose consent: `purposesInForce` is the only place that decides it, at validation and
 * again right before every upload attempt (consent can be withdrawn while a bundle waits).
 */
import { CONSENT_ON, consentStatus, purposeBits as bitsOf, purposeNames as namesOf, type ConsentTerms } from '../protocol/consent.js';
import { CONSENT_VALID_MS, type CameraSeed } from './config.js';
import type { CameraRecord, CameraRegistry, PurposeName } from './types.js';

/** Purpose bits to names, in a fixed order: 3 -> ['motion', 'objectron'] (src/protocol/consent.ts). */
export const purposeNames: (bits: number) => PurposeName[] = namesOf;

/** Names to bits: ['motion'] -> 1 (src/protocol/consent.ts). */
export function purposeBits(names: readonly PurposeName[]): number {
  return bitsOf(names.slice());
}

export type ConsentDecision =
  | { ok: true; purposes: number; consentVersion: number }
  | { ok: false; reason: 'unknown-camera' | 'no-consent' | 'consent-expired'; detail: string };

/** The registry record as the shared consent rule reads it (placement included). */
export function recordTerms(camera: CameraRecord): ConsentTerms {
  const c = camera.consent;
  return {
    purposes: c ? c.purposes : 0, placement: camera.placement, interiorConfirmed: camera.interiorConfirmed === true,
    expiresMs: c ? c.expiresMs : -1, grantedMs: c ? c.grantedMs : null, version: c ? c.version : 0,
  };
}

function refusal(camera: CameraRecord, status: string, nowMs: number): ConsentDecision {
  const c = camera.consent;
  const v = c ? `consent v${c.version}` : 'consent';
  if (status === 'off') return { ok: false, reason: 'no-consent', detail: 'the owner has not consented to any purpose' };
  if (status === 'expired') return { ok: false, reason: 'consent-expired', detail: `${v} expired ${new Date(c!.expiresMs).toISOString()}` };
  if (status === 'not-yet') return { ok: false, reason: 'no-consent', detail: `${v} starts at ${new Date(c!.grantedMs).toISOString()}` };
  if (status === 'interior-unconfirmed') return { ok: false, reason: 'no-consent', detail: `camera ${camera.cameraId} is interior (or has no placement) and the owner has not confirmed it may contribute` };
  return { ok: false, reason: 'no-consent', detail: `${v}: ${status} at ${nowMs}` };
}

/**
 * The purposes a contribution may be used for now: those the bundle asks for AND the owner's
 * consent grants, if that consent is in force at `nowMs` (the shared rule, src/protocol/consent.ts:
 * placement, interior confirmation, grant and expiry). Purposes the bundle asks for without
 * consent are dropped (a board with stale config), never added.
 * @example purposesInForce(camera, 3, Date.now()) // { ok: true, purposes: 1, consentVersion: 4 }
 */
export function purposesInForce(camera: CameraRecord | null, requested: number, nowMs: number): ConsentDecision {
  if (!camera) return { ok: false, reason: 'unknown-camera', detail: 'camera not in the registry' };
  const terms = recordTerms(camera);
  const status = consentStatus(terms, nowMs);
  if (status !== CONSENT_ON) return refusal(camera, status, nowMs);
  const purposes = requested & terms.purposes;
  if (purposes === 0) {
    return { ok: false, reason: 'no-consent', detail: `bundle asks for [${purposeNames(requested).join(', ')}], consent v${terms.version} grants [${purposeNames(terms.purposes).join(', ')}]` };
  }
  return { ok: true, purposes, consentVersion: terms.version as number };
}

/** A config-file camera as a registry record; `nowMs` is the default grant time. */
export function seedToRecord(seed: CameraSeed, nowMs: number): CameraRecord {
  const c = seed.consent;
  let consent: CameraRecord['consent'] = null;
  if (c) {
    const grantedMs = c.granted ? Date.parse(c.granted) : nowMs;
    consent = {
      purposes: purposeBits(c.purposes),
      version: c.version,
      grantedMs,
      expiresMs: c.expires ? Date.parse(c.expires) : grantedMs + CONSENT_VALID_MS,
    };
  }
  const rec: CameraRecord = { cameraId: seed.id, ownerId: seed.owner, placement: seed.placement ?? 'interior', consent };
  if (seed.interiorConfirmed) rec.interiorConfirmed = true;
  if (seed.secret) rec.secret = seed.secret;
  return rec;
}

/**
 * The consent a restart may keep for a config-file camera: the registry's (what the owner last
 * chose: the pages, or an earlier file) against the file's. Versions only increase, so a higher
 * version wins; at the same version the narrower of the two is kept (purposes AND-ed, the later
 * grant, the earlier expiry): a file can narrow consent at the same version, never widen it.
 * A camera with no stored consent takes the file's; a file with none withdraws it.
 */
export function mergeSeedConsent(stored: CameraRecord['consent'], seed: CameraRecord['consent']): CameraRecord['consent'] {
  if (!stored) return seed;
  if (!seed) return { ...stored, purposes: 0 }; // the file withdrew it: keep the version, so a lower one cannot come back
  if (stored.version > seed.version) return stored;
  if (seed.version > stored.version) return seed;
  return {
    purposes: stored.purposes & seed.purposes, version: stored.version,
    grantedMs: Math.max(stored.grantedMs, seed.grantedMs), expiresMs: Math.min(stored.expiresMs, seed.expiresMs),
  };
}

/**
 * Put the config's cameras into a registry, never widening the consent stored for them
 * (mergeSeedConsent): the file seeds, it does not roll a withdrawal back.
 */
export function seedRegistry(registry: CameraRegistry, seeds: readonly CameraSeed[], nowMs: number): void {
  for (const seed of seeds) {
    const rec = seedToRecord(seed, nowMs);
    const old = registry.get(rec.cameraId);
    if (old) rec.consent = mergeSeedConsent(old.consent, rec.consent);
    registry.put(rec);
  }
}

/** In-memory registry (tests, and the default when no SQLite file is wanted). */
export class MemoryCameraRegistry implements CameraRegistry {
  private readonly cameras = new Map<string, CameraRecord>();

  get(cameraId: string): CameraRecord | null {
    const r = this.cameras.get(cameraId);
    return r ? structuredClone(r) : null;
  }

  put(record: CameraRecord): void {
    this.cameras.set(record.cameraId, structuredClone(record));
  }

  list(): CameraRecord[] {
    return [...this.cameras.values()].map((r) => structuredClone(r)).sort((a, b) => a.cameraId.localeCompare(b.cameraId));
  }
}
