/**
 * Stage 6, upload: outbox entries to the bucket, `concurrency` bundles at a time, each retried
 * with exponential backoff (retryBaseMs doubling up to retryMaxMs, with jitter) until the store
 * confirms every object; then s3-keys.ts names the record and the store moves it from the outbox to the index in one
 * transaction. Consent is checked again before every attempt and after the last object is
 * confirmed: a bundle whose consent was withdrawn or expired meanwhile is discarded, and every
 * object it may have put is deleted first, so S3 holds nothing the index (the owner's zone)
 * does not show.
 */
import { decodeBundle, type Bundle } from '../protocol/index.js';
import type { RelayConfig } from './config.js';
import { purposesInForce } from './consent.js';
import { DeriveError, type DerivedObject, type Deriver } from './derive.js';
import type { Metrics, WindowedLog } from './metrics.js';
import { isStorageError } from './storage.js';
import { contributionRecord, entryKeys, keyPrefix, objectTags } from './s3-keys.js';
import { flagKey } from '../operator/keys.js';
import type { CameraRegistry, Clock, ContributionRecord, ObjectStore, OutboxEntry, RelayStore } from './types.js';

export interface UploaderDeps {
  store: RelayStore;
  registry: CameraRegistry;
  objects: ObjectStore;
  deriver: Deriver;
  metrics: Metrics;
  problems: WindowedLog;
  clock: Clock;
  config: RelayConfig['upload'];
  /** Called after each contribution is recorded, with its MQTT-in to confirmed latency. */
  onUploaded?: (record: ContributionRecord, latencyMs: number) => void;
  /** A store failure: the relay pauses (disk full, read-only: storage.ts) or stops (anything else). */
  onFatal: (err: Error) => void;
  /**
   * Work that goes first (the alert stage's person detector): while it is busy, new uploads wait
   * for it, at most `config.alertsFirstMs` per busy spell. Uploads already running go on.
   */
  first?: { busy(): boolean; whenIdle(): Promise<void> };
}

/** How long an entry whose upload ended on a storage error waits before it is tried again, at most. */
const STORAGE_COOL_MS = 5000;

/** Decoded bundles kept for upload (~30-100 KB each with their masks): more wait only in the outbox. */
const DECODED_KEEP = 64;

/** Delay before retry number `attempt` (1-based): base * 2^(attempt-1), capped, times 0.5-1 jitter. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const full = Math.min(maxMs, baseMs * 2 ** Math.min(30, attempt - 1));
  return Math.round(full * (0.5 + random() / 2));
}

export class Uploader {
  private readonly inflight = new Set<number>();
  private scheduled = false;
  private stopping = false;
  private readonly sleepers = new Set<() => void>();
  private idleWaiters: (() => void)[] = [];
  private readonly jobs = new Set<Promise<void>>();
  private readonly cooling = new Set<NodeJS.Timeout>();
  /**
   * Bundles accepted by this process, already decoded by validate.ts, by outbox id: the upload
   * takes its bundle from here instead of decoding (and CRC-checking) the stored bytes again.
   * Bounded; an entry not found here (not kept, or resumed after a restart) is decoded.
   */
  private readonly decoded = new Map<number, Bundle>();
  /** When new uploads began to wait for `first` (NaN: not waiting), and whether a wake-up is set. */
  private heldSince = NaN;
  private holding = false;

  constructor(private readonly d: UploaderDeps) {}

  /**
   * A bundle just accepted into the outbox as entry `id`, decoded. Kept only while fewer than
   * DECODED_KEEP are waiting: uploads take the oldest entries first, so when the outbox has a
   * backlog the newest would be evicted before their turn; those are decoded when it comes.
   */
  accepted(id: number, bundle: Bundle): void {
    if (this.decoded.size < DECODED_KEEP) this.decoded.set(id, bundle);
  }

  inflightCount(): number {
    return this.inflight.size;
  }

  /** Look for work soon (after an accept, or periodically). */
  notify(): void {
    if (this.scheduled || this.stopping) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.fill();
    });
  }

  /** Resolves when the outbox is empty and nothing is uploading. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stop taking work, cut retry sleeps short, wait for running attempts to settle. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const wake of this.sleepers) wake();
    for (const t of this.cooling) clearTimeout(t);
    await Promise.allSettled([...this.jobs]);
  }

  private isIdle(): boolean {
    return this.inflight.size === 0 && this.d.store.pendingCount() === 0;
  }

  /**
   * True when new uploads should wait for `first` now; then a wake-up is set for when it is idle
   * or the wait's bound (alertsFirstMs from the first wait of this busy spell) has passed.
   */
  private yieldFirst(): boolean {
    const first = this.d.first;
    const max = this.d.config.alertsFirstMs ?? 0;
    if (!first || max <= 0 || !first.busy()) {
      this.heldSince = NaN;
      return false;
    }
    const now = performance.now(); // a scheduling bound: monotonic time, not the relay's (injectable) clock
    if (Number.isNaN(this.heldSince)) this.heldSince = now;
    const left = this.heldSince + max - now;
    if (left <= 0) return false; // waited long enough this spell: contributions must not starve
    if (!this.holding) {
      this.holding = true;
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, left)).unref());
      void Promise.race([first.whenIdle(), bound]).then(() => {
        clearTimeout(timer);
        this.holding = false;
        this.notify();
      });
    }
    return true;
  }

  private fill(): void {
    if (this.stopping) return;
    const free = this.d.config.concurrency - this.inflight.size;
    if (free > 0 && this.d.store.pendingCount() > 0 && this.yieldFirst()) return;
    if (free > 0) {
      let entries: OutboxEntry[];
      try {
        entries = this.d.store.pending(free, this.inflight, this.d.clock());
      } catch (err) {
        this.d.onFatal(err as Error);
        return;
      }
      for (const e of entries) {
        this.inflight.add(e.id);
        const job: Promise<void> = this.run(e).then(
          () => this.release(e.id, job, false),
          (err) => {
            this.d.onFatal(err as Error);
            this.release(e.id, job, isStorageError(err));
          },
        );
        this.jobs.add(job);
      }
    }
    if (this.idleWaiters.length && this.isIdle()) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of w) resolve();
    }
  }

  /**
   * An upload ended. One that ended on a storage error (disk full: its record could not be
   * written) keeps its place for a while, so it is not uploaded again in a tight loop.
   */
  private release(id: number, job: Promise<void>, cool: boolean): void {
    this.jobs.delete(job);
    const free = () => {
      this.inflight.delete(id);
      this.notify();
    };
    if (!cool || this.stopping) return free();
    const t = setTimeout(() => {
      this.cooling.delete(t);
      free();
    }, Math.min(this.d.config.retryMaxMs, STORAGE_COOL_MS));
    t.unref();
    this.cooling.add(t);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(t);
        this.sleepers.delete(wake);
        resolve();
      };
      const t = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  /** Upload one entry until confirmed, discarded, or the uploader stops. */
  private async run(entry: OutboxEntry): Promise<void> {
    const { store, metrics, problems } = this.d;
    const known = this.decoded.get(entry.id);
    this.decoded.delete(entry.id);
    const decoded = known ? { ok: true as const, bundle: known } : decodeBundle(entry.bytes);
    if (!decoded.ok) {
      // Validated before it was stored; only disk corruption gets here.
      store.discard(entry.id, `bundle-${decoded.error.code}`);
      metrics.reject(entry.cameraId, 'stored-bundle-corrupt');
      return;
    }
    let objects: DerivedObject[] | null = null;
    let derivedFor = -1;
    const confirmed = new Set<string>();
    for (let attempt = entry.attempts; !this.stopping; attempt++) {
      const consent = purposesInForce(this.d.registry.get(entry.cameraId), entry.purposes, this.d.clock());
      if (!consent.ok) return this.withdrawn(entry, consent, 'before upload');
      store.renew?.(entry.id, this.d.clock());
      if (!objects || derivedFor !== consent.purposes) {
        try {
          objects = await this.d.deriver.derive(decoded.bundle, entry, consent.purposes);
        } catch (err) {
          if (!(err instanceof DeriveError)) throw err;
          store.discard(entry.id, err.reason);
          metrics.reject(entry.cameraId, err.reason);
          problems.problem(entry.cameraId, err.reason, `bundle ${entry.bundleId}: ${err.message}`);
          return;
        }
        derivedFor = consent.purposes;
        confirmed.clear();
      }
      try {
        // A reviewer flagged this bundle and the console deleted it: a redelivery is not stored again.
        if (await this.d.objects.exists?.(flagKey(entry.ownerId, entry.cameraId, entry.bundleId))) {
          return this.discardAndDelete(entry, 'flagged by a reviewer', 'flagged', `bundle ${entry.bundleId} was flagged by a reviewer`);
        }
        await this.putAll(entry, objects, consent.purposes, confirmed);
      } catch (err) {
        metrics.uploadRetries++;
        store.failed(entry.id, (err as Error).message);
        problems.problem(entry.cameraId, 'upload-failed', `bundle ${entry.bundleId}: ${(err as Error).name}: ${(err as Error).message} (retrying)`);
        await this.sleep(backoffMs(attempt + 1, this.d.config.retryBaseMs, this.d.config.retryMaxMs));
        continue;
      }
      // Consent may have changed while the objects went out: withdrawn, they are deleted again;
      // narrowed, they are put again with the new tags. Nothing awaits from here to complete().
      const after = purposesInForce(this.d.registry.get(entry.cameraId), entry.purposes, this.d.clock());
      if (!after.ok) return this.withdrawn(entry, after, 'during upload');
      if (after.purposes !== consent.purposes) continue;
      const now = this.d.clock();
      const record = contributionRecord(entry, consent.purposes, objects, now);
      store.complete(entry.id, record);
      metrics.uploaded++;
      const latency = now - entry.firstChunkMs;
      metrics.latency(latency);
      for (const o of objects) {
        metrics.objectsUploaded++;
        metrics.bytesUploaded += o.body.length;
      }
      this.d.onUploaded?.(record, latency);
      return;
    }
  }

  /** Consent gone before or during the upload: discarded, its objects deleted (discardAndDelete). */
  private withdrawn(entry: OutboxEntry, c: { reason: string; detail: string }, when: string): Promise<void> {
    return this.discardAndDelete(entry, `consent: ${c.reason}`, `withdrawn-${c.reason}`, `bundle ${entry.bundleId} discarded ${when}: ${c.detail}`);
  }

  /**
   * Delete every key this bundle may have put (by this process or one killed mid-upload: the keys
   * are deterministic), retrying until the store confirms, then record the discard ("<reason>;
   * objects deleted"). If the uploader stops first, the entry stays in the outbox and this
   * happens at the next start. All-or-nothing: S3 never keeps objects the index does not show.
   */
  private async discardAndDelete(entry: OutboxEntry, reason: string, metric: string, detail: string): Promise<void> {
    const { store, metrics, problems } = this.d;
    for (let attempt = 1; !this.stopping; attempt++) {
      try {
        await this.d.objects.delete(entryKeys(entry));
      } catch (err) {
        metrics.uploadRetries++;
        problems.problem(entry.cameraId, 'delete-failed', `bundle ${entry.bundleId}: discarded (${reason}), deleting its objects failed: ${(err as Error).message} (retrying)`);
        await this.sleep(backoffMs(attempt, this.d.config.retryBaseMs, this.d.config.retryMaxMs));
        continue;
      }
      store.discard(entry.id, `${reason}; objects deleted`);
      metrics.reject(entry.cameraId, metric);
      problems.problem(entry.cameraId, metric, `${detail}; its objects deleted`);
      return;
    }
  }

  /** Every object but meta.json in parallel, then meta.json: once it exists, the set is complete. */
  private async putAll(entry: OutboxEntry, objects: DerivedObject[], purposes: number, confirmed: Set<string>): Promise<void> {
    const prefix = keyPrefix(entry.ownerId, entry.cameraId, entry.captureTimeMs, entry.bundleId);
    const tags = objectTags(purposes);
    const put = async (o: DerivedObject) => {
      if (confirmed.has(o.name)) return;
      await this.d.objects.put({ key: prefix + o.name, body: o.body, contentType: o.contentType, tags });
      confirmed.add(o.name);
    };
    const last = objects[objects.length - 1];
    const results = await Promise.allSettled(objects.slice(0, -1).map(put));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    await put(last);
  }
}
