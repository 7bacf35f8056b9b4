/**
 * The acknowledgement path: ingest -> reassemble -> validate -> outbox, synchronous, one MQTT
 * message at a time. When `handle` returns, whatever the message contributed is committed (a
 * journalled chunk, or an outbox entry); when it returns a promise (the message completed a
 * bundle), the PUBACK waits for it too: the outbox entry is then fsynced (store.durable()). Bad
 * input is counted and logged and returns normally (it is acknowledged: redelivering it would not
 * make it better); only a failing store throws or rejects, and then no PUBACK is sent.
 */
import type { Bundle, IncompleteBundle } from '../protocol/index.js';
import { readU32 } from '../protocol/bytes.js';
import { bundleKey, ingest, RecentKeys } from './ingest.js';
import type { Metrics, WindowedLog } from './metrics.js';
import { ReassembleStage } from './reassemble.js';
import { SharedReassembleStage, type SharedStore } from './shared-reassemble.js';
import type { RelayConfig } from './config.js';
import type { CameraRegistry, Clock, IngestMessage, OutboxEntry, RelayStore } from './types.js';
import { validate } from './validate.js';

export interface PipelineDeps {
  store: RelayStore;
  registry: CameraRegistry;
  metrics: Metrics;
  problems: WindowedLog;
  clock: Clock;
  reassembly: RelayConfig['reassembly'];
  /** The store is shared with other relays: reassemble through its journal (shared-reassemble.ts). */
  shared?: boolean;
  /** A new outbox entry is ready for upload; `bundle` is its decoded content (validate.ts). */
  onAccepted: (entry: OutboxEntry, bundle: Bundle) => void;
  /**
   * A bundle is in the outbox and durable (just stored and fsynced, or stored before and sent again):
   * the relay acknowledges it end to end to its camera (ack.ts). Called once per store, and again
   * for each re-sent copy's last chunk.
   */
  onStored?: (cameraId: string, bundleId: string, bundleCrc: number) => void;
  /** Validation refused a reassembled bundle: the relay may answer with a signed refusal (ack.ts decides). */
  onRefused?: (cameraId: string, bundleId: string, bytes: Uint8Array, reason: string) => void;
  /** The last chunk of a recently rejected bundle came again (ack.ts answers a refused one again). */
  onRejectedResent?: (cameraId: string, bundleId: string, bundleCrc: number) => void;
}

export class Pipeline {
  private stage: ReassembleStage | SharedReassembleStage;
  private readonly rejected = new RecentKeys(4096);
  /** Cameras found in the registry (never removed from it): one registry read per camera, not per chunk. */
  private readonly known = new Set<string>();

  constructor(private readonly d: PipelineDeps) {
    if (d.shared && !(d.store.addChunkAndCollect && d.store.dropStaleChunks && d.store.journalled && d.store.dropExcessBundles)) throw new Error('a shared relay needs a store that can be shared (SQLite)');
    this.stage = this.newStage();
  }

  private newStage(): ReassembleStage | SharedReassembleStage {
    const d = this.d;
    return d.shared ? new SharedReassembleStage(d.store as SharedStore, d.reassembly) : new ReassembleStage(d.store, d.reassembly);
  }

  /**
   * After a storage pause: forget what the reassembler holds and replay the journal, as a restart
   * would. A bundle whose outbox commit failed is otherwise remembered as completed, and its
   * redelivered chunks (never acknowledged) would be taken for duplicates.
   */
  reset(): number {
    this.stage = this.newStage();
    return this.replay();
  }

  partialCount(): number {
    return this.stage.partialCount();
  }

  retainedBytes(): number {
    return this.stage.retainedBytes();
  }

  /** Feed the journal back into the reassembler (at start, before MQTT connects). */
  replay(): number {
    const chunks = this.d.store.journal();
    const now = this.d.clock();
    for (const c of chunks) {
      // Timeouts restart now: the rest of the bundle may be waiting at the broker.
      const r = this.stage.push(c.bytes, now, c.receivedMs, false);
      // Its chunks were acknowledged long ago, so no acknowledgement waits for this fsync; a failing
      // disk fails the next message that does wait for one.
      if (r.kind === 'complete') this.complete(r.cameraId, r.bundleId, r.bytes, r.firstChunkMs)?.catch(() => undefined);
      else if (r.kind === 'partial') this.incomplete(r.incomplete);
    }
    return chunks.length;
  }

  /** Handle one MQTT message; see the file comment. */
  handle(msg: IngestMessage): Promise<void> | undefined {
    const { metrics } = this.d;
    metrics.chunksReceived++;
    const r = ingest(msg, {
      isKnownCamera: (id) => this.isKnownCamera(id),
      store: this.d.store,
      rejected: this.rejected,
      isPartial: (key) => this.stage.isPartial(key),
    });
    switch (r.kind) {
      case 'rejected':
        if (r.key) this.rejected.add(r.key);
        this.reject(r.cameraId, r.reason, r.detail);
        return;
      case 'dropped':
        metrics.chunksDropped++;
        if (r.last && r.bundleId !== undefined && r.bundleCrc !== undefined) this.d.onRejectedResent?.(r.cameraId, r.bundleId, r.bundleCrc);
        return;
      case 'duplicate':
        metrics.chunksDuplicate++;
        if (r.last && r.bundleId !== undefined && r.bundleCrc !== undefined) this.d.onStored?.(r.cameraId, r.bundleId, r.bundleCrc);
        return;
    }
    const a = this.stage.push(msg.payload, this.d.clock(), msg.receivedMs);
    switch (a.kind) {
      case 'duplicate':
        metrics.chunksDuplicate++;
        return;
      case 'rejected':
        if (a.bundleId) this.rejected.add(bundleKey(a.cameraId, a.bundleId));
        this.reject(a.cameraId, a.reason, a.detail);
        return;
      case 'partial':
        this.incomplete(a.incomplete);
        return;
      case 'complete':
        return this.complete(a.cameraId, a.bundleId, a.bytes, a.firstChunkMs);
    }
  }

  private isKnownCamera(cameraId: string): boolean {
    if (this.known.has(cameraId)) return true;
    if (!this.d.registry.get(cameraId)) return false;
    if (this.known.size >= 65536) this.known.clear(); // bounded: a registry that large is read again
    this.known.add(cameraId);
    return true;
  }

  /** Drop and report timed-out partial bundles. */
  expire(): void {
    this.incomplete(this.stage.expire(this.d.clock()));
  }

  /** Validate and store a reassembled bundle; a promise when it entered the outbox (its fsync). */
  private complete(cameraId: string, bundleId: string, bytes: Uint8Array, firstChunkMs: number): Promise<void> | undefined {
    const { metrics, store } = this.d;
    metrics.bundlesCompleted++;
    const v = validate({ cameraId, bundleId, bytes, firstChunkMs, nowMs: this.d.clock() }, this.d.registry);
    if (!v.ok) {
      store.dropChunks(cameraId, bundleId);
      this.rejected.add(bundleKey(cameraId, bundleId));
      this.reject(cameraId, v.reason, v.detail);
      this.d.onRefused?.(cameraId, bundleId, bytes, v.reason);
      return;
    }
    const entry = store.accept(v.entry);
    const crc = readU32(bytes, bytes.length - 4); // the bundle's own CRC-32 (little-endian, its last 4 bytes)
    const stored = () => this.d.onStored?.(cameraId, bundleId, crc);
    if (entry === 'duplicate') {
      metrics.bundlesDuplicate++;
      stored();
      return;
    }
    metrics.bundlesAccepted++;
    const durable = store.durable();
    this.d.onAccepted(entry, v.bundle);
    // The end-to-end ack leaves only once the entry is fsynced (a failed fsync fails the relay: no ack).
    return durable.then(stored);
  }

  private incomplete(list: IncompleteBundle[]): void {
    for (const e of list) {
      this.d.metrics.incomplete[e.reason]++;
      this.d.problems.problem(e.cameraId, `incomplete-${e.reason}`, `bundle ${e.bundleId}: ${e.received} of ${e.total} chunks, given up (${e.reason})`);
    }
  }

  private reject(cameraId: string, reason: string, detail: string): void {
    this.d.metrics.reject(cameraId, reason);
    this.d.problems.problem(cameraId, reason, detail);
  }
}
