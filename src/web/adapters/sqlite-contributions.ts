/**
 * The relay's contribution index (`contributions`, src/adapters/sqlite-store.ts) seen per
 * owner, and the access log. Every query has `owner_id = ?`: an owner's page cannot reach another
 * owner's rows whatever ids it is given. The relay's RelayStore has no delete and no date filter,
 * so those queries are here, on the relay's table layout. A deleted contribution leaves a row in the
 * relay's `discarded` table, so a late redelivery of the same bundle is not uploaded again.
 */
import { dirname, join } from 'node:path';
import { lastChunkTimes } from '../../adapters/chunk-spool.js';
import type { AccessEntry, AccessLog, CameraActivity, ContributionFilter, ContributionIndex, ContributionRecord } from '../ports.js';
import type { SqliteDatabase } from './sqlite-db.js';

interface Row {
  camera_id: string; bundle_id: string; owner_id: string; capture_ms: number; purposes: number;
  consent_version: number; key_prefix: string; objects: string; uploaded_ms: number;
}

const toRecord = (r: Row): ContributionRecord => ({
  cameraId: r.camera_id, bundleId: r.bundle_id, ownerId: r.owner_id, captureTimeMs: r.capture_ms, purposes: r.purposes,
  consentVersion: r.consent_version, keyPrefix: r.key_prefix, objects: JSON.parse(r.objects), uploadedMs: r.uploaded_ms,
});

function where(ownerId: string, f: ContributionFilter): { sql: string; args: (string | number)[] } {
  const parts = ['owner_id = ?'];
  const args: (string | number)[] = [ownerId];
  if (f.cameraId !== undefined) { parts.push('camera_id = ?'); args.push(f.cameraId); }
  if (f.fromMs !== undefined) { parts.push('capture_ms >= ?'); args.push(f.fromMs); }
  if (f.toMs !== undefined) { parts.push('capture_ms < ?'); args.push(f.toMs); }
  return { sql: 'WHERE ' + parts.join(' AND '), args };
}

export class SqliteContributions implements ContributionIndex {
  private readonly q;

  constructor(private readonly db: SqliteDatabase) {
    this.q = {
      get: db.prepare('SELECT * FROM contributions WHERE owner_id = ? AND camera_id = ? AND bundle_id = ?'),
      remove: db.prepare('DELETE FROM contributions WHERE owner_id = ? AND camera_id = ? AND bundle_id = ?'),
      // the relay's `discarded` table makes it treat a redelivered copy of a deleted bundle as a duplicate
      uploaded: db.prepare('SELECT camera_id, count(*) AS n, max(uploaded_ms) AS last FROM contributions WHERE owner_id = ? GROUP BY camera_id'),
      // the relay's outbox: bundles accepted and waiting for S3 (attempts > 0: an upload failed and is retried)
      pending: db.prepare('SELECT camera_id, count(*) AS n, sum(attempts > 0) AS retrying, max(accepted_ms) AS last FROM outbox WHERE owner_id = ? GROUP BY camera_id'),
      // chunks of a bundle still being received (the journal has no owner column: the owner's cameras)
      receiving: db.prepare('SELECT camera_id, max(received_ms) AS last FROM journal WHERE camera_id IN (SELECT camera_id FROM web_cameras WHERE owner_id = ?) GROUP BY camera_id'),
      ownCameras: db.prepare('SELECT camera_id FROM web_cameras WHERE owner_id = ?').pluck(),
      tombstone: db.prepare(`INSERT OR REPLACE INTO discarded (camera_id, bundle_id, reason, discarded_ms) VALUES (?, ?, 'deleted by owner', ?)`),
    };
    this.removeTx = db.transaction((ownerId: string, cameraId: string, bundleId: string): boolean => {
      if (this.q.remove.run(ownerId, cameraId, bundleId).changes !== 1) return false;
      this.q.tombstone.run(cameraId, bundleId, Date.now());
      return true;
    });
  }

  private readonly removeTx;

  activity(ownerId: string): CameraActivity[] {
    const out = new Map<string, CameraActivity>();
    const row = (cameraId: string) => {
      let a = out.get(cameraId);
      if (!a) out.set(cameraId, (a = { cameraId, uploaded: 0, lastUploadedMs: null, pending: 0, retrying: 0, lastSeenMs: null }));
      return a;
    };
    const seen = (a: CameraActivity, ms: number | null) => { if (ms !== null && (a.lastSeenMs === null || ms > a.lastSeenMs)) a.lastSeenMs = ms; };
    for (const r of this.q.uploaded.all(ownerId) as { camera_id: string; n: number; last: number }[]) seen(Object.assign(row(r.camera_id), { uploaded: r.n, lastUploadedMs: r.last }), r.last);
    for (const r of this.q.pending.all(ownerId) as { camera_id: string; n: number; retrying: number; last: number }[]) seen(Object.assign(row(r.camera_id), { pending: r.n, retrying: r.retrying }), r.last);
    for (const r of this.q.receiving.all(ownerId) as { camera_id: string; last: number }[]) seen(row(r.camera_id), r.last);
    // the relay spools chunks in files next to the database (adapters/chunk-spool.ts), not in the journal table
    if (!this.db.memory) {
      const spooled = lastChunkTimes(join(dirname(this.db.name), 'spool'));
      if (spooled.size) for (const id of this.q.ownCameras.all(ownerId) as string[]) if (spooled.has(id)) seen(row(id), spooled.get(id)!);
    }
    return [...out.values()].sort((a, b) => a.cameraId.localeCompare(b.cameraId));
  }

  list(ownerId: string, f: ContributionFilter = {}): ContributionRecord[] {
    const w = where(ownerId, f);
    const sql = `SELECT * FROM contributions ${w.sql} ORDER BY capture_ms DESC, camera_id, bundle_id LIMIT ? OFFSET ?`;
    return (this.db.prepare(sql).all(...w.args, f.limit ?? -1, f.offset ?? 0) as Row[]).map(toRecord);
  }

  count(ownerId: string, f: ContributionFilter = {}): number {
    const w = where(ownerId, f);
    return (this.db.prepare(`SELECT count(*) AS n FROM contributions ${w.sql}`).get(...w.args) as { n: number }).n;
  }

  get(ownerId: string, cameraId: string, bundleId: string): ContributionRecord | null {
    const r = this.q.get.get(ownerId, cameraId, bundleId) as Row | undefined;
    return r ? toRecord(r) : null;
  }

  remove(ownerId: string, cameraId: string, bundleId: string): boolean {
    return this.removeTx(ownerId, cameraId, bundleId);
  }
}

interface AccessRow { owner_id: string; viewer_id: string; viewer: string; viewer_role: string; camera_id: string; bundle_id: string; object: string; why: string; at_ms: number }

export class SqliteAccessLog implements AccessLog {
  private readonly q;

  constructor(db: SqliteDatabase) {
    this.q = {
      add: db.prepare(`INSERT INTO web_access_log (owner_id, viewer_id, viewer, viewer_role, camera_id, bundle_id, object, why, at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      list: db.prepare('SELECT * FROM web_access_log WHERE owner_id = ? ORDER BY seq DESC LIMIT ?'),
    };
  }

  record(e: AccessEntry): void {
    this.q.add.run(e.ownerId, e.viewerId, e.viewer, e.viewerRole, e.cameraId, e.bundleId, e.object, e.why, e.atMs);
  }

  listForOwner(ownerId: string, limit: number): AccessEntry[] {
    return (this.q.list.all(ownerId, limit) as AccessRow[]).map((r) => ({
      ownerId: r.owner_id, viewerId: r.viewer_id, viewer: r.viewer, viewerRole: r.viewer_role === 'reviewer' ? 'reviewer' : 'owner',
      cameraId: r.camera_id, bundleId: r.bundle_id, object: r.object, why: r.why, atMs: r.at_ms,
    }));
  }
}
