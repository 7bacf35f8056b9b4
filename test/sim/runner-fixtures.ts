/**
 * Synthetic inputs for the runner and report tests: a tiny frame source with a bright square that
 * moves during given frame ranges, and a stand-in detector whose rules are simple enough that the
 * expected event times can be worked out by hand.
 */
import { createOutput, EVENT_ACTIVE, EVENT_END, EVENT_IDLE, EVENT_START, type DetectorOutput, type MotionDetector } from '../../src/core/index.js';
import type { FrameSource, NativeFrame } from '../../sim/sources/types.js';

export interface SquareSourceOptions {
  width?: number;
  height?: number;
  frames?: number;
  fps?: number;
  /** Frame ranges [first, last] (inclusive) during which the square is visible and moving. */
  moving?: [number, number][];
  /** Side of the square (px). */
  size?: number;
  /** Native index of the first frame (CDnet numbers start at 1). */
  firstIndex?: number;
  /** timeMs of the first frame; the runner measures from it. */
  startMs?: number;
  /** Milliseconds between frames (default 1000 / fps). */
  frameMs?: number;
  /** Peak amplitude of deterministic sensor noise (grey levels). */
  noise?: number;
  frameCount?: boolean;
}

/** A bright square crossing a textured grey background. Reuses one buffer, as real sources do. */
export function squareSource(o: SquareSourceOptions = {}): FrameSource {
  const w = o.width ?? 32;
  const h = o.height ?? 24;
  const n = o.frames ?? 60;
  const fps = o.fps ?? 10;
  const size = o.size ?? 6;
  const moving = o.moving ?? [[20, 40]];
  const frameMs = o.frameMs ?? 1000 / fps;
  const noise = o.noise ?? 0;
  return {
    name: 'test:square',
    width: w,
    height: h,
    fps,
    frameCount: o.frameCount === false ? undefined : n,
    hasTruth: false,
    async *frames(): AsyncIterable<NativeFrame> {
      const grey = new Uint8Array(w * h);
      let seed = 12345;
      for (let i = 0; i < n; i++) {
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            seed = (seed * 1103515245 + 12345) >>> 0;
            const jitter = noise ? ((seed >>> 16) % (2 * noise + 1)) - noise : 0;
            grey[y * w + x] = 90 + ((x * 7 + y * 13) % 20) + jitter;
          }
        }
        const range = moving.find(([a, b]) => i >= a && i <= b);
        if (range) {
          const k = i - range[0];
          const x0 = (2 + k) % (w - size);
          const y0 = Math.floor((h - size) / 2);
          for (let y = y0; y < y0 + size; y++) for (let x = x0; x < x0 + size; x++) grey[y * w + x] = 240;
        }
        yield { index: (o.firstIndex ?? 0) + i, timeMs: (o.startMs ?? 0) + i * frameMs, grey, scored: true };
      }
    },
  };
}

/**
 * Frame differencing with fixed rules: a cell moves when any pixel differs from the previous
 * frame by more than 30; one box around all moving cells; the first 2 frames calibrate; an event
 * starts on the 2nd frame in a row with motion and ends on the 3rd frame in a row without.
 */
export class StandInDetector implements MotionDetector {
  readonly cellSize = 4;
  private prev: Uint8Array;
  private frames = 0;
  private run = 0;
  private quiet = 0;
  private inEvent = false;
  private events = 0;

  constructor(readonly width: number, readonly height: number) {
    this.prev = new Uint8Array(width * height);
  }

  output(): DetectorOutput {
    return createOutput(this.width, this.height, this.cellSize);
  }

  step(frame: Uint8Array, out: DetectorOutput): void {
    if (frame.length !== this.width * this.height) throw new RangeError('wrong frame size');
    const { cols } = out;
    out.motion.fill(0);
    let any = false;
    let x0 = 1e9, y0 = 1e9, x1 = -1, y1 = -1;
    const calibrating = this.frames < 2;
    if (!calibrating) {
      for (let i = 0; i < frame.length; i++) {
        if (Math.abs(frame[i] - this.prev[i]) <= 30) continue;
        const cx = Math.floor((i % this.width) / this.cellSize);
        const cy = Math.floor(Math.floor(i / this.width) / this.cellSize);
        out.motion[cy * cols + cx] = 1;
        any = true;
        x0 = Math.min(x0, cx); y0 = Math.min(y0, cy); x1 = Math.max(x1, cx); y1 = Math.max(y1, cy);
      }
    }
    this.prev.set(frame);
    this.frames++;
    out.calibrating = calibrating ? 1 : 0;
    out.globalChange = 0;
    out.boxCount = any ? 1 : 0;
    if (any) out.boxes.set([x0, y0, x1, y1]);
    this.run = any ? this.run + 1 : 0;
    this.quiet = any ? 0 : this.quiet + 1;
    if (!this.inEvent && this.run >= 2) {
      this.inEvent = true;
      out.eventId = ++this.events;
      out.eventState = EVENT_START;
    } else if (this.inEvent && this.quiet >= 3) {
      this.inEvent = false;
      out.eventState = EVENT_END;
    } else {
      out.eventState = this.inEvent ? EVENT_ACTIVE : EVENT_IDLE;
    }
  }

  reset(): void {
    this.frames = this.run = this.quiet = 0;
    this.inEvent = false;
  }

  stateBytes(): number {
    return this.prev.length;
  }

  background(out: Uint8Array): void {
    out.set(this.prev);
  }
}
