/**
 * Stage 7, record: the object keys of a contribution and its row in the contribution index.
 * Keys are deterministic (owner, camera, capture date, bundle id, object name), so a retried or
 * repeated upload overwrites the same objects and never duplicates them.
 */
import { purposeNames } from './consent.js';
import { OBJECT_NAMES, type DerivedObject } from './derive.js';
import type { ContributionRecord, OutboxEntry } from './types.js';

/** Root of every contribution key. */
export const KEY_ROOT = 'contributions';

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * `contributions/<owner>/<camera>/<yyyy>/<mm>/<dd>/<bundle>/` (capture date, UTC). Every segment
 * is a protocol id (a-z 0-9 . _ -), so keys need no escaping.
 * @example keyPrefix('alice', 'porch', Date.UTC(2026, 4, 1), 'b-1') // 'contributions/alice/porch/2026/05/01/b-1/'
 */
export function keyPrefix(ownerId: string, cameraId: string, captureTimeMs: number, bundleId: string): string {
  const d = new Date(captureTimeMs);
  return `${KEY_ROOT}/${ownerId}/${cameraId}/${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${bundleId}/`;
}

/** Every key an upload of this outbox entry may have put (derive.ts OBJECT_NAMES): what a discard deletes. */
export function entryKeys(entry: Pick<OutboxEntry, 'ownerId' | 'cameraId' | 'captureTimeMs' | 'bundleId'>): string[] {
  const prefix = keyPrefix(entry.ownerId, entry.cameraId, entry.captureTimeMs, entry.bundleId);
  return OBJECT_NAMES.map((n) => prefix + n);
}

/** Object tags: `purpose` = motion, objectron or motion+objectron ('|' is not allowed in S3 tag values). */
export function objectTags(purposes: number): Record<string, string> {
  return { purpose: purposeNames(purposes).join('+') };
}

export function contributionRecord(entry: OutboxEntry, purposes: number, objects: DerivedObject[], uploadedMs: number): ContributionRecord {
  const prefix = keyPrefix(entry.ownerId, entry.cameraId, entry.captureTimeMs, entry.bundleId);
  return {
    cameraId: entry.cameraId,
    bundleId: entry.bundleId,
    ownerId: entry.ownerId,
    captureTimeMs: entry.captureTimeMs,
    purposes,
    consentVersion: entry.consentVersion,
    keyPrefix: prefix,
    objects: objects.map((o) => ({ name: o.name, key: prefix + o.name, bytes: o.body.length, contentType: o.contentType })),
    uploadedMs,
  };
}
