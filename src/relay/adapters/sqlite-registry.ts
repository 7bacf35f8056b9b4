/**
 * SQLite camera registry: the `cameras` table of the relay database (sqlite-store.ts). Read on
 * every chunk (a primary-key lookup, a few microseconds), so a consent changed by another process
 * on the same file (the web pages) takes effect at once.
 */
import type { CameraRecord, CameraRegistry } from '../types.js';
import type { SqliteDatabase } from './sqlite-store.js';

interface CameraRow {
  camera_id: string; owner_id: string; placement: string;
  consent_purposes: number | null; consent_version: number | null; granted_ms: number | null; expires_ms: number | null;
  interior_confirmed: number; secret: string | null;
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
  if (r.interior_confirmed === 1) rec.interiorConfirmed = true;
  if (r.secret) rec.secret = r.secret;
  return rec;
}

export class SqliteCameraRegistry implements CameraRegistry {
  private readonly q;

  constructor(db: SqliteDatabase) {
    this.q = {
      get: db.prepare('SELECT * FROM cameras WHERE camera_id = ?'),
      put: db.prepare(`INSERT OR REPLACE INTO cameras (camera_id, owner_id, placement, consent_purposes, consent_version, granted_ms, expires_ms, interior_confirmed, secret)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      list: db.prepare('SELECT * FROM cameras ORDER BY camera_id'),
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
