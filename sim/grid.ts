/**
 * The working grid of ../shared/EVAL.md: a native w x h frame maps onto a Wg x Hg grid with
 * Hg = floor(Wg·h/w + 0.5), native pixel (x, y) belonging to grid pixel ("cell" in EVAL's words)
 * ((x·Wg) div w, (y·Hg) div h). The same map reduces frames (area average), upsamples grid masks
 * back to native size (nearest) and groups ground truth for scoring, so all three agree exactly.
 *
 * Limits: Wg must be between 1 and w, and the resulting Hg between 1 and h (every grid pixel then
 * covers at least one native pixel). Maps are built once per geometry; `reduce` allocates nothing.
 */

/** Grid size for a native w x h source at working width Wg (EVAL.md "Grids"). */
export function gridSize(nativeW: number, nativeH: number, Wg: number): { width: number; height: number } {
  checkDim('native width', nativeW);
  checkDim('native height', nativeH);
  checkDim('working width', Wg);
  // floor(Wg*h/w + 0.5) in integers: floor((2*Wg*h + w) / (2*w)), no floating-point edge cases.
  const Hg = Math.floor((2 * Wg * nativeH + nativeW) / (2 * nativeW));
  if (Wg > nativeW || Hg < 1 || Hg > nativeH) {
    throw new RangeError(`working grid ${Wg}x${Hg} does not fit a ${nativeW}x${nativeH} source: the grid must not be finer than the frame`);
  }
  return { width: Wg, height: Hg };
}

function checkDim(what: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${what} must be a positive integer, got ${v}`);
}

/** Map of native pixels to grid cells: computed once per geometry, shared by reducer and scorer. */
export class GridMap {
  readonly nativeW: number;
  readonly nativeH: number;
  readonly width: number;
  readonly height: number;
  /** Grid column of each native column, length nativeW. */
  readonly colOf: Int32Array;
  /** Offset of the grid row (row * width) for each native row, length nativeH. */
  readonly rowBaseOf: Int32Array;
  /** Native pixels per grid cell (npix in EVAL.md), length width*height. */
  readonly npix: Uint32Array;

  constructor(nativeW: number, nativeH: number, Wg: number) {
    const g = gridSize(nativeW, nativeH, Wg);
    this.nativeW = nativeW;
    this.nativeH = nativeH;
    this.width = g.width;
    this.height = g.height;
    this.colOf = new Int32Array(nativeW);
    this.rowBaseOf = new Int32Array(nativeH);
    const colCount = new Uint32Array(g.width);
    const rowCount = new Uint32Array(g.height);
    for (let x = 0; x < nativeW; x++) {
      const cx = Math.floor((x * g.width) / nativeW);
      this.colOf[x] = cx;
      colCount[cx]++;
    }
    for (let y = 0; y < nativeH; y++) {
      const cy = Math.floor((y * g.height) / nativeH);
      this.rowBaseOf[y] = cy * g.width;
      rowCount[cy]++;
    }
    this.npix = new Uint32Array(g.width * g.height);
    for (let cy = 0; cy < g.height; cy++) {
      for (let cx = 0; cx < g.width; cx++) this.npix[cy * g.width + cx] = rowCount[cy] * colCount[cx];
    }
  }

  /** Grid cell index of native pixel (x, y). */
  cellOf(x: number, y: number): number {
    return this.rowBaseOf[y] + this.colOf[x];
  }

  /** Nearest upsampling of a grid mask (width*height) to native size (nativeW*nativeH). */
  upsample(grid: Uint8Array, out: Uint8Array): void {
    checkLength('grid mask', grid, this.width * this.height);
    checkLength('native output', out, this.nativeW * this.nativeH);
    const w = this.nativeW;
    let i = 0;
    for (let y = 0; y < this.nativeH; y++) {
      const base = this.rowBaseOf[y];
      for (let x = 0; x < w; x++) out[i++] = grid[base + this.colOf[x]];
    }
  }
}

function checkLength(what: string, a: Uint8Array, n: number): void {
  if (a.length !== n) throw new RangeError(`${what} has ${a.length} bytes, expected ${n}`);
}

/**
 * Reduces native grey frames to the working grid by integer area averaging: each grid pixel is
 * the rounded mean (half up) of the native pixels that map to it.
 *
 * @example
 * const r = new GridReducer(320, 240, 80); // 80x60
 * const grid = new Uint8Array(r.width * r.height);
 * r.reduce(nativeGrey, grid);
 */
export class GridReducer {
  readonly width: number;
  readonly height: number;
  readonly map: GridMap;
  private readonly sums: Uint32Array;

  constructor(nativeW: number, nativeH: number, Wg: number) {
    this.map = new GridMap(nativeW, nativeH, Wg);
    this.width = this.map.width;
    this.height = this.map.height;
    this.sums = new Uint32Array(this.width * this.height);
  }

  reduce(native: Uint8Array, out: Uint8Array): void {
    const m = this.map;
    checkLength('native frame', native, m.nativeW * m.nativeH);
    checkLength('grid output', out, this.width * this.height);
    const sums = this.sums;
    const colOf = m.colOf;
    const w = m.nativeW;
    sums.fill(0);
    let i = 0;
    for (let y = 0; y < m.nativeH; y++) {
      const base = m.rowBaseOf[y];
      for (let x = 0; x < w; x++) sums[base + colOf[x]] += native[i++];
    }
    const npix = m.npix;
    for (let c = 0; c < sums.length; c++) {
      const n = npix[c];
      // Rounded mean, half up: floor((2*sum + n) / (2*n)); sums stay far below 2^31.
      out[c] = Math.floor((2 * sums[c] + n) / (2 * n));
    }
  }
}

/**
 * Nearest upsampling of a Wg x Hg grid mask to native size with the EVAL map. Builds the map on
 * each call: for repeated use keep a `GridMap` and call `upsample`.
 */
export function upsampleMask(grid: Uint8Array, Wg: number, Hg: number, nativeW: number, nativeH: number, out: Uint8Array): void {
  const m = new GridMap(nativeW, nativeH, Wg);
  if (m.height !== Hg) throw new RangeError(`grid height ${Hg} does not match ${m.height} for ${nativeW}x${nativeH} at width ${Wg}`);
  m.upsample(grid, out);
}

/** Grid cell index of native pixel (x, y) for a Wg x Hg grid over a nativeW x nativeH frame. */
export function cellOfPixel(x: number, y: number, nativeW: number, nativeH: number, Wg: number, Hg: number): number {
  return Math.floor((y * Hg) / nativeH) * Wg + Math.floor((x * Wg) / nativeW);
}

/**
 * Expands a detector's cell mask (cols x rows cells of cellSize working pixels, partial cells at
 * the right and bottom edges) to a per-pixel mask on the working grid.
 */
export function cellsToGrid(cells: Uint8Array, cols: number, rows: number, cellSize: number, Wg: number, Hg: number, out: Uint8Array): void {
  if (cols !== Math.ceil(Wg / cellSize) || rows !== Math.ceil(Hg / cellSize)) {
    throw new RangeError(`a ${cols}x${rows} cell mask of ${cellSize}-pixel cells does not cover a ${Wg}x${Hg} grid`);
  }
  checkLength('cell mask', cells, cols * rows);
  checkLength('grid output', out, Wg * Hg);
  let i = 0;
  for (let y = 0; y < Hg; y++) {
    const base = ((y / cellSize) | 0) * cols;
    for (let x = 0; x < Wg; x++) out[i++] = cells[base + ((x / cellSize) | 0)] ? 1 : 0;
  }
}
