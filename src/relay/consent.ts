/**
 * Camera registry and consent rules. Nothing leaves the home without a matching, unexpired,
 * per-purpose consent: `purposesInForce` is the only place that decides it, at validation and
 * again right before every upload attempt (consent can be withdrawn while a bundle waits).
 */
import { CONSENT_VALID_MS, type CameraSeed } from './config.js';
import { PURPOSE_BITS, type CameraRecord, type CameraRegistry, type PurposeName } from './types.js';

/** Purpose bits to names, in a fixed order: 3 -> ['motion', 'objectron']. */
export function purposeNames(bits: number): PurposeName[] {
  const out: PurposeName[] = [];
  if (bits & PURPOSE_BITS.motion) out.push('motion');
  if (bits & PURPOSE_BITS.objectron) out.push('objectron');
  return out;
}

/** Names to bits: ['motion'] -> 1. */
export function purposeBits(names: readonly PurposeName[]): number {
  let bits = 0;
  for (const n of names) bits |= PURPOSE_BITS[n];
  return bits;
}

export type ConsentDecision =
  | { ok: true; purposes: number; consentVersion: number }
  | { ok: false; reason: 'unknown-camera' | 'no-consent' | 'consent-expired'; detail: string };

/**
 * The purposes a contribution may be used for now: those the bundle asks for AND the owner's
 * consent grants, if that consent is in force at `nowMs`. Purposes the bundle asks for without
 * consent are dropped (a board with stale config), never added.
 * @example purposesInForce(camera, 3, Date.now()) // { ok: true, purposes: 1, consentVersion: 4 }
 */
export function purposesInForce(camera: CameraRecord | null, requested: number, nowMs: number): ConsentDecision {
  if (!camera) return { ok: false, reason: 'unknown-camera', detail: 'camera not in the registry' };
  const c = camera.consent;
  if (!c || c.purposes === 0) return { ok: false, reason: 'no-consent', detail: 'the owner has not consented to any purpose' };
  if (nowMs < c.grantedMs) return { ok: false, reason: 'no-consent', detail: `consent v${c.version} starts at ${new Date(c.grantedMs).toISOString()}` };
  if (nowMs >= c.expiresMs) return { ok: false, reason: 'consent-expired', detail: `consent v${c.version} expired ${new Date(c.expiresMs).toISOString()}` };
  const purposes = requested & c.purposes;
  if (purposes === 0) {
    return { ok: false, reason: 'no-consent', detail: `bundle asks for [${purposeNames(requested).join(', ')}], consent v${c.version} grants [${purposeNames(c.purposes).join(', ')}]` };
  }
  return { ok: true, purposes, consentVersion: c.version };
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
  return { cameraId: seed.id, ownerId: seed.owner, placement: seed.placement ?? 'exterior', consent };
}

/**
 * Put the config's cameras into a registry. A stored consent with a higher version than the seed's
 * (changed by the owner since) is kept: the file seeds, it does not roll consent back.
 */
export function seedRegistry(registry: CameraRegistry, seeds: readonly CameraSeed[], nowMs: number): void {
  for (const seed of seeds) {
    const rec = seedToRecord(seed, nowMs);
    const old = registry.get(rec.cameraId);
    if (old?.consent && rec.consent && old.consent.version > rec.consent.version) rec.consent = old.consent;
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
