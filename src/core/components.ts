/**
 * Connected components (8-connected) over foreground cells, to motion boxes. A component is kept
 * when it is big enough (minBoxCells) or is a single cell that is at least half full; a component
 * made only of flickering cells (dynamic background: trees, water) or sky is dropped, yet a person in
 * front of a tree still has calm cells (legs, the ground, the edge of the crown) and is kept.
 * Writes the despeckled motion mask in place and the boxes, largest first.
 */
import { DetectorConfig } from './config.js';
import { State } from './state.js';
import { DetectorOutput } from './types.js';
import { isIllumination } from './illumination.js';

/** Keep the largest boxes: insertion into a list sorted by area, dropping the smallest. */
function insertBox(out: DetectorOutput, maxBoxes: number, x0: number, y0: number, x1: number, y1: number, area: number): void {
  let pos = out.boxCount;
  if (pos === maxBoxes) {
    if (out.boxAreas[maxBoxes - 1] >= area) return;
    pos = maxBoxes - 1;
  } else {
    out.boxCount++;
  }
  while (pos > 0 && out.boxAreas[pos - 1] < area) {
    out.boxAreas[pos] = out.boxAreas[pos - 1];
    // Element by element: subarray() would allocate a view on every frame with boxes.
    for (let k = 0; k < 4; k++) out.boxes[pos * 4 + k] = out.boxes[pos * 4 - 4 + k];
    pos--;
  }
  out.boxAreas[pos] = area > 65535 ? 65535 : area;
  out.boxes[pos * 4] = x0;
  out.boxes[pos * 4 + 1] = y0;
  out.boxes[pos * 4 + 2] = x1;
  out.boxes[pos * 4 + 3] = y1;
}

/**
 * Returns how many kept boxes may start an event (area >= minBoxCells, calm enough, not lighting);
 * with `markMoved`, their cells are flagged as having seen an arrival (s.moved).
 */
export function findBoxes(s: State, cfg: DetectorConfig, frame: Uint8Array, motion: Uint8Array, out: DetectorOutput, markMoved: boolean): number {
  const cols = s.cols;
  const label = s.label;
  const q = s.queue;
  const staticAge = s.staticAge;
  const maxBoxes = (out.boxes.length / 4) | 0;
  const cells = s.cells;
  const rows = s.rows;
  const dyn = s.dyn;
  const skyScore = s.skyScore;
  const dynamicLevel = cfg.dynamicLevel;
  for (let c = 0; c < cells; c++) label[c] = 0;
  out.boxCount = 0;
  let next = 0;
  let eventBoxes = 0;
  for (let seed = 0; seed < cells; seed++) {
    if (!motion[seed] || label[seed]) continue;
    next++;
    label[seed] = next;
    let head = 0;
    let tail = 0;
    q[tail++] = seed;
    let x0 = cols;
    let y0 = rows;
    let x1 = -1;
    let y1 = -1;
    let besideStatic = 0;
    let calm = 0;
    while (head < tail) {
      const c = q[head++];
      const cx = c % cols;
      const cy = (c - cx) / cols; // exact: stays an integer in engines with unboxed integers (no soft-float division)
      if (cx < x0) x0 = cx;
      if (cx > x1) x1 = cx;
      if (cy < y0) y0 = cy;
      if (cy > y1) y1 = cy;
      // Calm = neither flickering nor sky: drifting clouds and swaying crowns never alert alone.
      if (dyn[c] < dynamicLevel && skyScore[c] <= 0) calm++;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = cy + dy;
        if (ny < 0 || ny >= rows) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = cx + dx;
          if (nx < 0 || nx >= cols) continue;
          const n = ny * cols + nx;
          if (motion[n] && !label[n]) { label[n] = next; q[tail++] = n; }
          else if (staticAge[n] > 0) besideStatic = 1;
        }
      }
    }
    const area = tail;
    const strongSingle = area === 1 && s.cnt[seed] * 2 >= s.npix[seed];
    // Flicker touching something that moved in and stopped is its moving edge (someone waiting
    // shifts their weight): it stays in the mask, but being flicker it starts no event below.
    const keep = (calm > 0 || besideStatic === 1) && (area >= cfg.minBoxCells || strongSingle);
    if (!keep) {
      for (let k = 0; k < tail; k++) motion[q[k]] = 0;
      continue;
    }
    if (area < cfg.minBoxCells) continue;
    // The calm part must be substantial: at least minBoxCells cells, or a third of the component.
    // A lighting change (cloud shadow, headlights) keeps its box but cannot start an event; the
    // test reads every pixel of the component, so it runs only while no event is in progress.
    if ((calm >= cfg.minBoxCells || calm * 3 >= area) && (s.eventActive || !isIllumination(s, frame, q, tail))) {
      eventBoxes++;
      // Its cells saw something arrive: if it stops here, it may become static.
      if (markMoved) for (let k = 0; k < tail; k++) s.moved[q[k]] = 1;
    }
    insertBox(out, maxBoxes, x0, y0, x1, y1, area);
  }
  return eventBoxes;
}
