/**
 * The sky mask: coarse, per cell, and stable. Sky is the region connected to the top edge of
 * cells whose background is bright (at least skyMinBright and above the frame's mean), smooth
 * (small mean gradient inside the cell) and calm (low flicker). Each re-derivation moves a
 * per-cell score by one step, so the mask changes only after several agreeing looks; a region
 * smaller than skyMinCells is not sky (an indoor scene has none).
 */
import { DetectorConfig } from './config.js';
import { State } from './state.js';

const SCORE_MAX = 3; // looks in a row to flip a cell (3 x skyEvery frames, ~10 s)

/** Mark candidate cells into s.scratch (1 = bright, smooth, calm). */
function skyCandidates(s: State, cfg: DetectorConfig): void {
  const w = s.width;
  const cs = s.cellSize;
  const h = s.height;
  const rows = s.rows;
  const cols = s.cols;
  const pixels = s.pixels;
  const bg = s.bg8;
  let total = 0;
  for (let i = 0; i < pixels; i += 4) total += bg[i];
  const frameMean = ((total * 4) / pixels) | 0;
  for (let cy = 0; cy < rows; cy++) {
    for (let cx = 0; cx < cols; cx++) {
      const c = cy * cols + cx;
      const x0 = cx * cs;
      const y0 = cy * cs;
      const x1 = Math.min(x0 + cs, w);
      const y1 = Math.min(y0 + cs, h);
      let sum = 0;
      let grad = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          const i = y * w + x;
          const v = bg[i];
          sum += v;
          // Gradients to the right and below, including across the cell edge (sky is smooth there too).
          if (x + 1 < w) { const d = bg[i + 1] - v; grad += d < 0 ? -d : d; }
          if (y + 1 < h) { const d = bg[i + w] - v; grad += d < 0 ? -d : d; }
        }
      }
      const n = s.npix[c];
      // floor(a / b) for a >= 0 as an exact division: integers all the way on the board's engines.
      const mean = (sum - sum % n) / n;
      const texture = (grad - grad % (2 * n)) / (2 * n);
      s.scratch[c] = mean >= cfg.skyMinBright && mean > frameMean && texture <= cfg.skyMaxTexture && s.dyn[c] < cfg.dynamicLevel ? 1 : 0;
    }
  }
}

/** Re-derive the sky: flood from the top row over candidates, then move scores and the mask. */
export function updateSky(s: State, cfg: DetectorConfig, sky: Uint8Array, immediate: boolean): void {
  skyCandidates(s, cfg);
  const cols = s.cols;
  const q = s.queue;
  const seen = s.label; // reused as a visited flag: 1 = reached from the top
  const scratch = s.scratch;
  const skyScore = s.skyScore;
  const cells = s.cells;
  for (let c = 0; c < cells; c++) seen[c] = 0;
  let head = 0;
  let tail = 0;
  for (let cx = 0; cx < cols; cx++) {
    if (scratch[cx]) { seen[cx] = 1; q[tail++] = cx; }
  }
  while (head < tail) {
    const c = q[head++];
    const cx = c % cols;
    if (cx > 0 && scratch[c - 1] && !seen[c - 1]) { seen[c - 1] = 1; q[tail++] = c - 1; }
    if (cx < cols - 1 && scratch[c + 1] && !seen[c + 1]) { seen[c + 1] = 1; q[tail++] = c + 1; }
    if (c >= cols && scratch[c - cols] && !seen[c - cols]) { seen[c - cols] = 1; q[tail++] = c - cols; }
    if (c + cols < cells && scratch[c + cols] && !seen[c + cols]) { seen[c + cols] = 1; q[tail++] = c + cols; }
  }
  const isSky = tail >= cfg.skyMinCells;
  for (let c = 0; c < cells; c++) {
    const vote = isSky && seen[c] ? 1 : -1;
    let score = immediate ? vote * SCORE_MAX : skyScore[c] + vote;
    if (score > SCORE_MAX) score = SCORE_MAX;
    if (score < -SCORE_MAX) score = -SCORE_MAX;
    skyScore[c] = score;
  }
  for (let c = 0; c < cells; c++) sky[c] = skyScore[c] > 0 ? 1 : 0;
}
