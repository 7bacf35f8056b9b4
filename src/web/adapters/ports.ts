/**
 * The production ports: SQLite (the relay's database file), S3 (the relay's bucket) and MQTT (the
 * relay's broker), from the relay's config. Pass `objects`/`configPublisher` to replace one (tests).
 *
 * @example
 * const web = openWebPorts({ relay: loadConfig() });
 * const { app } = buildWebApp(web.ports);
 * ...; await web.close();
 */
import { join } from 'node:path';
import type { RelayConfig } from '../../relay/config.js';
import type { Clock, ConfigPublisher, ObjectAccess, WebPorts } from '../ports.js';
import { SqliteAccounts, SqliteSessions } from './sqlite-accounts.js';
import { SqliteCameras } from './sqlite-cameras.js';
import { SqliteReminders } from './sqlite-reminders.js';
import { SqliteAccessLog, SqliteContributions } from './sqlite-contributions.js';
import { openWebDb, type SqliteDatabase } from './sqlite-db.js';
import { mqttConfigPublisher } from './mqtt-config.js';
import { mqttCameraLink } from './mqtt-camera-link.js';
import { s3Objects } from './s3-objects.js';
import { configPayload } from '../consent.js';
import { serviceLogin } from '../../adapters/broker-users.js';
import { SqliteAlertSettings } from '../../adapters/sqlite-alert-settings.js';
import { SqliteEventHistory } from '../../adapters/sqlite-alerts.js';
import { loadOrCreateVapidKeys } from '../../adapters/vapid-keys.js';
import { s3OperatorBucket } from '../../adapters/s3-operator.js';
import { HomeChannel } from '../../operator/home.js';

export interface OpenWebPortsOptions {
  relay: RelayConfig;
  /** Default `<dataDir>/relay.db`; ':memory:' for tests. */
  dbFile?: string;
  /** An open database instead (tests share one with an in-process relay). */
  db?: SqliteDatabase;
  clock?: Clock;
  objects?: ObjectAccess;
  configPublisher?: ConfigPublisher;
  /** The channel to the review console; default: on the relay's bucket; null: none. */
  operator?: HomeChannel | null;
}

export interface OpenedWebPorts {
  ports: WebPorts;
  db: SqliteDatabase;
  close(): Promise<void>;
  /** Write every camera's consent record to S3 again (the console's copy); how many failed. */
  syncOperatorConsent(): Promise<number>;
}

/** The SQLite-backed ports on `db` (no network). */
export function sqlitePorts(db: SqliteDatabase) {
  return {
    accounts: new SqliteAccounts(db),
    sessions: new SqliteSessions(db),
    cameras: new SqliteCameras(db),
    contributions: new SqliteContributions(db),
    accessLog: new SqliteAccessLog(db),
    alerts: new SqliteAlertSettings(db),
    reminders: new SqliteReminders(db),
  };
}

export function openWebPorts(o: OpenWebPortsOptions): OpenedWebPorts {
  const ownsDb = !o.db;
  const db = o.db ?? openWebDb(o.dbFile ?? join(o.relay.dataDir, 'relay.db'));
  const sql = sqlitePorts(db);
  const s3 = o.objects ? null : s3Objects(o.relay.s3);
  const clock = o.clock ?? Date.now;
  const opBucket = o.operator === undefined ? s3OperatorBucket(o.relay.s3) : null;
  const operator = o.operator === undefined ? new HomeChannel(opBucket!, clock) : (o.operator ?? undefined);
  const ports: WebPorts = { ...sql, objects: o.objects ?? s3!, configPublisher: o.configPublisher ?? null!, clock, operator };
  // the relay's alert stage writes the event history (rows here, frames in <dataDir>/alerts); the pages read and delete it
  ports.history = new SqliteEventHistory(db, join(o.relay.dataDir, 'alerts'));
  const cameraIds = () => (db.prepare('SELECT camera_id FROM web_cameras').all() as { camera_id: string }[]).map((r) => r.camera_id);
  // Web Push: the home's VAPID key pair, made once in the data dir (the relay signs pushes with the same file)
  ports.vapidPublicKey = loadOrCreateVapidKeys(o.relay.dataDir).publicKey;
  let mqtt: ReturnType<typeof mqttConfigPublisher> | null = null;
  if (!o.configPublisher) {
    // on every (re)connect, re-publish every camera's retained config: changes made while the broker was away reach the boards
    const republish = () => {
      for (const id of cameraIds()) {
        const cam = sql.cameras.get(id);
        if (cam) mqtt!.publish(id, configPayload(cam)).catch(() => {});
      }
    };
    // the pages' own login (`quietcam-web` in <dataDir>/broker-users.json): the broker lets it publish retained configs only
    const login = serviceLogin(o.relay.dataDir, 'web');
    mqtt = mqttConfigPublisher({ url: o.relay.broker.url, ...login, caFile: o.relay.broker.caFile, onConnect: republish });
    ports.configPublisher = mqtt;
    // the boards' signed status and live frames, and live-view requests, on the same connection
    ports.cameraLink = mqttCameraLink(mqtt.client, { secretOf: (id) => sql.cameras.get(id)?.secret, clock });
  }
  return {
    ports,
    db,
    async syncOperatorConsent() {
      let failed = 0;
      if (!operator) return 0;
      for (const id of cameraIds()) {
        const cam = sql.cameras.get(id);
        if (cam) await operator.writeConsent(cam).catch(() => failed++);
      }
      // cameras that left the home (removed, account deleted) while S3 could not be told
      const owners = (db.prepare('SELECT id FROM web_accounts').all() as { id: string }[]).map((r) => r.id);
      for (const owner of owners) {
        try {
          const known = new Set(sql.cameras.listByOwner(owner).map((c) => c.cameraId));
          for (const cam of await operator.recordedCameras(owner)) if (!known.has(cam)) await operator.withdrawIfGranted(owner, cam);
        } catch {
          failed++;
        }
      }
      return failed;
    },
    async close() {
      await mqtt?.close();
      s3?.close();
      opBucket?.close();
      if (ownsDb && db.open) db.close();
    },
  };
}
