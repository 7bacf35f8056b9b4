/**
 * Stage 2 for relays sharing one store (MQTT 5 shared subscription, `broker.shareGroup`): the
 * broker hands each chunk to any one of the relays, so the chunks of one bundle land on several.
 * The store's journal is the reassembly buffer: each chunk is journalled and its bundle's chunks
 * read back in one transaction that serialises with the other relays' (SQLite's write lock), so
 * exactly one relay sees the bundle complete (and the outbox refuses a second copy anyway).
 *
 * Limits: partial bundles live on disk, not in memory (`maxBundles`/`maxBytes` do not apply; a
 * bundle with no new chunk for `timeoutMs` is dropped by whichever relay sweeps first; one camera
 * holds at most `maxPerCamera` partial bundles, all relays together: a new one evicts that camera's
 * least recently fed, so a camera cannot fill the shared disk with partial bundles); a relay
 * killed between completing a bundle and storing it leaves the chunks journalled, and completes
 * it when its session's unacknowledged chunk is redelivered (it restarts with the same client id)
 * or at its next start (replay).
 */
import { Reassembler, type IncompleteBundle, decodeChunk } from '../protocol/index.js';
import type { ReassembleResult } from './reassemble.js';
import type { JournalChunk, RelayStore } from './types.js';

/** What a store must offer to be shared (adapters/sqlite-store.ts does). */
export type SharedStore = RelayStore & Required<Pick<RelayStore, 'addChunkAndCollect' | 'dropStaleChunks' | 'journalled' | 'dropExcessBundles'>>;

/** Put a bundle's journalled chunks together (duplicates and order do not matter). */
function assemble(chunks: JournalChunk[]): ReassembleResult | null {
  const r = new Reassembler({ maxBundles: 1, rememberCompleted: 0 });
  let first = Infinity;
  for (const c of chunks) {
    first = Math.min(first, c.receivedMs);
    const p = r.push(c.bytes, 0);
    if (p.kind === 'complete') return { kind: 'complete', cameraId: p.cameraId, bundleId: p.bundleId, bytes: p.bytes, firstChunkMs: first };
    if (p.kind === 'error') {
      return { kind: 'rejected', cameraId: p.cameraId ?? '(none)', bundleId: p.bundleId, reason: `reassembly-${p.error.code}`, detail: p.error.message };
    }
  }
  return null;
}

export class SharedReassembleStage {
  /** Only for replaying the journal at start (journal: false): bundles this process finds complete there. */
  private readonly replayed = new Reassembler({ maxBundles: 4096, maxBytes: 1 << 30, rememberCompleted: 0 });

  constructor(private readonly store: SharedStore, private readonly options: { timeoutMs: number; maxPerCamera: number }) {}

  /** Partial bundles are in the shared journal, not here: ingest asks the store. */
  isPartial(): boolean {
    return false;
  }

  /** Partial bundles in the shared journal (every relay's). */
  partialCount(): number {
    return this.store.journalled().bundles;
  }

  retainedBytes(): number {
    return this.store.journalled().bytes;
  }

  push(payload: Uint8Array, nowMs: number, receivedMs: number, journal = true): ReassembleResult {
    if (!journal) {
      const p = this.replayed.push(payload, nowMs);
      return p.kind === 'complete' ? { kind: 'complete', cameraId: p.cameraId, bundleId: p.bundleId, bytes: p.bytes, firstChunkMs: receivedMs } : { kind: 'partial', incomplete: [] };
    }
    const d = decodeChunk(payload);
    if (!d.ok) return { kind: 'rejected', cameraId: '(none)', reason: `reassembly-${d.error.code}`, detail: d.error.message };
    const { cameraId, bundleId, total } = d.chunk;
    const chunks = this.store.addChunkAndCollect(cameraId, bundleId, payload, receivedMs);
    // a bundle's first chunk (here) may be one too many for its camera
    const evicted = chunks.length === 1 && total > 1 ? this.store.dropExcessBundles(cameraId, bundleId, this.options.maxPerCamera).map((b) => incomplete(b, 'evicted')) : [];
    if (chunks.length < total) return { kind: 'partial', incomplete: evicted };
    const r = assemble(chunks);
    if (r?.kind === 'rejected' && r.bundleId) this.store.dropChunks(cameraId, bundleId);
    return r ?? { kind: 'partial', incomplete: [] };
  }

  /** Drop the bundles whose newest journalled chunk is older than timeoutMs (any relay's). */
  expire(nowMs: number): IncompleteBundle[] {
    this.replayed.expire(Number.MAX_SAFE_INTEGER);
    return this.store.dropStaleChunks(nowMs - this.options.timeoutMs).map((b) => incomplete(b, 'timeout'));
  }
}

/** A bundle the shared journal gave up on (its total is not known without reading a chunk: 0). */
function incomplete(b: { cameraId: string; bundleId: string; chunks: number; firstMs: number; lastMs: number }, reason: 'timeout' | 'evicted'): IncompleteBundle {
  return { cameraId: b.cameraId, bundleId: b.bundleId, reason, received: b.chunks, total: 0, bundleLength: 0, firstMs: b.firstMs, lastMs: b.lastMs };
}
