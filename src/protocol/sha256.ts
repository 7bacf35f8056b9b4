/**
 * SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104) for the board and the relay alike: proof of
 * origin on bundles, events and configs (mac.ts). ES5-safe: 32-bit words in an Int32Array,
 * additions folded with `| 0`, rotations with `>>>`; no Math.imul, no DataView, no BigInt.
 * One Sha256 object holds every buffer it needs (a 64-word schedule, the 8-word state, one
 * 64-byte block): hashing allocates nothing per call, so a board can keep one for its lifetime.
 * Cost: ~1.6k interpreted operations per 64-byte block (see README.md for the measured figure).
 * @example
 *   const h = new Sha256(); h.update(bytes, 0, bytes.length); h.finish(out, 0); // 32 bytes at out[0..31]
 *   hmacSha256(key, message, 0, message.length, mac); // 32-byte MAC into `mac`
 */

const K = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];
const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/**
 * A platform's SHA-256 compression (ports.digest.sha256Blocks on the board): process `blocks`
 * 64-byte blocks of `data` from `from` into the 8-word `state`. Set by useNativeSha256Blocks.
 */
export type Sha256Blocks = (state: Int32Array, data: Uint8Array, from: number, blocks: number) => void;

let nativeBlocks: Sha256Blocks | null = null;

/**
 * Let every Sha256 compress with the platform's native loop (~20k interpreted x86 instructions
 * per byte otherwise, bench/firmware-mac.ts). Check it first with checkSha256Blocks. null = the
 * TypeScript loop again.
 */
export function useNativeSha256Blocks(fn: Sha256Blocks | null): void {
  nativeBlocks = fn;
}

/** Bytes of a SHA-256 digest. */
export const SHA256_BYTES = 32;
/** Bytes of a SHA-256 block (also the HMAC key block). */
export const SHA256_BLOCK_BYTES = 64;

export class Sha256 {
  private readonly k: Int32Array;
  private readonly h: Int32Array;
  private readonly w: Int32Array;
  private readonly block: Uint8Array;
  private used: number;
  /** Bytes hashed so far (exact up to 2^53). */
  private total: number;

  constructor() {
    this.k = new Int32Array(64);
    for (let i = 0; i < 64; i++) this.k[i] = K[i] | 0;
    this.h = new Int32Array(8);
    this.w = new Int32Array(64);
    this.block = new Uint8Array(64);
    this.used = 0;
    this.total = 0;
    this.reset();
  }

  /** The 8 state words, live (for checking a native compression against compressJs). */
  stateWords(): Int32Array {
    return this.h;
  }

  /** Start a new hash. */
  reset(): Sha256 {
    for (let i = 0; i < 8; i++) this.h[i] = IV[i] | 0;
    this.used = 0;
    this.total = 0;
    return this;
  }

  /** One 64-byte block of `b` at `pos` into the state. */
  private compress(b: Uint8Array, pos: number): void {
    if (nativeBlocks !== null) {
      nativeBlocks(this.h, b, pos, 1);
      return;
    }
    this.compressJs(b, pos);
  }

  /** The TypeScript compression (the reference a native one is checked against). */
  compressJs(b: Uint8Array, pos: number): void {
    const w = this.w;
    const k = this.k;
    const h = this.h;
    for (let i = 0; i < 16; i++) {
      const p = pos + 4 * i;
      w[i] = (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
    }
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15];
      const y = w[i - 2];
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
    }
    let a = h[0];
    let bb = h[1];
    let c = h[2];
    let d = h[3];
    let e = h[4];
    let f = h[5];
    let g = h[6];
    let hh = h[7];
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (hh + S1 + ch + k[i] + w[i]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & bb) ^ (a & c) ^ (bb & c);
      const t2 = (S0 + maj) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = bb;
      bb = a;
      a = (t1 + t2) | 0;
    }
    h[0] = (h[0] + a) | 0;
    h[1] = (h[1] + bb) | 0;
    h[2] = (h[2] + c) | 0;
    h[3] = (h[3] + d) | 0;
    h[4] = (h[4] + e) | 0;
    h[5] = (h[5] + f) | 0;
    h[6] = (h[6] + g) | 0;
    h[7] = (h[7] + hh) | 0;
  }

  /** Hash bytes `from` (inclusive) to `to` (exclusive) of `b`. */
  update(b: Uint8Array, from: number, to: number): Sha256 {
    let p = from;
    this.total += to - from;
    if (this.used > 0) {
      while (p < to && this.used < 64) this.block[this.used++] = b[p++];
      if (this.used < 64) return this;
      this.compress(this.block, 0);
      this.used = 0;
    }
    if (nativeBlocks !== null && to - p >= 64) {
      const n = Math.floor((to - p) / 64);
      nativeBlocks(this.h, b, p, n);
      p += 64 * n;
    }
    while (to - p >= 64) {
      this.compress(b, p);
      p += 64;
    }
    while (p < to) this.block[this.used++] = b[p++];
    return this;
  }

  /** Hash the chars of an ASCII string (one byte each, low 8 bits). */
  updateAscii(s: string): Sha256 {
    for (let i = 0; i < s.length; i++) {
      this.block[this.used++] = s.charCodeAt(i) & 0xff;
      this.total++;
      if (this.used === 64) {
        this.compress(this.block, 0);
        this.used = 0;
      }
    }
    return this;
  }

  /** Pad, and write the 32-byte digest at `out[pos]`. Call reset() before hashing again. */
  finish(out: Uint8Array, pos: number): void {
    const bitsHi = Math.floor(this.total / 536870912); // total * 8 / 2^32
    const bitsLo = (this.total * 8) % 4294967296;
    const blk = this.block;
    blk[this.used++] = 0x80;
    if (this.used > 56) {
      while (this.used < 64) blk[this.used++] = 0;
      this.compress(blk, 0);
      this.used = 0;
    }
    while (this.used < 56) blk[this.used++] = 0;
    blk[56] = (bitsHi >>> 24) & 0xff;
    blk[57] = (bitsHi >>> 16) & 0xff;
    blk[58] = (bitsHi >>> 8) & 0xff;
    blk[59] = bitsHi & 0xff;
    blk[60] = (bitsLo >>> 24) & 0xff;
    blk[61] = (bitsLo >>> 16) & 0xff;
    blk[62] = (bitsLo >>> 8) & 0xff;
    blk[63] = bitsLo & 0xff;
    this.compress(blk, 0);
    this.used = 0;
    for (let i = 0; i < 8; i++) {
      const v = this.h[i];
      out[pos + 4 * i] = (v >>> 24) & 0xff;
      out[pos + 4 * i + 1] = (v >>> 16) & 0xff;
      out[pos + 4 * i + 2] = (v >>> 8) & 0xff;
      out[pos + 4 * i + 3] = v & 0xff;
    }
  }
}

/**
 * null when `fn` compresses exactly like the TypeScript reference on `cases` random runs of 1-3
 * blocks at odd offsets (seeded), else what differed. The app runs it at start-up before trusting
 * ports.digest.
 */
export function checkSha256Blocks(fn: Sha256Blocks, cases: number, seed: number): string | null {
  const data = new Uint8Array(64 * 3 + 7);
  const ref = new Sha256();
  const mine = new Int32Array(8);
  let x = seed | 0;
  for (let c = 0; c < cases; c++) {
    for (let i = 0; i < data.length; i++) {
      x = (x * 1103515245 + 12345) | 0;
      data[i] = (x >>> 16) & 255;
    }
    const blocks = 1 + (c % 3);
    const from = c % 7;
    ref.reset();
    const h = ref.stateWords();
    for (let i = 0; i < 8; i++) mine[i] = h[i] = (x + 977 * i) | 0;
    for (let b = 0; b < blocks; b++) ref.compressJs(data, from + 64 * b);
    fn(mine, data, from, blocks);
    for (let i = 0; i < 8; i++) if (mine[i] !== h[i]) return 'sha256Blocks case ' + c + ' word ' + i + ': ' + mine[i] + ' != ' + h[i];
  }
  return null;
}

/**
 * HMAC-SHA256 with one key, reusable: the inner and outer padded keys are computed once.
 * `begin()`, any number of `update`/`updateAscii`, then `finish(out, pos)` (32 bytes).
 */
export class HmacSha256 {
  private readonly inner: Sha256;
  private readonly outer: Sha256;
  private readonly ipad: Uint8Array;
  private readonly opad: Uint8Array;
  private readonly digest: Uint8Array;

  constructor(key: Uint8Array) {
    this.inner = new Sha256();
    this.outer = new Sha256();
    this.ipad = new Uint8Array(64);
    this.opad = new Uint8Array(64);
    this.digest = new Uint8Array(32);
    let k = key;
    if (key.length > 64) {
      k = new Uint8Array(32);
      this.inner.update(key, 0, key.length).finish(k, 0);
    }
    for (let i = 0; i < 64; i++) {
      const b = i < k.length ? k[i] : 0;
      this.ipad[i] = b ^ 0x36;
      this.opad[i] = b ^ 0x5c;
    }
    this.begin();
  }

  /** Start a new MAC with the same key. */
  begin(): HmacSha256 {
    this.inner.reset().update(this.ipad, 0, 64);
    return this;
  }

  update(b: Uint8Array, from: number, to: number): HmacSha256 {
    this.inner.update(b, from, to);
    return this;
  }

  updateAscii(s: string): HmacSha256 {
    this.inner.updateAscii(s);
    return this;
  }

  /** Write the 32-byte MAC at `out[pos]` (the first `n` bytes only when `n` < 32: a truncated MAC). */
  finish(out: Uint8Array, pos: number, n?: number): void {
    this.inner.finish(this.digest, 0);
    this.outer.reset().update(this.opad, 0, 64).update(this.digest, 0, 32).finish(this.digest, 0);
    const len = n === undefined || n > 32 ? 32 : n;
    for (let i = 0; i < len; i++) out[pos + i] = this.digest[i];
  }
}

/** HMAC-SHA256 of `msg[from..to)` with `key`, 32 bytes into `out[pos]`. Allocates (use HmacSha256 in loops). */
export function hmacSha256(key: Uint8Array, msg: Uint8Array, from: number, to: number, out: Uint8Array, pos: number): void {
  new HmacSha256(key).update(msg, from, to).finish(out, pos);
}

/** SHA-256 of `msg[from..to)`, 32 bytes into `out[pos]`. */
export function sha256(msg: Uint8Array, from: number, to: number, out: Uint8Array, pos: number): void {
  new Sha256().update(msg, from, to).finish(out, pos);
}
