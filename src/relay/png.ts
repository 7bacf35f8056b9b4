/**
 * Single-channel 8-bit PNG encoding for the relay's drawings (images 2-4: cell masks and the box
 * drawing), synchronous, in plain TypeScript, with its own small deflate encoder.
 *
 * The drawings are flat: whole rows repeat (a cell is 4-16 raw rows tall) and rows are long runs
 * of one value. The encoder writes one fixed-Huffman deflate block (RFC 1951 3.2.6) over the
 * unfiltered scanlines with two kinds of match only: a run (distance 1) and a row repeating the
 * one above (distance = scanline length), found with native row compares. So its cost grows with
 * the rows and runs, not the pixels: ~0.13 ms of CPU for a 640x480 mask here (~2-3 KB), where
 * libvips (through sharp) spent ~0.8 ms on the thread pool plus 0.2-0.4 ms of the main thread per
 * image and zlib over the 300 KB of scanlines ~0.5 ms. Any pixels are encoded losslessly; only flat
 * ones are encoded small (noise costs 9 bits a pixel).
 */
import { crc32 } from '../protocol/index.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

// Deflate's length (3-258) and distance (1-32768) alphabets.
const LEN_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LEN_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const MAX_MATCH = 258;
const MAX_DISTANCE = 32768;
const ADLER_MOD = 65521;

const reverse = (code: number, len: number) => {
  let r = 0;
  for (let i = 0; i < len; i++) r = (r << 1) | ((code >> i) & 1);
  return r;
};

// The fixed literal/length code, bit-reversed (deflate packs Huffman codes from their top bit).
const LIT_CODE = new Uint16Array(288);
const LIT_BITS = new Uint8Array(288);
for (let s = 0; s < 288; s++) {
  const [code, bits] = s < 144 ? [0x30 + s, 8] : s < 256 ? [0x190 + s - 144, 9] : s < 280 ? [s - 256, 7] : [0xc0 + s - 280, 8];
  LIT_CODE[s] = reverse(code, bits);
  LIT_BITS[s] = bits;
}
const LEN_SYMBOL = new Uint8Array(MAX_MATCH + 1); // length -> index into LEN_BASE
for (let i = 0; i < LEN_BASE.length; i++) for (let l = LEN_BASE[i]; l <= MAX_MATCH && (i + 1 === LEN_BASE.length || l < LEN_BASE[i + 1]); l++) LEN_SYMBOL[l] = i;

function distSymbol(d: number): number {
  let i = DIST_BASE.length - 1;
  while (DIST_BASE[i] > d) i--;
  return i;
}

/** LSB-first bit writer over a growing byte buffer. */
class BitWriter {
  buf: Uint8Array;
  pos = 0;
  private acc = 0;
  private n = 0;

  constructor(capacity: number) {
    this.buf = new Uint8Array(capacity);
  }

  /** Append `bits` (<= 16) bits of `value`, least significant first. */
  put(value: number, bits: number): void {
    this.acc |= value << this.n;
    this.n += bits;
    if (this.pos + 4 > this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    while (this.n >= 8) {
      this.buf[this.pos++] = this.acc & 0xff;
      this.acc >>>= 8;
      this.n -= 8;
    }
  }

  /** Pad to a byte boundary. */
  align(): void {
    if (this.n > 0) this.put(0, 8 - this.n);
  }
}

/**
 * Deflate state for one stream: pending run of the last byte, Adler-32 of what was fed.
 * Feed order is stream order; every method keeps the checksum in step with the output.
 */
class RunDeflater {
  readonly out: BitWriter;
  private last = -1;
  private run = 0;
  private s1 = 1;
  private s2 = 0;
  private total = 0;

  constructor(capacity: number) {
    this.out = new BitWriter(capacity);
    this.out.put(1, 1); // BFINAL
    this.out.put(1, 2); // BTYPE 01: fixed Huffman codes
  }

  /** One byte of the stream. */
  byte(v: number): void {
    if (v === this.last) {
      this.run++;
      return;
    }
    this.flushRun();
    this.literal(v);
  }

  /** `n` (>= 1) bytes of value v. */
  bytes(v: number, n: number): void {
    if (v !== this.last) {
      this.flushRun();
      this.literal(v);
      n--;
    }
    this.run += n;
  }

  /** `count` repetitions of the previous `distance` bytes (count * distance bytes in all). */
  repeat(distance: number, count: number, rowSum: number, rowWeighted: number, lastByte: number): void {
    this.flushRun();
    const len = distance * count;
    const sym = distSymbol(distance);
    for (let left = len; left > 0;) {
      const piece = left > MAX_MATCH ? (left - MAX_MATCH < 3 ? left - 3 : MAX_MATCH) : left;
      this.match(piece, sym, distance);
      left -= piece;
    }
    for (let k = 0; k < count; k++) {
      this.s2 = (this.s2 + ((distance * this.s1) % ADLER_MOD) + rowWeighted) % ADLER_MOD;
      this.s1 = (this.s1 + rowSum) % ADLER_MOD;
    }
    this.total += len;
    this.last = lastByte;
  }

  /** End the block; returns the zlib stream (header, deflate data, Adler-32). */
  finish(): Uint8Array {
    this.flushRun();
    this.out.put(LIT_CODE[256], LIT_BITS[256]); // end of block
    this.out.align();
    const body = this.out.buf.subarray(0, this.out.pos);
    const z = new Uint8Array(body.length + 6);
    z[0] = 0x78; // deflate, 32 KiB window
    z[1] = 0x01; // (0x7801 % 31 === 0), no preset dictionary
    z.set(body, 2);
    new DataView(z.buffer).setUint32(z.length - 4, ((this.s2 << 16) | this.s1) >>> 0);
    return z;
  }

  private literal(v: number): void {
    this.out.put(LIT_CODE[v], LIT_BITS[v]);
    this.s1 = (this.s1 + v) % ADLER_MOD;
    this.s2 = (this.s2 + this.s1) % ADLER_MOD;
    this.total++;
    this.last = v;
  }

  private flushRun(): void {
    let n = this.run;
    if (n === 0) return;
    this.run = 0;
    const v = this.last;
    // checksum of n bytes of v: s2 += n*s1 + v*n(n+1)/2, s1 += n*v (exact in doubles up to 2^53)
    this.s2 = (this.s2 + ((n * this.s1) % ADLER_MOD) + ((v * ((n * (n + 1)) / 2)) % ADLER_MOD)) % ADLER_MOD;
    this.s1 = (this.s1 + n * v) % ADLER_MOD;
    this.total += n;
    while (n >= 3) {
      const piece = n > MAX_MATCH ? (n - MAX_MATCH < 3 ? n - 3 : MAX_MATCH) : n;
      this.match(piece, 0, 1);
      n -= piece;
    }
    for (; n > 0; n--) this.out.put(LIT_CODE[v], LIT_BITS[v]);
  }

  private match(len: number, distSym: number, distance: number): void {
    const li = LEN_SYMBOL[len];
    this.out.put(LIT_CODE[257 + li], LIT_BITS[257 + li]);
    if (LEN_EXTRA[li]) this.out.put(len - LEN_BASE[li], LEN_EXTRA[li]);
    this.out.put(reverse(distSym, 5), 5);
    if (DIST_EXTRA[distSym]) this.out.put(distance - DIST_BASE[distSym], DIST_EXTRA[distSym]);
  }
}

/** The zlib stream of the unfiltered scanlines (filter byte 0, then the row) of a grey image. */
export function deflateScanlines(pixels: Uint8Array, width: number, height: number): Uint8Array {
  const stride = width + 1;
  const px = Buffer.from(pixels.buffer, pixels.byteOffset, width * height);
  const z = new RunDeflater(1024 + (height * 8));
  const rowCopies = stride >= 3 && stride <= MAX_DISTANCE;
  for (let y = 0; y < height;) {
    const s = y * width;
    const flat = width === 1 || px.compare(px, s + 1, s + width, s, s + width - 1) === 0;
    if (rowCopies && !flat && y > 0 && px.compare(px, s, s + width, s - width, s) === 0) {
      // this row and the next ones that repeat it: one long copy of the row above
      let count = 1;
      while (y + count < height && px.compare(px, s + count * width, s + (count + 1) * width, s - width, s) === 0) count++;
      let sum = 0;
      let weighted = 0;
      for (let x = 0; x < width; x++) {
        sum += pixels[s + x];
        weighted += (width - x) * pixels[s + x]; // byte x of the row is byte x+1 of the scanline
      }
      z.repeat(stride, count, sum % ADLER_MOD, weighted % ADLER_MOD, pixels[s + width - 1]);
      y += count;
      continue;
    }
    // a new row (or a flat one, which runs on from the rows around it): bytes and runs
    z.byte(0);
    if (flat) {
      z.bytes(pixels[s], width);
    } else {
      for (let x = 0; x < width; x++) z.byte(pixels[s + x]);
    }
    y++;
  }
  return z.finish();
}

function chunk(out: Uint8Array, at: number, type: string, data: Uint8Array): number {
  const view = new DataView(out.buffer, out.byteOffset, out.length);
  view.setUint32(at, data.length);
  for (let i = 0; i < 4; i++) out[at + 4 + i] = type.charCodeAt(i);
  out.set(data, at + 8);
  view.setUint32(at + 8 + data.length, crc32(out, at + 4, at + 8 + data.length));
  return at + 12 + data.length;
}

/**
 * Encode `width x height` grey pixels (row-major, one byte each) as an 8-bit greyscale PNG.
 * @example const png = greyPng(renderMask(b.sky, b, 640, 480), 640, 480);
 */
export function greyPng(pixels: Uint8Array, width: number, height: number): Uint8Array {
  if (!(width > 0 && height > 0) || pixels.length < width * height) throw new RangeError(`greyPng: ${pixels.length} bytes for ${width}x${height}`);
  const idat = deflateScanlines(pixels, width, height);
  const ihdr = new Uint8Array(13);
  const hv = new DataView(ihdr.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // colour type 0: greyscale
  // compression 0 (deflate), filter method 0, no interlace: bytes 10-12 stay 0
  const out = new Uint8Array(SIGNATURE.length + 12 + 13 + 12 + idat.length + 12);
  out.set(SIGNATURE, 0);
  let at = chunk(out, SIGNATURE.length, 'IHDR', ihdr);
  at = chunk(out, at, 'IDAT', idat);
  chunk(out, at, 'IEND', new Uint8Array(0));
  return out;
}
