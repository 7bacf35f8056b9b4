/**
 * The S3 adapter (s3-store.ts) on a thread of its own: the AWS SDK's ~0.5-0.8 ms of CPU per
 * PutObject (middleware, signing, HTTP), ~4-5 ms per bundle, was half of the relay's event loop's
 * work at 100 bundles/s; on its own thread it runs beside it. Puts made in one turn of the event
 * loop go over in one message, and their results come back gathered per turn of the thread's.
 * Bodies are copied once and moved (the uploader keeps its own for retries). If the thread dies,
 * the puts in it fail (the uploader retries them after a backoff) and the next put starts a new
 * thread; a thread that dies before it was ever ready is reported to `onFatal` (a broken install
 * is not retried). Measured in the relay bench: the event loop 92-96% busy at 100 bundles/s
 * without it, 49-62% with it, for about the same CPU in all.
 * @example const s3 = new S3Thread(config.s3, (err) => relay.fail(err)); await s3.put({ key, body, contentType, tags });
 */
import type { Worker } from 'node:worker_threads';
import type { S3Client } from '@aws-sdk/client-s3';
import type { RelayConfig } from '../config.js';
import type { PutRequest } from '../types.js';
import { s3Client, type S3Store, type SentPut } from './s3-store.js';
import type { ThreadReply, ThreadRequest } from './s3-thread-entry.js';
import { startThread } from './threads.js';

const ENTRY = new URL('./s3-thread-entry.ts', import.meta.url);

export class S3Thread implements S3Store {
  readonly bucket: string;
  /** Threads started so far (tests check the restart). */
  started = 0;
  private worker: Worker | null = null;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private queued: { id: number; req: PutRequest }[] = [];
  private nextId = 1;
  private readonly observers: ((req: SentPut) => void)[] = [];
  private mainClient: S3Client | null = null;
  private closed = false;

  /** Starts the thread now: loading it through tsx takes ~0.5-5 s here, which the first put should not wait for. */
  constructor(private readonly s3: RelayConfig['s3'], private readonly onFatal: (err: Error) => void = () => {}) {
    this.bucket = s3.bucket;
    this.thread();
  }

  /** A client with the same config on this thread, for reading back (tests, tools). */
  get client(): S3Client {
    return (this.mainClient ??= s3Client(this.s3));
  }

  observe(fn: (req: SentPut) => void): void {
    if (!this.observers.length) this.send({ observe: true });
    this.observers.push(fn);
  }

  put(req: PutRequest): Promise<void> {
    if (this.closed) return Promise.reject(new Error('S3 thread closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      if (!this.queued.length) queueMicrotask(() => this.flush());
      this.queued.push({ id, req });
    });
  }

  close(): void {
    this.closed = true;
    const w = this.worker;
    this.worker = null;
    void w?.terminate();
    this.mainClient?.destroy();
    this.rejectWaiting(new Error('S3 thread closed'));
  }

  private receive(m: ThreadReply): void {
    if ('settled' in m) {
      for (const s of m.settled) {
        const p = this.waiting.get(s.id);
        if (!p) continue;
        this.waiting.delete(s.id);
        if (!s.error) p.resolve();
        else p.reject(Object.assign(new Error(s.error.message), { name: s.error.name }));
      }
    } else if ('sent' in m) for (const fn of this.observers) fn(m.sent);
  }

  private rejectWaiting(err: Error): void {
    for (const [id, p] of this.waiting) {
      this.waiting.delete(id);
      p.reject(err);
    }
  }

  private flush(): void {
    const puts = this.queued;
    this.queued = [];
    if (!puts.length || this.closed) return; // closed: close() already failed them
    // Each body goes over as an exact copy, moved rather than cloned: the uploader keeps its own
    // for retries, and a view (1-view.jpg lies inside the bundle's bytes) would otherwise take
    // its whole buffer along.
    const moved: ArrayBuffer[] = [];
    for (const p of puts) {
      const body = p.req.body.slice();
      moved.push(body.buffer as ArrayBuffer);
      p.req = { ...p.req, body };
    }
    this.send({ puts }, moved);
  }

  private send(m: ThreadRequest, transfer: ArrayBuffer[] = []): void {
    if (!this.closed) this.thread().postMessage(m, transfer);
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    // its first message is { ready }: `answered` is whether it ever got that far
    const w = startThread<ThreadReply>(ENTRY, this.s3, (m) => this.receive(m), (why, answered) => {
      if (this.worker !== w) return; // closed: close() failed what was waiting
      this.worker = null;
      const err = new Error(answered ? `S3 thread ${why}` : `S3 thread could not start: ${why}`);
      this.rejectWaiting(err);
      if (!answered) this.onFatal(err);
    });
    this.started++;
    this.worker = w;
    if (this.observers.length) w.postMessage({ observe: true } satisfies ThreadRequest);
    return w;
  }
}
