/**
 * The chunk spool's formats (chunk-spool.ts): file names and records.
 *
 * Name: `<camera>+<bundle>+<generation>.chunks`, the generation in base 36 (a new file per bundle
 * id each time it is written anew; `<camera>+<bundle>.chunks`, from before generations, reads as 0).
 * Ids hold no '+' (src/protocol/ids.ts), so the parts split without doubt.
 *
 * Record: 16-byte header then the chunk exactly as received:
 *   u32 LE payload length | u32 LE CRC-32 of (bytes 8..15 + payload) | f64 LE received ms | payload
 */
import { crc32, isValidBundleId, isValidCameraId } from '../protocol/index.js';
import type { JournalChunk } from '../relay/types.js';

export const RECORD_HEADER_BYTES = 16;
const SUFFIX = '.chunks';

/** The file name of a bundle's spool file (no folder); generation 0 is the name from before generations. */
export function spoolName(cameraId: string, bundleId: string, generation = 0): string {
  return cameraId + '+' + bundleId + (generation > 0 ? '+' + generation.toString(36) : '') + SUFFIX;
}

/** Camera, bundle and generation of a spool file name; null for any other name. */
export function parseSpoolName(name: string): { cameraId: string; bundleId: string; generation: number } | null {
  if (!name.endsWith(SUFFIX)) return null;
  const parts = name.slice(0, -SUFFIX.length).split('+');
  if (parts.length !== 2 && parts.length !== 3) return null;
  const generation = parts.length === 3 && /^[0-9a-z]{1,10}$/.test(parts[2]) ? parseInt(parts[2], 36) : parts.length === 2 ? 0 : -1;
  const [cameraId, bundleId] = parts;
  return generation >= 0 && isValidCameraId(cameraId) && isValidBundleId(bundleId) ? { cameraId, bundleId, generation } : null;
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
