/**
 * Chooses which frames of a run the report shows, and copies them while the run is going (the
 * runner and the sources reuse their buffers, so a frame must be copied when it is seen).
 *
 * Limits: the frame count is often unknown in advance (videos), so evenly spaced samples come from
 * a halving scheme: keep every `stride`-th frame, and when more than 8n are kept drop every other
 * one and double the stride. That keeps at most 8n copies alive (small: ~100 KB each) and ends
 * with 4n..8n evenly spaced candidates, from which n are picked. Event starts are kept the same way, by event number, so many
 * short events are thinned evenly rather than only the first few being shown.
 */
import { EVENT_START } from '../../src/core/types.js';
import type { FrameContext } from '../runner.js';
import { resampleGrey } from './draw.js';

export const SAMPLER_DEFAULTS = {
  /** Evenly spaced frames shown (1–200 frames). */
  samples: 16,
  /** Most event-start frames shown in addition (0–200 frames); 8 keeps a report under ~24 rows. */
  eventSamples: 8,
  /** Width the images are shown at (px); the grid is upscaled by a whole factor to about this. */
  displayWidth: 320,
};

export interface SamplerOptions {
  samples?: number;
  eventSamples?: number;
  displayWidth?: number;
}

/** One captured frame: copies of everything the report draws. */
export interface FrameSample {
  step: number;
  index: number;
  timeMs: number;
  /** True when it is one of the evenly spaced samples. */
  even: boolean;
  /** Event number when this frame started an event, else 0. */
  eventStart: number;
  /** Event number in progress (or last ended) on this frame. */
  eventId: number;
  eventState: number;
  globalChange: number;
  calibrating: number;
  motionCells: number;
  staticCells: number;
  skyCells: number;
  /** Display geometry: the working grid upscaled `scale` times. */
  scale: number;
  viewWidth: number;
  viewHeight: number;
  /** The native frame resampled to the display size (more detail than the grid). */
  view: Uint8Array;
  gridWidth: number;
  gridHeight: number;
  /** The working-grid frame and the detector's background, gridWidth*gridHeight each. */
  grid: Uint8Array;
  background: Uint8Array;
  cellSize: number;
  cols: number;
  rows: number;
  motion: Uint8Array;
  staticMask: Uint8Array;
  sky: Uint8Array;
  /** boxCount boxes, 4 values each (cells, inclusive). */
  boxes: Int16Array;
  boxCount: number;
}

/**
 * Candidates kept per wanted sample. The final pick can be off the ideal spacing by up to one
 * stride (span / (KEEP_FACTOR * n)): 8 keeps that under ~12 % of a gap, at ~100 KB per kept frame.
 */
const KEEP_FACTOR = 8;

/** Keeps items whose ordinal is a multiple of a stride that doubles when too many are kept. */
class Thinner<T> {
  private stride = 1;
  readonly kept: { ordinal: number; item: T }[] = [];
  constructor(private readonly limit: number) {}

  wants(ordinal: number): boolean {
    return this.limit > 0 && ordinal % this.stride === 0;
  }

  add(ordinal: number, item: T): void {
    this.kept.push({ ordinal, item });
    if (this.kept.length > KEEP_FACTOR * this.limit) {
      this.stride *= 2;
      const keep = this.kept.filter((k) => k.ordinal % this.stride === 0);
      this.kept.length = 0;
      this.kept.push(...keep);
    }
  }

  /** `limit` items evenly chosen from those kept (all of them when fewer). */
  pick(): T[] {
    const n = this.kept.length;
    if (n <= this.limit) return this.kept.map((k) => k.item);
    const out: T[] = [];
    for (let i = 0; i < this.limit; i++) {
      const j = this.limit === 1 ? 0 : Math.round((i * (n - 1)) / (this.limit - 1));
      out.push(this.kept[j].item);
    }
    return out;
  }
}

function checkCount(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min || v > 200) throw new RangeError(`report: ${name} must be an integer in ${min}..200, got ${v}`);
}

/**
 * @example
 * const sampler = new FrameSampler({ samples: 16 });
 * const result = await runSource(source, { onFrame: (ctx) => sampler.onFrame(ctx) });
 * await writeReport(result, sampler.samples());
 */
export class FrameSampler {
  private readonly even: Thinner<FrameSample>;
  private readonly starts: Thinner<FrameSample>;
  private readonly displayWidth: number;
  private startCount = 0;

  constructor(opts: SamplerOptions = {}) {
    const samples = opts.samples ?? SAMPLER_DEFAULTS.samples;
    const eventSamples = opts.eventSamples ?? SAMPLER_DEFAULTS.eventSamples;
    this.displayWidth = opts.displayWidth ?? SAMPLER_DEFAULTS.displayWidth;
    checkCount('samples', samples, 1);
    checkCount('eventSamples', eventSamples, 0);
    if (!(this.displayWidth >= 8)) throw new RangeError(`report: displayWidth must be ≥ 8 px, got ${this.displayWidth}`);
    this.even = new Thinner(samples);
    this.starts = new Thinner(eventSamples);
  }

  /** The runner hook: pass as `onFrame` (or call from one). */
  readonly onFrame = (ctx: FrameContext): void => {
    const isStart = ctx.out.eventState === EVENT_START;
    const ordinal = isStart ? this.startCount++ : -1;
    const wantEven = this.even.wants(ctx.step);
    const wantStart = isStart && this.starts.wants(ordinal);
    if (!wantEven && !wantStart) return;
    const s = capture(ctx, this.displayWidth);
    if (wantEven) this.even.add(ctx.step, s);
    if (wantStart) this.starts.add(ordinal, s);
  };

  /** The chosen samples in run order, each frame once. */
  samples(): FrameSample[] {
    const byStep = new Map<number, FrameSample>();
    for (const s of this.even.pick()) byStep.set(s.step, { ...s, even: true });
    for (const s of this.starts.pick()) {
      const prev = byStep.get(s.step);
      byStep.set(s.step, { ...(prev ?? s), even: Boolean(prev), eventStart: s.eventId });
    }
    return [...byStep.values()].sort((a, b) => a.step - b.step);
  }
}

function capture(ctx: FrameContext, displayWidth: number): FrameSample {
  const { out, frame } = ctx;
  const gw = out.width;
  const gh = out.height;
  const scale = Math.max(1, Math.round(displayWidth / gw));
  const vw = gw * scale;
  const vh = gh * scale;
  const background = new Uint8Array(gw * gh);
  ctx.detector.background(background);
  return {
    step: ctx.step,
    index: frame.index,
    timeMs: ctx.timeMs,
    even: false,
    eventStart: 0,
    eventId: out.eventId,
    eventState: out.eventState,
    globalChange: out.globalChange,
    calibrating: out.calibrating,
    motionCells: ctx.motionCells,
    staticCells: ctx.staticCells,
    skyCells: ctx.skyCells,
    scale,
    viewWidth: vw,
    viewHeight: vh,
    view: resampleGrey(frame.grey, ctx.nativeWidth, ctx.nativeHeight, vw, vh),
    gridWidth: gw,
    gridHeight: gh,
    grid: ctx.grid.slice(),
    background,
    cellSize: out.cellSize,
    cols: out.cols,
    rows: out.rows,
    motion: out.motion.slice(),
    staticMask: out.staticMask.slice(),
    sky: out.sky.slice(),
    boxes: out.boxes.slice(0, out.boxCount * 4),
    boxCount: out.boxCount,
  };
}
