/**
 * The derive stage on a thread of its own (node:worker_threads, derive-worker-entry.ts), so its
 * ~2 ms of image work per bundle runs beside the event loop that reads MQTT and drives the S3
 * SDK instead of in between. That adds no capacity (the relay and its neighbours are CPU-bound on
 * two cores) but cuts the queueing on the main thread, which is 80-90% busy at 100 bundles/s.
 * Costs: a copy of each bundle (~25 KB) into the thread; the images come back moved where they
 * can be. If the thread dies, the bundles it held fail with DeriveUnavailable (the uploader
 * retries them after a backoff) and the next one starts a new thread (the cameras' background
 * evidence starts over).
 */
import type { Worker } from 'node:worker_threads';
import type { Bundle } from '../../protocol/index.js';
import type { RelayConfig } from '../config.js';
import { DeriveError, DeriveUnavailable, type BundleDeriver, type DeriveCounts, type DerivedObject } from '../derive.js';
import type { OutboxEntry } from '../types.js';
import { startThread } from './threads.js';

type Reply = { id: number; objects: DerivedObject[]; counts: DeriveCounts } | { id: number; error: { reason?: string; message: string } };

const ENTRY = new URL('./derive-worker-entry.ts', import.meta.url);

export class WorkerDeriver implements BundleDeriver {
  readonly counts: DeriveCounts = { viewsDecodedBySharp: 0, backgroundsEncodedBySharp: 0 };
  private worker: Worker | null = null;
  private readonly waiting = new Map<number, { resolve: (o: DerivedObject[]) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  /** Threads started so far (tests check the restart). */
  started = 0;

  /** Starts the thread now: loading its TypeScript through tsx takes ~0.5-5 s here, which the first bundle should not wait for. */
  constructor(private readonly images: RelayConfig['images']) {
    this.thread();
  }

  derive(b: Bundle, entry: OutboxEntry, purposes: number, nowMs: number): Promise<DerivedObject[]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      // the stored bytes are not needed there: the bundle is already decoded
      this.thread().postMessage({ id, bundle: b, entry: { ...entry, bytes: new Uint8Array(0) }, purposes, nowMs });
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    // A thread that dies before it ever answered cannot start at all (a broken install): that is
    // not retried but fails the relay, with the reason; one lost later is replaced.
    const w = startThread<Reply>(ENTRY, this.images, (m) => this.settle(m), (why, answered) => {
      if (this.worker === w) this.worker = null;
      const err = answered ? new DeriveUnavailable(`derive thread ${why}`) : new Error(`derive thread could not start: ${why}`);
      for (const [id, p] of this.waiting) {
        this.waiting.delete(id);
        p.reject(err);
      }
    });
    this.started++;
    this.worker = w;
    return w;
  }

  private settle(m: Reply): void {
    const p = this.waiting.get(m.id);
    if (!p) return;
    this.waiting.delete(m.id);
    if ('error' in m) {
      p.reject(m.error.reason ? new DeriveError(m.error.reason, m.error.message) : new Error(m.error.message));
      return;
    }
    Object.assign(this.counts, m.counts);
    p.resolve(m.objects);
  }
}
