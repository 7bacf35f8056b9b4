/**
 * The naive baseline of ../shared/EVAL.md: previous-frame differencing on the grey working grid.
 * A pixel is foreground when |g_t − g_{t−1}| > 15. It keeps no background, so it misses anything
 * that stops and marks both where an object was and where it is; the evaluation runs it next to
 * the real detector so every figure comes with the floor it must beat.
 *
 * Limits: no static mask, no sky, no boxes, no events (eventState stays EVENT_IDLE). The first
 * frame has nothing to compare with: it reports no foreground and `calibrating` = 1.
 * ES5-safe (runs on the board's engine like the rest of src/core): plain loops, no fill/slice.
 */
import { EVENT_IDLE, type DetectorOutput, type MotionDetector } from './types.js';

export const FRAME_DIFF_DEFAULTS = {
  /** Grey-level difference above which a pixel is foreground (EVAL.md fixes 15; 0–255). */
  threshold: 15,
  /** Cell side for the motion mask (pixels, 1–64). */
  cellSize: 4,
  /**
   * A cell moves when at least this share of its pixels are foreground, in quarters: 1 = 1/4,
   * EVAL's rule for methods that work finer than the scoring grid.
   */
  cellQuarters: 1,
};

export class FrameDiffDetector implements MotionDetector {
  readonly width: number;
  readonly height: number;
  readonly cellSize: number;
  readonly cols: number;
  readonly rows: number;
  private readonly prev: Uint8Array;
  /** Foreground pixels per cell on the current frame. */
  private readonly cellCount: Uint16Array;
  /** Pixels per cell (partial cells at the right and bottom edges are smaller). */
  private readonly cellPixels: Uint16Array;
  private hasPrev: boolean;

  constructor(width: number, height: number, cellSize?: number) {
    const cs = cellSize === undefined ? FRAME_DIFF_DEFAULTS.cellSize : cellSize;
    if (!(width >= 1 && height >= 1 && (width | 0) === width && (height | 0) === height)) {
      throw new RangeError('frame-diff: width and height must be positive integers, got ' + width + 'x' + height);
    }
    if (!(cs >= 1 && cs <= 64 && (cs | 0) === cs)) throw new RangeError('frame-diff: cellSize must be an integer in 1..64, got ' + cs);
    this.width = width;
    this.height = height;
    this.cellSize = cs;
    this.cols = ((width + cs - 1) / cs) | 0;
    this.rows = ((height + cs - 1) / cs) | 0;
    this.prev = new Uint8Array(width * height);
    this.cellCount = new Uint16Array(this.cols * this.rows);
    this.cellPixels = new Uint16Array(this.cols * this.rows);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) this.cellPixels[((y / cs) | 0) * this.cols + ((x / cs) | 0)]++;
    }
    this.hasPrev = false;
  }

  step(frame: Uint8Array, out: DetectorOutput): void {
    const n = this.width * this.height;
    if (frame.length !== n) throw new RangeError('frame-diff: frame has ' + frame.length + ' bytes, expected ' + n);
    if (out.foreground.length !== n || out.motion.length !== this.cols * this.rows) {
      throw new RangeError('frame-diff: output was not created for a ' + this.width + 'x' + this.height + ' grid with ' + this.cellSize + '-pixel cells');
    }
    const prev = this.prev;
    const fg = out.foreground;
    const counts = this.cellCount;
    const nc = counts.length;
    for (let c = 0; c < nc; c++) counts[c] = 0;
    const threshold = FRAME_DIFF_DEFAULTS.threshold;
    const cs = this.cellSize;
    const cols = this.cols;
    let i = 0;
    for (let y = 0; y < this.height; y++) {
      const rowBase = ((y / cs) | 0) * cols;
      for (let x = 0; x < this.width; x++) {
        let d = frame[i] - prev[i];
        if (d < 0) d = -d;
        // No previous frame yet: nothing can be said to move.
        const on = this.hasPrev && d > threshold ? 1 : 0;
        fg[i] = on;
        if (on) counts[rowBase + ((x / cs) | 0)]++;
        i++;
      }
    }
    prev.set(frame);
    const q = FRAME_DIFF_DEFAULTS.cellQuarters;
    for (let c = 0; c < nc; c++) {
      out.motion[c] = counts[c] * 4 >= this.cellPixels[c] * q && counts[c] > 0 ? 1 : 0;
      out.staticMask[c] = 0;
      out.sky[c] = 0;
    }
    out.boxCount = 0;
    out.eventState = EVENT_IDLE;
    out.globalChange = 0;
    out.calibrating = this.hasPrev ? 0 : 1;
    this.hasPrev = true;
  }

  reset(): void {
    this.hasPrev = false;
  }

  stateBytes(): number {
    return this.prev.length + this.cellCount.length * 2 + this.cellPixels.length * 2;
  }

  /** The previous frame is this method's whole notion of background. */
  background(out: Uint8Array): void {
    out.set(this.prev);
  }
}

/**
 * @example
 * const det = createFrameDiff(80, 60);
 * const out = createOutput(80, 60, det.cellSize);
 * det.step(grid, out); // out.foreground: 1 where |g_t − g_{t−1}| > 15
 */
export function createFrameDiff(width: number, height: number, cellSize?: number): FrameDiffDetector {
  return new FrameDiffDetector(width, height, cellSize);
}
