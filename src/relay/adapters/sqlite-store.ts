/**
 * SQLite adapter (better-sqlite3): the relay's durable state in one file, `<dataDir>/relay.db`.
 * WAL mode, so the web pages can read the index while the relay writes. One relay process per file.
 *
 * Durability (WAL mode; every commit is synchronous NORMAL: written to the WAL file, which
 * survives the relay being killed, but not fsynced by SQLite):
 * - journal chunks (a partial bundle): that is all (~50 us per chunk instead of 0.2-1.5 ms);
 * - a bundle accepted into the outbox: with `synchronous: 'full'` (the default) the pipeline then
 *   calls durable(), which fsyncs the WAL file on libuv's thread pool, and the acknowledgement
 *   waits for it. That is what SQLite's own synchronous=FULL does at commit (fsync the WAL), minus
 *   the 0.4-2 ms the event loop would stand still in it; and the WAL being one file, it also makes
 *   the bundle's earlier chunk commits durable. `synchronous: 'normal'` skips it;
 * - a bundle uploaded or discarded: nothing more. Losing that commit in a power cut leaves the
 *   bundle in the outbox, and it is uploaded again to the same keys: nothing is lost or duplicated.
 * Checkpoints (SQLite's, every ~1000 pages) sync the WAL before copying it and the database after.
 *
 * Tables: journal (chunks of partial bundles), outbox (accepted bundles waiting for S3),
 * contributions (the index), discarded (accepted, then dropped: consent withdrawn, bad image),
 * cameras (registry, adapters/sqlite-registry.ts).
 */
import Database from 'better-sqlite3';
import { closeSync, fsync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ContributionRecord, JournalChunk, NewOutboxEntry, OutboxEntry, RelayStore } from '../types.js';

export type SqliteDatabase = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS journal (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  camera_id TEXT NOT NULL, bundle_id TEXT NOT NULL,
  received_ms INTEGER NOT NULL, bytes BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS journal_bundle ON journal (camera_id, bundle_id);
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  camera_id TEXT NOT NULL, bundle_id TEXT NOT NULL, owner_id TEXT NOT NULL,
  capture_ms INTEGER NOT NULL, purposes INTEGER NOT NULL, consent_version INTEGER NOT NULL,
  first_chunk_ms INTEGER NOT NULL, accepted_ms INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT,
  bytes BLOB NOT NULL,
  UNIQUE (camera_id, bundle_id));
CREATE TABLE IF NOT EXISTS contributions (
  camera_id TEXT NOT NULL, bundle_id TEXT NOT NULL, owner_id TEXT NOT NULL,
  capture_ms INTEGER NOT NULL, purposes INTEGER NOT NULL, consent_version INTEGER NOT NULL,
  key_prefix TEXT NOT NULL, objects TEXT NOT NULL, uploaded_ms INTEGER NOT NULL,
  PRIMARY KEY (camera_id, bundle_id));
CREATE INDEX IF NOT EXISTS contributions_owner ON contributions (owner_id, uploaded_ms);
CREATE INDEX IF NOT EXISTS contributions_uploaded ON contributions (uploaded_ms);
CREATE TABLE IF NOT EXISTS discarded (
  camera_id TEXT NOT NULL, bundle_id TEXT NOT NULL, reason TEXT NOT NULL, discarded_ms INTEGER NOT NULL,
  PRIMARY KEY (camera_id, bundle_id));
CREATE TABLE IF NOT EXISTS cameras (
  camera_id TEXT PRIMARY KEY, owner_id TEXT NOT NULL, placement TEXT NOT NULL,
  consent_purposes INTEGER, consent_version INTEGER, granted_ms INTEGER, expires_ms INTEGER,
  interior_confirmed INTEGER NOT NULL DEFAULT 0, secret TEXT);
`;

/**
 * Open (creating if needed) the relay database.
 * @example const db = openRelayDb('./data/relay.db'); const store = new SqliteRelayStore(db);
 */
export function openRelayDb(file: string): SqliteDatabase {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  // Databases made before the trust columns (H1's numbered migrations replace this).
  const cols = (db.prepare('PRAGMA table_info(cameras)').all() as { name: string }[]).map((c) => c.name);
  if (cols.indexOf('interior_confirmed') < 0) db.exec('ALTER TABLE cameras ADD COLUMN interior_confirmed INTEGER NOT NULL DEFAULT 0');
  if (cols.indexOf('secret') < 0) db.exec('ALTER TABLE cameras ADD COLUMN secret TEXT');
  return db;
}

interface OutboxRow {
  id: number; camera_id: string; bundle_id: string; owner_id: string; capture_ms: number; purposes: number;
  consent_version: number; first_chunk_ms: number; accepted_ms: number; attempts: number; bytes: Buffer;
}

interface ContributionRow {
  camera_id: string; bundle_id: string; owner_id: string; capture_ms: number; purposes: number;
  consent_version: number; key_prefix: string; objects: string; uploaded_ms: number;
}

function toEntry(r: OutboxRow): OutboxEntry {
  return {
    id: r.id, cameraId: r.camera_id, bundleId: r.bundle_id, ownerId: r.owner_id, bytes: new Uint8Array(r.bytes.buffer, r.bytes.byteOffset, r.bytes.length),
    captureTimeMs: r.capture_ms, purposes: r.purposes, consentVersion: r.consent_version,
    firstChunkMs: r.first_chunk_ms, acceptedMs: r.accepted_ms, attempts: r.attempts,
  };
}

function toRecord(r: ContributionRow): ContributionRecord {
  return {
    cameraId: r.camera_id, bundleId: r.bundle_id, ownerId: r.owner_id, captureTimeMs: r.capture_ms, purposes: r.purposes,
    consentVersion: r.consent_version, keyPrefix: r.key_prefix, objects: JSON.parse(r.objects), uploadedMs: r.uploaded_ms,
  };
}

const buf = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length);

export class SqliteRelayStore implements RelayStore {
  private readonly q;
  private readonly acceptTx;
  private readonly completeTx;
  private readonly discardTx;

  /** The fsync that durable() waits for next (not started yet), and the one running. */
  private queuedSync: Promise<void> | null = null;
  private runningSync: Promise<void> | null = null;
  private walFd: number | null = null;
  /** fsyncs run so far (tests count them). */
  syncs = 0;

  /** `synchronous`: 'full' (default) makes durable() fsync; 'normal' makes it a no-op (see above). */
  constructor(private readonly db: SqliteDatabase, private readonly options: { synchronous?: 'full' | 'normal'; ownsDb?: boolean } = {}) {
    this.q = {
      addChunk: db.prepare('INSERT INTO journal (camera_id, bundle_id, received_ms, bytes) VALUES (?, ?, ?, ?)'),
      dropChunks: db.prepare('DELETE FROM journal WHERE camera_id = ? AND bundle_id = ?'),
      journal: db.prepare('SELECT bytes, received_ms FROM journal ORDER BY seq'),
      has: db.prepare(`SELECT 1 FROM outbox WHERE camera_id = @c AND bundle_id = @b
        UNION ALL SELECT 1 FROM contributions WHERE camera_id = @c AND bundle_id = @b
        UNION ALL SELECT 1 FROM discarded WHERE camera_id = @c AND bundle_id = @b LIMIT 1`),
      insertOutbox: db.prepare(`INSERT INTO outbox (camera_id, bundle_id, owner_id, capture_ms, purposes, consent_version, first_chunk_ms, accepted_ms, bytes)
        VALUES (@cameraId, @bundleId, @ownerId, @captureTimeMs, @purposes, @consentVersion, @firstChunkMs, @acceptedMs, @bytes)`),
      pendingIds: db.prepare('SELECT id FROM outbox ORDER BY id LIMIT ?').pluck(),
      entry: db.prepare('SELECT * FROM outbox WHERE id = ?'),
      pendingCount: db.prepare('SELECT count(*) AS n FROM outbox'),
      failed: db.prepare('UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?'),
      get: db.prepare('SELECT camera_id, bundle_id FROM outbox WHERE id = ?'),
      remove: db.prepare('DELETE FROM outbox WHERE id = ?'),
      insertContribution: db.prepare(`INSERT OR REPLACE INTO contributions (camera_id, bundle_id, owner_id, capture_ms, purposes, consent_version, key_prefix, objects, uploaded_ms)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      insertDiscarded: db.prepare('INSERT OR REPLACE INTO discarded (camera_id, bundle_id, reason, discarded_ms) VALUES (?, ?, ?, ?)'),
    };
    this.acceptTx = db.transaction((e: NewOutboxEntry): OutboxEntry | 'duplicate' => {
      this.q.dropChunks.run(e.cameraId, e.bundleId);
      if (this.q.has.get({ c: e.cameraId, b: e.bundleId })) return 'duplicate';
      const info = this.q.insertOutbox.run({ ...e, bytes: buf(e.bytes) });
      return { ...e, id: Number(info.lastInsertRowid), attempts: 0 };
    });
    this.completeTx = db.transaction((id: number, r: ContributionRecord) => {
      this.q.remove.run(id);
      this.q.insertContribution.run(r.cameraId, r.bundleId, r.ownerId, r.captureTimeMs, r.purposes, r.consentVersion, r.keyPrefix, JSON.stringify(r.objects), r.uploadedMs);
    });
    this.discardTx = db.transaction((id: number, reason: string) => {
      const row = this.q.get.get(id) as { camera_id: string; bundle_id: string } | undefined;
      if (!row) return;
      this.q.remove.run(id);
      this.q.insertDiscarded.run(row.camera_id, row.bundle_id, reason, Date.now());
    });
  }

  /**
   * Group commit: every caller gets an fsync that starts after its call (so after its commits).
   * Calls while one is queued share it; a call while one runs queues the next.
   */
  durable(): Promise<void> {
    if (this.options.synchronous === 'normal' || this.db.memory) return Promise.resolve();
    if (this.queuedSync) return this.queuedSync;
    // (a failed fsync fails its own callers; the relay stops on it, but the next call still tries)
    const queued = (this.runningSync?.catch(() => undefined) ?? Promise.resolve()).then(() => {
      this.queuedSync = null;
      const running = this.fsyncWal();
      this.runningSync = running;
      return running.finally(() => {
        if (this.runningSync === running) this.runningSync = null;
      });
    });
    this.queuedSync = queued;
    return queued;
  }

  /** fsync the WAL file (the database file if there is none), on the thread pool. */
  private fsyncWal(): Promise<void> {
    this.syncs++;
    if (this.walFd === null) {
      try {
        this.walFd = openSync(`${this.db.name}-wal`, 'r');
      } catch {
        this.walFd = openSync(this.db.name, 'r');
      }
    }
    const fd = this.walFd;
    return new Promise((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())));
  }

  addChunk(cameraId: string, bundleId: string, bytes: Uint8Array, receivedMs: number): void {
    this.q.addChunk.run(cameraId, bundleId, receivedMs, buf(bytes));
  }

  dropChunks(cameraId: string, bundleId: string): void {
    this.q.dropChunks.run(cameraId, bundleId);
  }

  journal(): JournalChunk[] {
    return (this.q.journal.all() as { bytes: Buffer; received_ms: number }[]).map((r) => ({ bytes: new Uint8Array(r.bytes), receivedMs: r.received_ms }));
  }

  accept(entry: NewOutboxEntry): OutboxEntry | 'duplicate' {
    return this.acceptTx(entry);
  }

  has(cameraId: string, bundleId: string): boolean {
    return this.q.has.get({ c: cameraId, b: bundleId }) !== undefined;
  }

  pending(limit: number, skip: ReadonlySet<number>): OutboxEntry[] {
    // ids first: the entries being uploaded (skip) are not read again with their bundle bytes
    const ids = this.q.pendingIds.all(limit + skip.size) as number[];
    const out: OutboxEntry[] = [];
    for (const id of ids) {
      if (out.length >= limit) break;
      if (skip.has(id)) continue;
      const r = this.q.entry.get(id) as OutboxRow | undefined;
      if (r) out.push(toEntry(r));
    }
    return out;
  }

  pendingCount(): number {
    return (this.q.pendingCount.get() as { n: number }).n;
  }

  failed(id: number, error: string): void {
    this.q.failed.run(error.slice(0, 500), id);
  }

  complete(id: number, record: ContributionRecord): void {
    this.completeTx(id, record);
  }

  discard(id: number, reason: string): void {
    this.discardTx(id, reason);
  }

  contributions(filter: { ownerId?: string; cameraId?: string; limit?: number } = {}): ContributionRecord[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.ownerId) {
      where.push('owner_id = ?');
      args.push(filter.ownerId);
    }
    if (filter.cameraId) {
      where.push('camera_id = ?');
      args.push(filter.cameraId);
    }
    const sql = `SELECT * FROM contributions ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY uploaded_ms DESC, rowid DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, filter.limit ?? -1) as ContributionRow[]).map(toRecord);
  }

  close(): void {
    if (this.walFd !== null) {
      closeSync(this.walFd);
      this.walFd = null;
    }
    if (this.options.ownsDb && this.db.open) this.db.close();
  }
}
