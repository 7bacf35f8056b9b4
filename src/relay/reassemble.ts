/**
 * Stage 2, reassemble: chunks in, whole bundles out, with the protocol's bounded Reassembler.
 * Every chunk of a partial bundle is journalled in the store before its PUBACK, so a relay killed
 * mid-bundle replays the journal at start and loses nothing the broker thinks was delivered (and
 * with a spooling store, the chunk completing it too: the journal file is then the outbox's copy).
 * Bundles given up on (no chunk for timeoutMs, or evicted to stay within maxBytes/maxBundles) are
 * reported and their journal dropped.
 */
import { Reassembler, type IncompleteBundle, type ReassemblerOptions } from '../protocol/index.js';
import { bundleKey } from './ingest.js';
import type { RelayStore } from './types.js';

export type ReassembleResult =
  | { kind: 'partial'; incomplete: IncompleteBundle[] }
  | { kind: 'complete'; cameraId: string; bundleId: string; bytes: Uint8Array; firstChunkMs: number }
  | { kind: 'duplicate' }
  | { kind: 'rejected'; cameraId: string; bundleId?: string; reason: string; detail: string };

export class ReassembleStage {
  private readonly reassembler: Reassembler;
  /** key -> wall-clock time of the bundle's first chunk; one entry per partial bundle held. */
  private readonly firstChunk = new Map<string, number>();

  constructor(private readonly store: RelayStore, options: ReassemblerOptions) {
    // Completed ids are also remembered by the store (has()), so the ring can stay small.
    this.reassembler = new Reassembler({ ...options, rememberCompleted: 1024 });
  }

  isPartial(key: string): boolean {
    return this.firstChunk.has(key);
  }

  partialCount(): number {
    return this.reassembler.pendingCount();
  }

  retainedBytes(): number {
    return this.reassembler.retainedBytes();
  }

  /**
   * Place one chunk (already checked by ingest). `journal: false` when replaying the journal.
   * `nowMs` drives the reassembler's timeouts; `receivedMs` is the chunk's wall-clock arrival.
   */
  push(payload: Uint8Array, nowMs: number, receivedMs: number, journal = true): ReassembleResult {
    const r = this.reassembler.push(payload, nowMs);
    switch (r.kind) {
      case 'duplicate':
        return { kind: 'duplicate' };
      case 'error':
        // bad-crc is reported when the last chunk arrives: the reassembler has dropped the bundle.
        if (r.error.code === 'bad-crc' && r.cameraId && r.bundleId) {
          this.firstChunk.delete(bundleKey(r.cameraId, r.bundleId));
          this.store.dropChunks(r.cameraId, r.bundleId);
        }
        return { kind: 'rejected', cameraId: r.cameraId ?? '(none)', bundleId: r.bundleId, reason: `reassembly-${r.error.code}`, detail: r.error.message };
      case 'partial': {
        const key = bundleKey(r.cameraId, r.bundleId);
        if (!this.firstChunk.has(key)) this.firstChunk.set(key, receivedMs);
        else this.firstChunk.set(key, Math.min(receivedMs, this.firstChunk.get(key)!));
        for (const e of r.evicted) this.forget(e);
        if (journal) this.store.addChunk(r.cameraId, r.bundleId, payload, receivedMs);
        return { kind: 'partial', incomplete: r.evicted };
      }
      case 'complete': {
        const key = bundleKey(r.cameraId, r.bundleId);
        // a spooling store keeps the bundle's bytes in its chunk file: the last chunk goes there too
        if (journal && this.store.spoolsBundles) this.store.addChunk(r.cameraId, r.bundleId, payload, receivedMs);
        const first = this.firstChunk.get(key) ?? receivedMs;
        this.firstChunk.delete(key);
        return { kind: 'complete', cameraId: r.cameraId, bundleId: r.bundleId, bytes: r.bytes, firstChunkMs: Math.min(first, receivedMs) };
      }
    }
  }

  /** Drop and report the partial bundles that timed out. */
  expire(nowMs: number): IncompleteBundle[] {
    const gone = this.reassembler.expire(nowMs);
    for (const e of gone) this.forget(e);
    return gone;
  }

  private forget(e: IncompleteBundle): void {
    this.firstChunk.delete(bundleKey(e.cameraId, e.bundleId));
    this.store.dropChunks(e.cameraId, e.bundleId);
  }
}
