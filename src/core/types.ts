/**
 * The detector's contract. Everything here is ES5-safe: it is transpiled for the board.
 *
 * Coordinates: the *working grid* is the grey frame the detector receives (e.g. 80x60).
 * The detector groups it into *cells* of `cellSize` x `cellSize` pixels (partial cells at the
 * right and bottom edges) for masks, boxes and the static/sky logic.
 */

/** Event state reported for each step. */
export const EVENT_IDLE = 0;
/** A motion event started on this frame. */
export const EVENT_START = 1;
/** A motion event is in progress. */
export const EVENT_ACTIVE = 2;
/** The motion event ended on this frame (the event gap elapsed). */
export const EVENT_END = 3;

/** Caller-owned result of one detector step. Allocate once with `createOutput`. */
export interface DetectorOutput {
  /** Working-grid width and height in pixels. */
  width: number;
  height: number;
  /** Cell grid: cols x rows cells of cellSize pixels. */
  cellSize: number;
  cols: number;
  rows: number;
  /** Per cell, 1 where something is moving now. */
  motion: Uint8Array;
  /** Per cell, 1 where something moved in and then stayed still (image 3 of a snapshot). */
  staticMask: Uint8Array;
  /** Per cell, 1 where the sky is (image 2 of a snapshot). */
  sky: Uint8Array;
  /**
   * Per working-grid pixel, 1 where the pixel is foreground (moving or static): the mask that
   * evaluation scores against ground truth. Empty (length 0) when not wanted.
   */
  foreground: Uint8Array;
  /**
   * Per working-grid pixel, 1 where the sky is: the sky cells refined to the pixels as bright as
   * the sky next to them (evaluation only; filled with `foreground`, absent or empty otherwise).
   */
  skyPixels?: Uint8Array;
  /** Motion boxes in cell units, 4 per box: x0, y0, x1, y1 (inclusive). */
  boxes: Int16Array;
  /** Cells covered by each box's component. */
  boxAreas: Uint16Array;
  boxCount: number;
  /** One of EVENT_IDLE, EVENT_START, EVENT_ACTIVE, EVENT_END. */
  eventState: number;
  /** Number of the current (or last) event, 1-based; 0 before the first. */
  eventId: number;
  /** 1 when a global change (light switch, IR mode, exposure jump) was detected on this frame. */
  globalChange: number;
  /** 1 while the detector is (re)calibrating its background; no events are raised then. */
  calibrating: number;
}

/** A motion detector: config in, frames in, caller-owned output out. */
export interface MotionDetector {
  readonly width: number;
  readonly height: number;
  readonly cellSize: number;
  /** Process one frame of width*height grey pixels; throws a RangeError on a wrong size. */
  step(frame: Uint8Array, out: DetectorOutput): void;
  /** Forget everything learned; the next frame starts calibration again. */
  reset(): void;
  /** Bytes of state the detector holds (typed arrays it allocated). */
  stateBytes(): number;
  /** Background estimate, one grey byte per working-grid pixel, written into `out`. */
  background(out: Uint8Array): void;
  /** True when `step` fills `out.skyPixels` (when it has the working grid's length). */
  readonly writesSkyPixels?: boolean;
}

/**
 * Allocate an output for a detector of the given geometry. `withForeground: false` leaves the
 * per-pixel foreground empty, and the detector then skips computing it (the board never needs it).
 */
export function createOutput(width: number, height: number, cellSize: number, maxBoxes?: number, withForeground?: boolean): DetectorOutput {
  const cols = ((width + cellSize - 1) / cellSize) | 0;
  const rows = ((height + cellSize - 1) / cellSize) | 0;
  const nb = maxBoxes || 32;
  return {
    width: width,
    height: height,
    cellSize: cellSize,
    cols: cols,
    rows: rows,
    motion: new Uint8Array(cols * rows),
    staticMask: new Uint8Array(cols * rows),
    sky: new Uint8Array(cols * rows),
    foreground: new Uint8Array(withForeground === false ? 0 : width * height),
    skyPixels: new Uint8Array(withForeground === false ? 0 : width * height),
    boxes: new Int16Array(nb * 4),
    boxAreas: new Uint16Array(nb),
    boxCount: 0,
    eventState: EVENT_IDLE,
    eventId: 0,
    globalChange: 0,
    calibrating: 0,
  };
}
