/**
 * The simulator's runner: plays a FrameSource through a detector on a virtual clock, as a board
 * would, and records what happened.
 *
 * Limits: time is the source's `NativeFrame.timeMs` (never the wall clock), so a run is
 * reproducible and as fast as the CPU allows. Only the detector step and the grid reduction are
 * timed with the wall clock, to report cost per frame. Per-frame statistics are kept for the whole
 * run (about 60 bytes a frame: an hour at 25 fps is ~5 MB); frames themselves are not kept —
 * hooks that want them must copy, because sources and the runner reuse their buffers.
 */
import {
  createDetector, createOutput, validateConfig, EVENT_END, EVENT_START,
  type DetectorConfig, type DetectorOutput, type MotionDetector,
} from '../src/core/index.js';
import { GridReducer } from './grid.js';
import type { FrameSource, NativeFrame } from './sources/types.js';

export const RUN_DEFAULTS = {
  /** Working-grid width in pixels (80 or 160 on boards; any width ≥ 8 works). */
  width: 80,
  /** Stop after this many frames (≥ 1); Infinity plays the whole source. */
  maxFrames: Infinity,
  /** Stop once this much virtual time has passed since the first frame (s); Infinity = all. */
  seconds: Infinity,
};

/** What a hook sees for one frame. Every buffer is reused on the next frame: copy what you keep. */
export interface FrameContext {
  /** 0-based position of this frame in the run (index into the timeline arrays). */
  step: number;
  /** Expected number of frames in the run, when known. */
  total?: number;
  /** The native frame as the source delivered it, and its size. */
  frame: NativeFrame;
  nativeWidth: number;
  nativeHeight: number;
  /** Virtual time since the run's first frame (ms). */
  timeMs: number;
  /** The working-grid frame the detector received. */
  grid: Uint8Array;
  /** The detector's output for this frame. */
  out: DetectorOutput;
  detector: MotionDetector;
  motionCells: number;
  staticCells: number;
  skyCells: number;
}

export interface RunOptions {
  /** Working-grid width; the height follows the source's aspect ratio (sim/grid.ts). */
  width?: number;
  /** A ready detector; its size must equal the working grid. Default: the core detector. */
  detector?: MotionDetector;
  /** Config for the default detector (ignored when `detector` is given). */
  config?: Partial<DetectorConfig>;
  /** Called after every detector step. */
  onFrame?: (ctx: FrameContext) => void;
  /** Called after every frame with frames done and the expected total (when known). */
  onProgress?: (done: number, total?: number) => void;
  maxFrames?: number;
  seconds?: number;
}

/** One motion event, as the detector reported it (EVENT_START .. EVENT_END). */
export interface RunEvent {
  /** The detector's event number (1-based). */
  id: number;
  /** Virtual times since the run's first frame (ms). */
  startMs: number;
  endMs: number;
  /** Native frame indexes (NativeFrame.index: CDnet numbers, or 0-based for videos/scenes). */
  startIndex: number;
  endIndex: number;
  /** Positions in the run (indexes into the timeline arrays). */
  startStep: number;
  endStep: number;
  /** True when the run ended before the detector closed the event. */
  open: boolean;
  /** Most boxes on one frame, most motion cells on one frame, and the step where that happened. */
  maxBoxes: number;
  peakCells: number;
  peakStep: number;
}

/** Per-frame statistics, one entry per processed frame. */
export interface RunTimeline {
  /** Virtual time since the first frame (ms). */
  timeMs: number[];
  /** Native frame index. */
  index: number[];
  motionCells: number[];
  staticCells: number[];
  skyCells: number[];
  boxCount: number[];
  /** 0/1 flags from the detector output. */
  globalChange: number[];
  calibrating: number[];
  /** EVENT_IDLE / EVENT_START / EVENT_ACTIVE / EVENT_END. */
  eventState: number[];
}

export interface RunResult {
  source: { name: string; width: number; height: number; fps: number; hasTruth: boolean };
  grid: { width: number; height: number; cellSize: number; cols: number; rows: number };
  /** Effective detector config (defaults merged), or undefined for a caller-supplied detector. */
  config?: DetectorConfig;
  frames: number;
  /** Virtual time from the first to the last processed frame (ms). */
  durationMs: number;
  events: RunEvent[];
  timeline: RunTimeline;
  /** Mean wall-clock cost of `detector.step` and of the grid reduction per frame (ms). */
  detectorMsPerFrame: number;
  reduceMsPerFrame: number;
  /** Wall-clock time of the whole run including decoding and hooks (ms). */
  wallMs: number;
  stateBytes: number;
}

function count(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i] ? 1 : 0;
  return n;
}

function expectedTotal(source: FrameSource, maxFrames: number, seconds: number): number | undefined {
  // Videos may only offer ffprobe's guess (estimatedFrames): good enough for a progress bar.
  const estimate = (source as { estimatedFrames?: number }).estimatedFrames;
  let total = source.frameCount ?? estimate ?? Infinity;
  total = Math.min(total, maxFrames);
  // Frames strictly before `seconds` are played (t = 0, 1/F, ...): ceil(N*F) of them.
  if (Number.isFinite(seconds) && source.fps > 0) total = Math.min(total, Math.ceil(seconds * source.fps));
  return Number.isFinite(total) ? total : undefined;
}

function checkPositive(name: string, v: number, integer: boolean): void {
  if (!(v > 0) || (integer && Number.isFinite(v) && Math.floor(v) !== v)) {
    throw new RangeError(`runner: ${name} must be a positive ${integer ? 'integer' : 'number'}, got ${v}`);
  }
}

/** The caller's detector (checked against the grid), or one built from the validated config. */
function detectorFor(opts: RunOptions, gw: number, gh: number): { detector: MotionDetector; config?: DetectorConfig } {
  const detector = opts.detector;
  if (detector) {
    if (detector.width !== gw || detector.height !== gh) {
      throw new RangeError(`runner: the detector is ${detector.width}x${detector.height} but the working grid is ${gw}x${gh}`);
    }
    return { detector };
  }
  // Validate here too so the report can show the effective values, defaults included.
  const config = validateConfig({ ...opts.config, width: gw, height: gh });
  return { detector: createDetector(config), config };
}

function emptyTimeline(): RunTimeline {
  return {
    timeMs: [], index: [], motionCells: [], staticCells: [], skyCells: [], boxCount: [],
    globalChange: [], calibrating: [], eventState: [],
  };
}

/** Events as the detector opens and closes them, with their peak box and cell counts. */
class EventLog {
  readonly events: RunEvent[] = [];
  private current: RunEvent | undefined;

  /** One step's output; `prev*` describe the step before (to close an event left open). */
  update(out: DetectorOutput, step: number, timeMs: number, frameIndex: number, motionCells: number, prevMs: number, prevIndex: number): void {
    if (out.eventState === EVENT_START) {
      // A detector that restarts without an END (e.g. after reset) still closes the previous one.
      if (this.current) this.events.push(closeEvent(this.current, step - 1, prevMs, prevIndex, false));
      this.current = {
        id: out.eventId, startMs: timeMs, endMs: timeMs, startIndex: frameIndex, endIndex: frameIndex,
        startStep: step, endStep: step, open: true, maxBoxes: 0, peakCells: 0, peakStep: step,
      };
    }
    const current = this.current;
    if (!current) return;
    if (out.boxCount > current.maxBoxes) current.maxBoxes = out.boxCount;
    if (motionCells > current.peakCells) {
      current.peakCells = motionCells;
      current.peakStep = step;
    }
    if (out.eventState === EVENT_END) {
      this.events.push(closeEvent(current, step, timeMs, frameIndex, false));
      this.current = undefined;
    }
  }

  /** The events, the last one closed as still open at the end of the source. */
  finish(lastStep: number, lastMs: number, lastIndex: number): RunEvent[] {
    if (this.current) this.events.push(closeEvent(this.current, lastStep, lastMs, lastIndex, true));
    this.current = undefined;
    return this.events;
  }
}

/**
 * Play `source` through a detector and collect events and per-frame statistics.
 *
 * @example
 * const source = await openSource('scene:busy', { seconds: 30 });
 * const result = await runSource(source, { width: 80, onProgress: (d, t) => bar.update(d, t) });
 * for (const e of result.events) console.log(e.id, e.startMs, e.endMs);
 */
export async function runSource(source: FrameSource, opts: RunOptions = {}): Promise<RunResult> {
  const width = opts.width ?? RUN_DEFAULTS.width;
  const maxFrames = opts.maxFrames ?? RUN_DEFAULTS.maxFrames;
  const seconds = opts.seconds ?? RUN_DEFAULTS.seconds;
  checkPositive('width', width, true);
  checkPositive('maxFrames', maxFrames, true);
  checkPositive('seconds', seconds, false);

  const reducer = new GridReducer(source.width, source.height, width);
  const gw = reducer.width;
  const gh = reducer.height;
  const { detector, config } = detectorFor(opts, gw, gh);
  const out = createOutput(gw, gh, detector.cellSize, config?.maxBoxes);
  const grid = new Uint8Array(gw * gh);
  const total = expectedTotal(source, maxFrames, seconds);
  const limitMs = seconds * 1000;
  const timeline = emptyTimeline();
  const log = new EventLog();
  let step = 0;
  let t0 = NaN;
  let lastMs = 0;
  let detectorMs = 0;
  let reduceMs = 0;
  const wall0 = performance.now();

  for await (const frame of source.frames()) {
    if (step >= maxFrames) break;
    if (step === 0) t0 = frame.timeMs;
    const timeMs = frame.timeMs - t0;
    if (timeMs >= limitMs) break;

    const r0 = performance.now();
    reducer.reduce(frame.grey, grid);
    const r1 = performance.now();
    detector.step(grid, out);
    const r2 = performance.now();
    reduceMs += r1 - r0;
    detectorMs += r2 - r1;

    const motionCells = count(out.motion);
    const staticCells = count(out.staticMask);
    const skyCells = count(out.sky);
    timeline.timeMs.push(timeMs);
    timeline.index.push(frame.index);
    timeline.motionCells.push(motionCells);
    timeline.staticCells.push(staticCells);
    timeline.skyCells.push(skyCells);
    timeline.boxCount.push(out.boxCount);
    timeline.globalChange.push(out.globalChange ? 1 : 0);
    timeline.calibrating.push(out.calibrating ? 1 : 0);
    timeline.eventState.push(out.eventState);
    log.update(out, step, timeMs, frame.index, motionCells, lastMs, timeline.index[step - 1]);

    opts.onFrame?.({
      step, total, frame, nativeWidth: source.width, nativeHeight: source.height, timeMs, grid, out, detector, motionCells, staticCells, skyCells,
    });
    step++;
    lastMs = timeMs;
    opts.onProgress?.(step, total);
  }

  return {
    source: { name: source.name, width: source.width, height: source.height, fps: source.fps, hasTruth: source.hasTruth },
    grid: { width: gw, height: gh, cellSize: out.cellSize, cols: out.cols, rows: out.rows },
    config,
    frames: step,
    durationMs: lastMs,
    events: log.finish(step - 1, lastMs, timeline.index[step - 1]),
    timeline,
    detectorMsPerFrame: step ? detectorMs / step : 0,
    reduceMsPerFrame: step ? reduceMs / step : 0,
    wallMs: performance.now() - wall0,
    stateBytes: detector.stateBytes(),
  };
}

function closeEvent(e: RunEvent, step: number, timeMs: number, index: number, open: boolean): RunEvent {
  return { ...e, endStep: step, endMs: timeMs, endIndex: index, open };
}
