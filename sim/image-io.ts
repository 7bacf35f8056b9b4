/**
 * Image files for the simulator and the evaluation: decode to grey, encode grey/RGB PNGs.
 *
 * Limits: reads .png (pngjs; palette, grey, RGB, alpha, 1–16 bits), .bmp (own decoder: 1/4/8-bit
 * palette, 16/24/32-bit, BI_RGB or BI_BITFIELDS, bottom-up and top-down; RLE is refused) and
 * .jpg/.jpeg (jpeg-js, baseline and progressive). Colour is reduced to luma with the ITU-R BT.601
 * integer weights (77R + 150G + 29B + 128) >> 8; the weights sum to 256, so a grey pixel (R = G = B)
 * keeps its exact value — ground-truth labels (0/50/85/170/255) survive decoding unchanged.
 * Palette images are decoded through their palette: an index is never taken as a label.
 * Alpha is ignored.
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';

export interface GreyImage {
  width: number;
  height: number;
  /** Luma, width*height bytes, row-major, top row first. */
  grey: Uint8Array;
}

export const IMAGE_DEFAULTS = {
  /** Largest JPEG decode buffer jpeg-js may allocate (MB); a 4K frame needs ~50 MB. */
  jpegMaxMemoryMB: 512,
  /** Largest accepted image side (pixels): guards against corrupt headers allocating gigabytes. */
  maxSide: 16384,
};

/** File extensions `readImage` understands (lower case, with the dot). */
export const IMAGE_EXTENSIONS = ['.png', '.bmp', '.jpg', '.jpeg'];

/** BT.601 integer luma; exact for grey input because 77 + 150 + 29 = 256. */
export function luma(r: number, g: number, b: number): number {
  return (77 * r + 150 * g + 29 * b + 128) >> 8;
}

/** Reads an image file and returns its luma. The format is chosen by the file extension. */
export async function readImage(path: string): Promise<GreyImage> {
  const ext = extname(path).toLowerCase();
  if (!IMAGE_EXTENSIONS.includes(ext)) {
    throw new Error(`${path}: unsupported image type '${ext || '(none)'}' (expected ${IMAGE_EXTENSIONS.join(', ')})`);
  }
  const buf = await readFile(path);
  try {
    return decodeImage(buf, ext);
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`);
  }
}

/** Decodes an in-memory image; `ext` is '.png', '.bmp', '.jpg' or '.jpeg'. */
export function decodeImage(buf: Uint8Array, ext: string): GreyImage {
  switch (ext.toLowerCase()) {
    case '.png':
      return decodePng(buf);
    case '.bmp':
      return decodeBmp(buf);
    case '.jpg':
    case '.jpeg':
      return decodeJpeg(buf);
    default:
      throw new Error(`unsupported image type '${ext}'`);
  }
}

function rgbaToGrey(data: Uint8Array, width: number, height: number): GreyImage {
  const n = width * height;
  const grey = new Uint8Array(n);
  for (let i = 0, j = 0; i < n; i++, j += 4) grey[i] = luma(data[j], data[j + 1], data[j + 2]);
  return { width, height, grey };
}

/** PNG through pngjs, which expands palette, grey and 1/2/4/16-bit images to 8-bit RGBA. */
export function decodePng(buf: Uint8Array): GreyImage {
  const png = PNG.sync.read(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength));
  return rgbaToGrey(png.data, png.width, png.height);
}

export function decodeJpeg(buf: Uint8Array): GreyImage {
  const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: IMAGE_DEFAULTS.jpegMaxMemoryMB });
  return rgbaToGrey(img.data, img.width, img.height);
}

const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;

/** One colour channel of a BI_BITFIELDS pixel: shift down, then scale the field to 0–255. */
interface Field { mask: number; shift: number; max: number }

function field(mask: number): Field {
  mask = mask >>> 0;
  if (mask === 0) return { mask: 0, shift: 0, max: 1 };
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  return { mask, shift, max: mask >>> shift };
}

function channel(px: number, f: Field): number {
  if (f.mask === 0) return 0;
  const v = (px & f.mask) >>> f.shift;
  return f.max === 255 ? v : Math.floor((v * 255) / f.max + 0.5);
}

interface BmpHeader {
  dataOffset: number;
  dibSize: number;
  width: number;
  height: number;
  topDown: boolean;
  bpp: number;
  compression: number;
  colorsUsed: number;
  /** Bytes per palette entry: 4 (B, G, R, reserved), 3 in OS/2 files. */
  palEntry: number;
}

/** The file and DIB headers, checked: plausible size, uncompressed, a supported bit depth. */
function bmpHeader(b: Uint8Array, v: DataView): BmpHeader {
  if (b.length < 26 || b[0] !== 0x42 || b[1] !== 0x4d) throw new Error('not a BMP file (no "BM" signature)');
  const dataOffset = v.getUint32(10, true);
  const dibSize = v.getUint32(14, true);
  let width: number, height: number, bpp: number, compression = BI_RGB, colorsUsed = 0, palEntry = 4;
  if (dibSize === 12) {
    // OS/2 core header: 16-bit sizes, 3-byte palette entries, always bottom-up.
    width = v.getUint16(18, true);
    height = v.getUint16(20, true);
    bpp = v.getUint16(24, true);
    palEntry = 3;
  } else if (dibSize >= 40) {
    if (b.length < 54) throw new Error('truncated BMP header');
    width = v.getInt32(18, true);
    height = v.getInt32(22, true);
    bpp = v.getUint16(28, true);
    compression = v.getUint32(30, true);
    colorsUsed = v.getUint32(46, true);
  } else {
    throw new Error(`unsupported BMP header size ${dibSize}`);
  }
  const topDown = height < 0;
  if (topDown) height = -height;
  if (width < 1 || height < 1 || width > IMAGE_DEFAULTS.maxSide || height > IMAGE_DEFAULTS.maxSide) {
    throw new Error(`implausible BMP size ${width}x${height}`);
  }
  if (compression !== BI_RGB && compression !== BI_BITFIELDS && compression !== BI_ALPHABITFIELDS) {
    throw new Error(`compressed BMP (compression ${compression}: RLE/JPEG/PNG) is not supported; save it uncompressed`);
  }
  if ([1, 4, 8, 16, 24, 32].indexOf(bpp) < 0) throw new Error(`unsupported BMP bit depth ${bpp}`);
  return { dataOffset, dibSize, width, height, topDown, bpp, compression, colorsUsed, palEntry };
}

/** Palette for 1/4/8-bit images as grey, stored B, G, R(, reserved) right after the DIB header. */
function bmpPalette(b: Uint8Array, h: BmpHeader): Uint8Array | undefined {
  if (h.bpp > 8) return undefined;
  const n = h.colorsUsed || 1 << h.bpp;
  const start = 14 + h.dibSize;
  if (start + n * h.palEntry > b.length) throw new Error('truncated BMP palette');
  const palette = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const p = start + i * h.palEntry;
    palette[i] = luma(b[p + 2], b[p + 1], b[p]);
  }
  return palette;
}

/**
 * Channel masks: explicit with BI_BITFIELDS (at offset 54 for every header >= 40 bytes),
 * else the BI_RGB defaults (5-5-5 for 16 bits, B-G-R-X bytes for 32 bits).
 */
function bmpFields(b: Uint8Array, v: DataView, h: BmpHeader): [Field, Field, Field] {
  let fr = field(0x7c00), fg = field(0x03e0), fb = field(0x001f);
  if (h.bpp === 32) {
    fr = field(0x00ff0000);
    fg = field(0x0000ff00);
    fb = field(0x000000ff);
  }
  if (h.compression !== BI_RGB) {
    if (h.bpp !== 16 && h.bpp !== 32) throw new Error(`BI_BITFIELDS needs 16 or 32 bits per pixel, got ${h.bpp}`);
    if (b.length < 66) throw new Error('truncated BMP bit-field masks');
    fr = field(v.getUint32(54, true));
    fg = field(v.getUint32(58, true));
    fb = field(v.getUint32(62, true));
  }
  return [fr, fg, fb];
}

/** One stored row (at byte `row`) into grey[o .. o + width). */
function bmpRow(b: Uint8Array, v: DataView, h: BmpHeader, palette: Uint8Array | undefined, f: [Field, Field, Field], row: number, y: number, grey: Uint8Array, o: number): void {
  const { width, bpp } = h;
  if (palette) {
    const perByte = 8 / bpp;
    const mask = (1 << bpp) - 1;
    for (let x = 0; x < width; x++) {
      const byte = b[row + Math.floor(x / perByte)];
      // Pixels are packed most significant bits first.
      const idx = (byte >> (8 - bpp * ((x % perByte) + 1))) & mask;
      if (idx >= palette.length) throw new Error(`BMP palette index ${idx} at (${x}, ${y}) outside the ${palette.length}-entry palette`);
      grey[o + x] = palette[idx];
    }
  } else if (bpp === 24) {
    for (let x = 0, p = row; x < width; x++, p += 3) grey[o + x] = luma(b[p + 2], b[p + 1], b[p]);
  } else if (bpp === 32 && h.compression === BI_RGB) {
    for (let x = 0, p = row; x < width; x++, p += 4) grey[o + x] = luma(b[p + 2], b[p + 1], b[p]);
  } else {
    const bytes = bpp / 8;
    for (let x = 0, p = row; x < width; x++, p += bytes) {
      const px = bytes === 2 ? v.getUint16(p, true) : v.getUint32(p, true);
      grey[o + x] = luma(channel(px, f[0]), channel(px, f[1]), channel(px, f[2]));
    }
  }
}

/**
 * A small BMP decoder (Windows BITMAPINFOHEADER and later, and OS/2 BITMAPCOREHEADER).
 * Rows are padded to 4 bytes; a positive height means bottom-up storage.
 */
export function decodeBmp(b: Uint8Array): GreyImage {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const h = bmpHeader(b, v);
  const { width, height, bpp, dataOffset } = h;
  const palette = bmpPalette(b, h);
  const fields = bmpFields(b, v, h);
  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  if (dataOffset + stride * (height - 1) + Math.ceil((bpp * width) / 8) > b.length) {
    throw new Error(`truncated BMP pixel data (${b.length} bytes for ${width}x${height} at ${bpp} bits)`);
  }
  const grey = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    bmpRow(b, v, h, palette, fields, dataOffset + (h.topDown ? y : height - 1 - y) * stride, y, grey, y * width);
  }
  return { width, height, grey };
}

function pngBuffer(data: Uint8Array, width: number, height: number, colorType: 0 | 2): Buffer {
  const bpp = colorType === 0 ? 1 : 3;
  if (data.length !== width * height * bpp) {
    throw new RangeError(`image data has ${data.length} bytes, expected ${width * height * bpp} for ${width}x${height}`);
  }
  const png = new PNG({ width, height, colorType, inputColorType: colorType, inputHasAlpha: false });
  png.data = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return PNG.sync.write(png, { colorType, inputColorType: colorType, inputHasAlpha: false });
}

/** 8-bit greyscale PNG from width*height bytes. */
export function encodeGreyPng(grey: Uint8Array, width: number, height: number): Buffer {
  return pngBuffer(grey, width, height, 0);
}

/** 8-bit RGB PNG from width*height*3 bytes (R, G, B per pixel). */
export function encodeRgbPng(rgb: Uint8Array, width: number, height: number): Buffer {
  return pngBuffer(rgb, width, height, 2);
}

/** Writes a greyscale PNG, creating the folder when needed. */
export async function writeGreyPng(path: string, grey: Uint8Array, width: number, height: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, encodeGreyPng(grey, width, height));
}
