/**
 * Cameras and consent in SQLite: `web_cameras` and the consent history (`web_consents`, evidence
 * of what the owner agreed to, with the wording's version). They are the one source of consent:
 * the relay's registry reads its latest row through the `camera_registry` view
 * (src/adapters/sqlite-schema.ts) per bundle and before every upload; nothing is copied.
 */
import { SqliteCameraCredentials } from '../../adapters/sqlite-camera-credentials.js';
import type { CameraDirectory, ConsentRecord, Placement, WebCamera } from '../ports.js';
import { safeEqual, sha256Hex } from '../tokens.js';
import type { SqliteDatabase } from './sqlite-db.js';

interface CameraRow { camera_id: string; owner_id: string; name: string; placement: string; interior_confirmed: number; pairing_hash: string; created_ms: number }
interface ConsentRow { camera_id: string; owner_id: string; purposes: number; version: number; text_version: string; granted_ms: number; expires_ms: number; action: string }

const toConsent = (r: ConsentRow): ConsentRecord => ({
  cameraId: r.camera_id, ownerId: r.owner_id, purposes: r.purposes, version: r.version, textVersion: r.text_version,
  grantedMs: r.granted_ms, expiresMs: r.expires_ms, action: r.action,
});

export class SqliteCameras implements CameraDirectory {
  private readonly q;
  private readonly addTx;
  private readonly consentTx;
  private readonly placementTx;
  private readonly credentialsTx;
  private readonly removeTx;
  private readonly credentials: SqliteCameraCredentials;

  constructor(db: SqliteDatabase) {
    const credentials = new SqliteCameraCredentials(db);
    this.credentials = credentials;
    this.q = {
      insert: db.prepare(`INSERT OR IGNORE INTO web_cameras (camera_id, owner_id, name, placement, interior_confirmed, pairing_hash, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)`),
      get: db.prepare('SELECT * FROM web_cameras WHERE camera_id = ?'),
      byOwner: db.prepare('SELECT * FROM web_cameras WHERE owner_id = ? ORDER BY created_ms, camera_id'),
      rename: db.prepare('UPDATE web_cameras SET name = ? WHERE camera_id = ?'),
      placement: db.prepare('UPDATE web_cameras SET placement = ?, interior_confirmed = ? WHERE camera_id = ?'),
      addConsent: db.prepare(`INSERT INTO web_consents (camera_id, owner_id, purposes, version, text_version, granted_ms, expires_ms, action) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
      latest: db.prepare('SELECT * FROM web_consents WHERE camera_id = ? ORDER BY seq DESC LIMIT 1'),
      history: db.prepare('SELECT * FROM web_consents WHERE camera_id = ? ORDER BY seq DESC'),
      relayTaken: db.prepare('SELECT 1 FROM cameras WHERE camera_id = ?'),
    };
    this.addTx = db.transaction((c: Omit<WebCamera, 'consent'>, cred: { brokerHash: string; macSecret: string }): boolean => {
      // a camera id the relay already knows (seeded from its config file), or one with a broker login, is not ours to take
      if (this.q.relayTaken.get(c.cameraId) || credentials.get(c.cameraId)) return false;
      if (this.q.insert.run(c.cameraId, c.ownerId, c.name, c.placement, c.interiorConfirmed ? 1 : 0, c.pairingHash, c.createdMs).changes !== 1) return false;
      credentials.put({ cameraId: c.cameraId, pairingHash: c.pairingHash, brokerHash: cred.brokerHash, macSecret: cred.macSecret });
      return true;
    });
    this.consentTx = db.transaction((r: ConsentRecord) => {
      const cam = this.q.get.get(r.cameraId) as CameraRow | undefined;
      if (!cam || cam.owner_id !== r.ownerId) throw new Error('setConsent: not this owner\'s camera');
      this.q.addConsent.run(r.cameraId, r.ownerId, r.purposes, r.version, r.textVersion, r.grantedMs, r.expiresMs, r.action);
    });
    const setHash = db.prepare('UPDATE web_cameras SET pairing_hash = ? WHERE camera_id = ?');
    this.credentialsTx = db.transaction((cameraId: string, cred: { pairingHash: string; brokerHash: string; macSecret: string }) => {
      if (setHash.run(cred.pairingHash, cameraId).changes !== 1) throw new Error('replaceCredentials: no such camera');
      credentials.put({ cameraId, ...cred });
    });
    const drop = db.prepare('DELETE FROM web_cameras WHERE camera_id = ?');
    const dropAlerts = db.prepare('DELETE FROM alert_enrolment WHERE camera_id = ?'); // a camera that is gone sends no alerts
    this.removeTx = db.transaction((cameraId: string) => {
      drop.run(cameraId);
      dropAlerts.run(cameraId);
      credentials.remove(cameraId);
    });
    this.placementTx = db.transaction((cameraId: string, placement: Placement, confirmed: boolean) => {
      this.q.placement.run(placement, confirmed ? 1 : 0, cameraId);
    });
  }

  add(c: Omit<WebCamera, 'consent'>, credentials: { brokerHash: string; macSecret: string }): WebCamera | 'taken' {
    return this.addTx(c, credentials) ? this.get(c.cameraId)! : 'taken';
  }

  get(cameraId: string): WebCamera | null {
    const r = this.q.get.get(cameraId) as CameraRow | undefined;
    return r ? this.toCamera(r) : null;
  }

  listByOwner(ownerId: string): WebCamera[] {
    return (this.q.byOwner.all(ownerId) as CameraRow[]).map((r) => this.toCamera(r));
  }

  rename(cameraId: string, name: string): void {
    this.q.rename.run(name, cameraId);
  }

  setPlacement(cameraId: string, placement: Placement, interiorConfirmed: boolean): void {
    this.placementTx(cameraId, placement, interiorConfirmed);
  }

  setConsent(rec: ConsentRecord): void {
    this.consentTx(rec);
  }

  consentHistory(cameraId: string): ConsentRecord[] {
    return (this.q.history.all(cameraId) as ConsentRow[]).map(toConsent);
  }

  replaceCredentials(cameraId: string, cred: { pairingHash: string; brokerHash: string; macSecret: string }): void {
    this.credentialsTx(cameraId, cred);
  }

  remove(cameraId: string): void {
    this.removeTx(cameraId);
  }

  verifyPairing(cameraId: string, token: string): boolean {
    const r = this.q.get.get(cameraId) as CameraRow | undefined;
    return !!r && safeEqual(r.pairing_hash, sha256Hex(token));
  }

  private toCamera(r: CameraRow): WebCamera {
    const latest = this.q.latest.get(r.camera_id) as ConsentRow | undefined;
    return {
      cameraId: r.camera_id, ownerId: r.owner_id, name: r.name, placement: r.placement === 'interior' ? 'interior' : 'exterior',
      interiorConfirmed: r.interior_confirmed === 1, pairingHash: r.pairing_hash, createdMs: r.created_ms,
      consent: latest ? toConsent(latest) : null,
      // the MAC secret made at pairing (camera_credentials): the pages sign the camera's config with it
      secret: this.credentials.get(r.camera_id)?.macSecret,
    };
  }
}
