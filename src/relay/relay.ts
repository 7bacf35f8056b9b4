/**
 * The relay: wires the stages (pipeline.ts: ingest -> reassemble -> validate -> outbox;
 * upload.ts: derive -> upload -> record) to the ports it is given. It imports no adapter: main.ts
 * builds the production ones (SQLite, S3, sharp, MQTT, the status server); tests pass in-memory ports.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from '../log.js';
import { parseTopic, type Bundle } from '../protocol/index.js';
import type { RelayConfig } from './config.js';
import { Acknowledger } from './ack.js';
import { seedRegistry } from './consent.js';
import { Deriver } from './derive.js';
import { Metrics, WindowedLog } from './metrics.js';
import { Pipeline } from './pipeline.js';
import type { RelayStatus } from './status.js';
import { isStorageError, StoragePause } from './storage.js';
import type { CameraRegistry, Clock, ContributionRecord, ImageCodec, IngestMessage, ObjectStore, OutboxEntry, RelayStore } from './types.js';
import { Uploader } from './upload.js';

/** A connection that hands the relay its messages (MQTT in production: adapters/mqtt-ingest.ts). */
export interface IngestConnection {
  connected(): boolean;
  stop(): Promise<void>;
  /** Publish one message (QoS 1, not retained): the end-to-end acks (ack.ts). Absent: no acks are sent. */
  publish?(topic: string, payload: Uint8Array): void;
}

/** Everything the relay runs on. Only `config`, `store`, `registry`, `objects` and `codec` are required. */
export interface RelayPorts {
  config: RelayConfig;
  store: RelayStore;
  registry: CameraRegistry;
  objects: ObjectStore;
  codec: ImageCodec;
  clock?: Clock;
  log: Logger;
  /** Connects to the bundles' source, calling `onMessage` per message; absent: feed the relay with handle(). */
  connectIngest?: (onMessage: (msg: IngestMessage) => Promise<void> | undefined) => Promise<IngestConnection>;
  /**
   * The data folder's room (adapters/fs-probe.ts): `probe` throws until it takes writes again,
   * `release` frees the reserve when the disk fills. Absent: a paused relay retries on every tick.
   */
  storageRoom?: { probe(): Promise<void> | void; release(): void };
  /** Serves the status page; absent: none. */
  serveStatus?: (relay: Relay) => Promise<{ url: string; stop(): Promise<void> | void }>;
  /** Run after the relay stopped, last first (what main opened: the database, the S3 client). */
  closers?: (() => Promise<void> | void)[];
  /**
   * The store is shared with other relays (MQTT shared subscription): a bundle's chunks may reach
   * different relays, so reassembly goes through the store's journal (shared-reassemble.ts).
   */
  shared?: boolean;
  /**
   * Smart alerts (alerts.ts AlertStage): takes the event frame and event topics; `tick` runs every
   * minute (open events closed, history past retention deleted). Absent: those topics are refused.
   */
  alerts?: { handle(msg: IngestMessage): void; tick(): number; whenIdle(): Promise<void>; busy(): boolean };
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
  /** End-to-end acks to the cameras (sent / unsent counts). */
  readonly acks: Acknowledger;
  private state: 'running' | 'failed' = 'running';
  /** Disk full or read-only: not acknowledging, uploads go on, resumes by itself (storage.ts). */
  private readonly storage: StoragePause;
  private connectIngest: RelayPorts['connectIngest'];
  /** Seeding the registry and replaying the journal at start failed on storage: redo them on resume. */
  private startWorkPending = false;
  private failure: string | undefined;
  private readonly startedMs: number;
  private readonly problems: WindowedLog;
  private readonly pipeline: Pipeline;
  private readonly uploader: Uploader;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly closers: (() => Promise<void> | void)[] = [];
  private ingest: IngestConnection | null = null;
  readonly alerts: RelayPorts['alerts'];
  private stopped = false;

  readonly config: RelayConfig;
  readonly store: RelayStore;
  readonly registry: CameraRegistry;
  /** The bucket port (adapters/s3-store.ts S3Store in production: tests reach its SDK client). */
  readonly objects: ObjectStore;
  private readonly log: Logger;

  private constructor(p: RelayPorts, deriver: Deriver, private readonly clock: Clock) {
    super();
    this.config = p.config;
    this.store = p.store;
    this.registry = p.registry;
    this.objects = p.objects;
    this.log = p.log;
    this.alerts = p.alerts;
    this.startedMs = clock();
    this.problems = new WindowedLog(p.log, p.config.log.windowMs);
    this.connectIngest = p.connectIngest;
    this.storage = new StoragePause({ retryMs: p.config.sqlite.storageRetryMs, log: p.log, probe: () => p.storageRoom?.probe(), release: () => p.storageRoom?.release(), resume: () => this.resume() });
    const { store, registry, objects } = p;
    this.acks = new Acknowledger(registry, p.log);
    this.uploader = new Uploader({
      store, registry, objects, deriver, metrics: this.metrics, problems: this.problems, clock, config: p.config.upload,
      onFatal: (err: Error) => this.trouble(err),
      onUploaded: (record, latency) => this.emit('uploaded', record, latency),
      first: p.alerts,
    });
    this.pipeline = new Pipeline({
      store, registry, metrics: this.metrics, problems: this.problems, clock, reassembly: p.config.reassembly, shared: p.shared ?? false,
      onAccepted: (entry: OutboxEntry, bundle: Bundle) => {
        this.emit('accepted', entry);
        this.uploader.accepted(entry.id, bundle);
        this.uploader.notify();
      },
      onStored: (cameraId, bundleId, crc) => this.acks.stored(cameraId, bundleId, crc),
      onRefused: (cameraId, bundleId, bytes, reason) => this.acks.refused(cameraId, bundleId, bytes, reason),
      onRejectedResent: (cameraId, bundleId, crc) => this.acks.resent(cameraId, bundleId, crc),
    });
  }

  /**
   * Seed the registry, replay the chunk journal, resume the outbox, connect, serve status.
   * @example const relay = await Relay.start(ports); ... await relay.stop(); // or main.ts startRelay()
   */
  static async start(p: RelayPorts): Promise<Relay> {
    const c = p.config;
    const clock = p.clock ?? Date.now;
    const relay = new Relay(p, new Deriver(p.codec, c.images), clock);
    relay.closers.push(...(p.closers ?? []));
    try {
      await p.storageRoom?.probe(); // no room for the reserve: start paused, not into the last free bytes
      relay.startWork();
    } catch (err) {
      if (!isStorageError(err)) {
        await relay.stop();
        throw err;
      }
      relay.startWorkPending = true;
      relay.storage.trip(err); // no crash loop: serve the status page, upload the outbox, wait for the disk
    }
    relay.uploader.notify();
    relay.timers.push(setInterval(() => relay.tick(), c.reassembly.expireEveryMs));
    if (p.alerts) relay.timers.push(setInterval(() => relay.alertsTick(), 60000));
    for (const t of relay.timers) t.unref();
    try {
      if (p.serveStatus) {
        const server = await p.serveStatus(relay);
        relay.statusUrl = server.url;
        relay.closers.push(() => server.stop());
      }
      if (!relay.storage.paused) await relay.openIngest();
    } catch (err) {
      await relay.stop();
      throw err;
    }
    return relay;
  }

  /** Periodic (every minute): the alert stage's open events and retention. */
  private alertsTick(): void {
    try {
      this.alerts?.tick();
    } catch (err) {
      this.log.error(`alerts: ${(err as Error).message}`);
    }
  }

  /** Seed the registry from the config (never widening consent), replay the chunk journal. */
  private startWork(): void {
    seedRegistry(this.registry, this.config.cameras, this.clock());
    const replayed = this.pipeline.replay();
    const pending = this.store.pendingCount();
    if (replayed || pending) this.log.info(`resumed: ${replayed} journalled chunks replayed, ${pending} bundles in the outbox`);
  }

  /** After a storage pause: finish the start's work if it failed, then take messages again. */
  private async resume(): Promise<void> {
    if (this.stopped || this.state === 'failed') return;
    if (this.startWorkPending) {
      this.startWork();
      this.startWorkPending = false;
    } else {
      this.pipeline.reset(); // as a restart: unacknowledged chunks come again from the broker
    }
    this.uploader.notify();
    await this.openIngest();
  }

  /** Connect to the broker (unless connected): messages in, end-to-end acks out on the same client. */
  private async openIngest(): Promise<void> {
    if (!this.connectIngest || this.ingest) return;
    const ingest = await this.connectIngest((msg) => this.handle(msg));
    this.ingest = ingest;
    if (ingest.publish) this.acks.connect((topic, payload) => ingest.publish!(topic, payload));
  }

  /** A store error: storage trouble pauses (storage.ts), anything else stops the relay. */
  private trouble(err: Error): void {
    if (!isStorageError(err)) return this.fail(err);
    this.storage.trip(err);
    const ingest = this.ingest;
    this.ingest = null;
    this.acks.connect(null);
    void ingest?.stop(); // unacknowledged messages stay with the broker
  }

  /** Periodic: give up timed-out partial bundles, look for uploads to (re)start. */
  private tick(): void {
    try {
      this.pipeline.expire();
    } catch (err) {
      this.trouble(err as Error);
    }
    this.uploader.notify();
  }

  /**
   * Take one MQTT message. Its effect is committed when this returns, and durable then too, or,
   * when it returns a promise (the message completed a bundle), once that resolves: only then may
   * it be acknowledged. Throws or rejects only when the store fails (the relay then stops: see
   * `failed`).
   */
  handle(msg: IngestMessage): Promise<void> | undefined {
    if (this.state === 'failed') throw new Error(`relay failed: ${this.failure}`);
    if (this.storage.paused) throw new Error(`relay paused: ${this.storage.reason}`);
    if (this.alerts) {
      // Event frames and event messages: alerts only, acknowledged at once (not journalled: a lost frame costs an alert, never a contribution).
      const kind = parseTopic(msg.topic)?.kind;
      if (kind === 'frame' || kind === 'event') {
        this.alerts.handle(msg);
        return undefined;
      }
    }
    let durable: Promise<void> | undefined;
    try {
      durable = this.pipeline.handle(msg);
    } catch (err) {
      this.trouble(err as Error);
      throw err;
    }
    return durable?.catch((err: Error) => {
      this.trouble(err);
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
      state: this.state === 'running' && this.storage.paused ? 'paused' : this.state,
      failure: this.failure ?? this.storage.reason ?? undefined,
      storage: { problem: this.storage.kind, pauses: this.storage.pauses },
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
        acks: { sent: this.acks.sent, unsent: this.acks.unsent, refusals: this.acks.refusals },
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
    this.storage.stop();
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
