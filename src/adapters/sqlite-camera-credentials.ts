/**
 * Cameras' MQTT credentials and MAC secrets in the shared SQLite database (`<dataDir>/relay.db`):
 * the web writes a row when the owner pairs a camera (in the same transaction as the camera), the
 * demo stack writes its simulated cameras' rows, the embedded broker reads one row per CONNECT,
 * `quietcam broker-config` reads them all, the relay reads the secret to verify MACs.
 *
 * The table has no foreign key on purpose: cameras seeded from the relay's config file (not in
 * web_cameras) are paired here too.
 */
import type { CameraCredentials, CameraCredentialStore } from './broker-credentials.js';
import { openDatabase, type SqliteDatabase } from './sqlite-schema.js';

/** The table: migration 3 of the schema module (sqlite-schema.ts), which every database opened with openDatabase has. */
export { CAMERA_CREDENTIALS_SQL } from './sqlite-schema.js';

interface Row { camera_id: string; pairing_hash: string; broker_hash: string; mac_secret: string; created_ms: number }

const toCredentials = (r: Row): CameraCredentials => ({ cameraId: r.camera_id, pairingHash: r.pairing_hash, brokerHash: r.broker_hash, macSecret: r.mac_secret });

export class SqliteCameraCredentials implements CameraCredentialStore {
  private readonly q;

  /** Uses an open database (openDatabase: its migrations made the table). */
  constructor(db: SqliteDatabase, private readonly clock: () => number = Date.now) {
    this.q = {
      get: db.prepare('SELECT * FROM camera_credentials WHERE camera_id = ?'),
      list: db.prepare('SELECT * FROM camera_credentials ORDER BY camera_id'),
      put: db.prepare('INSERT OR REPLACE INTO camera_credentials (camera_id, pairing_hash, broker_hash, mac_secret, created_ms) VALUES (?, ?, ?, ?, ?)'),
      remove: db.prepare('DELETE FROM camera_credentials WHERE camera_id = ?'),
    };
  }

  get(cameraId: string): CameraCredentials | null {
    const r = this.q.get.get(cameraId) as Row | undefined;
    return r ? toCredentials(r) : null;
  }

  list(): CameraCredentials[] {
    return (this.q.list.all() as Row[]).map(toCredentials);
  }

  put(c: CameraCredentials): void {
    this.q.put.run(c.cameraId, c.pairingHash, c.brokerHash, c.macSecret, this.clock());
  }

  remove(cameraId: string): void {
    this.q.remove.run(cameraId);
  }
}

/**
 * Open the home database (sqlite-schema.ts: WAL, migrated) on a connection of its own for the
 * credentials alone: what the embedded broker and `quietcam broker-config` use.
 * @example const { store, close } = openCameraCredentials('./data/relay.db');
 */
export function openCameraCredentials(file: string): { store: SqliteCameraCredentials; close(): void } {
  const db = openDatabase(file);
  return { store: new SqliteCameraCredentials(db), close: () => db.close() };
}
