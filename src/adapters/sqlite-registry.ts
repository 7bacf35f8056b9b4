/**
 * SQLite camera registry: reads the `camera_registry` view (sqlite-schema.ts), the one source of
 * consent: cameras paired in the owner pages with their latest consent decision, and the cameras
 * of the relay's config file. Read per bundle (an indexed lookup, microseconds), so a consent
 * changed by another process on the same file (the web pages) takes effect at once. `put` seeds
 * the config file's cameras (table `cameras`) and never shadows a camera paired in the pages.
 */
import type { CameraRecord, CameraRegistry } from '../relay/types.js';
import type { SqliteDatabase } from './sqlite-schema.js';

interface CameraRow {
  camera_id: string; owner_id: string; placement: string; interior_confirmed: number | null;
  consent_purposes: number | null; consent_version: number | null; granted_ms: number | null; expires_ms: number | null;
  secret: string | null; seed_confirmed: number | null;
}

function toRecord(r: CameraRow): CameraRecord {
  const rec: CameraRecord = {
    cameraId: r.camera_id,
    ownerId: r.owner_id,
    placement: r.placement === 'exterior' ? 'exterior' : 'interior', // missing or unknown = interior (src/protocol/consent.ts)
    consent: r.consent_version === null ? null : {
      purposes: r.consent_purposes ?? 0, version: r.consent_version, grantedMs: r.granted_ms ?? 0, expiresMs: r.expires_ms ?? 0,
    },
  };
  // paired in the owner pages: whether the owner confirmed an interior placement
  if (r.interior_confirmed !== null) rec.interiorConfirmed = r.interior_confirmed === 1;
  else if (r.seed_confirmed === 1) rec.interiorConfirmed = true; // a config-file camera whose seed says so
  if (r.secret) rec.secret = r.secret;
  return rec;
}

export class SqliteCameraRegistry implements CameraRegistry {
  private readonly q;

  constructor(db: SqliteDatabase) {
    // The MAC secret: the pairing's (camera_credentials), else the config file's seed (cameras.secret).
    const select = `SELECT r.*, COALESCE(k.mac_secret, s.secret) AS secret, s.interior_confirmed AS seed_confirmed
      FROM camera_registry r LEFT JOIN camera_credentials k ON k.camera_id = r.camera_id
      LEFT JOIN cameras s ON s.camera_id = r.camera_id AND r.interior_confirmed IS NULL`;
    this.q = {
      get: db.prepare(`${select} WHERE r.camera_id = ?`),
      put: db.prepare(`INSERT OR REPLACE INTO cameras (camera_id, owner_id, placement, consent_purposes, consent_version, granted_ms, expires_ms,
        interior_confirmed, secret) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      list: db.prepare(`${select} ORDER BY r.camera_id`),
    };
  }

  get(cameraId: string): CameraRecord | null {
    const r = this.q.get.get(cameraId) as CameraRow | undefined;
    return r ? toRecord(r) : null;
  }

  put(rec: CameraRecord): void {
    const c = rec.consent;
    this.q.put.run(rec.cameraId, rec.ownerId, rec.placement, c?.purposes ?? null, c?.version ?? null, c?.grantedMs ?? null, c?.expiresMs ?? null,
      rec.interiorConfirmed ? 1 : 0, rec.secret ?? null);
  }

  list(): CameraRecord[] {
    return (this.q.list.all() as CameraRow[]).map(toRecord);
  }
}
