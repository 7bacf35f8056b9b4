/**
 * Reads a JPEG's size from its header (the SOF marker), without decoding: the derive stage checks
 * it against the size the bundle announces before anything else is done with the image.
 */

/**
 * Width and height from the first SOF0-SOF15 marker (not DHT/JPG/DAC), or null when `b` is not a
 * JPEG or its header is cut short.
 * @example jpegSize(bytes) // { width: 640, height: 480 }
 */
export function jpegSize(b: Uint8Array): { width: number; height: number } | null {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null;
  let p = 2;
  while (p + 4 <= b.length) {
    if (b[p] !== 0xff) return null;
    const marker = b[p + 1];
    if (marker === 0xff) {
      p++; // fill byte
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // end of image / start of scan before any SOF
    const len = (b[p + 2] << 8) | b[p + 3];
    if (len < 2) return null;
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (p + 9 > b.length) return null;
      const height = (b[p + 5] << 8) | b[p + 6];
      const width = (b[p + 7] << 8) | b[p + 8];
      return width > 0 && height > 0 ? { width, height } : null;
    }
    p += 2 + len;
  }
  return null;
}
