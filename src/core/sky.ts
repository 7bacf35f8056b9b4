/**
 * The sky mask: coarse, per cell, and stable. Sky is the region connected to the top edge of
 * cells most of whose background pixels are bright (at least skyMinBright and well above the
 * frame's mean: fog is not sky) and smooth. Each re-derivation moves a per-cell score by one step,
 * so the mask changes only after several agreeing looks; a region smaller than skyMinCells is not
 * sky (an indoor scene has none), nor is one with separate enclosed holes (a bright façade with
 * windows).
 */
import { DetectorConfig } from './config.js';
import { State } from './state.js';

const SCORE_MAX = 3; // looks in a row to flip a cell (3 x skyEvery frames, ~10 s)

/** Sky pixels are at least this much brighter than the frame mean (dense fog has no such part). */
const SKY_MARGIN = 24;
/** A cell is a candidate when at least this many sixteenths of its pixels look like sky. */
const SKY_PIXELS16 = 8;
/** This many separate enclosed holes (windows in a façade) and the bright region is not sky. */
const MAX_HOLES = 2;

/**
 * Mark candidate cells into s.scratch: most of the cell's pixels are bright (at least skyMinBright
 * and SKY_MARGIN above the frame mean) and smooth (gradient to the right and below at most twice
 * skyMaxTexture). Counting pixels, not averaging them, keeps narrow sky between buildings and sky
 * cells a swaying crown sweeps at one corner: the crown's blend and the skyline edge are a few
 * pixels, not the cell. Flicker does not disqualify a cell: crowns flicker, but they are neither
 * bright nor smooth.
 */
function skyCandidates(s: State, cfg: DetectorConfig): void {
  const w = s.width;
  const h = s.height;
  const cs = s.cellSize;
  const rows = s.rows;
  const cols = s.cols;
  const pixels = s.pixels;
  const npix = s.npix;
  const scratch = s.scratch;
  const bg = s.bg8;
  let total = 0;
  for (let i = 0; i < pixels; i += 4) total += bg[i];
  const frameMean = ((total * 4) / pixels) | 0;
  let bright = frameMean + SKY_MARGIN;
  if (bright < cfg.skyMinBright) bright = cfg.skyMinBright;
  const tex = 2 * cfg.skyMaxTexture;
  for (let cy = 0; cy < rows; cy++) {
    for (let cx = 0; cx < cols; cx++) {
      const c = cy * cols + cx;
      const x0 = cx * cs;
      const y0 = cy * cs;
      const x1 = Math.min(x0 + cs, w);
      const y1 = Math.min(y0 + cs, h);
      let n = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          const i = y * w + x;
          const v = bg[i];
          if (v < bright) continue;
          let d = x + 1 < w ? bg[i + 1] - v : 0;
          if (d > tex || d < -tex) continue;
          d = y + 1 < h ? bg[i + w] - v : 0;
          if (d > tex || d < -tex) continue;
          n++;
        }
      }
      scratch[c] = n * 16 >= SKY_PIXELS16 * npix[c] ? 1 : 0;
    }
  }
}

/** Breadth-first over cells outside the region from q[head..tail), marking them 2; returns the tail. */
function floodOthers(s: State, seen: Int32Array, head: number, tail: number): number {
  const cols = s.cols;
  const q = s.queue;
  const cells = s.cells;
  const mark = s.scratch;
  while (head < tail) {
    const c = q[head++];
    const cx = c % cols;
    if (cx > 0 && !seen[c - 1] && mark[c - 1] !== 2) { mark[c - 1] = 2; q[tail++] = c - 1; }
    if (cx < cols - 1 && !seen[c + 1] && mark[c + 1] !== 2) { mark[c + 1] = 2; q[tail++] = c + 1; }
    if (c >= cols && !seen[c - cols] && mark[c - cols] !== 2) { mark[c - cols] = 2; q[tail++] = c - cols; }
    if (c + cols < cells && !seen[c + cols] && mark[c + cols] !== 2) { mark[c + cols] = 2; q[tail++] = c + cols; }
  }
  return tail;
}

/**
 * Separate holes in the region `seen` marks: groups of other cells that cannot reach the bottom
 * row without crossing it (windows in a façade; sky has none, a crown grows from its trunk).
 * Uses s.queue and s.scratch (2 = reached from the bottom or counted).
 */
function countHoles(s: State, seen: Int32Array): number {
  const cols = s.cols;
  const q = s.queue;
  const mark = s.scratch;
  let tail = 0;
  for (let c = s.cells - cols; c < s.cells; c++) {
    if (!seen[c]) { mark[c] = 2; q[tail++] = c; }
  }
  tail = floodOthers(s, seen, 0, tail);
  let holes = 0;
  for (let c = 0; c < s.cells; c++) {
    if (seen[c] || mark[c] === 2) continue;
    holes++;
    mark[c] = 2;
    q[0] = c;
    floodOthers(s, seen, 0, 1);
  }
  return holes;
}

/** Breadth-first over candidate cells (s.scratch = 1) not yet in `seen`, giving them `mark`; returns the tail. */
function floodCandidates(s: State, seen: Int32Array, mark: number, head: number, tail: number): number {
  const cols = s.cols;
  const q = s.queue;
  const cells = s.cells;
  const cand = s.scratch;
  while (head < tail) {
    const c = q[head++];
    const cx = c % cols;
    if (cx > 0 && cand[c - 1] === 1 && !seen[c - 1]) { seen[c - 1] = mark; q[tail++] = c - 1; }
    if (cx < cols - 1 && cand[c + 1] === 1 && !seen[c + 1]) { seen[c + 1] = mark; q[tail++] = c + 1; }
    if (c >= cols && cand[c - cols] === 1 && !seen[c - cols]) { seen[c - cols] = mark; q[tail++] = c - cols; }
    if (c + cols < cells && cand[c + cols] === 1 && !seen[c + cols]) { seen[c + cols] = mark; q[tail++] = c + cols; }
  }
  return tail;
}

/**
 * Sky seen below a crown or a bridge is cut off from the top edge: a candidate pocket of two
 * cells or more that lies no lower than the top-connected sky reaches is sky too. Returns the
 * cells added.
 */
function addPockets(s: State, seen: Int32Array, bottomRow: number): number {
  const q = s.queue;
  const cols = s.cols;
  let added = 0;
  for (let c = 0; c < s.cells; c++) {
    if (s.scratch[c] !== 1 || seen[c]) continue;
    seen[c] = 2;
    q[0] = c;
    const n = floodCandidates(s, seen, 2, 0, 1);
    let low = 0;
    for (let k = 0; k < n; k++) {
      const qk = q[k];
      const row = (qk - qk % cols) / cols;
      if (row > low) low = row;
    }
    if (n >= 2 && low <= bottomRow) {
      for (let k = 0; k < n; k++) seen[q[k]] = 1;
      added += n;
    }
  }
  for (let c = 0; c < s.cells; c++) if (seen[c] === 2) seen[c] = 0;
  return added;
}

/** Re-derive the sky: flood from the top row over candidates, then move scores and the mask. */
export function updateSky(s: State, cfg: DetectorConfig, sky: Uint8Array, immediate: boolean): void {
  skyCandidates(s, cfg);
  const cols = s.cols;
  const q = s.queue;
  const seen = s.label; // reused as a visited flag: 1 = sky (reached from the top, or a pocket)
  for (let c = 0; c < s.cells; c++) seen[c] = 0;
  let tail = 0;
  for (let cx = 0; cx < cols; cx++) {
    if (s.scratch[cx]) { seen[cx] = 1; q[tail++] = cx; }
  }
  tail = floodCandidates(s, seen, 1, 0, tail);
  let bottomRow = -1;
  for (let k = 0; k < tail; k++) {
    const qk = q[k];
      const row = (qk - qk % cols) / cols;
    if (row > bottomRow) bottomRow = row;
  }
  let isSky = tail >= cfg.skyMinCells;
  if (isSky) {
    addPockets(s, seen, bottomRow);
    isSky = countHoles(s, seen) < MAX_HOLES;
  }
  for (let c = 0; c < s.cells; c++) {
    const vote = isSky && seen[c] ? 1 : -1;
    let score = immediate ? vote * SCORE_MAX : s.skyScore[c] + vote;
    if (score > SCORE_MAX) score = SCORE_MAX;
    if (score < -SCORE_MAX) score = -SCORE_MAX;
    s.skyScore[c] = score;
  }
  for (let c = 0; c < s.cells; c++) sky[c] = s.skyScore[c] > 0 ? 1 : 0;
}

/** Grey levels a pixel next to the sky may be darker than the sky cells around it and still be sky. */
const SKY_PIXEL_TOLERANCE = 20;

/**
 * The sky at pixel level, for evaluation: a pixel in or next to (8 neighbours) a sky cell is sky
 * when its background is at least the brightest neighbouring sky cell's mean minus
 * SKY_PIXEL_TOLERANCE: the skyline falls between pixels, not between cells. Uses s.label.
 */
export function writeSkyPixels(s: State, sky: Uint8Array, out: Uint8Array): void {
  const w = s.width;
  const cols = s.cols;
  const rows = s.rows;
  const cells = s.cells;
  const pixels = s.pixels;
  const bg = s.bg8;
  const first = s.cellFirst;
  const cellW = s.cellW;
  const cellH = s.cellH;
  const mean = s.label;
  for (let c = 0; c < cells; c++) {
    if (!sky[c]) { mean[c] = -1; continue; }
    let sum = 0;
    for (let y = 0, row = first[c]; y < cellH[c]; y++, row += w) {
      for (let i = row, e = row + cellW[c]; i < e; i++) sum += bg[i];
    }
    const n = s.npix[c];
    mean[c] = (sum - sum % n) / n;
  }
  for (let i = 0; i < pixels; i++) out[i] = 0;
  for (let c = 0; c < cells; c++) {
    const cx = c % cols;
    const cy = (c - cx) / cols;
    let ref = -1;
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const x = cx + dx;
        const y = cy + dy;
        if (x < 0 || y < 0 || x >= cols || y >= rows) continue;
        const m = mean[y * cols + x];
        if (m > ref) ref = m;
      }
    }
    if (ref < 0) continue;
    const lo = ref - SKY_PIXEL_TOLERANCE;
    for (let y = 0, row = first[c]; y < cellH[c]; y++, row += w) {
      for (let i = row, e = row + cellW[c]; i < e; i++) if (bg[i] >= lo) out[i] = 1;
    }
  }
}
