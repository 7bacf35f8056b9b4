/**
 * A streaming ZIP writer, "stored" method (no compression: the images are JPEG/PNG already).
 * Each entry's bytes are in memory when it is written (a contribution's objects are small), so its
 * CRC and size go in the local header and no data descriptor is needed. Names are UTF-8 (flag 11).
 *
 * Limits, stated up front: no ZIP64, so at most 65,535 entries and 4 GiB in all (`zipFits` checks
 * before a byte is sent); no compression; times in UTC (ZIP has no time zone).
 */
import { crc32 } from 'node:zlib';

export interface ZipEntry {
  /** Path inside the archive, '/'-separated, no leading '/' and no '..'. */
  name: string;
  data: Uint8Array;
  mtimeMs: number;
}

const MAX_ENTRIES = 0xffff;
const MAX_OFFSET = 0xffffffff;

/** Whether `entries` files with these names and sizes fit in a ZIP without ZIP64. */
export function zipFits(entries: number, totalBytes: number, totalNameBytes: number): boolean {
  const overhead = entries * (30 + 46) + 2 * totalNameBytes + 22;
  return entries <= MAX_ENTRIES && totalBytes + overhead <= MAX_OFFSET;
}

function dosTime(ms: number): { time: number; date: number } {
  const d = new Date(Math.max(ms, Date.UTC(1980, 0, 1)));
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

function safeName(name: string): Buffer {
  if (!name || name.startsWith('/') || name.split('/').some((p) => p === '..' || p === '' || p === '.')) throw new RangeError(`zip: bad entry name ${JSON.stringify(name)}`);
  const b = Buffer.from(name, 'utf8');
  if (b.length > 0xffff) throw new RangeError('zip: entry name too long');
  return b;
}

/**
 * The archive's bytes, entry by entry.
 * @example Readable.from(zipStream(entries())).pipe(res)
 */
export async function* zipStream(entries: AsyncIterable<ZipEntry> | Iterable<ZipEntry>): AsyncGenerator<Uint8Array> {
  const central: Buffer[] = [];
  let offset = 0;
  let count = 0;
  for await (const e of entries) {
    if (++count > MAX_ENTRIES) throw new RangeError('zip: more than 65,535 entries (no ZIP64)');
    const name = safeName(e.name);
    const crc = crc32(e.data) >>> 0;
    const size = e.data.length;
    const { time, date } = dosTime(e.mtimeMs);
    if (offset + 30 + name.length + size > MAX_OFFSET) throw new RangeError('zip: larger than 4 GiB (no ZIP64)');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(size, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(0x0314, 4); // made by: unix, 2.0
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(0x0800, 8);
    cd.writeUInt16LE(0, 10);
    cd.writeUInt16LE(time, 12);
    cd.writeUInt16LE(date, 14);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(size, 20);
    cd.writeUInt32LE(size, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external attributes: a regular file, rw-r--r--
    cd.writeUInt32LE(offset, 42);
    central.push(cd, name);
    yield Buffer.concat([local, name]);
    yield e.data;
    offset += 30 + name.length + size;
  }
  const cdBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(cdBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  yield Buffer.concat([cdBytes, end]);
}

/** Read a stored ZIP back (tests): name -> bytes; throws on a bad CRC or structure. */
export function readZip(zip: Uint8Array): Map<string, Uint8Array> {
  const b = Buffer.from(zip.buffer, zip.byteOffset, zip.length);
  const endAt = b.length - 22;
  if (b.readUInt32LE(endAt) !== 0x06054b50) throw new Error('zip: no end record');
  const n = b.readUInt16LE(endAt + 10);
  let p = b.readUInt32LE(endAt + 16);
  const out = new Map<string, Uint8Array>();
  for (let i = 0; i < n; i++) {
    if (b.readUInt32LE(p) !== 0x02014b50) throw new Error('zip: bad central header');
    const crc = b.readUInt32LE(p + 16);
    const size = b.readUInt32LE(p + 20);
    const nameLen = b.readUInt16LE(p + 28);
    const at = b.readUInt32LE(p + 42);
    const name = b.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    if (b.readUInt32LE(at) !== 0x04034b50) throw new Error(`zip: bad local header for ${name}`);
    const start = at + 30 + b.readUInt16LE(at + 26) + b.readUInt16LE(at + 28);
    const data = b.subarray(start, start + size);
    if ((crc32(data) >>> 0) !== crc) throw new Error(`zip: CRC mismatch in ${name}`);
    out.set(name, new Uint8Array(data));
    p += 46 + nameLen + b.readUInt16LE(p + 30) + b.readUInt16LE(p + 32);
  }
  return out;
}
