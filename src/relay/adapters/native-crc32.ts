/**
 * Node's zlib.crc32 (Node >= 20.15, 22.2) behind the protocol's crc32(): the same CRC-32, ~10x
 * the speed of its table loop. The relay checks every bundle three times (each chunk, the
 * reassembled bundle, the decode), ~75 KB per bundle. Older Node keeps the table loop.
 */
import * as zlib from 'node:zlib';
import { useNativeCrc32 } from '../../protocol/index.js';

/** Returns whether the native CRC-32 is now in use. */
export function installNativeCrc32(): boolean {
  const native = (zlib as { crc32?: (data: Uint8Array, seed: number) => number }).crc32;
  if (typeof native !== 'function') return false;
  useNativeCrc32(native);
  return true;
}
