/**
 * SQLite adapter (better-sqlite3): the relay's durable state in one file, `<dataDir>/relay.db`.
 * WAL mode, so the web pages can read the index while the relay writes, and relays on one host
 * can share the file (journal and outbox: see addChunkAndCollect and `lease`).
 *
 * Chunks and accepted bundles' bytes (not shared): in the chunk spool (chunk-spool.ts,
 * `<dataDir>/spool/`), one append-only file per bundle, which stays the outbox's copy of the bytes
 * (the row's `spool` names it, `bytes` is empty): a bundle is written to the disk once, not in WAL
 * frames per chunk and again per checkpoint (SD-card wear). Relays sharing the file (`lease`) keep
 * the journal table (reassembly needs its transactions) and the bytes in the row.
 *
 * Durability: commits are synchronous NORMAL (in the WAL file: they survive the relay being
 * killed, not a power cut), spool appends likewise; a partial bundle's chunks stop there. A bundle
 * accepted into the outbox is made durable by durable() (`synchronous: 'full'`, the default): the
 * WAL and the spool's written files (and its folder when files appeared) fsynced on libuv's thread
 * pool, the acknowledgement waiting for it (SQLite's synchronous=FULL, minus the 0.4-2 ms the event
 * loop would stand still in it). A bundle uploaded or discarded: nothing more (lost in a power cut,
 * it is uploaded again to the same keys). Checkpoints (every ~1000 pages) sync as SQLite does.
 *
 * Tables (sqlite-schema.ts): journal (chunks of partial bundles), outbox (accepted bundles
 * waiting for S3, leased when relays share the file), contributions (the index), discarded
 * (accepted, then dropped: consent withdrawn, bad image).
 */
import { dirname, join } from 'node:path';
import { assembleChunks, ChunkSpool, parseSpoolName, type ChunkSpoolOptions } from './chunk-spool.js';
import type { ContributionRecord, JournalChunk, NewOutboxEntry, OutboxEntry, RelayStore } from '../relay/types.js';
import { openDatabase, type SqliteDatabase } from './sqlite-schema.js';
import { SharedJournal, type JournalledBundle } from './sqlite-shared-journal.js';
import { WalSync } from './sqlite-wal-sync.js';

export type { SqliteDatabase };

/**
 * Open (creating and migrating if needed) the relay database: sqlite-schema.ts's openDatabase.
 * @example const db = openRelayDb('./data/relay.db'); const store = new SqliteRelayStore(db);
 */
export const openRelayDb = openDatabase;

export interface SqliteStoreOptions {
  /** 'full' (default) makes durable() fsync; 'normal' makes it a no-op (see above). */
  synchronous?: 'full' | 'normal';
  /** Close the database in close(). */
  ownsDb?: boolean;
  /**
   * Who claims outbox entries (unique per process) and for how long, ms. 0 (default, one relay per
   * file): entries are not leased, the uploader's own in-flight set keeps them apart. Relays
   * sharing the file lease each entry they upload and renew it per attempt; a killed relay's
   * entries are taken over when its lease runs out.
   */
  lease?: { owner: string; ms: number };
  /**
   * The chunk spool's folder (chunk-spool.ts): default `<the database's folder>/spool`; null: none
   * (a database in memory has none). Chunks go there instead of the journal table, unless the file
   * is shared (`lease`: relays sharing it reassemble through the journal table, one transaction per
   * chunk); outbox entries whose bytes are there are read from there in either case.
   */
  spoolDir?: string | null;
  /** The spool's options (tests: hold its deletes). */
  spoolOptions?: ChunkSpoolOptions;
}

interface OutboxRow {
  id: number; camera_id: string; bundle_id: string; owner_id: string; capture_ms: number; purposes: number;
  consent_version: number; first_chunk_ms: number; accepted_ms: number; attempts: number; bytes: Buffer; spool: string | null;
}

interface ContributionRow {
  camera_id: string; bundle_id: string; owner_id: string; capture_ms: number; purposes: number;
  consent_version: number; key_prefix: string; objects: string; uploaded_ms: number;
}

function toEntry(r: OutboxRow, bytes: Uint8Array): OutboxEntry {
  return {
    id: r.id, cameraId: r.camera_id, bundleId: r.bundle_id, ownerId: r.owner_id, bytes,
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
  private readonly claimTx;
  private readonly discardTx;
  private readonly shared: SharedJournal;

  private readonly walSync: WalSync;
  /** The chunk spool (null: none), and whether chunks go there (not shared) rather than to the journal table. */
  readonly spool: ChunkSpool | null;
  readonly spoolsBundles: boolean;
  /** Outbox entries dropped when the store opened because their spool file did not hold their bundle (a power cut before its fsync; never acknowledged). */
  readonly lostAtOpen: number;

  /** `synchronous`: 'full' (default) makes durable() fsync; 'normal' makes it a no-op (see above). */
  constructor(private readonly db: SqliteDatabase, private readonly options: SqliteStoreOptions = {}) {
    const dir = options.spoolDir === undefined ? (db.memory ? null : join(dirname(db.name), 'spool')) : options.spoolDir;
    this.spool = dir === null ? null : new ChunkSpool(dir, options.spoolOptions);
    this.spoolsBundles = this.spool !== null && !options.lease;
    this.shared = new SharedJournal(db);
    const spool = this.spool;
    this.walSync = new WalSync(db.name, spool ? () => spool.sync() : undefined);
    this.q = {
      addChunk: db.prepare('INSERT INTO journal (camera_id, bundle_id, received_ms, bytes) VALUES (?, ?, ?, ?)'),
      dropChunks: db.prepare('DELETE FROM journal WHERE camera_id = ? AND bundle_id = ?'),
      journal: db.prepare('SELECT bytes, received_ms FROM journal ORDER BY seq'),
      has: db.prepare(`SELECT 1 FROM outbox WHERE camera_id = @c AND bundle_id = @b
        UNION ALL SELECT 1 FROM contributions WHERE camera_id = @c AND bundle_id = @b
        UNION ALL SELECT 1 FROM discarded WHERE camera_id = @c AND bundle_id = @b LIMIT 1`),
      insertOutbox: db.prepare(`INSERT INTO outbox (camera_id, bundle_id, owner_id, capture_ms, purposes, consent_version, first_chunk_ms, accepted_ms, bytes, spool)
        VALUES (@cameraId, @bundleId, @ownerId, @captureTimeMs, @purposes, @consentVersion, @firstChunkMs, @acceptedMs, @bytes, @spool)`),
      spooled: db.prepare('SELECT id, spool FROM outbox WHERE spool IS NOT NULL'),
      spoolOf: db.prepare('SELECT spool FROM outbox WHERE id = ?').pluck(),
      forget: db.prepare('DELETE FROM outbox WHERE id = ?'),
      pendingIds: db.prepare('SELECT id FROM outbox WHERE lease_until <= ? ORDER BY id LIMIT ?').pluck(),
      claim: db.prepare('UPDATE outbox SET lease_owner = ?, lease_until = ? WHERE id = ? AND (lease_until <= ? OR lease_owner = ?)'),
      entry: db.prepare('SELECT * FROM outbox WHERE id = ?'),
      pendingCount: db.prepare('SELECT count(*) AS n FROM outbox'),
      failed: db.prepare('UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?'),
      get: db.prepare('SELECT camera_id, bundle_id, spool FROM outbox WHERE id = ?'),
      remove: db.prepare('DELETE FROM outbox WHERE id = ?'),
      insertContribution: db.prepare(`INSERT OR REPLACE INTO contributions (camera_id, bundle_id, owner_id, capture_ms, purposes, consent_version, key_prefix, objects, uploaded_ms)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      insertDiscarded: db.prepare('INSERT OR REPLACE INTO discarded (camera_id, bundle_id, reason, discarded_ms) VALUES (?, ?, ?, ?)'),
    };
    this.acceptTx = db.transaction((e: NewOutboxEntry, spool: string | null): OutboxEntry | 'duplicate' => {
      this.q.dropChunks.run(e.cameraId, e.bundleId);
      if (this.q.has.get({ c: e.cameraId, b: e.bundleId })) return 'duplicate';
      // spooled: its bytes are in the spool file already, written once (SD-card wear)
      const info = this.q.insertOutbox.run({ ...e, bytes: spool ? Buffer.alloc(0) : buf(e.bytes), spool });
      return { ...e, id: Number(info.lastInsertRowid), attempts: 0 };
    });
    this.claimTx = db.transaction((ids: number[], now: number): number[] => {
      const lease = this.options.lease!;
      return ids.filter((id) => this.q.claim.run(lease.owner, now + lease.ms, id, now, lease.owner).changes === 1);
    });
    this.completeTx = db.transaction((id: number, r: ContributionRecord): string | null => {
      const spool = (this.q.spoolOf.get(id) as string | null | undefined) ?? null;
      this.q.remove.run(id);
      this.q.insertContribution.run(r.cameraId, r.bundleId, r.ownerId, r.captureTimeMs, r.purposes, r.consentVersion, r.keyPrefix, JSON.stringify(r.objects), r.uploadedMs);
      return spool;
    });
    this.discardTx = db.transaction((id: number, reason: string): string | null => {
      const row = this.q.get.get(id) as { camera_id: string; bundle_id: string; spool: string | null } | undefined;
      if (!row) return null;
      this.q.remove.run(id);
      this.q.insertDiscarded.run(row.camera_id, row.bundle_id, reason, Date.now());
      return row.spool;
    });
    this.lostAtOpen = this.checkSpooled();
  }

  /**
   * An outbox row can be on disk while its spool file is not (a power cut before durable()'s
   * fsyncs: its bundle was never acknowledged, the camera still has it). Such rows are forgotten
   * here, before anything is acknowledged, so the bundle sent again is stored, not taken for a
   * duplicate.
   */
  private checkSpooled(): number {
    if (!this.spool) return 0;
    let lost = 0;
    for (const r of this.q.spooled.all() as { id: number; spool: string }[]) {
      if (assembleChunks(this.spool.read(r.spool))) continue;
      this.q.forget.run(r.id);
      this.spool.drop(r.spool);
      lost++;
    }
    return lost;
  }

  /** Group commit (sqlite-wal-sync.ts): the WAL and the spool's written files, fsynced off the event loop. */
  durable(): Promise<void> {
    if (this.options.synchronous === 'normal' || this.db.memory) return Promise.resolve();
    return this.walSync.next();
  }

  /** Group fsyncs run so far (tests count them). */
  get syncs(): number {
    return this.walSync.runs;
  }

  addChunk(cameraId: string, bundleId: string, bytes: Uint8Array, receivedMs: number): void {
    if (this.spoolsBundles) this.spool!.append(cameraId, bundleId, bytes, receivedMs);
    else this.q.addChunk.run(cameraId, bundleId, receivedMs, buf(bytes));
  }

  dropChunks(cameraId: string, bundleId: string): void {
    this.q.dropChunks.run(cameraId, bundleId);
    this.spool?.dropBundle(cameraId, bundleId);
  }

  /** Relays sharing this file: journal a chunk, return its bundle's chunks (sqlite-shared-journal.ts). */
  addChunkAndCollect(cameraId: string, bundleId: string, bytes: Uint8Array, receivedMs: number): JournalChunk[] {
    return this.shared.addAndCollect(cameraId, bundleId, bytes, receivedMs);
  }

  journalled(): { bundles: number; bytes: number } {
    return this.shared.journalled();
  }

  dropExcessBundles(cameraId: string, keep: string, max: number): JournalledBundle[] {
    return this.shared.dropExcess(cameraId, keep, max);
  }

  dropStaleChunks(beforeMs: number): JournalledBundle[] {
    return this.shared.dropStale(beforeMs);
  }

  /**
   * The journal table's chunks, then the spool files' that are not an outbox entry's. Deleted
   * instead (a kill came before their delete ran): a stored bundle's other files (uploaded,
   * discarded, or an older generation of an outbox entry's), and a partial bundle's older
   * generations (dropped; its newest file is the one replayed and appended to).
   */
  journal(): JournalChunk[] {
    const out: JournalChunk[] = (this.q.journal.all() as { bytes: Buffer; received_ms: number }[]).map((r) => ({ bytes: new Uint8Array(r.bytes), receivedMs: r.received_ms }));
    if (!this.spool) return out;
    const outbox = new Set((this.q.spooled.all() as { spool: string }[]).map((r) => r.spool));
    for (const name of this.spool.list()) {
      if (outbox.has(name)) continue;
      const ids = parseSpoolName(name)!;
      if (this.has(ids.cameraId, ids.bundleId) || this.spool.nameOf(ids.cameraId, ids.bundleId) !== name) this.spool.drop(name);
      else out.push(...this.spool.read(name));
    }
    return out.sort((a, b) => a.receivedMs - b.receivedMs); // stable: a file's order among equal times
  }

  /** The bundle's spool file's name when the file holds exactly `bytes` (the usual case: its chunks were spooled), else null. */
  private spooled(e: NewOutboxEntry): string | null {
    const name = this.spool?.nameOf(e.cameraId, e.bundleId) ?? null;
    if (name === null) return null;
    const held = assembleChunks(this.spool!.read(name));
    if (held && Buffer.compare(held, e.bytes) === 0) return name;
    this.spool!.drop(name); // not this bundle's chunks (a store fed by hand): the row keeps the bytes
    return null;
  }

  /** Spooled bundles (their last chunk is appended before this) keep their bytes in their spool file only. */
  accept(entry: NewOutboxEntry): OutboxEntry | 'duplicate' {
    const spooled = this.spooled(entry);
    const r = this.acceptTx(entry, spooled);
    if (spooled && r === 'duplicate') this.spool!.drop(spooled);
    else if (spooled) this.spool!.seal(spooled);
    return r;
  }

  has(cameraId: string, bundleId: string): boolean {
    return this.q.has.get({ c: cameraId, b: bundleId }) !== undefined;
  }

  pending(limit: number, skip: ReadonlySet<number>, nowMs = Date.now()): OutboxEntry[] {
    // ids first: the entries being uploaded (skip) are not read again with their bundle bytes
    const lease = this.options.lease;
    const free = (this.q.pendingIds.all(lease ? nowMs : Number.MAX_SAFE_INTEGER, limit + skip.size) as number[]).filter((id) => !skip.has(id)).slice(0, limit);
    const ids = lease && free.length ? this.claimTx.immediate(free, nowMs) : free;
    const out: OutboxEntry[] = [];
    for (const id of ids) {
      const r = this.q.entry.get(id) as OutboxRow | undefined;
      if (!r) continue;
      if (r.spool === null) {
        out.push(toEntry(r, new Uint8Array(r.bytes.buffer, r.bytes.byteOffset, r.bytes.length)));
        continue;
      }
      // checked at open; unreadable now only if the disk lost it since: forgotten, so a re-send is stored
      const bytes = this.spool ? assembleChunks(this.spool.read(r.spool)) : null;
      if (bytes) out.push(toEntry(r, bytes));
      else this.q.forget.run(r.id);
    }
    return out;
  }

  /** Extend this process's lease on an entry it is uploading (relays sharing the file). */
  renew(id: number, nowMs = Date.now()): void {
    const lease = this.options.lease;
    if (lease) this.q.claim.run(lease.owner, nowMs + lease.ms, id, nowMs, lease.owner);
  }

  pendingCount(): number {
    return (this.q.pendingCount.get() as { n: number }).n;
  }

  failed(id: number, error: string): void {
    this.q.failed.run(error.slice(0, 500), id);
  }

  complete(id: number, record: ContributionRecord): void {
    const spool = this.completeTx(id, record);
    if (spool) this.spool?.drop(spool);
  }

  discard(id: number, reason: string): void {
    const spool = this.discardTx(id, reason);
    if (spool) this.spool?.drop(spool);
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
    this.spool?.close();
    this.walSync.close();
    if (this.options.ownsDb && this.db.open) this.db.close();
  }
}
