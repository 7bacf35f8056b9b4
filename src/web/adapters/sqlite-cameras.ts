/**
 * Cameras and consent in SQLite. A consent decision is one transaction over two tables: the
 * history (`web_consents`, evidence of what the owner agreed to, with the wording's version) and
 * the relay's registry row (`cameras`, written through the relay's own SqliteCameraRegistry), which
 * the relay reads on every chunk and before every upload.
 */
import { SqliteCameraRegistry } from '../../relay/adapters/sqlite-registry.js';
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
  private readonly registry: SqliteCameraRegistry;
  private readonly addTx;
  private readonly consentTx;
  private readonly placementTx;

  constructor(db: SqliteDatabase) {
    this.registry = new SqliteCameraRegistry(db);
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
    this.addTx = db.transaction((c: Omit<WebCamera, 'consent'>): boolean => {
      // a camera id the relay already knows (seeded from its config file) is not ours to take
      if (this.q.relayTaken.get(c.cameraId)) return false;
      if (this.q.insert.run(c.cameraId, c.ownerId, c.name, c.placement, c.interiorConfirmed ? 1 : 0, c.pairingHash, c.createdMs).changes !== 1) return false;
      this.registry.put({ cameraId: c.cameraId, ownerId: c.ownerId, placement: c.placement, interiorConfirmed: c.interiorConfirmed, secret: c.secret, consent: null });
      return true;
    });
    this.consentTx = db.transaction((r: ConsentRecord) => {
      const cam = this.q.get.get(r.cameraId) as CameraRow | undefined;
      if (!cam || cam.owner_id !== r.ownerId) throw new Error('setConsent: not this owner\'s camera');
      this.q.addConsent.run(r.cameraId, r.ownerId, r.purposes, r.version, r.textVersion, r.grantedMs, r.expiresMs, r.action);
      this.registry.put({
        ...this.registry.get(r.cameraId), // keeps the secret
        cameraId: r.cameraId, ownerId: r.ownerId, placement: cam.placement === 'exterior' ? 'exterior' : 'interior',
        interiorConfirmed: cam.interior_confirmed === 1,
        consent: { purposes: r.purposes, version: r.version, grantedMs: r.grantedMs, expiresMs: r.expiresMs },
      });
    });
    this.placementTx = db.transaction((cameraId: string, placement: Placement, confirmed: boolean) => {
      this.q.placement.run(placement, confirmed ? 1 : 0, cameraId);
      const rec = this.registry.get(cameraId);
      if (rec) this.registry.put({ ...rec, placement, interiorConfirmed: confirmed });
    });
  }

  add(c: Omit<WebCamera, 'consent'>): WebCamera | 'taken' {
    return this.addTx(c) ? this.get(c.cameraId)! : 'taken';
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

  verifyPairing(cameraId: string, token: string): boolean {
    const r = this.q.get.get(cameraId) as CameraRow | undefined;
    return !!r && safeEqual(r.pairing_hash, sha256Hex(token));
  }

  private toCamera(r: CameraRow): WebCamera {
    const latest = this.q.latest.get(r.camera_id) as ConsentRow | undefined;
    const cam: WebCamera = {
      cameraId: r.camera_id, ownerId: r.owner_id, name: r.name, placement: r.placement === 'interior' ? 'interior' : 'exterior',
      interiorConfirmed: r.interior_confirmed === 1, pairingHash: r.pairing_hash, createdMs: r.created_ms,
      consent: latest ? toConsent(latest) : null,
    };
    // The MAC secret is kept once, in the relay's registry row (which these pages write).
    const secret = this.registry.get(r.camera_id)?.secret;
    if (secret) cam.secret = secret;
    return cam;
  }
}
