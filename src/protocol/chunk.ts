/**
 * Chunking of encoded bundles for MCU MQTT stacks (esp-mqtt fragments publishes above its 1 KB
 * buffer; Espruino is QoS 0). Each chunk is self-describing and CRC-checked, so the relay can
 * place it without having seen any other chunk of its bundle. ES5-safe. Layout: README.md.
 *
 * Chunk i carries bundle bytes [i * stride, min((i + 1) * stride, bundleLength)); every chunk
 * of a bundle repeats stride, total, bundleLength and the bundle's CRC32, so the receiver can
 * check that the chunks agree and that the reassembled bytes are the ones sent.
 *
 * The input must be a CRC-sealed record like an encoded bundle: its last 4 bytes are the CRC32
 * (little-endian) of the bytes before them. The chunker copies that CRC instead of computing
 * one (no extra pass over the bundle on the board), and the reassembler checks it. (A CRC32
 * of the *whole* sealed record would be useless: it is the constant residue 0x2144DF1C.)
 */
import { isIntIn, readU16, readU32, writeU16, writeU32 } from './bytes.js';
import { crc32 } from './crc32.js';
import { protocolError, type ProtocolError, type ProtocolErrorCode } from './errors.js';
import { isValidBundleId, isValidCameraId, readAscii, writeAscii } from './ids.js';
import { DEFAULT_CHUNK_SIZE, MAX_BUNDLE_BYTES, MAX_CHUNK_SIZE, MIN_CHUNK_SIZE } from './limits.js';

/** Magic bytes "QCCK" (QuietCam ChunK). */
export const CHUNK_MAGIC = [0x51, 0x43, 0x43, 0x4b];
/** Chunk format version written by this code; decoders reject any other. */
export const CHUNK_VERSION = 1;
/** Bytes of the fixed chunk header, before the camera id and bundle id. */
export const CHUNK_HEADER_BYTES = 24;
/** Smallest chunkable record: one byte and its 4-byte CRC. */
export const MIN_SEALED_BYTES = 5;

/** How to cut a bundle into chunks. */
export interface ChunkOptions {
  /** The bundle's camera id (see ids.ts). */
  cameraId: string;
  /** The bundle's id (see ids.ts). */
  bundleId: string;
  /** Bytes per chunk, header and CRC included: MIN_CHUNK_SIZE-MAX_CHUNK_SIZE, default 4096. */
  chunkSize?: number;
}

/** A decoded chunk. `payload` is a view into the decoded input, not a copy. */
export interface Chunk {
  cameraId: string;
  bundleId: string;
  /** 0-based index, < total. */
  index: number;
  /** Number of chunks of the bundle. */
  total: number;
  /** Payload bytes of every chunk but the last. */
  stride: number;
  /** Bytes of the whole bundle. */
  bundleLength: number;
  /** The bundle's CRC32: crc32 of its bytes but the last 4, which hold this same value. */
  bundleCrc: number;
  payload: Uint8Array;
}

export type DecodeChunkResult = { ok: true; chunk: Chunk } | { ok: false; error: ProtocolError };

/** Bytes a chunk spends on its header, ids and CRC (24 + ids + 4). */
export function chunkOverhead(cameraId: string, bundleId: string): number {
  return CHUNK_HEADER_BYTES + cameraId.length + bundleId.length + 4;
}

/**
 * Cuts one encoded bundle into chunks without allocating them all: `count` chunks,
 * `write(i, out)` fills a caller buffer of `maxChunkLength` bytes. Validates its options
 * before anything else and throws a RangeError on bad ones.
 * @example
 * const c = new Chunker(bytes, { cameraId: 'porch', bundleId: 'b-0001' });
 * const buf = new Uint8Array(c.maxChunkLength);
 * for (let i = 0; i < c.count; i++) publish(bundleTopic('porch'), c.write(i, buf));
 */
export class Chunker {
  /** Number of chunks. */
  readonly count: number;
  /** Payload bytes per chunk (the last may carry fewer). */
  readonly stride: number;
  /** Length of the longest chunk, to allocate a reusable buffer. */
  readonly maxChunkLength: number;
  /** The bundle's own CRC32 (its last 4 bytes), repeated in every chunk. */
  readonly bundleCrc: number;
  private readonly bundle: Uint8Array;
  private readonly cameraId: string;
  private readonly bundleId: string;

  constructor(bundle: Uint8Array, options: ChunkOptions) {
    const size = options.chunkSize === undefined ? DEFAULT_CHUNK_SIZE : options.chunkSize;
    if (!isValidCameraId(options.cameraId)) throw new RangeError('Chunker: invalid cameraId');
    if (!isValidBundleId(options.bundleId)) throw new RangeError('Chunker: invalid bundleId');
    if (!isIntIn(size, MIN_CHUNK_SIZE, MAX_CHUNK_SIZE)) throw new RangeError('Chunker: chunkSize ' + size + ', expected ' + MIN_CHUNK_SIZE + '-' + MAX_CHUNK_SIZE);
    if (!(bundle instanceof Uint8Array) || bundle.length < MIN_SEALED_BYTES || bundle.length > MAX_BUNDLE_BYTES) {
      throw new RangeError('Chunker: bundle must be a Uint8Array of ' + MIN_SEALED_BYTES + '-' + MAX_BUNDLE_BYTES + ' bytes');
    }
    this.bundle = bundle;
    this.cameraId = options.cameraId;
    this.bundleId = options.bundleId;
    this.stride = size - chunkOverhead(options.cameraId, options.bundleId);
    this.count = Math.floor((bundle.length + this.stride - 1) / this.stride);
    this.maxChunkLength = chunkOverhead(options.cameraId, options.bundleId) + (bundle.length < this.stride ? bundle.length : this.stride);
    this.bundleCrc = readU32(bundle, bundle.length - 4);
  }

  /** Byte length of chunk `index`. */
  chunkLength(index: number): number {
    return chunkOverhead(this.cameraId, this.bundleId) + this.payloadLength(index);
  }

  /**
   * Write chunk `index` (0..count-1) into `out` (or a new array) and return a view of exactly
   * its bytes. Throws a RangeError on a bad index or a too-small `out`.
   */
  write(index: number, out?: Uint8Array): Uint8Array {
    if (!isIntIn(index, 0, this.count - 1)) throw new RangeError('Chunker.write: index ' + index + ' of ' + this.count);
    const len = this.chunkLength(index);
    if (out && out.length < len) throw new RangeError('Chunker.write: output holds ' + out.length + ' bytes, need ' + len);
    const buf = out ? out : new Uint8Array(len);
    const payload = this.payloadLength(index);
    for (let i = 0; i < 4; i++) buf[i] = CHUNK_MAGIC[i];
    buf[4] = CHUNK_VERSION;
    buf[5] = 0; // flags, reserved
    writeU16(buf, 6, index);
    writeU16(buf, 8, this.count);
    writeU16(buf, 10, this.stride);
    writeU16(buf, 12, payload);
    writeU32(buf, 14, this.bundle.length);
    writeU32(buf, 18, this.bundleCrc);
    buf[22] = this.cameraId.length;
    buf[23] = this.bundleId.length;
    let p = writeAscii(this.cameraId, buf, CHUNK_HEADER_BYTES);
    p = writeAscii(this.bundleId, buf, p);
    const from = index * this.stride;
    buf.set(this.bundle.subarray(from, from + payload), p);
    p += payload;
    writeU32(buf, p, crc32(buf, 0, p));
    return out ? buf.subarray(0, len) : buf;
  }

  private payloadLength(index: number): number {
    const rest = this.bundle.length - index * this.stride;
    return rest < this.stride ? rest : this.stride;
  }
}

/**
 * All chunks of a bundle, each in its own array (convenient on the relay and in tests; the
 * board should use a Chunker and one buffer).
 */
export function chunkBundle(bundle: Uint8Array, options: ChunkOptions): Uint8Array[] {
  const c = new Chunker(bundle, options);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < c.count; i++) chunks.push(c.write(i));
  return chunks;
}

function failed(code: ProtocolErrorCode, message: string): DecodeChunkResult {
  return { ok: false, error: protocolError(code, message) };
}

/**
 * Decode and validate one chunk. Never throws. The payload is a view into `bytes`.
 * @example const r = decodeChunk(message); if (r.ok) place(r.chunk.index, r.chunk.payload);
 */
export function decodeChunk(bytes: Uint8Array): DecodeChunkResult {
  if (!(bytes instanceof Uint8Array)) return failed('bad-field', 'input: expected a Uint8Array');
  const n = bytes.length;
  for (let i = 0; i < 4 && i < n; i++) if (bytes[i] !== CHUNK_MAGIC[i]) return failed('bad-magic', 'not a quietcam chunk (magic "QCCK")');
  if (n < 5) return failed('truncated', n + ' bytes, shorter than the magic and version');
  if (bytes[4] !== CHUNK_VERSION) return failed('bad-version', 'chunk version ' + bytes[4] + ', this decoder reads ' + CHUNK_VERSION);
  if (n > MAX_CHUNK_SIZE) return failed('too-large', n + ' bytes, limit ' + MAX_CHUNK_SIZE);
  if (n < CHUNK_HEADER_BYTES) return failed('truncated', n + ' bytes, shorter than the ' + CHUNK_HEADER_BYTES + '-byte header');
  const payloadLength = readU16(bytes, 12);
  const expected = CHUNK_HEADER_BYTES + bytes[22] + bytes[23] + payloadLength + 4;
  if (n < expected) return failed('truncated', n + ' of ' + expected + ' bytes');
  if (n > expected) return failed('bad-field', (n - expected) + ' trailing bytes after the chunk');
  const crc = crc32(bytes, 0, n - 4);
  if (crc !== readU32(bytes, n - 4)) return failed('bad-crc', 'chunk CRC32 ' + crc + ' does not match the stored ' + readU32(bytes, n - 4));

  if (bytes[5] !== 0) return failed('bad-field', 'flags: ' + bytes[5] + ', expected 0');
  const cameraId = readAscii(bytes, CHUNK_HEADER_BYTES, bytes[22]);
  const bundleId = readAscii(bytes, CHUNK_HEADER_BYTES + bytes[22], bytes[23]);
  if (!isValidCameraId(cameraId)) return failed('bad-field', 'cameraId: not a valid camera id');
  if (!isValidBundleId(bundleId)) return failed('bad-field', 'bundleId: not a valid bundle id');
  const index = readU16(bytes, 6);
  const total = readU16(bytes, 8);
  const stride = readU16(bytes, 10);
  const bundleLength = readU32(bytes, 14);
  if (bundleLength > MAX_BUNDLE_BYTES) return failed('too-large', 'bundleLength ' + bundleLength + ', limit ' + MAX_BUNDLE_BYTES);
  if (bundleLength < MIN_SEALED_BYTES || stride === 0) {
    return failed('bad-field', 'bundleLength ' + bundleLength + ' / stride ' + stride + ': must be >= ' + MIN_SEALED_BYTES + ' / > 0');
  }
  if (total !== Math.floor((bundleLength + stride - 1) / stride)) {
    return failed('bad-field', 'total ' + total + ' does not fit bundleLength ' + bundleLength + ' / stride ' + stride);
  }
  if (index >= total) return failed('bad-field', 'index ' + index + ' >= total ' + total);
  const rest = bundleLength - index * stride;
  if (payloadLength !== (rest < stride ? rest : stride)) return failed('bad-field', 'payload ' + payloadLength + ' bytes, chunk ' + index + ' must carry ' + (rest < stride ? rest : stride));
  const start = expected - 4 - payloadLength;
  return {
    ok: true,
    chunk: {
      cameraId: cameraId,
      bundleId: bundleId,
      index: index,
      total: total,
      stride: stride,
      bundleLength: bundleLength,
      bundleCrc: readU32(bytes, 18),
      payload: bytes.subarray(start, start + payloadLength),
    },
  };
}
