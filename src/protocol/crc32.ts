/**
 * CRC-32 (IEEE 802.3, the zlib/PNG one: reflected polynomial 0xEDB88320, init and final XOR
 * 0xFFFFFFFF). Table-driven, integer-only; the 1 KiB table is built once when the module loads.
 * Check value: crc32("123456789") = 0xCBF43926.
 */

function makeTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

const TABLE = makeTable();

/**
 * CRC-32 of `bytes[start..end)` as an unsigned 32-bit number. Pass a previous result as `seed`
 * to continue a running checksum: crc32(b, 0, n, crc32(a)) === crc32(a followed by b).
 * @example crc32(new Uint8Array([0x31, 0x32, 0x33])) // 0x884863d2
 */
export function crc32(bytes: Uint8Array, start?: number, end?: number, seed?: number): number {
  const from = start === undefined ? 0 : start;
  const to = end === undefined ? bytes.length : end;
  let c = (seed === undefined ? 0 : seed) ^ 0xffffffff;
  for (let i = from; i < to; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
