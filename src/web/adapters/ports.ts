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
import { SqliteAccessLog, SqliteContributions } from './sqlite-contributions.js';
import { openWebDb, type SqliteDatabase } from './sqlite-db.js';
import { mqttConfigPublisher } from './mqtt-config.js';
import { s3Objects } from './s3-objects.js';
import { configPayload } from '../consent.js';
import { serviceLogin } from '../../adapters/broker-users.js';
import { SqliteAlertSettings } from '../../adapters/sqlite-alert-settings.js';
import { loadOrCreateVapidKeys } from '../../adapters/vapid-keys.js';

export interface OpenWebPortsOptions {
  relay: RelayConfig;
  /** Default `<dataDir>/relay.db`; ':memory:' for tests. */
  dbFile?: string;
  /** An open database instead (tests share one with an in-process relay). */
  db?: SqliteDatabase;
  clock?: Clock;
  objects?: ObjectAccess;
  configPublisher?: ConfigPublisher;
}

export interface OpenedWebPorts {
  ports: WebPorts;
  db: SqliteDatabase;
  close(): Promise<void>;
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
  };
}

export function openWebPorts(o: OpenWebPortsOptions): OpenedWebPorts {
  const ownsDb = !o.db;
  const db = o.db ?? openWebDb(o.dbFile ?? join(o.relay.dataDir, 'relay.db'));
  const sql = sqlitePorts(db);
  const s3 = o.objects ? null : s3Objects(o.relay.s3);
  const ports: WebPorts = { ...sql, objects: o.objects ?? s3!, configPublisher: o.configPublisher ?? null!, clock: o.clock ?? Date.now };
  // Web Push: the home's VAPID key pair, made once in the data dir (the relay signs pushes with the same file)
  ports.vapidPublicKey = loadOrCreateVapidKeys(o.relay.dataDir).publicKey;
  let mqtt: ReturnType<typeof mqttConfigPublisher> | null = null;
  if (!o.configPublisher) {
    // on every (re)connect, re-publish every camera's retained config: changes made while the broker was away reach the boards
    const republish = () => {
      const ids = (db.prepare('SELECT camera_id FROM web_cameras').all() as { camera_id: string }[]).map((r) => r.camera_id);
      for (const id of ids) {
        const cam = sql.cameras.get(id);
        if (cam) mqtt!.publish(id, configPayload(cam)).catch(() => {});
      }
    };
    // the pages' own login (`quietcam-web` in <dataDir>/broker-users.json): the broker lets it publish retained configs only
    const login = serviceLogin(o.relay.dataDir, 'web');
    mqtt = mqttConfigPublisher({ url: o.relay.broker.url, ...login, caFile: o.relay.broker.caFile, onConnect: republish });
    ports.configPublisher = mqtt;
  }
  return {
    ports,
    db,
    async close() {
      await mqtt?.close();
      s3?.close();
      if (ownsDb && db.open) db.close();
    },
  };
}
