/**
 * The journal table as the reassembly buffer of relays sharing one SQLite file (MQTT 5 shared
 * subscription; src/relay/shared-reassemble.ts): each operation is one IMMEDIATE transaction, so
 * the relays' writes queue on the file's lock and exactly one of them sees a bundle's last chunk
 * join the others. SqliteRelayStore delegates its shared-store methods here.
 */
import type { JournalChunk } from '../relay/types.js';
import type { SqliteDatabase } from './sqlite-schema.js';

/** A journalled bundle given up on (timed out, or one too many for its camera). */
export interface JournalledBundle {
  cameraId: string;
  bundleId: string;
  chunks: number;
  firstMs: number;
  lastMs: number;
}

interface BundleRow { camera_id: string; bundle_id: string; chunks: number; first_ms: number; last_ms: number }

const toBundle = (r: BundleRow): JournalledBundle => ({ cameraId: r.camera_id, bundleId: r.bundle_id, chunks: r.chunks, firstMs: r.first_ms, lastMs: r.last_ms });

export class SharedJournal {
  private readonly q;
  private readonly collectTx;
  private readonly staleTx;
  private readonly excessTx;

  constructor(db: SqliteDatabase) {
    this.q = {
      add: db.prepare('INSERT INTO journal (camera_id, bundle_id, received_ms, bytes) VALUES (?, ?, ?, ?)'),
      drop: db.prepare('DELETE FROM journal WHERE camera_id = ? AND bundle_id = ?'),
      bundleChunks: db.prepare('SELECT bytes, received_ms FROM journal WHERE camera_id = ? AND bundle_id = ? ORDER BY seq'),
      stale: db.prepare(`SELECT camera_id, bundle_id, count(*) AS chunks, min(received_ms) AS first_ms, max(received_ms) AS last_ms
        FROM journal GROUP BY camera_id, bundle_id HAVING max(received_ms) < ?`),
      // least recently fed first: by the seq of each bundle's newest chunk
      cameraBundles: db.prepare(`SELECT camera_id, bundle_id, count(*) AS chunks, min(received_ms) AS first_ms, max(received_ms) AS last_ms
        FROM journal WHERE camera_id = ? GROUP BY bundle_id ORDER BY max(seq)`),
      journalled: db.prepare('SELECT count(DISTINCT camera_id || \'/\' || bundle_id) AS bundles, coalesce(sum(length(bytes)), 0) AS bytes FROM journal'),
    };
    this.collectTx = db.transaction((cameraId: string, bundleId: string, bytes: Uint8Array, receivedMs: number): JournalChunk[] => {
      this.q.add.run(cameraId, bundleId, receivedMs, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
      return (this.q.bundleChunks.all(cameraId, bundleId) as { bytes: Buffer; received_ms: number }[]).map((r) => ({ bytes: new Uint8Array(r.bytes), receivedMs: r.received_ms }));
    });
    this.staleTx = db.transaction((beforeMs: number): JournalledBundle[] => {
      const rows = this.q.stale.all(beforeMs) as BundleRow[];
      for (const r of rows) this.q.drop.run(r.camera_id, r.bundle_id);
      return rows.map(toBundle);
    });
    this.excessTx = db.transaction((cameraId: string, keep: string, max: number): JournalledBundle[] => {
      const rows = (this.q.cameraBundles.all(cameraId) as BundleRow[]).filter((r) => r.bundle_id !== keep);
      const victims = rows.slice(0, Math.max(0, rows.length + 1 - max));
      for (const r of victims) this.q.drop.run(cameraId, r.bundle_id);
      return victims.map(toBundle);
    });
  }

  /** Journal the chunk and return every chunk journalled for its bundle, by any process. */
  addAndCollect(cameraId: string, bundleId: string, bytes: Uint8Array, receivedMs: number): JournalChunk[] {
    return this.collectTx.immediate(cameraId, bundleId, bytes, receivedMs);
  }

  /** Partial bundles journalled by every relay, and their bytes. */
  journalled(): { bundles: number; bytes: number } {
    return this.q.journalled.get() as { bundles: number; bytes: number };
  }

  /** Drop the bundles whose newest chunk arrived before `beforeMs`; returns them. */
  dropStale(beforeMs: number): JournalledBundle[] {
    return this.staleTx.immediate(beforeMs);
  }

  /** Drop a camera's bundles beyond `max` (with `keep`, the one just fed), least recently fed first; returns them. */
  dropExcess(cameraId: string, keep: string, max: number): JournalledBundle[] {
    return this.excessTx.immediate(cameraId, keep, max);
  }
}
