/**
 * What the console may show, decided at the moment of each view from S3 alone: the contributions
 * (their meta.json, cached in the console's database once read) and each camera's consent record.
 * A contribution is reviewable when it was uploaded for ObjecTron, was not flagged, and the
 * camera's consent record allows ObjecTron now (the shared rule: exterior, or interior the owner
 * confirmed; withdrawn, expired, narrowed or missing stops it at once).
 *
 * Limits: the queue lists the whole `contributions/` prefix at each page load (~1 LIST per 1000
 * objects, 6 objects per contribution): fine for tens of thousands, not for millions.
 */
import { CONSENT_ON, PURPOSE_MOTION, PURPOSE_OBJECTRON, consentReason, purposeBits, type PurposeName } from '../protocol/consent.js';
import { CONTRIBUTIONS_ROOT, consentKey, parseContributionKey } from '../operator/keys.js';
import { consentRecordSchema, parseRecord, recordTerms, type OperatorConsent } from '../operator/records.js';
import type { Item, ReviewPorts } from './ports.js';

export { PURPOSE_MOTION, PURPOSE_OBJECTRON };

interface Meta {
  ownerId?: string;
  cameraId?: string;
  bundleId?: string;
  captureTimeMs?: number;
  purposes?: PurposeName[];
  rawView?: { width?: number; height?: number };
}

async function readItem(p: ReviewPorts, prefix: string, ids: { ownerId: string; cameraId: string; bundleId: string }): Promise<Item | null> {
  const cached = p.store.item(prefix);
  if (cached) return cached;
  const body = await p.bucket.get(prefix + 'meta.json');
  if (!body) return null;
  let m: Meta;
  try {
    m = JSON.parse(new TextDecoder().decode(body));
  } catch {
    return null;
  }
  // The key decides whose it is; a meta.json that disagrees is not trusted.
  if (m.ownerId !== ids.ownerId || m.cameraId !== ids.cameraId || m.bundleId !== ids.bundleId) return null;
  const width = m.rawView?.width ?? 0;
  const height = m.rawView?.height ?? 0;
  if (!(width > 0 && height > 0) || typeof m.captureTimeMs !== 'number' || !Array.isArray(m.purposes)) return null;
  const item: Item = { ...ids, prefix, captureTimeMs: m.captureTimeMs, purposes: purposeBits(m.purposes), width, height };
  p.store.putItem(item);
  return item;
}

/** Every complete contribution in the bucket (meta.json present), oldest capture first. */
export async function scanItems(p: ReviewPorts, root = CONTRIBUTIONS_ROOT): Promise<Item[]> {
  const prefixes = new Map<string, { ownerId: string; cameraId: string; bundleId: string }>();
  for (const key of await p.bucket.list(root)) {
    const k = parseContributionKey(key);
    if (k && k.name === 'meta.json') prefixes.set(k.prefix, k);
  }
  const items: Item[] = [];
  for (const [prefix, ids] of prefixes) {
    // Flagged but still listed (a deletion that failed, or a lagging listing): delete again, never show.
    if (p.store.isFlagged(ids.ownerId, ids.cameraId, ids.bundleId)) {
      await p.bucket.deleteAll(prefix).catch(() => {});
      continue;
    }
    const it = await readItem(p, prefix, ids);
    if (it) items.push(it);
  }
  return items.sort((a, b) => a.captureTimeMs - b.captureTimeMs);
}

/** Reads each camera's consent record once per call site (a page, an export). */
export class ConsentReader {
  private readonly seen = new Map<string, Promise<OperatorConsent | null>>();
  constructor(private readonly p: ReviewPorts) {}

  record(ownerId: string, cameraId: string): Promise<OperatorConsent | null> {
    const k = consentKey(ownerId, cameraId);
    let r = this.seen.get(k);
    if (!r) {
      r = this.p.bucket.get(k).then((b) => {
        const rec = parseRecord(consentRecordSchema, b);
        return rec && rec.ownerId === ownerId && rec.cameraId === cameraId ? rec : null;
      });
      this.seen.set(k, r);
    }
    return r;
  }

  /** CONSENT_ON when `item` may be used for `purpose` now, else the reason ('flagged', 'not-uploaded-for-it', or the rule's). */
  async reason(item: Item, purpose: number): Promise<string> {
    if ((item.purposes & purpose) !== purpose) return 'not-uploaded-for-it';
    if (this.p.store.isFlagged(item.ownerId, item.cameraId, item.bundleId)) return 'flagged';
    return consentReason(recordTerms(await this.record(item.ownerId, item.cameraId)), purpose, this.p.clock());
  }

  async allows(item: Item, purpose: number): Promise<boolean> {
    return (await this.reason(item, purpose)) === CONSENT_ON;
  }
}

/** The items a reviewer may see now, for ObjecTron. */
export async function reviewable(p: ReviewPorts): Promise<Item[]> {
  const consent = new ConsentReader(p);
  const out: Item[] = [];
  for (const it of await scanItems(p)) if (await consent.allows(it, PURPOSE_OBJECTRON)) out.push(it);
  return out;
}

/** One contribution by its ids, if it is reviewable now (the item page and every image go through this). */
export async function reviewableItem(p: ReviewPorts, ownerId: string, cameraId: string, bundleId: string): Promise<Item | null> {
  const it = (await scanItems(p, `${CONTRIBUTIONS_ROOT}${ownerId}/${cameraId}/`)).find((i) => i.ownerId === ownerId && i.cameraId === cameraId && i.bundleId === bundleId);
  return it && (await new ConsentReader(p).allows(it, PURPOSE_OBJECTRON)) ? it : null;
}
