/**
 * What a reviewer does, each checked against consent at that moment: look at a camera view
 * (logged in the owner's S3 prefix before a byte is read for the reviewer, then watermarked),
 * answer with boxes (or "no objects"), flag as inappropriate (deleted from S3 with every version,
 * tombstoned, never shown again).
 */
import { accessKey, flagKey, statsKey } from '../operator/keys.js';
import { FLAG_REASONS, recordBytes, type FlagReason, type OperatorAccessEntry } from '../operator/records.js';
import type { Box, Item, ReviewPorts, Reviewer } from './ports.js';
import { LABELS } from './ports.js';

/** The only object a reviewer sees: the camera's view (masks and background are not needed to annotate). */
export const VIEW_OBJECT = '1-view.jpg';

const stamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';

/**
 * The access entry first (a new key the console cannot overwrite), then the image, watermarked.
 * Rejects without reading the image when the entry could not be written.
 */
export async function lookAt(p: ReviewPorts, reviewer: Reviewer, item: Item, why: string): Promise<Uint8Array | null> {
  const atMs = p.clock();
  const entry: OperatorAccessEntry = {
    v: 1, ownerId: item.ownerId, cameraId: item.cameraId, bundleId: item.bundleId, object: VIEW_OBJECT,
    viewer: reviewer.name, viewerRole: 'reviewer', why, atMs,
  };
  await p.bucket.putNew(accessKey(item.ownerId, atMs), recordBytes(entry), 'application/json');
  const body = await p.bucket.get(item.prefix + VIEW_OBJECT);
  if (!body) return null;
  return p.watermark.watermark(body, `${reviewer.name} · ${stamp(atMs)}`);
}

/** Boxes as the form sends them, checked: known labels, inside the image, at least 2 px wide and high. */
export function checkBoxes(input: unknown, item: Item): Box[] | string {
  if (!Array.isArray(input) || input.length > 200) return 'boxes must be a list of at most 200';
  const out: Box[] = [];
  for (const b of input as Record<string, unknown>[]) {
    if (!b || !LABELS.includes(b.label as never)) return 'unknown label';
    const [x, y, w, h] = [b.x, b.y, b.w, b.h].map((v) => Math.round(Number(v)));
    if (![x, y, w, h].every(Number.isFinite) || x < 0 || y < 0 || w < 2 || h < 2 || x + w > item.width || y + h > item.height) return 'a box is outside the image';
    out.push({ label: b.label as Box['label'], x, y, w, h });
  }
  return out;
}

/** The owner's "your contributions so far", rewritten after each answer or flag. */
export async function writeStats(p: ReviewPorts, ownerId: string): Promise<void> {
  const c = p.store.ownerCounts(ownerId);
  await p.bucket.put(statsKey(ownerId), recordBytes({ v: 1, ownerId, ...c, updatedMs: p.clock() }), 'application/json');
}

export async function annotate(p: ReviewPorts, reviewer: Reviewer, item: Item, boxes: Box[]): Promise<void> {
  p.store.saveAnnotation({ ownerId: item.ownerId, cameraId: item.cameraId, bundleId: item.bundleId, reviewerId: reviewer.id, boxes, atMs: p.clock() });
  await writeStats(p, item.ownerId).catch(() => {}); // counts catch up at the next answer
}

export const isFlagReason = (s: unknown): s is FlagReason => FLAG_REASONS.includes(s as FlagReason);

/**
 * Flag: recorded in the console's database first (from then on no reviewer sees it, whatever S3
 * says), then the tombstone (the owner's notice, which the relay checks before storing a
 * redelivery), then every object and version under the contribution's prefix is deleted.
 * Returns how many objects are left under the prefix (0 = gone).
 */
export async function flag(p: ReviewPorts, reviewer: Reviewer, item: Item, reason: FlagReason): Promise<number> {
  const atMs = p.clock();
  p.store.flag({ ownerId: item.ownerId, cameraId: item.cameraId, bundleId: item.bundleId, reviewerId: reviewer.id, reason, atMs });
  const notice = { v: 1, ownerId: item.ownerId, cameraId: item.cameraId, bundleId: item.bundleId, reason, captureTimeMs: item.captureTimeMs, atMs };
  await p.bucket.put(flagKey(item.ownerId, item.cameraId, item.bundleId), recordBytes(notice), 'application/json');
  await p.bucket.deleteAll(item.prefix);
  await writeStats(p, item.ownerId).catch(() => {});
  return (await p.bucket.list(item.prefix)).length;
}
