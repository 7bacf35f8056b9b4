/**
 * Image 5 as a JPEG, written straight from the low-res blurred background, in plain TypeScript.
 *
 * The background is blurred at the device's resolution (80x60) and shown at the raw view's
 * (640x480): a bilinear upscale, then a greyscale JPEG. Both steps are linear, and so is the
 * JPEG's forward DCT, so each 8x8 output block's DCT coefficients are a fixed linear function of
 * the few low-res pixels under it: with P = DCT · (bilinear weights), block coefficients =
 * Py · N · Pxᵀ, where N is the low-res neighbourhood (3x3 at a factor of 8). No upscaled image is
 * made and no per-pixel DCT runs: ~260 multiply-adds per block, then quantisation and baseline
 * Huffman coding with the standard tables (ITU-T T.81 Annex K). Measured here for 80x60 ->
 * 640x480: ~1 ms, where the JS upscale (0.9 ms) plus sharp's greyscale JPEG (1.9-2.8 ms of CPU,
 * 0.5 ms of it per-call overhead) took ~3 ms. A decoder sees the same picture as the bilinear
 * upscale encoded at the same quality (tests compare them pixel by pixel).
 *
 * Any integer factor per axis works (W = kx * w, H = ky * h); other sizes return null and the
 * caller upscales and encodes through sharp instead. Edges replicate the border pixels, as
 * upscaleBilinear (background.ts) does.
 */

// Zigzag position -> natural (row-major) index in the 8x8 block.
const ZIGZAG = Uint8Array.of(
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
  35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
);

// T.81 Table K.1: luminance quantisation, natural order; scaled by quality as libjpeg does.
const LUMA_QUANT = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
  18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];

// T.81 Tables K.3 and K.5: luminance DC and AC Huffman tables (code counts per length 1-16, symbols).
const DC_COUNTS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
const DC_SYMBOLS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const AC_COUNTS = [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d];
const AC_SYMBOLS = [
  0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91,
  0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a,
  0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53,
  0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79,
  0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5,
  0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9,
  0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2,
  0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa,
];


/** Canonical codes (T.81 Annex C) by symbol; every symbol the encoder can emit must be present. */
function huffmanCode(counts: number[], symbols: number[], mustHave: number[]): [Uint16Array, Uint8Array] {
  const code = new Uint16Array(256);
  const bits = new Uint8Array(256);
  let c = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    for (let i = 0; i < counts[len - 1]; i++, k++) {
      code[symbols[k]] = c++;
      bits[symbols[k]] = len;
    }
    c <<= 1;
  }
  for (const s of mustHave) if (!bits[s]) throw new Error(`background-jpeg: Huffman table lacks symbol ${s}`);
  return [code, bits];
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const [DC_CODE, DC_LEN] = huffmanCode(DC_COUNTS, DC_SYMBOLS, range(12));
// AC symbols: run (0-15) << 4 | size (1-10), plus EOB (0x00) and ZRL (0xf0).
const [AC_CODE, AC_LEN] = huffmanCode(AC_COUNTS, AC_SYMBOLS, [0x00, 0xf0, ...range(160).map((i) => ((i / 10) << 4) | ((i % 10) + 1))]);

/** libjpeg's quality scaling of the standard table (1-100), natural order. */
export function quantTable(quality: number): Uint8Array {
  const q = Math.min(100, Math.max(1, Math.round(quality)));
  const scale = q < 50 ? Math.floor(5000 / q) : 200 - 2 * q;
  return Uint8Array.from(LUMA_QUANT, (b) => Math.min(255, Math.max(1, Math.floor((b * scale + 50) / 100))));
}

/** The JPEG FDCT basis: DCT[u][x] = C(u)/2 cos((2x+1)uπ/16), C(0) = 1/√2 (F = DCT · f · DCTᵀ). */
const DCT = range(8).map((u) => range(8).map((x) => ((u ? 1 : Math.SQRT1_2) / 2) * Math.cos(((2 * x + 1) * u * Math.PI) / 16)));

/**
 * One axis: for each block b, the first low-res index of its footprint (may be < 0 or run past the
 * end: clamped when read) and P = DCT · M, 8 x F, where M (8 x F) holds the bilinear weights of
 * the block's 8 output pixels on the F footprint pixels (centres aligned: s = (x + 0.5) / k - 0.5).
 */
interface AxisPlan {
  footprint: number;
  start: Int32Array;
  /** P of block b at [b * 8 * F + u * F + f]. */
  p: Float64Array;
}

const plans = new Map<string, AxisPlan>();

/** axisPlan(), kept for the last few sizes (plans are immutable; a relay sees one or two sizes). */
function cachedAxisPlan(blocks: number, k: number): AxisPlan {
  const key = `${blocks}/${k}`;
  let plan = plans.get(key);
  if (!plan) {
    plan = axisPlan(blocks, k);
    if (plans.size >= 8) plans.delete(plans.keys().next().value as string);
    plans.set(key, plan);
  }
  return plan;
}

function axisPlan(blocks: number, k: number): AxisPlan {
  const at = (x: number) => (x + 0.5) / k - 0.5; // output pixel x in low-res coordinates
  let footprint = 0;
  for (let b = 0; b < blocks; b++) footprint = Math.max(footprint, Math.floor(at(8 * b + 7)) + 2 - Math.floor(at(8 * b)));
  const start = new Int32Array(blocks);
  const p = new Float64Array(blocks * 8 * footprint);
  const m = new Float64Array(8 * footprint);
  for (let b = 0; b < blocks; b++) {
    const s0 = Math.floor(at(8 * b));
    start[b] = s0;
    m.fill(0);
    for (let j = 0; j < 8; j++) {
      const s = at(8 * b + j);
      const i = Math.floor(s);
      const a = s - i;
      m[j * footprint + (i - s0)] += 1 - a;
      if (a > 0) m[j * footprint + (i + 1 - s0)] += a;
    }
    for (let u = 0; u < 8; u++) {
      for (let f = 0; f < footprint; f++) {
        let sum = 0;
        for (let j = 0; j < 8; j++) sum += DCT[u][j] * m[j * footprint + f];
        p[(b * 8 + u) * footprint + f] = sum;
      }
    }
  }
  return { footprint, start, p };
}

/** Appends bits MSB first, with JPEG's 0xFF 0x00 stuffing; grows its buffer as needed. */
class BitWriter {
  out: Uint8Array;
  length = 0;
  private acc = 0;
  private n = 0;

  constructor(size: number) {
    this.out = new Uint8Array(size);
  }

  /** Make room for `n` more bytes (bits() and bytes() write without checking). */
  reserve(n: number): void {
    if (this.length + n <= this.out.length) return;
    const grown = new Uint8Array(Math.max(this.out.length * 2, this.length + n));
    grown.set(this.out.subarray(0, this.length));
    this.out = grown;
  }

  bytes(vs: ArrayLike<number>): void {
    this.reserve(vs.length);
    for (let i = 0; i < vs.length; i++) this.out[this.length++] = vs[i];
  }

  /** `len` (0-24) low bits of `value`. */
  bits(value: number, len: number): void {
    this.acc = (this.acc << len) | (value & ((1 << len) - 1));
    this.n += len;
    while (this.n >= 8) {
      this.n -= 8;
      const b = (this.acc >>> this.n) & 0xff;
      this.out[this.length++] = b;
      if (b === 0xff) this.out[this.length++] = 0;
    }
    this.acc &= (1 << this.n) - 1;
  }

  /** Pad the last byte with 1-bits. */
  flush(): void {
    this.reserve(2);
    if (this.n > 0) this.bits(0x7f, 8 - this.n);
  }
}

/** Most bytes one block can take: DC 11 + 11 bits, 63 AC codes of 16 + 10 bits, every byte stuffed. */
const BLOCK_BYTES_MAX = 2 * Math.ceil((22 + 63 * 26) / 8) + 2;

/** Bits needed for |v| (JPEG's magnitude category). */
function category(v: number): number {
  let a = v < 0 ? -v : v;
  let n = 0;
  while (a) {
    n++;
    a >>= 1;
  }
  return n;
}

function headers(w: BitWriter, W: number, H: number, quant: Uint8Array): void {
  const segment = (marker: number, body: number[]) => w.bytes([0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body]);
  w.bytes([0xff, 0xd8]); // SOI
  segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]); // APP0 JFIF 1.01, aspect 1:1
  segment(0xdb, [0, ...Array.from(ZIGZAG, (i) => quant[i])]); // DQT: table 0, 8-bit, zigzag order
  segment(0xc0, [8, H >> 8, H & 0xff, W >> 8, W & 0xff, 1, 1, 0x11, 0]); // SOF0: 8-bit, 1 component
  segment(0xc4, [0x00, ...DC_COUNTS, ...DC_SYMBOLS, 0x10, ...AC_COUNTS, ...AC_SYMBOLS]); // DHT: DC 0, AC 0
  segment(0xda, [1, 1, 0x00, 0, 63, 0]); // SOS: component 1, tables 0/0, full spectrum
}

/** The fy x fx low-res pixels under a block (indices clamped: edges replicate), minus 128. */
function gather(low: Uint8Array, w: number, h: number, y0: number, x0: number, fy: number, fx: number, n: Float64Array): void {
  for (let r = 0; r < fy; r++) {
    const row = Math.min(h - 1, Math.max(0, y0 + r)) * w;
    for (let c = 0; c < fx; c++) n[r * fx + c] = low[row + Math.min(w - 1, Math.max(0, x0 + c))] - 128;
  }
}

/** Quantised DCT coefficients of one block, natural order: round((Py · N · Pxᵀ) / Q). */
function coefficients(
  n: Float64Array, fy: number, fx: number, px: Float64Array, pxAt: number, py: Float64Array, pyAt: number,
  recip: Float64Array, t: Float64Array, coef: Int32Array,
): void {
  for (let r = 0; r < fy; r++) {
    for (let u = 0; u < 8; u++) {
      let s = 0;
      for (let c = 0; c < fx; c++) s += n[r * fx + c] * px[pxAt + u * fx + c];
      t[r * 8 + u] = s;
    }
  }
  for (let v = 0; v < 8; v++) {
    for (let u = 0; u < 8; u++) {
      let s = 0;
      for (let r = 0; r < fy; r++) s += py[pyAt + v * fy + r] * t[r * 8 + u];
      const q = s * recip[v * 8 + u];
      coef[v * 8 + u] = q < 0 ? -Math.floor(0.5 - q) : Math.floor(q + 0.5);
    }
  }
}

/*
 * A factor of 8 on both axes (640x480 from 80x60, the boards' default) has its own path. Block b's
 * footprint is pixels a, b, c = b-1, b, b+1 and its weights are mirror-symmetric, and every DCT
 * row but the first sums to zero, so with P = DCT · M one row of the footprint contributes
 *   u = 0: P[0][1]·b + P[0][0]·(a + c)     (a weighted mean: kind 0)
 *   u odd: P[u][0] · (a - c)               (first difference: kind 1)
 *   u even >= 2: P[u][0] · (a + c - 2b)    (second difference: kind 2)
 * and the same holds vertically. So coefficient (v, u) = Cy[v] · Cx[u] · G[kind v][kind u], where
 * G holds nine numbers per block (the 3x3 footprint's mean and first and second differences
 * across and down), and quantised: round(G · K[v][u]) with K = C[v] · C[u] / Q[v][u]. A blurred
 * background has small differences, so most of the nine groups round to zero as a whole, which
 * one compare per group decides.
 */
const KIND = Uint8Array.from(range(8), (u) => (u === 0 ? 0 : u & 1 ? 1 : 2));

interface Eightfold {
  /** K[v * 8 + u] */
  k: Float64Array;
  /** Per group g = kind v * 3 + kind u: its positions (natural order) and the largest |K| among them. */
  groups: { at: Uint8Array; zig: Uint8Array; maxK: number }[];
  /** The kind-0 weights: P[0][1] (middle) and P[0][0] (each side). */
  mid: number;
  side: number;
}

function eightfoldPlan(p: Float64Array, recip: Float64Array): Eightfold {
  // p: axisPlan(...).p of any block (all blocks share it at a factor of 8), P[u][f] at u * 3 + f.
  const c = Float64Array.from(range(8), (u) => (u === 0 ? 1 : p[u * 3]));
  for (let u = 1; u < 8; u++) {
    const ok = u & 1 ? Math.abs(p[u * 3 + 1]) < 1e-9 && Math.abs(p[u * 3] + p[u * 3 + 2]) < 1e-9 : Math.abs(p[u * 3 + 1] + 2 * p[u * 3]) < 1e-9 && Math.abs(p[u * 3] - p[u * 3 + 2]) < 1e-9;
    if (!ok) throw new Error(`background-jpeg: weights of frequency ${u} are not symmetric`);
  }
  const zigOf = new Uint8Array(64);
  ZIGZAG.forEach((natural, z) => (zigOf[natural] = z));
  const k = new Float64Array(64);
  const lists: number[][] = range(9).map(() => []);
  for (let v = 0; v < 8; v++) {
    for (let u = 0; u < 8; u++) {
      k[v * 8 + u] = c[v] * c[u] * recip[v * 8 + u];
      lists[KIND[v] * 3 + KIND[u]].push(v * 8 + u);
    }
  }
  const groups = lists.map((at) => ({ at: Uint8Array.from(at), zig: Uint8Array.from(at, (i) => zigOf[i]), maxK: Math.max(...at.map((i) => Math.abs(k[i]))) }));
  return { k, groups, mid: p[1], side: p[0] };
}

/** Per low-res pixel (row r, column x), the kind 0/1/2 moments of its row footprint at [(r * w + x) * 3 + kind]. */
function eightfoldRows(low: Uint8Array, w: number, h: number, plan: Eightfold): Float64Array {
  const out = new Float64Array(h * w * 3);
  for (let r = 0; r < h; r++) {
    const row = r * w;
    for (let x = 0; x < w; x++) {
      const a = low[row + Math.max(0, x - 1)] - 128;
      const b = low[row + x] - 128;
      const c = low[row + Math.min(w - 1, x + 1)] - 128;
      const o = (row + x) * 3;
      out[o] = plan.mid * b + plan.side * (a + c);
      out[o + 1] = a - c;
      out[o + 2] = a + c - 2 * b;
    }
  }
  return out;
}

/**
 * Quantised coefficients of block (by, bx) into `coef` (natural order, zeroed first); returns the
 * zigzag position of the last non-zero one (0 when only the DC may be).
 */
function eightfoldBlock(rows: Float64Array, w: number, h: number, by: number, bx: number, plan: Eightfold, g: Float64Array, coef: Int32Array): number {
  const top = (Math.max(0, by - 1) * w + bx) * 3;
  const mid = (by * w + bx) * 3;
  const bottom = (Math.min(h - 1, by + 1) * w + bx) * 3;
  for (let kx = 0; kx < 3; kx++) {
    const t = rows[top + kx];
    const m = rows[mid + kx];
    const b = rows[bottom + kx];
    g[kx] = plan.mid * m + plan.side * (t + b);
    g[3 + kx] = t - b;
    g[6 + kx] = t + b - 2 * m;
  }
  coef.fill(0);
  let last = 0;
  for (let gi = 0; gi < 9; gi++) {
    const gv = g[gi];
    const group = plan.groups[gi];
    if (gi > 0 && Math.abs(gv) * group.maxK < 0.5) continue; // the whole group rounds to zero
    for (let j = 0; j < group.at.length; j++) {
      const i = group.at[j];
      const q = gv * plan.k[i];
      const r = q < 0 ? -((0.5 - q) | 0) : (q + 0.5) | 0;
      if (r === 0) continue;
      coef[i] = r;
      if (group.zig[j] > last) last = group.zig[j];
    }
  }
  return last;
}

function lastNonZero(coef: Int32Array): number {
  let last = 63;
  while (last > 0 && coef[ZIGZAG[last]] === 0) last--;
  return last;
}

/**
 * Huffman-code one block (DC as the difference from `pred`); returns its DC for the next.
 * `last`: zigzag position of the last non-zero coefficient, if known (else found here).
 */
function emitBlock(out: BitWriter, coef: Int32Array, pred: number, last = lastNonZero(coef)): number {
  out.reserve(BLOCK_BYTES_MAX);
  const diff = coef[0] - pred;
  const dcCat = category(diff);
  out.bits(DC_CODE[dcCat], DC_LEN[dcCat]);
  if (dcCat) out.bits(diff < 0 ? diff - 1 : diff, dcCat);
  // AC in zigzag order: (zero run, category) symbols, ZRL (0xf0) for 16 zeros, EOB (0x00) after the last.
  let run = 0;
  for (let z = 1; z <= last; z++) {
    const a = coef[ZIGZAG[z]];
    if (a === 0) {
      run++;
      continue;
    }
    for (; run > 15; run -= 16) out.bits(AC_CODE[0xf0], AC_LEN[0xf0]);
    const cat = category(a);
    const sym = (run << 4) | cat;
    const len = AC_LEN[sym];
    const extra = (a < 0 ? a - 1 : a) & ((1 << cat) - 1);
    if (len + cat <= 24) out.bits((AC_CODE[sym] << cat) | extra, len + cat); // one call for code and magnitude
    else {
      out.bits(AC_CODE[sym], len);
      out.bits(extra, cat);
    }
    run = 0;
  }
  if (last < 63) out.bits(AC_CODE[0], AC_LEN[0]);
  return coef[0];
}

/**
 * The JPEG of `low` (w x h grey) upscaled bilinearly to W x H, or null when W / w or H / h is not
 * a whole number (the caller then upscales and encodes another way).
 * @param quality 1-100, libjpeg's scale
 * @param o.general take the general path even at a factor of 8 (tests compare the two)
 * @example const jpeg = upscaledGreyJpeg(blurred, 80, 60, 640, 480, 80); // ~8-20 KB
 */
export function upscaledGreyJpeg(low: Uint8Array, w: number, h: number, W: number, H: number, quality: number, o: { general?: boolean } = {}): Uint8Array | null {
  if (w < 1 || h < 1 || W % w !== 0 || H % h !== 0 || low.length < w * h || W > 65535 || H > 65535) return null;
  const bw = Math.ceil(W / 8);
  const bh = Math.ceil(H / 8);
  const xs = cachedAxisPlan(bw, W / w);
  const ys = cachedAxisPlan(bh, H / h);
  const fx = xs.footprint;
  const fy = ys.footprint;
  const quant = quantTable(quality);
  const recip = Float64Array.from(quant, (q) => 1 / q);
  const out = new BitWriter(4096 + bw * bh * 4);
  headers(out, W, H, quant);
  const coef = new Int32Array(64);
  let pred = 0;
  if (W === 8 * w && H === 8 * h && !o.general) {
    const plan = eightfoldPlan(xs.p, recip);
    const rows = eightfoldRows(low, w, h, plan);
    const g = new Float64Array(9);
    for (let by = 0; by < bh; by++) {
      for (let bx = 0; bx < bw; bx++) pred = emitBlock(out, coef, pred, eightfoldBlock(rows, w, h, by, bx, plan, g, coef));
    }
  } else {
    const n = new Float64Array(fy * fx); // the block's low-res footprint, level-shifted
    const t = new Float64Array(fy * 8); // N · Pxᵀ
    for (let by = 0; by < bh; by++) {
      for (let bx = 0; bx < bw; bx++) {
        gather(low, w, h, ys.start[by], xs.start[bx], fy, fx, n);
        coefficients(n, fy, fx, xs.p, bx * 8 * fx, ys.p, by * 8 * fy, recip, t, coef);
        pred = emitBlock(out, coef, pred);
      }
    }
  }
  out.flush();
  out.bytes([0xff, 0xd9]); // EOI
  return out.out.subarray(0, out.length);
}
