/**
 * The relay's production wiring, the one place that builds its adapters: SQLite (the home
 * database, src/adapters/sqlite-schema.ts), S3 (the AWS SDK), sharp, MQTT, the status server.
 * Any port passed in is used instead (tests pass in-memory ones); `mqtt: false` leaves the relay
 * unconnected (feed it with relay.handle()).
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { dataFolderRoom } from '../adapters/fs-probe.js';
import { startStatusServer } from '../adapters/http-status.js';
import { startMqttIngest } from '../adapters/mqtt-ingest.js';
import { s3Store } from '../adapters/s3-store.js';
import { sharpCodec } from '../adapters/sharp-codec.js';
import { SqliteCameraRegistry } from '../adapters/sqlite-registry.js';
import { openDatabase, type SqliteDatabase } from '../adapters/sqlite-schema.js';
import { SqliteRelayStore } from '../adapters/sqlite-store.js';
import { consoleLogger, type Logger } from '../log.js';
import { BUNDLE_SUBSCRIPTION, EVENT_SUBSCRIPTION, FRAME_SUBSCRIPTION } from '../protocol/index.js';
import type { AlertChannel, PersonDetector } from '../alerts/types.js';
import type { AlertPolicy } from '../alerts/verdict.js';
import { SqliteEventHistory } from '../adapters/sqlite-alerts.js';
import { startAlertChannels } from '../alerts/start.js';
import { AlertStage } from './alerts.js';
import type { RelayConfig } from './config.js';
import { isStorageError, storageProblem } from './storage.js';
import { Relay, type RelayPorts } from './relay.js';
import type { CameraRegistry, Clock, ImageCodec, ObjectStore, RelayStore } from './types.js';

export interface StartRelayOptions {
  config: RelayConfig;
  store?: RelayStore;
  registry?: CameraRegistry;
  objects?: ObjectStore;
  codec?: ImageCodec;
  clock?: Clock;
  log?: Logger;
  /** Subscribe to the broker in config.broker (default true); false: feed it with handle(). */
  mqtt?: boolean;
  /**
   * Smart alerts (issue 14): subscribe to the event frames and events too, score them with the
   * person detector (default: adapters/person-models.ts, NanoDet 288x224 in one worker thread), keep the history
   * in the home database and `<dataDir>/alerts`, and call the channels. Absent/false: off.
   */
  alerts?: false | {
    detector?: PersonDetector; channels?: AlertChannel[]; policy?: Partial<AlertPolicy>;
    /** Detector worker threads when no detector is given (default: 1 when the machine has 2+ cores, else 0 = in this thread). */
    workers?: number;
  };
}

/** `quietcam/+/bundle`, or its MQTT 5 shared form `$share/<group>/quietcam/+/bundle` for relays sharing the load. */
export function bundleSubscription(c: RelayConfig): string {
  return c.broker.shareGroup ? `$share/${c.broker.shareGroup}/${BUNDLE_SUBSCRIPTION}` : BUNDLE_SUBSCRIPTION;
}

/** The relay's subscriptions: bundles, and with alerts on, event frames and events (shared forms alike). */
export function relaySubscriptions(c: RelayConfig, alerts: boolean): string[] {
  const share = (f: string) => (c.broker.shareGroup ? `$share/${c.broker.shareGroup}/${f}` : f);
  return alerts ? [bundleSubscription(c), share(FRAME_SUBSCRIPTION), share(EVENT_SUBSCRIPTION)] : [bundleSubscription(c)];
}

/** The alert stage on the home database (its own connection) and `<dataDir>/alerts`, the default detector NanoDet. */
async function alertStage(o: StartRelayOptions, registry: CameraRegistry, log: Logger, closers: (() => Promise<void> | void)[]): Promise<AlertStage | undefined> {
  if (!o.alerts) return undefined;
  const c = o.config;
  const db = openDatabase(join(c.dataDir, 'relay.db'));
  closers.push(() => {
    if (db.open) db.close();
  });
  let detector = o.alerts.detector;
  if (!detector) {
    const { startPersonDetector } = await import('../adapters/person-pool.js');
    detector = await startPersonDetector({ workers: o.alerts.workers ?? (availableParallelism() >= 2 ? 1 : 0) });
    const d = detector;
    closers.push(() => d.close());
  }
  const history = new SqliteEventHistory(db, join(c.dataDir, 'alerts'));
  // The owner's channels (MQTT + Home Assistant, webhook, Web Push) as set in the pages, unless the caller brings its own.
  let channels = o.alerts.channels;
  if (!channels) {
    const owners = startAlertChannels({
      dataDir: c.dataDir, db, broker: c.broker, log, clock: o.clock, mqtt: o.mqtt !== false,
      onDelivered: (a, to) => history.update(Number(a.eventId), { alertTo: to.join(',') }),
    });
    closers.push(() => owners.close());
    channels = [owners.stageChannel];
  }
  return new AlertStage({ detector, history, registry, channels, log, clock: o.clock, policy: o.alerts.policy });
}

/**
 * Open the home database; while the data folder cannot be written (read-only: SQLite cannot make
 * its WAL files; a new database on a full disk), wait and retry instead of dying into a restart
 * loop. Nothing is acknowledged meanwhile (not connected): the broker keeps the bundles.
 */
async function openWhenWritable(file: string, c: RelayConfig, log: Logger): Promise<SqliteDatabase> {
  for (let n = 0; ; n++) {
    try {
      const db = openDatabase(file);
      if (n > 0) log.info('relay: the data folder takes writes again; starting');
      return db;
    } catch (err) {
      if (!isStorageError(err)) throw err;
      if (n === 0) log.error(`relay waiting: ${storageProblem(err)}, cannot open its database; retrying every ${c.sqlite.storageRetryMs} ms (nothing is acknowledged meanwhile: the broker keeps the bundles)`);
      await new Promise((r) => setTimeout(r, c.sqlite.storageRetryMs));
    }
  }
}

/** The SQLite store and registry on `<dataDir>/relay.db`, unless both are given. */
async function sqlitePorts(o: StartRelayOptions, log: Logger, closers: (() => void)[]): Promise<{ store: RelayStore; registry: CameraRegistry }> {
  if (o.store && o.registry) return { store: o.store, registry: o.registry };
  const c = o.config;
  const db = await openWhenWritable(join(c.dataDir, 'relay.db'), c, log);
  closers.push(() => {
    if (db.open) db.close();
  });
  // relays sharing the file claim each upload with a lease (a random owner id per process)
  const lease = c.broker.shareGroup ? { owner: `${c.broker.clientId}/${randomBytes(6).toString('hex')}`, ms: c.upload.leaseMs } : undefined;
  return {
    store: o.store ?? new SqliteRelayStore(db, { synchronous: c.sqlite.synchronous, lease }),
    registry: o.registry ?? new SqliteCameraRegistry(db),
  };
}

/**
 * Build the production ports (those not given) and start the relay.
 * @example const relay = await startRelay({ config: loadConfig() }); ... await relay.stop();
 */
export async function startRelay(o: StartRelayOptions): Promise<Relay> {
  const c = o.config;
  const log = o.log ?? consoleLogger();
  const closers: (() => Promise<void> | void)[] = [];
  const { store, registry } = await sqlitePorts(o, log, closers);
  // room for the outbox's upload records once the disk is full (src/relay/storage.ts), in the
  // data folder of the database opened here (none when the caller gives the store and registry)
  const room = o.store && o.registry ? undefined : dataFolderRoom(c.dataDir, c.sqlite.reserveBytes);
  let objects = o.objects;
  if (!objects) {
    const s3 = s3Store(c.s3);
    closers.push(() => s3.close?.());
    objects = s3;
  }
  let alerts: AlertStage | undefined;
  try {
    alerts = await alertStage(o, registry, log, closers);
  } catch (err) {
    for (const close of closers.reverse()) await close();
    throw err;
  }
  const ports: RelayPorts = {
    config: c, store, registry, objects, log, clock: o.clock, closers, alerts,
    storageRoom: room,
    codec: o.codec ?? sharpCodec({ jpegQuality: c.images.backgroundJpegQuality }),
    shared: !!c.broker.shareGroup,
  };
  if (c.status.port !== null) {
    const status = { host: c.status.host, port: c.status.port };
    ports.serveStatus = (relay) => startStatusServer(relay, status);
  }
  if (o.mqtt !== false) {
    ports.connectIngest = (onMessage) => startMqttIngest({
      ...c.broker, protocolVersion: c.broker.shareGroup ? 5 : 4, subscription: relaySubscriptions(c, !!alerts), log, onMessage,
    });
  }
  try {
    return await Relay.start(ports);
  } catch (err) {
    for (const close of closers.reverse()) await close();
    throw err;
  }
}
