/**
 * The fixed-point motion detector: background differencing with per-cell adaptive thresholds,
 * flicker suppression, a global-change guard, static and sky masks, boxes and events.
 * Integer math only; typed arrays allocated once; nothing allocated per frame. ES5-safe.
 *
 * @example
 *   const det = createDetector({ width: 80, height: 60 });
 *   const out = createOutput(80, 60, det.cellSize);
 *   det.step(grey80x60, out);   // out.motion, out.boxes, out.eventState ...
 */
import { DetectorConfig, validateConfig } from './config.js';
import { State, createState, clearState, stateBytes } from './state.js';
import { difference } from './difference.js';
import { seedBackground, updateBackground, ROW_STRIDE_LOG2 } from './background.js';
import { classifyCells, adaptCells, trackStatic } from './cells.js';
import { isGlobalChange, remapBackground } from './global-change.js';
import { updateSky, writeSkyPixels } from './sky.js';
import { findBoxes } from './components.js';
import { stepEvents } from './events.js';
import { writeForeground } from './foreground.js';
import { bootCells, bootKeepFrame } from './boot.js';
import { DetectorOutput, MotionDetector } from './types.js';
import { JS_KERNELS, PixelKernels } from './kernels.js';

/** Bumped whenever the algorithm changes what it outputs for the same input and config. */
export const DETECTOR_VERSION = '1.2.0';

export class FixedPointDetector implements MotionDetector {
  readonly width: number;
  readonly height: number;
  readonly cellSize: number;
  readonly config: DetectorConfig;
  readonly writesSkyPixels = true;
  private s: State;
  private readonly k: PixelKernels;

  /**
   * @param kernels the per-pixel loops (kernels.ts): native ones from the platform when it has
   *   them (bit-exact with the TypeScript reference), else the reference itself.
   */
  constructor(config: Partial<DetectorConfig> & { width: number; height: number }, kernels?: PixelKernels) {
    if (kernels && (typeof kernels.difference !== 'function' || typeof kernels.updateBackground !== 'function')) {
      throw new TypeError('detector: kernels must have difference() and updateBackground()');
    }
    this.k = kernels || JS_KERNELS;
    this.config = validateConfig(config);
    this.width = this.config.width;
    this.height = this.config.height;
    this.cellSize = this.config.cellSize;
    this.s = createState(this.config);
    clearState(this.s, this.config);
  }

  reset(): void {
    clearState(this.s, this.config);
  }

  stateBytes(): number {
    return stateBytes(this.s);
  }

  background(out: Uint8Array): void {
    out.set(this.s.bg8.subarray(0, Math.min(out.length, this.s.pixels)));
  }

  step(frame: Uint8Array, out: DetectorOutput): void {
    const s = this.s;
    const cfg = this.config;
    if (!frame || frame.length !== s.pixels) {
      throw new RangeError('detector: frame has ' + (frame ? frame.length : 0) + ' bytes, expected ' + s.pixels + ' (' + s.width + 'x' + s.height + ')');
    }
    if (out.motion.length !== s.cells || out.width !== s.width || out.height !== s.height) {
      throw new RangeError('detector: output was made for ' + out.width + 'x' + out.height + ', detector is ' + s.width + 'x' + s.height);
    }
    out.globalChange = 0;
    if (s.frame === 0) {
      seedBackground(s, frame);
      s.calibrating = s.calibrationTotal = cfg.calibrationFrames;
    }
    s.frame++;

    difference(s, frame, this.k);
    const fgCells = classifyCells(s);
    let calibrating = s.calibrating > 0;

    if (!calibrating && fgCells * 100 >= cfg.globalFraction * s.cells && isGlobalChange(s, cfg, frame)) {
      // The whole scene changed: carry the background through the fitted gain and offset, keep
      // noise, flicker and static objects, and let the rest settle quickly without events.
      remapBackground(s);
      for (let c = 0; c < s.cells; c++) {
        s.raw[c] = 0;
        s.prevMean[c] = 0xffff;
        if (s.staticAge[c] === 0) s.stillAge[c] = 0;
      }
      s.calibrating = s.calibrationTotal = cfg.settleFrames;
      calibrating = true;
      out.globalChange = 1;
    }

    const booting = calibrating && s.frame <= cfg.calibrationFrames;
    if (booting) {
      // Just booted: frame differencing for the mask, learning only where nothing moves (boot.ts).
      const k = s.calibrationTotal - s.calibrating;
      bootCells(s, frame, k < 2 ? 1 : k < 5 ? 2 : 3);
      adaptCells(s, cfg, false);
      // The per-pixel mask needs the previous frame, which the update below replaces.
      if (out.foreground.length === s.pixels) writeForeground(s, frame, s.raw, s.raw, out.foreground);
      updateBackground(s, frame, 1, 0, this.k);
      bootKeepFrame(s, frame, s.calibrating === 1);
      s.calibrating--;
    } else if (calibrating) {
      // Fast learning: shift 1, then 2, then 3 approximates a running mean. Static objects are
      // held (only possible after a global change: at start-up there are none).
      const k = s.calibrationTotal - s.calibrating;
      const r = k < 2 ? 1 : k < 5 ? 2 : 3;
      for (let c = 0; c < s.cells; c++) {
        const held = s.staticAge[c] > 0;
        s.rate[c] = held ? 0 : r;
        s.raw[c] = held ? 1 : 0;
        if (!held) s.stillAge[c] = 0;
      }
      adaptCells(s, cfg, false);
      updateBackground(s, frame, 1, 0, this.k);
      s.calibrating--;
    } else {
      adaptCells(s, cfg, true);
      // Rows are updated one in ROW_STRIDE per frame, so the shifts drop by its log2 for the same
      // time constant (config ranges keep them >= 1: a rate of 0 means hold).
      trackStatic(s, cfg, frame, cfg.backgroundShift - ROW_STRIDE_LOG2, cfg.heldShift - ROW_STRIDE_LOG2);
      updateBackground(s, frame, 1 << ROW_STRIDE_LOG2, s.frame & ((1 << ROW_STRIDE_LOG2) - 1), this.k);
    }

    // Masks: static cells, moving cells (foreground that is not static, or static but changing).
    let eventBoxes = 0;
    const cells = s.cells;
    const staticAge = s.staticAge;
    const stillAge = s.stillAge;
    const raw = s.raw;
    const staticMask = out.staticMask;
    const motion = out.motion;
    for (let c = 0; c < cells; c++) {
      const st = staticAge[c] > 0 ? 1 : 0;
      staticMask[c] = st;
      motion[c] = raw[c] && (!st || stillAge[c] === 0) ? 1 : 0;
    }
    // Learning is still under way during the warm-up: nothing seen then counts as an arrival.
    const warming = s.frame <= cfg.calibrationFrames + cfg.warmupFrames;
    eventBoxes = findBoxes(s, cfg, frame, out.motion, out, !warming);

    if (s.frame === cfg.calibrationFrames + 1 || (s.frame % cfg.skyEvery) === 0) {
      updateSky(s, cfg, out.sky, s.frame === cfg.calibrationFrames + 1);
    } else {
      const skyScore = s.skyScore;
      const sky = out.sky;
      for (let c = 0; c < cells; c++) sky[c] = skyScore[c] > 0 ? 1 : 0;
    }

    out.eventState = stepEvents(s, cfg, eventBoxes > 0, calibrating || warming);
    out.eventId = s.eventId;
    out.calibrating = calibrating ? 1 : 0;
    if (out.foreground.length === s.pixels && !booting) writeForeground(s, frame, out.motion, out.staticMask, out.foreground);
    if (out.skyPixels && out.skyPixels.length === s.pixels) writeSkyPixels(s, out.sky, out.skyPixels);
  }
}

export function createDetector(config: Partial<DetectorConfig> & { width: number; height: number }, kernels?: PixelKernels): FixedPointDetector {
  return new FixedPointDetector(config, kernels);
}
