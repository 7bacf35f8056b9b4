/**
 * Little-endian integer packing by hand (no DataView: Duktape/JerryScript builds may lack it,
 * and byte loops are what every engine runs the same way). Callers check bounds first.
 */

/** Write a uint16 at `pos`. */
export function writeU16(out: Uint8Array, pos: number, v: number): void {
  out[pos] = v & 0xff;
  out[pos + 1] = (v >>> 8) & 0xff;
}

/** Write a uint32 at `pos` (v in 0..2^32-1, or any int32: the bits are what count). */
export function writeU32(out: Uint8Array, pos: number, v: number): void {
  out[pos] = v & 0xff;
  out[pos + 1] = (v >>> 8) & 0xff;
  out[pos + 2] = (v >>> 16) & 0xff;
  out[pos + 3] = (v >>> 24) & 0xff;
}

/** Read a uint16 at `pos`. */
export function readU16(b: Uint8Array, pos: number): number {
  return b[pos] | (b[pos + 1] << 8);
}

/** Read a uint32 at `pos`, as a non-negative number. */
export function readU32(b: Uint8Array, pos: number): number {
  return (b[pos] | (b[pos + 1] << 8) | (b[pos + 2] << 16) | (b[pos + 3] << 24)) >>> 0;
}

/** True when `v` is an integer number in lo..hi (rejects NaN, Infinity, non-numbers). */
export function isIntIn(v: unknown, lo: number, hi: number): boolean {
  return typeof v === 'number' && v >= lo && v <= hi && Math.floor(v) === v;
}
