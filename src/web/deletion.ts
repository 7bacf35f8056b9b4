/**
 * Deleting contributions: every object and version under the contribution's key prefix (taken
 * from the index row, which is looked up with the owner's id: a guessed or swapped id finds
 * nothing), then the index row; then the prefix is listed again, and what is left is reported.
 * An S3 failure leaves the index row, so the contribution stays listed and can be deleted again.
 */
import type { ContributionRecord, WebPorts } from './ports.js';

export interface DeleteReport {
  /** Contributions removed from S3 and the index. */
  deleted: number;
  /** Objects (all versions) removed from S3. */
  objects: number;
  /** Objects still found under the deleted prefixes by the re-list (0 = proven gone). */
  remaining: number;
  /** Asked for but not found among the owner's contributions. */
  notFound: number;
  /** Could not be deleted (S3 error); still listed. */
  failed: number;
}

const CONCURRENCY = 8; // prefixes deleted at once: each is 2-3 S3 requests

export async function deleteContributions(ports: WebPorts, ownerId: string, refs: { cameraId: string; bundleId: string }[]): Promise<DeleteReport> {
  const report: DeleteReport = { deleted: 0, objects: 0, remaining: 0, notFound: 0, failed: 0 };
  const records: ContributionRecord[] = [];
  const seen = new Set<string>();
  for (const r of refs) {
    const k = `${r.cameraId}/${r.bundleId}`;
    if (seen.has(k)) continue;
    seen.add(k);
    const rec = ports.contributions.get(ownerId, r.cameraId, r.bundleId);
    if (rec) records.push(rec);
    else report.notFound++;
  }
  return deleteRecords(ports, ownerId, records, report);
}

export async function deleteRecords(ports: WebPorts, ownerId: string, records: ContributionRecord[], report?: DeleteReport): Promise<DeleteReport> {
  const rep = report ?? { deleted: 0, objects: 0, remaining: 0, notFound: 0, failed: 0 };
  let next = 0;
  const worker = async () => {
    while (next < records.length) {
      const rec = records[next++];
      if (rec.ownerId !== ownerId) continue; // never: index rows are fetched per owner
      try {
        // await first, then add: `rep.x += await f()` reads rep.x before the await, so workers
        // running at once would overwrite each other's counts
        const removed = await ports.objects.deleteAll(rec.keyPrefix);
        ports.contributions.remove(ownerId, rec.cameraId, rec.bundleId);
        rep.objects += removed;
        rep.deleted++;
        const left = (await ports.objects.list(rec.keyPrefix)).length;
        rep.remaining += left;
      } catch {
        rep.failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, records.length) }, worker));
  return rep;
}

export function reportText(r: DeleteReport): string {
  const parts = [`Deleted ${r.deleted} contribution(s): ${r.objects} object(s) removed from S3 (every version) and from the index.`];
  parts.push(`A re-list of S3 finds ${r.remaining} object(s) left under them.`);
  if (r.notFound) parts.push(`${r.notFound} not found.`);
  if (r.failed) parts.push(`${r.failed} could not be deleted now (storage error): they are still listed; try again.`);
  return parts.join(' ');
}
