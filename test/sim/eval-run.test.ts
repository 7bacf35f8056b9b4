/** evaluateSource: every frame to every method, scored frames scored, known answers. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createFrameDiff } from '../../src/core/frame-diff.js';
import type { DetectorOutput, MotionDetector } from '../../src/core/types.js';
import { evaluateSource, type EvalFrame, type Method } from '../../sim/eval/evaluate.js';
import type { FrameSource, NativeFrame } from '../../sim/sources/types.js';

const N = 16; // native 16x16, working grid 8x8: each grid pixel is 2x2 native pixels

/** Frame 0 empty; from frame 1 a 4x4 square (native 4..7) stays still. Frame 2 is not scored. */
function stillSquare(frames = 6): FrameSource & { served: number } {
  const src = {
    name: 'still-square',
    width: N,
    height: N,
    fps: 10,
    frameCount: frames,
    hasTruth: true,
    served: 0,
    async *frames(): AsyncGenerator<NativeFrame> {
      for (let t = 0; t < frames; t++) {
        const grey = new Uint8Array(N * N);
        const gt = new Uint8Array(N * N);
        if (t > 0) {
          for (let y = 4; y < 8; y++) {
            for (let x = 4; x < 8; x++) {
              grey[y * N + x] = 200;
              gt[y * N + x] = 255;
            }
          }
        }
        src.served++;
        yield { index: t, timeMs: t * 100, grey, truth: { motion: gt }, scored: t !== 2 };
      }
    },
  };
  return src;
}

/** Marks bright grid pixels, and a fixed static cell, so expansion can be checked. */
class Oracle implements MotionDetector {
  readonly cellSize = 2;
  steps = 0;
  constructor(readonly width: number, readonly height: number) {}
  step(frame: Uint8Array, out: DetectorOutput): void {
    this.steps++;
    for (let i = 0; i < frame.length; i++) out.foreground[i] = frame[i] > 100 ? 1 : 0;
    out.staticMask.fill(0);
    out.staticMask[1 * out.cols + 1] = 1; // cell (1,1) = grid pixels x 2..3, y 2..3
    out.sky.fill(0);
    out.sky[0] = 1;
  }
  reset(): void {}
  stateBytes(): number {
    return 0;
  }
  background(out: Uint8Array): void {
    out.fill(0);
  }
}

test('every frame reaches every method; only scored frames are scored; known P/R/F', async () => {
  const oracles: Oracle[] = [];
  const diffs: MotionDetector[] = [];
  const methods: Method[] = [
    { name: 'oracle', create: (w, h) => (oracles[oracles.length] = new Oracle(w, h)) },
    { name: 'frame-diff', create: (w, h) => (diffs[diffs.length] = createFrameDiff(w, h)) },
  ];
  const src = stillSquare();
  const seen: number[] = [];
  const r = await evaluateSource(src, { width: 8, methods, onFrame: (f) => void seen.push(f.step) });
  assert.equal([r.frames, r.scoredFrames, r.grid.width, r.grid.height], [6, 5, 8, 8]);
  assert.equal(seen, [0, 1, 2, 3, 4, 5]);
  assert.is(oracles[0].steps, 6, 'the unscored frame is fed too');
  const [oracle, diff] = r.methods;
  assert.equal(oracle.name, 'oracle');
  // The square covers grid pixels 2..3 x 2..3: 4 cells on each of the 4 scored frames with it.
  assert.equal([oracle.score.cell!.tp, oracle.score.cell!.fp, oracle.score.cell!.fn], [16, 0, 0]);
  assert.is(oracle.score.cell!.f, 1);
  assert.is(oracle.score.pixel!.f, 1);
  // Frame differencing sees the square arrive (frame 1) and then nothing: 4 TP, 12 FN.
  assert.equal([diff.score.cell!.tp, diff.score.cell!.fp, diff.score.cell!.fn], [4, 0, 12]);
  assert.is(diff.score.cell!.precision, 1);
  assert.is(diff.score.cell!.recall, 0.25);
  assert.ok(Math.abs(diff.score.cell!.f - 0.4) < 1e-12);
  assert.is(diff.score.falseAlarm.framesMarked, 1);
  assert.ok(r.framesPerSecond > 0);
});

test('static and sky cells are expanded to the working grid for scoring and hooks', async () => {
  let last: EvalFrame | undefined;
  const r = await evaluateSource(stillSquare(3), {
    width: 8,
    methods: [{ name: 'oracle', create: (w, h) => new Oracle(w, h) }],
    onFrame: (f) => void (last = f),
  });
  const st = last!.methods[0].staticGrid;
  for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) assert.is(st[y * 8 + x], x >= 2 && x < 4 && y >= 2 && y < 4 ? 1 : 0, `(${x},${y})`);
  assert.equal(Array.from(last!.methods[0].skyGrid.subarray(0, 3)), [1, 1, 0]);
  assert.is(r.methods[0].score.static!.last, 0, 'static predicted, none in the truth yet');
});

test('a source with no frames is an error; each run starts from a fresh detector', async () => {
  const empty: FrameSource = { name: 'empty', width: N, height: N, fps: 10, hasTruth: false, async *frames() {} };
  let threw = false;
  try {
    await evaluateSource(empty, { width: 8, methods: [{ name: 'd', create: (w, h) => createFrameDiff(w, h) }] });
  } catch (e) {
    threw = /produced no frames/.test((e as Error).message);
  }
  assert.ok(threw);
  let created = 0;
  const m: Method = { name: 'd', create: (w, h) => (created++, createFrameDiff(w, h)) };
  await evaluateSource(stillSquare(2), { width: 8, methods: [m] });
  await evaluateSource(stillSquare(2), { width: 8, methods: [m] });
  assert.is(created, 2);
});

test.run();
