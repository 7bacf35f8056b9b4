/**
 * The luma of a baseline JPEG at 1/8 scale, read from the DC coefficients alone: one grey pixel
 * per 8x8 block of the first component, byte for byte what libjpeg-turbo writes for `djpeg -scale
 * 1/8 -grayscale` (its 1x1 "IDCT": ((dc * q0 + 4) >> 3) + 128 through libjpeg's range-limit
 * table). The relay needs each camera's 640x480 view as 80x60 grey, and sharp costs ~2.4 ms of
 * CPU for that (~0.5 ms of it per call, whatever the image); this reader ~0.35 ms for a 19 KB
 * frame (test/relay/jpeg-dc.test.ts prints both). Every Huffman symbol is still decoded (the AC symbols and their extra bits are skipped,
 * never dequantised or transformed): that is most of the cost.
 *
 * Limits: SOF0/SOF1, 8-bit, Huffman coding; 1 component (grey), or 3 that libjpeg takes for YCbCr,
 * with the luma at the largest sampling factors (4:4:4, 4:2:2, 4:2:0, 4:1:1, 4:4:0) and every ratio
 * whole; interleaved or one-component scans in any order; restart intervals. Anything else -
 * progressive, lossless, arithmetic, 12-bit, RGB (Adobe transform 0 or component ids 'R','G','B'),
 * CMYK - gives null, and so does anything not well-formed, where libjpeg would warn and carry on:
 * a code not in its table, a coefficient past 63, data that ends before the last MCU, a wrong or
 * missing RST, padding that is not 1-bits, bytes between the entropy data and the next marker, a
 * segment that does not fit, no EOI. (sharp with failOn 'error' lets some of these through: a scan
 * cut short but closed by an EOI decodes there to grey filler.) The caller trusts a non-null result
 * and skips sharp, so when in doubt this says null and sharp decides.
 * Not checked: the entropy data of scans other than the luma's (skipped to their end marker, as
 * djpeg -grayscale never looks at chroma), and bytes after EOI (libjpeg never reads them).
 */

/** The DC-scaled luma: `width` = ceil(W / 8), `height` = ceil(H / 8), row-major, one byte a pixel. */
export interface DcLuma {
  width: number;
  height: number;
  pixels: Uint8Array;
}

const LOOKUP_BITS = 9; // Huffman codes up to 9 bits (nearly all in practice) decode in one look-up
const MAX_DIMENSION = 65500; // libjpeg's JPEG_MAX_DIMENSION
const MAX_PIXELS = 0x3fff * 0x3fff; // sharp's default limitInputPixels: sharp refuses larger images
const MAX_BLOCKS_IN_MCU = 10; // T.81 B.2.3; libjpeg refuses more
const MAX_DC = 2047; // an 8-bit image's quantised DC stays within +-1024 (+ q/2); beyond is garbage
const MAX_QUANT = 32767; // libjpeg-turbo multiplies by 16-bit signed quantisers (SIMD builds)

/**
 * libjpeg's post-IDCT range limit: the value masked to 10 bits and read as -512..511, + 128,
 * clamped to 0..255. So a DC outside the sample range wraps (as djpeg's does) instead of clamping.
 */
const RANGE_LIMIT = Uint8Array.from({ length: 1024 }, (_, x) => Math.max(0, Math.min(255, (x < 512 ? x : x - 1024) + 128)));

interface Component {
  id: number;
  h: number;
  v: number;
  tq: number;
  scanned: boolean;
}

interface Frame {
  width: number;
  height: number;
  comps: Component[];
  hmax: number;
  vmax: number;
}

/** A DHT table as sent: counts[l] codes of length l (1-16), then the symbols in code order. */
interface HuffSpec {
  counts: Uint8Array;
  symbols: Uint8Array;
}

/** Decoding form: `lookup[next 9 bits]` = (length << 8) | symbol, 0 when the code is longer. */
interface Huffman {
  lookup: Uint16Array;
  maxcode: Int32Array; // per length, the largest code (-1: none), for the slow path (T.81 F.16)
  valoffset: Int32Array; // per length, index of its first symbol minus its first code
  symbols: Uint8Array;
  /**
   * AC tables only: `skip[next 9 bits]` when the code and its extra bits fit in those 9 bits:
   * (bits << 8) | positions advanced (run + 1), or | EOB_FLAG for end of block; 0 otherwise.
   */
  skip: Uint16Array | null;
}

const EOB_FLAG = 0x80;

interface State {
  dcQuant: Int32Array; // DC (first) entry of quantisation tables 0-3, -1 until defined
  specs: (HuffSpec | null)[]; // DC tables 0-3, then AC tables 0-3
  built: (Huffman | null)[];
  restartInterval: number;
  jfif: boolean;
  adobe: number; // APP14 transform flag, -1 without an Adobe marker
  frame: Frame | null;
  scans: number;
  luma: DcLuma | null;
}

/**
 * Luma at 1/8 scale from a baseline JPEG's DC coefficients, or null when the JPEG is anything this
 * reader does not fully handle or is not perfectly well-formed (the caller then falls back to
 * sharp). Never throws.
 * @example jpegLumaDc(jpeg640x480) // { width: 80, height: 60, pixels: Uint8Array(4800) }
 */
export function jpegLumaDc(jpeg: Uint8Array): DcLuma | null {
  try {
    return readSegments(jpeg);
  } catch {
    return null; // not expected (every read is bounds-checked); a null is always safe for the caller
  }
}

/** Walks the segments from SOI to EOI; the luma scan is decoded on the way. */
function readSegments(b: Uint8Array): DcLuma | null {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null;
  const s: State = {
    dcQuant: new Int32Array(4).fill(-1),
    specs: new Array(8).fill(null),
    built: new Array(8).fill(null),
    restartInterval: 0,
    jfif: false,
    adobe: -1,
    frame: null,
    scans: 0,
    luma: null,
  };
  let p = 2;
  for (;;) {
    if (p >= b.length || b[p] !== 0xff) return null; // a segment must start right here
    while (p < b.length && b[p] === 0xff) p++; // fill bytes
    if (p >= b.length) return null;
    const m = b[p++];
    if (m === 0xd9) return s.luma; // EOI: null if the luma scan never came
    if (m === 0x00 || m === 0x01 || (m >= 0xd0 && m <= 0xd8)) return null; // stuffing, TEM, RSTn, SOI out of place
    if (p + 2 > b.length) return null;
    const end = p + ((b[p] << 8) | b[p + 1]);
    if (end < p + 2 || end > b.length) return null;
    if (m === 0xda) {
      p = readScan(b, s, p + 2, end);
      if (p < 0) return null;
    } else {
      if (!readSegment(b, s, m, p + 2, end)) return null;
      p = end;
    }
  }
}

/** One table or header segment (body from `p` to `end`); false when it is not acceptable. */
function readSegment(b: Uint8Array, s: State, m: number, p: number, end: number): boolean {
  if (m === 0xdb) return readDqt(b, s, p, end);
  if (m === 0xc4) return readDht(b, s, p, end);
  if (m === 0xc0 || m === 0xc1) return readSof(b, s, p, end);
  if (m === 0xdd) {
    if (end - p !== 2) return false;
    s.restartInterval = (b[p] << 8) | b[p + 1];
    return true;
  }
  if (m >= 0xe0 && m <= 0xef) {
    // libjpeg takes its colour-space clues (JFIF, Adobe) from APP0/APP14 before the first scan
    if (s.scans === 0 && m === 0xe0 && end - p >= 14 && isAscii(b, p, 'JFIF\0')) s.jfif = true;
    if (s.scans === 0 && m === 0xee && end - p >= 12 && isAscii(b, p, 'Adobe')) s.adobe = b[p + 11];
    return true;
  }
  return m === 0xfe; // COM; any other marker (SOF2+, DAC, DNL, JPGn, reserved) is not handled
}

function isAscii(b: Uint8Array, p: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (b[p + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** DQT: one or more tables, 8- or 16-bit entries; only the DC (first, zigzag 0) entry is kept. */
function readDqt(b: Uint8Array, s: State, p: number, end: number): boolean {
  while (p < end) {
    const precision = b[p] >> 4;
    const id = b[p] & 15;
    const size = precision === 0 ? 65 : 129;
    if (precision > 1 || id > 3 || p + size > end) return false;
    s.dcQuant[id] = precision === 0 ? b[p + 1] : (b[p + 1] << 8) | b[p + 2];
    p += size;
  }
  return true;
}

/** DHT: one or more tables; checked and turned into look-up form when a scan uses them. */
function readDht(b: Uint8Array, s: State, p: number, end: number): boolean {
  while (p < end) {
    const cls = b[p] >> 4;
    const id = b[p] & 15;
    if (cls > 1 || id > 3 || p + 17 > end) return false;
    const counts = new Uint8Array(17);
    let total = 0;
    for (let l = 1; l <= 16; l++) total += counts[l] = b[p + l];
    if (total > 256 || p + 17 + total > end) return false;
    s.specs[cls * 4 + id] = { counts, symbols: b.slice(p + 17, p + 17 + total) };
    s.built[cls * 4 + id] = null;
    p += 17 + total;
  }
  return true;
}

/** SOF0/SOF1: 8-bit, 1 or 3 components, sampling factors 1-4 in whole ratios, luma at the largest. */
function readSof(b: Uint8Array, s: State, p: number, end: number): boolean {
  if (s.frame || end - p < 6) return false;
  const height = (b[p + 1] << 8) | b[p + 2];
  const width = (b[p + 3] << 8) | b[p + 4];
  const n = b[p + 5];
  if (b[p] !== 8 || (n !== 1 && n !== 3) || end - p !== 6 + 3 * n) return false;
  if (width === 0 || height === 0 || width > MAX_DIMENSION || height > MAX_DIMENSION || width * height > MAX_PIXELS) return false;
  const comps: Component[] = [];
  for (let i = 0, q = p + 6; i < n; i++, q += 3) {
    const c = { id: b[q], h: b[q + 1] >> 4, v: b[q + 1] & 15, tq: b[q + 2], scanned: false };
    if (c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4 || c.tq > 3 || comps.some((o) => o.id === c.id)) return false;
    comps.push(c);
  }
  const hmax = Math.max(...comps.map((c) => c.h));
  const vmax = Math.max(...comps.map((c) => c.v));
  if (n === 3) {
    // a smaller luma would be scaled up by libjpeg; fractional ratios are refused by its upsampler
    if (comps[0].h !== hmax || comps[0].v !== vmax) return false;
    if (comps.some((c) => hmax % c.h !== 0 || vmax % c.v !== 0)) return false;
  }
  s.frame = { width, height, comps, hmax, vmax };
  return true;
}

/** libjpeg's guess at the colour space of 3 components (jdapimin.c), refusing RGB and doubt. */
function isYcc(s: State, f: Frame): boolean {
  if (f.comps.length === 1) return true;
  if (s.adobe === 0) return false; // RGB, even next to a JFIF marker (libjpeg would believe JFIF)
  if (s.jfif) return true;
  if (s.adobe >= 0) return s.adobe === 1; // 2 or more: libjpeg warns and guesses
  const [a, b, c] = f.comps;
  return !(a.id === 0x52 && b.id === 0x47 && c.id === 0x42); // 'R', 'G', 'B'
}

/**
 * SOS at `p` (header up to `end`): checks the header and tables; decodes the scan holding the luma,
 * skips the others' entropy data. Returns where the next marker starts, or -1.
 */
function readScan(b: Uint8Array, s: State, p: number, end: number): number {
  const f = s.frame;
  if (!f || (s.scans++ === 0 && !isYcc(s, f))) return -1;
  const n = b[p];
  if (n < 1 || n > 4 || end - p !== 4 + 2 * n) return -1;
  if (b[end - 3] !== 0 || b[end - 2] !== 63 || b[end - 1] !== 0) return -1; // Ss, Se, Ah/Al of a sequential scan
  const comps: Component[] = [];
  const dc: Huffman[] = [];
  const ac: Huffman[] = [];
  for (let i = 0, q = p + 1; i < n; i++, q += 2) {
    const c = f.comps.find((o) => o.id === b[q]);
    if (!c || c.scanned) return -1; // unknown, or already sent (twice in this scan included)
    c.scanned = true;
    const d = huffman(s, b[q + 1] >> 4, true);
    const a = huffman(s, b[q + 1] & 15, false);
    if (!d || !a) return -1;
    comps.push(c);
    dc.push(d);
    ac.push(a);
  }
  if (n > 1 && comps.reduce((sum, c) => sum + c.h * c.v, 0) > MAX_BLOCKS_IN_MCU) return -1;
  if (!comps.includes(f.comps[0])) return skipEntropy(b, end);
  const q0 = s.dcQuant[f.comps[0].tq]; // latched when the luma's scan starts, as libjpeg does
  if (q0 < 0 || q0 > MAX_QUANT) return -1;
  const decoded = decodeLumaScan(b, end, f, comps, dc, ac, q0, s.restartInterval);
  if (!decoded) return -1;
  s.luma = decoded.luma;
  return decoded.next;
}

/** The table `id` of a class, in decoding form (built once per definition), or null. */
function huffman(s: State, id: number, isDc: boolean): Huffman | null {
  if (id > 3) return null;
  const k = (isDc ? 0 : 4) + id;
  const spec = s.specs[k];
  if (!spec) return null;
  return (s.built[k] ??= buildHuffman(spec, isDc));
}

/**
 * Canonical codes from the counts (T.81 C.2), refusing what libjpeg refuses: more codes than a
 * length can hold (including an all-1s code) and DC symbols above 15.
 */
function buildHuffman(spec: HuffSpec, isDc: boolean): Huffman | null {
  const lookup = new Uint16Array(1 << LOOKUP_BITS);
  const maxcode = new Int32Array(17).fill(-1);
  const valoffset = new Int32Array(17);
  let code = 0;
  let k = 0;
  for (let l = 1; l <= 16; l++) {
    const count = spec.counts[l];
    if (count > 0) {
      valoffset[l] = k - code;
      for (let i = 0; i < count; i++, code++, k++) {
        if (l > LOOKUP_BITS) continue;
        const first = code << (LOOKUP_BITS - l);
        lookup.fill((l << 8) | spec.symbols[k], first, first + (1 << (LOOKUP_BITS - l)));
      }
      maxcode[l] = code - 1;
    }
    if (code >= 1 << l) return null;
    code <<= 1;
  }
  if (isDc && spec.symbols.some((x) => x > 15)) return null;
  return { lookup, maxcode, valoffset, symbols: spec.symbols, skip: isDc ? null : acSkipTable(lookup) };
}

/** For Huffman.skip: EOB, and coefficients whose code plus magnitude bits take 9 bits or fewer. */
function acSkipTable(lookup: Uint16Array): Uint16Array {
  const skip = new Uint16Array(lookup.length);
  for (let i = 0; i < lookup.length; i++) {
    const e = lookup[i];
    const rs = e & 255;
    const bits = (e >> 8) + (rs & 15);
    if (e === 0 || bits > LOOKUP_BITS) continue;
    if (rs === 0) skip[i] = (bits << 8) | EOB_FLAG;
    else if ((rs & 15) !== 0 && (rs & 15) <= 10) skip[i] = (bits << 8) | ((rs >> 4) + 1);
  }
  return skip;
}

/** From `p`, past entropy-coded data (stuffed FF 00, RSTn), to the FF of the next marker; -1 at the end. */
function skipEntropy(b: Uint8Array, p: number): number {
  for (;;) {
    p = b.indexOf(0xff, p);
    if (p < 0) return -1;
    let q = p + 1;
    while (q < b.length && b[q] === 0xff) q++;
    if (q >= b.length) return -1;
    if (b[q] !== 0 && (b[q] < 0xd0 || b[q] > 0xd7)) return q - 1;
    p = q + 1;
  }
}

/**
 * Bit reader over entropy-coded data, most significant bit first, up to 32 bits buffered. At a
 * marker (or the end of the input) it feeds zero bits and counts them in `fake`: the data was
 * sound only if no fake bit was ever consumed, i.e. `n >= fake` (checked per MCU and at the end).
 */
class BitReader {
  acc = 0;
  n = 0;
  fake = 0;
  atMarker = false;

  constructor(readonly d: Uint8Array, public pos: number) {}

  /** Buffer at least 25 bits. */
  fill(): void {
    const d = this.d;
    while (this.n <= 24) {
      let c = 0;
      if (!this.atMarker) {
        const p = this.pos;
        if (p < d.length) c = d[p];
        if (p >= d.length || (c === 0xff && (p + 1 >= d.length || d[p + 1] !== 0))) {
          this.atMarker = true;
          c = 0;
        } else {
          this.pos = c === 0xff ? p + 2 : p + 1;
        }
      }
      if (this.atMarker) this.fake += 8;
      this.acc = (this.acc << 8) | c;
      this.n += 8;
    }
  }

  /** Next Huffman symbol, or -1 for a code that is not in the table. */
  decode(t: Huffman): number {
    if (this.n < 16) this.fill();
    const e = t.lookup[(this.acc >>> (this.n - LOOKUP_BITS)) & ((1 << LOOKUP_BITS) - 1)];
    if (e !== 0) {
      this.n -= e >> 8;
      return e & 255;
    }
    const code = (this.acc >>> (this.n - 16)) & 0xffff;
    for (let l = LOOKUP_BITS + 1; l <= 16; l++) {
      const c = code >>> (16 - l);
      if (c <= t.maxcode[l]) {
        this.n -= l;
        return t.symbols[c + t.valoffset[l]];
      }
    }
    return -1;
  }

  /** `size` (1-15) extra bits as a signed value (T.81 F.12 EXTEND). */
  receive(size: number): number {
    if (this.n < size) this.fill();
    const v = (this.acc >>> (this.n - size)) & ((1 << size) - 1);
    this.n -= size;
    return v < 1 << (size - 1) ? v - (1 << size) + 1 : v;
  }

  /** Skip one block's AC coefficients: false on a bad code, a run past 63 or an undefined symbol. */
  skipAc(t: Huffman): boolean {
    const fast = t.skip!;
    for (let k = 1; k < 64;) {
      if (this.n < LOOKUP_BITS) this.fill();
      const e = fast[(this.acc >>> (this.n - LOOKUP_BITS)) & ((1 << LOOKUP_BITS) - 1)];
      if (e !== 0) {
        this.n -= e >> 8;
        if (e & EOB_FLAG) return true;
        k += e & 0x7f; // past the coefficient, whose position k + run must be <= 63
        if (k > 64) return false;
        continue;
      }
      const rs = this.decode(t);
      if (rs < 0) return false;
      const size = rs & 15;
      if (size === 0) {
        if (rs === 0) return true; // EOB
        if (rs !== 0xf0 || k + 16 > 64) return false; // only ZRL is defined; its 16 zeros must fit
        k += 16;
        continue;
      }
      k += rs >> 4;
      if (k > 63 || size > 10) return false; // 8-bit AC magnitudes take at most 10 bits
      if (this.n < size) this.fill();
      this.n -= size;
      k++;
    }
    return true;
  }

  /** At the end of an interval or scan: only 1-bit padding (0-7 bits) left, then a marker. */
  aligned(): boolean {
    const real = this.n - this.fake;
    if (real < 0 || real > 7) return false;
    const pad = (1 << real) - 1;
    if (real > 0 && ((this.acc >>> (this.n - real)) & pad) !== pad) return false;
    const p = this.pos;
    return p + 1 < this.d.length && this.d[p] === 0xff && this.d[p + 1] !== 0;
  }

  /** Past RSTn (after fill bytes), `index` mod 8; the bit buffer starts afresh. */
  restart(index: number): boolean {
    if (!this.aligned()) return false;
    let p = this.pos;
    while (p + 1 < this.d.length && this.d[p + 1] === 0xff) p++;
    if (p + 1 >= this.d.length || this.d[p + 1] !== 0xd0 + (index & 7)) return false;
    this.pos = p + 2;
    this.acc = this.n = this.fake = 0;
    this.atMarker = false;
    return true;
  }
}

/**
 * Entropy-decodes the scan holding the luma (comps, with their DC and AC tables, in scan order),
 * data from `p`. One component: its blocks in raster order. Several: MCUs of h x v blocks per
 * component. Returns the luma and where the next marker starts, or null.
 */
function decodeLumaScan(
  b: Uint8Array, p: number, f: Frame, comps: Component[], dc: Huffman[], ac: Huffman[], q0: number, restartInterval: number,
): { luma: DcLuma; next: number } | null {
  const width = (f.width + 7) >> 3;
  const height = (f.height + 7) >> 3;
  const luma = f.comps[0];
  // Per block of an MCU: its tables and, for luma blocks, the offset inside the MCU (bx -1: chroma)
  const dcs: Huffman[] = [];
  const acs: Huffman[] = [];
  const bx: number[] = [];
  const by: number[] = [];
  comps.forEach((c, i) => {
    const h = comps.length === 1 ? 1 : c.h; // a one-component scan is one block per MCU
    const v = comps.length === 1 ? 1 : c.v;
    for (let y = 0; y < v; y++) {
      for (let x = 0; x < h; x++) {
        dcs.push(dc[i]);
        acs.push(ac[i]);
        bx.push(c === luma ? x : -1);
        by.push(y);
      }
    }
  });
  const interleaved = comps.length > 1;
  const mcusX = interleaved ? Math.ceil(f.width / (8 * f.hmax)) : width;
  const mcusY = interleaved ? Math.ceil(f.height / (8 * f.vmax)) : height;
  const stepX = interleaved ? luma.h : 1;
  const stepY = interleaved ? luma.v : 1;
  const perMcu = dcs.length;
  // Every block takes at least 2 bits (a DC code and an EOB): refuse before allocating for a header
  // that promises more blocks than the bytes left can hold.
  if (mcusX * mcusY * perMcu > (b.length - p) * 4) return null;
  const pixels = new Uint8Array(width * height);
  const r = new BitReader(b, p);
  let pred = 0;
  let mcu = 0;
  for (let my = 0; my < mcusY; my++) {
    for (let mx = 0; mx < mcusX; mx++, mcu++) {
      if (restartInterval > 0 && mcu > 0 && mcu % restartInterval === 0) {
        if (!r.restart(mcu / restartInterval - 1)) return null;
        pred = 0;
      }
      for (let k = 0; k < perMcu; k++) {
        const size = r.decode(dcs[k]);
        if (size < 0 || size > 11) return null; // 8-bit DC differences take at most 11 bits
        const diff = size === 0 ? 0 : r.receive(size);
        if (bx[k] >= 0) {
          pred += diff;
          if (pred > MAX_DC || pred < -MAX_DC - 1) return null;
          const x = mx * stepX + bx[k];
          const y = my * stepY + by[k];
          if (x < width && y < height) pixels[y * width + x] = RANGE_LIMIT[((pred * q0 + 4) >> 3) & 1023];
        }
        if (!r.skipAc(acs[k])) return null;
      }
      if (r.n < r.fake) return null; // ran into the marker: data cut short
    }
  }
  if (!r.aligned()) return null;
  return { luma: { width, height, pixels }, next: r.pos };
}
