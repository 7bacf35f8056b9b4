/**
 * The relay: wires the stages (pipeline.ts: ingest -> reassemble -> validate -> outbox;
 * upload.ts: derive -> upload -> record) to their ports. Every port has a production default
 * (SQLite in `<dataDir>/relay.db`, S3 from config.s3, sharp, MQTT from config.broker), loaded only
 * when not passed in, so tests can run the same relay on in-memory ports.
 */
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { BUNDLE_SUBSCRIPTION } from '../protocol/index.js';
import { installNativeCrc32 } from './adapters/native-crc32.js';
import type { RelayConfig } from './config.js';
import { seedRegistry } from './consent.js';
import { Deriver, type BundleDeriver } from './derive.js';
import { consoleLogger, Metrics, WindowedLog } from './metrics.js';
import { Pipeline } from './pipeline.js';
import type { RelayStatus } from './status.js';
import type { CameraRegistry, Clock, ContributionRecord, ImageCodec, IngestMessage, Logger, ObjectStore, OutboxEntry, RelayStore } from './types.js';
import { Uploader } from './upload.js';

export interface RelayOptions {
  config: RelayConfig;
  store?: RelayStore;
  registry?: CameraRegistry;
  objects?: ObjectStore;
  codec?: ImageCodec;
  clock?: Clock;
  log?: Logger;
  /** Subscribe to the broker in config.broker (default true); false: feed it with handle(). */
  mqtt?: boolean;
  /** When the configured status port is taken, use any free port (default false). */
  statusFallback?: boolean;
}

export interface RelayEvents {
  accepted: [entry: OutboxEntry];
  uploaded: [record: ContributionRecord, latencyMs: number];
  failed: [error: Error];
}

export class Relay extends EventEmitter<RelayEvents> {
  /** Status page URL, when serving one. */
  statusUrl: string | null = null;
  readonly metrics = new Metrics();
  private state: 'running' | 'failed' = 'running';
  private failure: string | undefined;
  private readonly startedMs: number;
  private readonly problems: WindowedLog;
  private readonly pipeline: Pipeline;
  private readonly uploader: Uploader;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly closers: (() => Promise<void> | void)[] = [];
  private ingest: { connected(): boolean; stop(): Promise<void> } | null = null;
  private stopped = false;

  private constructor(
    readonly config: RelayConfig,
    readonly store: RelayStore,
    readonly registry: CameraRegistry,
    /** The bucket port (adapters/s3-store.ts S3Store by default: tests reach its SDK client). */
    readonly objects: ObjectStore,
    private readonly deriver: BundleDeriver,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    super();
    this.startedMs = clock();
    this.problems = new WindowedLog(log, config.log.windowMs);
    const onFatal = (err: Error) => this.fail(err);
    this.uploader = new Uploader({
      store, registry, objects, metrics: this.metrics, problems: this.problems, clock, config: config.upload, onFatal,
      deriver: this.deriver,
      onUploaded: (record, latency) => this.emit('uploaded', record, latency),
    });
    this.pipeline = new Pipeline({
      store, registry, metrics: this.metrics, problems: this.problems, clock, reassembly: config.reassembly,
      onAccepted: (entry, bundle) => {
        this.emit('accepted', entry);
        this.uploader.accepted(entry.id, bundle);
        this.uploader.notify();
      },
    });
  }

  /**
   * Open the ports, replay the chunk journal, resume the outbox, connect to the broker, serve status.
   * @example const relay = await Relay.start({ config: loadConfig() }); ... await relay.stop();
   */
  static async start(o: RelayOptions): Promise<Relay> {
    const c = o.config;
    const log = o.log ?? consoleLogger();
    installNativeCrc32();
    const closers: (() => Promise<void> | void)[] = [];
    let store = o.store;
    let registry = o.registry;
    if (!store || !registry) {
      const { openRelayDb, SqliteRelayStore } = await import('./adapters/sqlite-store.js');
      const { SqliteCameraRegistry } = await import('./adapters/sqlite-registry.js');
      const db = openRelayDb(join(c.dataDir, 'relay.db'));
      closers.push(() => {
        if (db.open) db.close();
      });
      store ??= new SqliteRelayStore(db, { synchronous: c.sqlite.synchronous });
      registry ??= new SqliteCameraRegistry(db);
    }
    let objects = o.objects;
    /** The S3 thread reports a start failure through the relay, or here until it exists. */
    let started: Relay | undefined;
    let failedEarly: Error | undefined;
    if (!objects) {
      if (c.s3.thread) {
        const { S3Thread } = await import('./adapters/s3-thread.js');
        objects = new S3Thread(c.s3, (err) => (started ? started.fail(err) : (failedEarly = err)));
      } else {
        const { s3Store } = await import('./adapters/s3-store.js');
        objects = s3Store(c.s3);
      }
      const s3 = objects;
      closers.push(() => s3.close?.());
    }
    let deriver: BundleDeriver;
    if (o.codec) {
      deriver = new Deriver(o.codec, c.images);
    } else if (c.images.thread) {
      const { WorkerDeriver } = await import('./adapters/worker-deriver.js');
      deriver = new WorkerDeriver(c.images);
    } else {
      const { sharpCodec } = await import('./adapters/sharp-codec.js');
      deriver = new Deriver(sharpCodec({ jpegQuality: c.images.backgroundJpegQuality }), c.images);
    }
    closers.push(() => deriver.close?.());
    const clock = o.clock ?? Date.now;
    seedRegistry(registry, c.cameras, clock());
    const relay = new Relay(c, store, registry, objects, deriver, clock, log);
    started = relay;
    if (failedEarly) relay.fail(failedEarly);
    relay.closers.push(...closers);
    const replayed = relay.pipeline.replay();
    const pending = store.pendingCount();
    if (replayed || pending) log.info(`resumed: ${replayed} journalled chunks replayed, ${pending} bundles in the outbox`);
    relay.uploader.notify();
    relay.timers.push(setInterval(() => {
      try {
        relay.pipeline.expire();
      } catch (err) {
        relay.fail(err as Error);
      }
      relay.uploader.notify();
    }, c.reassembly.expireEveryMs));
    for (const t of relay.timers) t.unref();
    try {
      if (c.status.port !== null) {
        const { startStatusServer } = await import('./adapters/http-status.js');
        const server = await startStatusServer(relay, { host: c.status.host, port: c.status.port, fallback: o.statusFallback });
        relay.statusUrl = server.url;
        relay.closers.push(() => server.stop());
      }
      if (o.mqtt !== false) {
        const { startMqttIngest } = await import('./adapters/mqtt-ingest.js');
        relay.ingest = await startMqttIngest({
          ...c.broker, subscription: BUNDLE_SUBSCRIPTION, log, onMessage: (msg) => relay.handle(msg),
        });
      }
    } catch (err) {
      await relay.stop();
      throw err;
    }
    return relay;
  }

  /**
   * Take one MQTT message. Its effect is committed when this returns, and durable then too, or,
   * when it returns a promise (the message completed a bundle), once that resolves: only then may
   * it be acknowledged. Throws or rejects only when the store fails (the relay then stops: see
   * `failed`).
   */
  handle(msg: IngestMessage): Promise<void> | undefined {
    if (this.state === 'failed') throw new Error(`relay failed: ${this.failure}`);
    let durable: Promise<void> | undefined;
    try {
      durable = this.pipeline.handle(msg);
    } catch (err) {
      this.fail(err as Error);
      throw err;
    }
    return durable?.catch((err: Error) => {
      this.fail(err);
      throw err;
    });
  }

  /** Resolves once the outbox is empty and no upload is running. */
  whenIdle(): Promise<void> {
    return this.uploader.whenIdle();
  }

  contributions(filter: { ownerId?: string; cameraId?: string; limit?: number } = {}): ContributionRecord[] {
    return this.store.contributions(filter);
  }

  status(): RelayStatus {
    const m = this.metrics;
    const s3 = this.config.s3;
    const byCamera: Record<string, Record<string, number>> = {};
    for (const [cam, reasons] of m.rejectedByCamera) byCamera[cam] = Object.fromEntries(reasons);
    let pending = -1;
    try {
      pending = this.store.pendingCount();
    } catch {
      // store closed or failed: reported as -1
    }
    return {
      startedAt: new Date(this.startedMs).toISOString(),
      uptimeS: Math.round((this.clock() - this.startedMs) / 1000),
      state: this.state,
      failure: this.failure,
      broker: { url: this.config.broker.url, connected: this.ingest?.connected() ?? false },
      bucket: { endpoint: s3.endpoint ?? `AWS S3 (${s3.region})`, region: s3.region, bucket: s3.bucket, sse: s3.sse },
      counts: {
        chunksReceived: m.chunksReceived,
        chunksDuplicate: m.chunksDuplicate,
        chunksDropped: m.chunksDropped,
        received: m.bundlesCompleted,
        accepted: m.bundlesAccepted,
        duplicate: m.bundlesDuplicate,
        rejected: m.rejectedTotal(),
        uploaded: m.uploaded,
        pending,
        uploading: this.uploader.inflightCount(),
        retries: m.uploadRetries,
        incomplete: { ...m.incomplete },
        partial: this.pipeline.partialCount(),
        partialBytes: this.pipeline.retainedBytes(),
        objectsUploaded: m.objectsUploaded,
        bytesUploaded: m.bytesUploaded,
        viewsDecodedBySharp: this.deriver.counts.viewsDecodedBySharp,
        backgroundsEncodedBySharp: this.deriver.counts.backgroundsEncodedBySharp,
      },
      rejectedByReason: Object.fromEntries(m.rejected),
      rejectedByCamera: byCamera,
      latencyMs: m.latencyQuantiles(),
    };
  }

  /** Disconnect, finish running upload attempts, close the store. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    if (this.ingest) await this.ingest.stop();
    await this.uploader.stop();
    this.problems.stop();
    for (const close of this.closers.reverse()) await close();
  }

  private fail(err: Error): void {
    if (this.state === 'failed') return;
    this.state = 'failed';
    this.failure = err.message;
    this.log.error(`store failure, no longer acknowledging: ${err.stack ?? err.message}`);
    void this.ingest?.stop();
    void this.uploader.stop();
    this.emit('failed', err);
  }
}
