/**
 * The chunk spool: one append-only file per bundle, `<dir>/<camera>+<bundle>.chunks`, that holds
 * the bundle's chunks as they arrive and, once the bundle is complete and accepted, is the
 * outbox's copy of its bytes (sqlite-store.ts keeps only the row). A bundle's bytes are so written
 * to the disk once, instead of once per chunk in SQLite's WAL, again in the outbox's row, and
 * again by each checkpoint (SD-card wear: bench/relay-wear.ts).
 *
 * Record: 16-byte header then the chunk exactly as received:
 *   u32 LE payload length | u32 LE CRC-32 of (bytes 8..15 + payload) | f64 LE received ms | payload
 * Appends are plain write(2)s (they survive the relay being killed, like SQLite's WAL commits);
 * sync() fsyncs the files written since the last sync, and the folder when files were created,
 * before the acknowledgement that waits for it. A record torn by a kill (or a full disk) is the
 * file's last: read() stops there and truncates it away, so a later append is not hidden behind it.
 *
 * Limits: one open descriptor per file written since the last sync (the partial bundles and the
 * bundles in flight to the outbox); names are safe because ids are (src/protocol/ids.ts: no '/',
 * no '+', not '.' or '..').
 */
import { closeSync, fstatSync, fsync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, isValidBundleId, isValidCameraId, Reassembler } from '../protocol/index.js';
import type { JournalChunk } from '../relay/types.js';

export const RECORD_HEADER_BYTES = 16;
const SUFFIX = '.chunks';

/** The file name of a bundle's spool file (no folder). */
export function spoolName(cameraId: string, bundleId: string): string {
  return cameraId + '+' + bundleId + SUFFIX;
}

/** Camera and bundle of a spool file name; null for any other name. */
export function parseSpoolName(name: string): { cameraId: string; bundleId: string } | null {
  if (!name.endsWith(SUFFIX)) return null;
  const plus = name.indexOf('+');
  const cameraId = name.slice(0, plus);
  const bundleId = name.slice(plus + 1, -SUFFIX.length);
  return plus > 0 && isValidCameraId(cameraId) && isValidBundleId(bundleId) ? { cameraId, bundleId } : null;
}

/** One framed record for `payload`. */
export function encodeRecord(payload: Uint8Array, receivedMs: number): Buffer {
  const rec = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payload.length);
  rec.writeUInt32LE(payload.length, 0);
  rec.writeDoubleLE(receivedMs, 8);
  rec.set(payload, RECORD_HEADER_BYTES);
  rec.writeUInt32LE(crc32(rec, 8, rec.length), 4);
  return rec;
}

/** The whole records at the start of `file`, and where the first torn or garbled one begins. */
export function decodeRecords(file: Uint8Array): { chunks: JournalChunk[]; goodBytes: number } {
  const b = Buffer.from(file.buffer, file.byteOffset, file.length);
  const chunks: JournalChunk[] = [];
  let at = 0;
  while (at + RECORD_HEADER_BYTES <= b.length) {
    const len = b.readUInt32LE(at);
    const end = at + RECORD_HEADER_BYTES + len;
    if (end > b.length || crc32(b, at + 8, end) !== b.readUInt32LE(at + 4)) break;
    chunks.push({ bytes: new Uint8Array(b.subarray(at + RECORD_HEADER_BYTES, end)), receivedMs: b.readDoubleLE(at + 8) });
    at = end;
  }
  return { chunks, goodBytes: at };
}

interface OpenFile {
  fd: number;
  size: number;
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
  /** fsyncs run so far (tests count them). */
  syncs = 0;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 }); // raw views: the owner's only
  }

  /** Append one chunk to its bundle's file (created if needed). Throws on a storage error, leaving the file as it was. */
  append(cameraId: string, bundleId: string, payload: Uint8Array, receivedMs: number): void {
    const name = spoolName(cameraId, bundleId);
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

  /** Whether a bundle has a spool file (written since start, or found by list()). */
  exists(cameraId: string, bundleId: string): boolean {
    return this.open.has(spoolName(cameraId, bundleId)) || this.known.has(spoolName(cameraId, bundleId));
  }

  /** Names found at start (list()) and not dropped since. */
  private readonly known = new Set<string>();

  /** Every spool file's name (at start: the partial bundles to replay and the outbox's bundles). */
  list(): string[] {
    const names = readdirSync(this.dir).filter((n) => parseSpoolName(n) !== null).sort();
    for (const n of names) this.known.add(n);
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

  /** Delete a bundle's file (dropped, or uploaded). Absent is fine. */
  drop(name: string): void {
    const f = this.open.get(name);
    if (f) {
      // an fsync running on it would fail (or hit another file reusing the number): close after it
      if (this.syncing.has(name)) this.closeLater.push(f.fd);
      else closeSync(f.fd);
      this.open.delete(name);
    }
    this.dirty.delete(name);
    this.sealing.delete(name);
    this.known.delete(name);
    try {
      unlinkSync(join(this.dir, name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }

  /** A file will not be appended to again (its bundle is accepted): close it once synced. It stays. */
  seal(name: string): void {
    this.known.add(name);
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
