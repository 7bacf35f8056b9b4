/**
 * Feeds one source through several detectors side by side (same frames, same grid) and scores
 * each with the EVAL protocol. Every detector starts from an empty state at the first frame and
 * sees every frame, scored or not.
 *
 * Limits: only `detector.step` is timed per method; `framesPerSecond` covers the whole run
 * (decoding, reduction, all methods, scoring, hooks). Buffers handed to `onFrame` are reused on
 * the next frame: copy what you keep.
 */
import { createOutput, type DetectorOutput, type MotionDetector } from '../../src/core/types.js';
import { GridReducer, cellsToGrid } from '../grid.js';
import type { FrameSource, NativeFrame } from '../sources/types.js';
import { SequenceScorer, type SequenceScore } from './score.js';

/** A detector to evaluate: a name for the report and a factory for a given working grid. */
export interface Method {
  name: string;
  create(width: number, height: number): MotionDetector;
}

/** Per-method state visible to hooks for one frame. */
export interface MethodFrame {
  name: string;
  out: DetectorOutput;
  /** The detector's static and sky cell masks, expanded to the working grid (0/1). */
  staticGrid: Uint8Array;
  skyGrid: Uint8Array;
}

export interface EvalFrame {
  frame: NativeFrame;
  /** 0-based position in the sequence. */
  step: number;
  grid: Uint8Array;
  gridWidth: number;
  gridHeight: number;
  methods: MethodFrame[];
}

export interface EvaluateOptions {
  /** Working-grid width (the height follows EVAL's rule). */
  width: number;
  methods: Method[];
  /** Called after every frame; may return a promise (e.g. to write masks), which is awaited. */
  onFrame?: (f: EvalFrame) => void | Promise<void>;
  onProgress?: (done: number, total?: number) => void;
}

export interface MethodResult {
  name: string;
  cellSize: number;
  stateBytes: number;
  /** Mean wall-clock time of one `step` (ms). */
  stepMs: number;
  score: SequenceScore;
}

export interface SequenceResult {
  name: string;
  native: { width: number; height: number; fps: number };
  grid: { width: number; height: number };
  frames: number;
  scoredFrames: number;
  hasTruth: boolean;
  hasRoi: boolean;
  /** Whole-run throughput, frames per wall-clock second. */
  framesPerSecond: number;
  wallMs: number;
  methods: MethodResult[];
}

/** Expected frame count for progress: exact when the source knows it, else its own estimate. */
export function expectedFrames(source: FrameSource): number | undefined {
  return source.frameCount ?? (source as { estimatedFrames?: number }).estimatedFrames;
}

export async function evaluateSource(source: FrameSource, opts: EvaluateOptions): Promise<SequenceResult> {
  if (opts.methods.length === 0) throw new Error('evaluate: no methods given');
  const reducer = new GridReducer(source.width, source.height, opts.width);
  const gw = reducer.width;
  const gh = reducer.height;
  const grid = new Uint8Array(gw * gh);
  const states = opts.methods.map((m) => {
    const det = m.create(gw, gh);
    if (det.width !== gw || det.height !== gh) throw new RangeError(`${m.name}: detector is ${det.width}x${det.height}, grid is ${gw}x${gh}`);
    return {
      method: m,
      det,
      stepMs: 0,
      frame: {
        name: m.name,
        out: createOutput(gw, gh, det.cellSize),
        staticGrid: new Uint8Array(gw * gh),
        skyGrid: new Uint8Array(gw * gh),
      } as MethodFrame,
      scorer: new SequenceScorer({ nativeW: source.width, nativeH: source.height, Wg: opts.width, roi: source.roi }),
    };
  });
  const frames = states.map((s) => s.frame);
  const total = expectedFrames(source);
  const wall0 = performance.now();
  let step = 0;
  let scored = 0;
  for await (const frame of source.frames()) {
    reducer.reduce(frame.grey, grid);
    if (frame.scored) scored++;
    for (const s of states) {
      const out = s.frame.out;
      const t0 = performance.now();
      s.det.step(grid, out);
      s.stepMs += performance.now() - t0;
      cellsToGrid(out.staticMask, out.cols, out.rows, out.cellSize, gw, gh, s.frame.staticGrid);
      // Report static at the working grid too: the foreground pixels inside static cells.
      if (out.foreground.length === gw * gh) {
        const sg = s.frame.staticGrid;
        for (let i = 0; i < sg.length; i++) if (!out.foreground[i]) sg[i] = 0;
      }
      // The sky at the working grid: the detector's own pixel-level sky when it gives one.
      if (s.det.writesSkyPixels && out.skyPixels && out.skyPixels.length === gw * gh) s.frame.skyGrid.set(out.skyPixels);
      else cellsToGrid(out.sky, out.cols, out.rows, out.cellSize, gw, gh, s.frame.skyGrid);
      s.scorer.add(frame.truth, frame.scored, out.foreground, s.frame.staticGrid, s.frame.skyGrid);
    }
    if (opts.onFrame) await opts.onFrame({ frame, step, grid, gridWidth: gw, gridHeight: gh, methods: frames });
    step++;
    opts.onProgress?.(step, total !== undefined && step > total ? step : total);
  }
  if (step === 0) throw new Error(`${source.name}: the source produced no frames`);
  const wallMs = performance.now() - wall0;
  return {
    name: source.name,
    native: { width: source.width, height: source.height, fps: source.fps },
    grid: { width: gw, height: gh },
    frames: step,
    scoredFrames: scored,
    hasTruth: source.hasTruth,
    hasRoi: source.roi !== undefined,
    framesPerSecond: wallMs > 0 ? (step * 1000) / wallMs : 0,
    wallMs,
    methods: states.map((s) => ({
      name: s.method.name,
      cellSize: s.det.cellSize,
      stateBytes: s.det.stateBytes(),
      stepMs: s.stepMs / step,
      score: s.scorer.result(),
    })),
  };
}
