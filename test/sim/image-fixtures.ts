/**
 * Hand-built image files for the image-io and CDnet tests: BMPs byte by byte and palette PNGs
 * chunk by chunk (pngjs cannot write palette PNGs), so the decoders are checked against files
 * whose every byte the test controls.
 */
import { deflateSync } from 'node:zlib';

export type Rgb = [number, number, number];

export interface BmpSpec {
  width: number;
  height: number;
  bpp: 1 | 4 | 8 | 24 | 32;
  /** Palette for 1/4/8-bit images. */
  palette?: Rgb[];
  /** Top row first: palette indices (<= 8 bits) or [r, g, b] per pixel (24/32 bits). */
  pixels: (number | Rgb)[];
  /** Store rows top-down (negative height) instead of the usual bottom-up. */
  topDown?: boolean;
  /** Compression field to write (0 = BI_RGB); anything else is for error tests. */
  compression?: number;
}

/** A Windows BMP with a 40-byte BITMAPINFOHEADER. */
export function makeBmp(s: BmpSpec): Uint8Array {
  const stride = Math.floor((s.bpp * s.width + 31) / 32) * 4;
  const pal = s.bpp <= 8 ? s.palette ?? [] : [];
  const dataOffset = 14 + 40 + pal.length * 4;
  const size = dataOffset + stride * s.height;
  const b = new Uint8Array(size);
  const v = new DataView(b.buffer);
  b[0] = 0x42;
  b[1] = 0x4d;
  v.setUint32(2, size, true);
  v.setUint32(10, dataOffset, true);
  v.setUint32(14, 40, true);
  v.setInt32(18, s.width, true);
  v.setInt32(22, s.topDown ? -s.height : s.height, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, s.bpp, true);
  v.setUint32(30, s.compression ?? 0, true);
  v.setUint32(34, stride * s.height, true);
  v.setUint32(46, pal.length, true);
  pal.forEach(([r, g, bl], i) => {
    b[54 + i * 4] = bl;
    b[55 + i * 4] = g;
    b[56 + i * 4] = r;
  });
  for (let y = 0; y < s.height; y++) {
    const row = dataOffset + (s.topDown ? y : s.height - 1 - y) * stride;
    for (let x = 0; x < s.width; x++) {
      const p = s.pixels[y * s.width + x];
      if (s.bpp <= 8) {
        const perByte = 8 / s.bpp;
        const shift = 8 - s.bpp * ((x % perByte) + 1);
        b[row + Math.floor(x / perByte)] |= (p as number) << shift;
      } else {
        const [r, g, bl] = p as Rgb;
        const o = row + x * (s.bpp / 8);
        b[o] = bl;
        b[o + 1] = g;
        b[o + 2] = r;
        if (s.bpp === 32) b[o + 3] = 0x7f; // reserved byte: must be ignored
      }
    }
  }
  return b;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** A palette (colour type 3) PNG of the given bit depth; `indices` top row first. */
export function makePalettePng(width: number, height: number, bitDepth: 1 | 2 | 4 | 8, palette: Rgb[], indices: number[]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = bitDepth;
  ihdr[9] = 3; // colour type: palette
  const plte = Buffer.from(palette.flat());
  const rowBytes = Math.ceil((width * bitDepth) / 8);
  const raw = Buffer.alloc((rowBytes + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (rowBytes + 1); // filter byte 0 (none)
    for (let x = 0; x < width; x++) {
      const bitPos = x * bitDepth;
      raw[row + 1 + (bitPos >> 3)] |= indices[y * width + x] << (8 - bitDepth - (bitPos & 7));
    }
  }
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('PLTE', plte), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))]);
}
