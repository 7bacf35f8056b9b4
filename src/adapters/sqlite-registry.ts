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
}

function toRecord(r: CameraRow): CameraRecord {
  const rec: CameraRecord = {
    cameraId: r.camera_id,
    ownerId: r.owner_id,
    placement: r.placement === 'interior' ? 'interior' : 'exterior',
    consent: r.consent_version === null ? null : {
      purposes: r.consent_purposes ?? 0, version: r.consent_version, grantedMs: r.granted_ms ?? 0, expiresMs: r.expires_ms ?? 0,
    },
  };
  // paired in the owner pages: whether the owner confirmed an interior placement
  if (r.interior_confirmed !== null) rec.interiorConfirmed = r.interior_confirmed === 1;
  return rec;
}

export class SqliteCameraRegistry implements CameraRegistry {
  private readonly q;

  constructor(db: SqliteDatabase) {
    this.q = {
      get: db.prepare('SELECT * FROM camera_registry WHERE camera_id = ?'),
      put: db.prepare(`INSERT OR REPLACE INTO cameras (camera_id, owner_id, placement, consent_purposes, consent_version, granted_ms, expires_ms)
        VALUES (?, ?, ?, ?, ?, ?, ?)`),
      list: db.prepare('SELECT * FROM camera_registry ORDER BY camera_id'),
    };
  }

  get(cameraId: string): CameraRecord | null {
    const r = this.q.get.get(cameraId) as CameraRow | undefined;
    return r ? toRecord(r) : null;
  }

  put(rec: CameraRecord): void {
    const c = rec.consent;
    this.q.put.run(rec.cameraId, rec.ownerId, rec.placement, c?.purposes ?? null, c?.version ?? null, c?.grantedMs ?? null, c?.expiresMs ?? null);
  }

  list(): CameraRecord[] {
    return (this.q.list.all() as CameraRow[]).map(toRecord);
  }
}
