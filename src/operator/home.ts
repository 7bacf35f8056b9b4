/**
 * The home's side of the contract: write each camera's consent record, read the access entries,
 * flags and counts the console left under the owner's prefixes. The owner pages get one of these
 * as `ports.operator`.
 *
 * @example
 * const home = new HomeChannel(bucket, Date.now);
 * await home.writeConsent(camera);             // after every consent decision
 * const looks = await home.accessEntries(ownerId, 500);
 */
import { accessPrefix, CONSENT_ROOT, consentKey, flagsPrefix, statsKey } from './keys.js';
import type { OperatorBucket } from './bucket.js';
import {
  accessEntrySchema, consentRecordSchema, flagRecordSchema, parseRecord, recordBytes, statsSchema,
  type FlagRecord, type OperatorAccessEntry, type OperatorConsent, type OwnerStats,
} from './records.js';

/** What the home knows of a camera (a subset of the pages' WebCamera). */
export interface HomeCamera {
  cameraId: string;
  ownerId: string;
  placement: 'exterior' | 'interior';
  interiorConfirmed: boolean;
  consent: { purposes: number; version: number; grantedMs: number; expiresMs: number } | null;
}

/** Reads at most this many objects in parallel (S3 GETs are ~20-50 ms each). */
const PARALLEL = 16;

async function mapLimit<T, R>(items: T[], fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
  return out;
}

export function consentRecord(cam: HomeCamera, nowMs: number): OperatorConsent {
  const c = cam.consent;
  return {
    v: 1, ownerId: cam.ownerId, cameraId: cam.cameraId, purposes: c ? c.purposes & 3 : 0,
    placement: cam.placement, interiorConfirmed: cam.interiorConfirmed,
    grantedMs: c ? c.grantedMs : null, expiresMs: c ? c.expiresMs : -1, consentVersion: c ? c.version : 0, writtenMs: nowMs,
  };
}

export class HomeChannel {
  constructor(private readonly bucket: OperatorBucket, private readonly clock: () => number) {}

  /** Replace the camera's consent record. Rejects when S3 did not take it (the caller says so to the owner). */
  writeConsent(cam: HomeCamera): Promise<void> {
    return this.bucket.put(consentKey(cam.ownerId, cam.cameraId), recordBytes(consentRecord(cam, this.clock())), 'application/json');
  }

  /**
   * A camera that left the home (removed, or its account deleted) gives no consent any more: its
   * record says so (purposes 0, no expiry), whatever it said before.
   */
  withdraw(ownerId: string, cameraId: string): Promise<void> {
    return this.writeConsent({ ownerId, cameraId, placement: 'interior', interiorConfirmed: false, consent: null });
  }

  /** Withdraw the camera's record unless it already gives nothing; true when it wrote. */
  async withdrawIfGranted(ownerId: string, cameraId: string): Promise<boolean> {
    const rec = parseRecord(consentRecordSchema, await this.bucket.get(consentKey(ownerId, cameraId)));
    if (rec && rec.purposes === 0) return false;
    await this.withdraw(ownerId, cameraId);
    return true;
  }

  /** Camera ids that have a consent record under the owner's prefix (to find cameras that left). */
  async recordedCameras(ownerId: string): Promise<string[]> {
    const prefix = `${CONSENT_ROOT}${ownerId}/`;
    return (await this.bucket.list(prefix)).filter((k) => k.endsWith('.json')).map((k) => k.slice(prefix.length, -'.json'.length));
  }

  /** The newest `limit` looks by reviewers, newest first. */
  async accessEntries(ownerId: string, limit: number): Promise<OperatorAccessEntry[]> {
    const keys = (await this.bucket.list(accessPrefix(ownerId))).slice(-limit).reverse();
    const got = await mapLimit(keys, async (k) => parseRecord(accessEntrySchema, await this.bucket.get(k)));
    return got.filter((e): e is OperatorAccessEntry => !!e && e.ownerId === ownerId);
  }

  /** Contributions a reviewer flagged (and the console deleted), newest first. */
  async flags(ownerId: string): Promise<FlagRecord[]> {
    const keys = await this.bucket.list(flagsPrefix(ownerId));
    const got = await mapLimit(keys, async (k) => parseRecord(flagRecordSchema, await this.bucket.get(k)));
    return got.filter((f): f is FlagRecord => !!f && f.ownerId === ownerId).sort((a, b) => b.atMs - a.atMs);
  }

  async stats(ownerId: string): Promise<OwnerStats | null> {
    const s = parseRecord(statsSchema, await this.bucket.get(statsKey(ownerId)));
    return s && s.ownerId === ownerId ? s : null;
  }
}
