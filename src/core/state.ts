/**
 * Everything the detector remembers, allocated once per detector. Per pixel: the background in
 * Q8 (Uint16) plus its rounded 8-bit copy that the per-pixel difference reads. Per cell: small
 * counters. At 80x60 with 4x4 cells this is ~20 KB.
 */
import { DetectorConfig } from './config.js';

export interface State {
  width: number;
  height: number;
  cellSize: number;
  cols: number;
  rows: number;
  cells: number;
  pixels: number;
  /** Background, Q8 fixed point (grey * 256). */
  bgq: Uint16Array;
  /** Background rounded to 8 bits: what the difference pass compares against. */
  bg8: Uint8Array;
  /** Per-cell pixel threshold for the next frame (grey levels). */
  thr: Uint8Array;
  /** Per-cell count of pixels over threshold, and sum of absolute differences, this frame. */
  cnt: Uint16Array;
  sad: Int32Array;
  /** Per-cell pixel count (partial cells at the edges are smaller) and 16*65536/npix. */
  npix: Uint16Array;
  inv16: Int32Array;
  /** Pixels over threshold that make a cell move (cellFill share of npix, at least 1). */
  minPix: Uint16Array;
  /** Per-cell index of the top-left pixel, width and height (partial cells at the edges). */
  cellFirst: Int32Array;
  cellW: Uint8Array;
  cellH: Uint8Array;
  /** Per-cell index of the cell's centre pixel (the global-change guard samples it). */
  sample: Int32Array;
  /** Per-cell noise: mean absolute difference on motion-free frames, Q4. */
  noise: Uint16Array;
  /** Per-cell flicker level, Q16 (0..65535): how often the cell flips between moving and not. */
  dyn: Uint16Array;
  /** Per-cell raw foreground (before despeckle) this frame and last frame. */
  raw: Uint8Array;
  rawPrev: Uint8Array;
  /** Per-cell frames the cell has been foreground and still; frames since it became static. */
  stillAge: Uint16Array;
  staticAge: Uint16Array;
  /** Per-cell mean of the frame, Q4, last time the cell was foreground (0xffff = none). */
  prevMean: Uint16Array;
  /** Per-cell 1 once the cell was part of an event-worthy component in its current foreground spell. */
  moved: Uint8Array;
  /** Per-cell 1 once the cell has been seen as background since the last (re)calibration. */
  seenBg: Uint8Array;
  /** Per-cell 1 while a cell moved during the boot calibration and has not been re-learned (boot.ts). */
  calDirty: Uint8Array;
  /** Per-cell background update shift for this frame; 0 = do not update. */
  rate: Uint8Array;
  /** Sky hysteresis score per cell (-8..8) and candidate/visited scratch. */
  skyScore: Int8Array;
  scratch: Uint8Array;
  /** Component labelling: queue of cell indexes and per-cell labels. */
  queue: Int32Array;
  label: Int32Array;
  /** Frames seen since the last reset, frames left in (re)calibration, and its length. */
  frame: number;
  calibrating: number;
  calibrationTotal: number;
  /** Last global-change fit: frame ≈ gain/256 · (background − fitBg) + fitFrame. */
  fitGain: number;
  fitBg: number;
  fitFrame: number;
  /** Event state machine. */
  eventActive: number;
  eventRun: number;
  eventGap: number;
  eventId: number;
}

export function createState(cfg: DetectorConfig): State {
  const cs = cfg.cellSize;
  const cols = ((cfg.width + cs - 1) / cs) | 0;
  const rows = ((cfg.height + cs - 1) / cs) | 0;
  const cells = cols * rows;
  const pixels = cfg.width * cfg.height;
  const s: State = {
    width: cfg.width,
    height: cfg.height,
    cellSize: cs,
    cols: cols,
    rows: rows,
    cells: cells,
    pixels: pixels,
    bgq: new Uint16Array(pixels),
    bg8: new Uint8Array(pixels),
    thr: new Uint8Array(cells),
    cnt: new Uint16Array(cells),
    sad: new Int32Array(cells),
    npix: new Uint16Array(cells),
    inv16: new Int32Array(cells),
    minPix: new Uint16Array(cells),
    sample: new Int32Array(cells),
    cellFirst: new Int32Array(cells),
    cellW: new Uint8Array(cells),
    cellH: new Uint8Array(cells),
    noise: new Uint16Array(cells),
    dyn: new Uint16Array(cells),
    raw: new Uint8Array(cells),
    rawPrev: new Uint8Array(cells),
    stillAge: new Uint16Array(cells),
    staticAge: new Uint16Array(cells),
    prevMean: new Uint16Array(cells),
    rate: new Uint8Array(cells),
    calDirty: new Uint8Array(cells),
    seenBg: new Uint8Array(cells),
    moved: new Uint8Array(cells),
    skyScore: new Int8Array(cells),
    scratch: new Uint8Array(cells),
    queue: new Int32Array(cells),
    label: new Int32Array(cells),
    frame: 0,
    calibrating: 0,
    calibrationTotal: 0,
    fitGain: 256,
    fitBg: 0,
    fitFrame: 0,
    eventActive: 0,
    eventRun: 0,
    eventGap: 0,
    eventId: 0,
  };
  for (let cy = 0; cy < rows; cy++) {
    const ch = Math.min(cs, cfg.height - cy * cs);
    for (let cx = 0; cx < cols; cx++) {
      const cw = Math.min(cs, cfg.width - cx * cs);
      const c = cy * cols + cx;
      const n = cw * ch;
      s.npix[c] = n;
      s.inv16[c] = ((16 * 65536) / n) | 0;
      const m = (n * cfg.cellFill + 8) >> 4;
      s.minPix[c] = m < 1 ? 1 : m;
      s.sample[c] = (cy * cs + (ch >> 1)) * cfg.width + cx * cs + (cw >> 1);
      s.cellFirst[c] = cy * cs * cfg.width + cx * cs;
      s.cellW[c] = cw;
      s.cellH[c] = ch;
    }
  }
  return s;
}

/** Forget everything learned: the next frame starts calibration again. */
export function clearState(s: State, cfg: DetectorConfig): void {
  // Typed-array fill is missing on Duktape, so loops it is.
  const startNoise = ((cfg.thresholdMin * 16) / cfg.noiseGain) | 0;
  for (let c = 0; c < s.cells; c++) {
    s.thr[c] = cfg.thresholdMin;
    s.noise[c] = startNoise;
    s.dyn[c] = 0;
    s.raw[c] = 0;
    s.rawPrev[c] = 0;
    s.stillAge[c] = 0;
    s.staticAge[c] = 0;
    s.prevMean[c] = 0xffff;
    s.rate[c] = 0;
    s.calDirty[c] = 0;
    s.seenBg[c] = 0;
    s.moved[c] = 0;
    s.skyScore[c] = 0;
  }
  s.frame = 0;
  s.calibrating = 0;
  s.calibrationTotal = 0;
  s.eventActive = 0;
  s.eventRun = 0;
  s.eventGap = 0;
  s.eventId = 0;
}

/** Bytes held in typed arrays. */
export function stateBytes(s: State): number {
  const arrays = [s.bgq, s.bg8, s.thr, s.cnt, s.sad, s.npix, s.inv16, s.minPix, s.sample, s.cellFirst, s.cellW, s.cellH, s.noise, s.dyn, s.raw, s.rawPrev,
    s.stillAge, s.staticAge, s.prevMean, s.rate, s.calDirty, s.seenBg, s.moved, s.skyScore, s.scratch, s.queue, s.label];
  let total = 0;
  for (let i = 0; i < arrays.length; i++) total += arrays[i].byteLength;
  return total;
}
