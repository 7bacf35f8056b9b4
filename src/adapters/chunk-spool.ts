/**
 * The chunk spool: one append-only file per bundle, `<dir>/<camera>+<bundle>+<generation>.chunks`,
 * that holds the bundle's chunks as they arrive and, once the bundle is complete and accepted, is
 * the outbox's copy of its bytes (sqlite-store.ts keeps only the row, which names the file). A
 * bundle's bytes are so written to the disk once, instead of once per chunk in SQLite's WAL, again
 * in the outbox's row, and again by each checkpoint (SD-card wear: bench/relay-wear.ts).
 *
 * Records (chunk-spool-format.ts): length + CRC-32 + receive time, then the chunk. Appends are
 * plain write(2)s (they survive the relay being killed, like SQLite's WAL commits); sync() fsyncs
 * the files written since the last sync, and the folder when files were created, before the
 * acknowledgement that waits for it. A record torn by a kill (or a full disk) is the file's last:
 * read() stops there and truncates it away, so a later append is not hidden behind it.
 *
 * Deleting (drop: uploaded, discarded, a partial bundle dropped) is off the event loop: close(2)
 * and unlink(2) on libuv's thread pool (unlinkSync held the loop p50 0.5-0.9 ms a bundle amid the
 * relay's fsyncs on this VM's disk at load 5-7, bench/relay-wear.ts). So that a delete still
 * pending can never hit newer bytes, a bundle's file name carries a generation (base 36, one
 * counter per spool, starting above every name found in the folder): a bundle sent again with the
 * same id, or a new partial of it, goes to a new name, never to the one being deleted. Renaming
 * before the delete would be a synchronous syscall again, and waiting per name is impossible
 * because append() is synchronous (its PUBACK follows). Crash safety: a kill before the delete ran
 * leaves the old file; at start the store (sqlite-store.ts journal()) deletes every file that is
 * not an outbox row's and whose bundle is stored, and every older generation of a partial bundle
 * (only the newest is the bundle's). Files named before generations (`<camera>+<bundle>.chunks`)
 * read as generation 0. Not covered: a partial bundle dropped (timed out, refused) whose delete a
 * kill beat is replayed at the next start as if still partial (it times out or is refused again).
 *
 * Limits: one open descriptor per file written since the last sync (the partial bundles and the
 * bundles in flight to the outbox); names are safe because ids are (src/protocol/ids.ts: no '/',
 * no '+', not '.' or '..').
 */
import { close, closeSync, fstatSync, fsync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, unlink, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Reassembler } from '../protocol/index.js';
import type { JournalChunk } from '../relay/types.js';
import { encodeRecord, decodeRecords, parseSpoolName, spoolName } from './chunk-spool-format.js';

export { decodeRecords, encodeRecord, parseSpoolName, RECORD_HEADER_BYTES, spoolName } from './chunk-spool-format.js';

const bundleOf = (cameraId: string, bundleId: string) => cameraId + '+' + bundleId;

interface OpenFile {
  fd: number;
  size: number;
}

export interface ChunkSpoolOptions {
  /** Deletes a file (default fs.unlink, on libuv's thread pool). Tests hold deletes with it. */
  unlink?: (path: string, done: (err: NodeJS.ErrnoException | null) => void) => void;
}

export class ChunkSpool {
  private readonly open = new Map<string, OpenFile>();
  /** Files appended to since the last sync(); true when the folder changed too (a new file). */
  private readonly dirty = new Set<string>();
  private dirChanged = false;
  /** Files whose fsync is running, and descriptors to close once it is done. */
  private readonly syncing = new Set<string>();
  private closeLater: number[] = [];
  /** Sealed files to close after their fsync. */
  private readonly sealing = new Set<string>();
  /** `<camera>+<bundle>` -> its file's name: the newest generation, written since start or found in the folder, not dropped. */
  private readonly current = new Map<string, string>();
  /** The next file's generation: above every name in the folder at start. */
  private generation = 1;
  /** Files whose delete has not run yet (list() does not take them for live files), and how to wait for them (settled()). */
  private readonly deleting = new Set<string>();
  private whenDeleted: (() => void)[] = [];
  private readonly unlinkFile: NonNullable<ChunkSpoolOptions['unlink']>;
  /** fsyncs run so far (tests count them). */
  syncs = 0;
  /** Deletes that failed (not ENOENT): the file stays, an orphan the store deletes at its next start. */
  deleteFailures = 0;

  constructor(readonly dir: string, options: ChunkSpoolOptions = {}) {
    mkdirSync(dir, { recursive: true, mode: 0o700 }); // raw views: the owner's only
    this.unlinkFile = options.unlink ?? unlink;
    this.list();
  }

  /** Append one chunk to its bundle's file (created if needed). Throws on a storage error, leaving the file as it was. */
  append(cameraId: string, bundleId: string, payload: Uint8Array, receivedMs: number): void {
    const key = bundleOf(cameraId, bundleId);
    let name = this.current.get(key);
    if (name === undefined) name = spoolName(cameraId, bundleId, this.generation++);
    let f = this.open.get(name);
    if (!f) {
      const fd = openSync(join(this.dir, name), 'a', 0o600);
      f = { fd, size: 0 };
      try {
        f.size = fstatSync(fd).size; // a file from before a restart (read() cut any torn tail at start)
      } catch (err) {
        closeSync(fd);
        throw err;
      }
      if (f.size === 0) this.dirChanged = true;
      this.open.set(name, f);
      this.current.set(key, name);
    }
    const rec = encodeRecord(payload, receivedMs);
    let n = 0;
    try {
      n = writeSync(f.fd, rec);
      if (n !== rec.length) throw Object.assign(new Error(`short write to the chunk spool (${n} of ${rec.length} bytes)`), { code: 'ENOSPC' });
    } catch (err) {
      if (n > 0) ftruncateSync(f.fd, f.size);
      throw err;
    }
    f.size += n;
    this.dirty.add(name);
  }

  /** The name of a bundle's spool file (written since start, or the newest found in the folder), or null. */
  nameOf(cameraId: string, bundleId: string): string | null {
    return this.current.get(bundleOf(cameraId, bundleId)) ?? null;
  }

  /** Every spool file's name (at start: the partial bundles to replay and the outbox's bundles, and older generations to delete). */
  list(): string[] {
    const names = readdirSync(this.dir).filter((n) => parseSpoolName(n) !== null && !this.deleting.has(n)).sort();
    for (const n of names) {
      const ids = parseSpoolName(n)!;
      const key = bundleOf(ids.cameraId, ids.bundleId);
      const had = this.current.get(key);
      if (had === undefined || parseSpoolName(had)!.generation < ids.generation) this.current.set(key, n);
      if (ids.generation >= this.generation) this.generation = ids.generation + 1;
    }
    return names;
  }

  /** A file's whole records; a torn tail is cut off the file. Empty when there is no such file. */
  read(name: string): JournalChunk[] {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(this.dir, name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const { chunks, goodBytes } = decodeRecords(bytes);
    if (goodBytes < bytes.length) {
      const fd = openSync(join(this.dir, name), 'r+');
      try {
        ftruncateSync(fd, goodBytes);
      } finally {
        closeSync(fd);
      }
      const f = this.open.get(name);
      if (f) f.size = goodBytes;
    }
    return chunks;
  }

  /**
   * Delete a file (dropped, or uploaded), off the event loop; absent is fine. The bundle's next
   * append goes to a new file at once (a new generation), whether or not this delete has run.
   */
  drop(name: string): void {
    const f = this.open.get(name);
    if (f) {
      // an fsync running on it would fail (or hit another file reusing the number): close after it
      if (this.syncing.has(name)) this.closeLater.push(f.fd);
      else close(f.fd, () => {});
      this.open.delete(name);
    }
    this.dirty.delete(name);
    this.sealing.delete(name);
    const ids = parseSpoolName(name);
    if (ids && this.current.get(bundleOf(ids.cameraId, ids.bundleId)) === name) this.current.delete(bundleOf(ids.cameraId, ids.bundleId));
    if (this.deleting.has(name)) return; // asked twice: one delete
    this.deleting.add(name);
    this.unlinkFile(join(this.dir, name), (err) => {
      if (err && err.code !== 'ENOENT') this.deleteFailures++;
      this.deleting.delete(name);
      if (this.deleting.size === 0) for (const r of this.whenDeleted.splice(0)) r();
    });
  }

  /** Delete a bundle's file, if it has one. */
  dropBundle(cameraId: string, bundleId: string): void {
    const name = this.nameOf(cameraId, bundleId);
    if (name !== null) this.drop(name);
  }

  /** Resolves when every delete asked for so far has run (tests, benches). */
  settled(): Promise<void> {
    return this.deleting.size === 0 ? Promise.resolve() : new Promise((r) => this.whenDeleted.push(r));
  }

  /** A file will not be appended to again (its bundle is accepted): close it once synced. It stays. */
  seal(name: string): void {
    const f = this.open.get(name);
    if (!f) return;
    if (this.dirty.has(name) || this.syncing.has(name)) {
      this.sealing.add(name);
      return;
    }
    closeSync(f.fd);
    this.open.delete(name);
  }

  /**
   * fsync every file appended to since the last call (and the folder, when files appeared), in
   * parallel on libuv's thread pool; sealed files are closed once synced. Resolves when all are.
   * One at a time (the store's durable() queues them).
   */
  sync(): Promise<void> {
    const fds: number[] = [];
    for (const name of this.dirty) fds.push(this.open.get(name)!.fd);
    const names = [...this.dirty];
    this.dirty.clear();
    for (const n of names) this.syncing.add(n);
    let dirFd: number | null = null;
    if (this.dirChanged) {
      this.dirChanged = false;
      dirFd = openSync(this.dir, 'r');
      fds.push(dirFd);
    }
    this.syncs += fds.length;
    const one = (fd: number) => new Promise<void>((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())));
    return Promise.all(fds.map(one)).finally(() => {
      if (dirFd !== null) closeSync(dirFd);
      for (const n of names) this.syncing.delete(n);
      for (const fd of this.closeLater.splice(0)) closeSync(fd);
      for (const n of names) if (this.sealing.has(n) && !this.dirty.has(n)) this.closeSealed(n);
    }).then(() => undefined);
  }

  private closeSealed(name: string): void {
    this.sealing.delete(name);
    const f = this.open.get(name);
    if (!f) return;
    closeSync(f.fd);
    this.open.delete(name);
  }

  close(): void {
    for (const fd of this.closeLater.splice(0)) closeSync(fd);
    for (const f of this.open.values()) closeSync(f.fd);
    this.open.clear();
  }
}

/** The bundle a spool file's chunks make (duplicates and order do not matter), or null if they make none. */
export function assembleChunks(chunks: JournalChunk[]): Uint8Array | null {
  const r = new Reassembler({ maxBundles: 1, maxBytes: 1 << 30, rememberCompleted: 0 });
  for (const c of chunks) {
    const p = r.push(c.bytes, 0);
    if (p.kind === 'complete') return p.bytes;
    if (p.kind === 'error' && p.error.code === 'bad-crc') return null;
  }
  return null;
}

/**
 * When each camera last had a chunk spooled (its newest spool file's modification time), for the
 * owner pages' "last seen" (a camera mid-bundle has nothing in the outbox or the index yet).
 * Empty when the folder does not exist.
 */
export function lastChunkTimes(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const ids = parseSpoolName(name);
    if (!ids) continue;
    try {
      const ms = Math.floor(statSync(join(dir, name)).mtimeMs);
      if (ms > (out.get(ids.cameraId) ?? -1)) out.set(ids.cameraId, ms);
    } catch {
      // deleted meanwhile (uploaded)
    }
  }
  return out;
}
