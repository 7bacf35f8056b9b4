/**
 * The relay's durable state (types.ts RelayStore: the chunk journal, the outbox of bundles
 * waiting for S3, the contribution index) in memory, for tests and benchmarks of the stages.
 * Production uses src/adapters/sqlite-store.ts; the same contract suite
 * (test/relay/store-contract.ts) checks both. A validated bundle enters the outbox (its chunk
 * journal dropped in the same step) before the MQTT acknowledgement of its last chunk, and stays
 * there until S3 has confirmed all of its objects.
 */
import { bundleKey } from './ingest.js';
import type { ContributionRecord, JournalChunk, NewOutboxEntry, OutboxEntry, RelayStore } from './types.js';

/** In-memory RelayStore: for tests and benchmarks of the stages; nothing survives the process. */
export class MemoryRelayStore implements RelayStore {
  private readonly chunks: { key: string; chunk: JournalChunk }[] = [];
  private readonly outbox = new Map<number, OutboxEntry>();
  private readonly outboxKeys = new Set<string>();
  private readonly index = new Map<string, ContributionRecord>();
  private readonly discarded = new Map<string, string>();
  private nextId = 1;

  addChunk(cameraId: string, bundleId: string, bytes: Uint8Array, receivedMs: number): void {
    this.chunks.push({ key: bundleKey(cameraId, bundleId), chunk: { bytes: Uint8Array.from(bytes), receivedMs } });
  }

  dropChunks(cameraId: string, bundleId: string): void {
    const key = bundleKey(cameraId, bundleId);
    for (let i = this.chunks.length - 1; i >= 0; i--) if (this.chunks[i].key === key) this.chunks.splice(i, 1);
  }

  journal(): JournalChunk[] {
    return this.chunks.map((c) => c.chunk);
  }

  accept(e: NewOutboxEntry): OutboxEntry | 'duplicate' {
    this.dropChunks(e.cameraId, e.bundleId);
    if (this.has(e.cameraId, e.bundleId)) return 'duplicate';
    const entry: OutboxEntry = { ...e, bytes: Uint8Array.from(e.bytes), id: this.nextId++, attempts: 0 };
    this.outbox.set(entry.id, entry);
    this.outboxKeys.add(bundleKey(e.cameraId, e.bundleId));
    return { ...entry };
  }

  /** Memory has no stable storage to wait for. */
  durable(): Promise<void> {
    return Promise.resolve();
  }

  has(cameraId: string, bundleId: string): boolean {
    const key = bundleKey(cameraId, bundleId);
    return this.outboxKeys.has(key) || this.index.has(key) || this.discarded.has(key);
  }

  pending(limit: number, skip: ReadonlySet<number>): OutboxEntry[] {
    const out: OutboxEntry[] = [];
    for (const e of this.outbox.values()) {
      if (out.length >= limit) break;
      if (!skip.has(e.id)) out.push({ ...e });
    }
    return out;
  }

  pendingCount(): number {
    return this.outbox.size;
  }

  failed(id: number): void {
    const e = this.outbox.get(id);
    if (e) e.attempts++;
  }

  complete(id: number, record: ContributionRecord): void {
    this.remove(id);
    this.index.set(bundleKey(record.cameraId, record.bundleId), structuredClone(record));
  }

  discard(id: number, reason: string): void {
    const e = this.remove(id);
    if (e) this.discarded.set(bundleKey(e.cameraId, e.bundleId), reason);
  }

  contributions(filter: { ownerId?: string; cameraId?: string; limit?: number } = {}): ContributionRecord[] {
    const all = [...this.index.values()].reverse() // newest first on equal times, as in SQLite
      .filter((r) => (!filter.ownerId || r.ownerId === filter.ownerId) && (!filter.cameraId || r.cameraId === filter.cameraId))
      .sort((a, b) => b.uploadedMs - a.uploadedMs);
    return all.slice(0, filter.limit ?? all.length).map((r) => structuredClone(r));
  }

  close(): void {}

  private remove(id: number): OutboxEntry | undefined {
    const e = this.outbox.get(id);
    if (!e) return undefined;
    this.outbox.delete(id);
    this.outboxKeys.delete(bundleKey(e.cameraId, e.bundleId));
    return e;
  }
}
