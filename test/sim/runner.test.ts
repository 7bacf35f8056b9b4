import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EVENT_START } from '../../src/core/index.js';
import { runSource, type FrameContext } from '../../sim/runner.js';
import { squareSource, StandInDetector } from './runner-fixtures.js';

// The stand-in sees motion on frames 20..41 (the square appears at 20, moves, and its vanishing
// at 41 is a change too), so its event starts on frame 21 (2nd frame in a row) and ends on
// frame 44 (3rd quiet frame).

test('events carry virtual times and frame indexes from the source', async () => {
  const source = squareSource({ firstIndex: 1, startMs: 5000 });
  const r = await runSource(source, { width: 32, detector: new StandInDetector(32, 24) });
  assert.is(r.frames, 60);
  assert.is(r.events.length, 1);
  const e = r.events[0];
  assert.is(e.id, 1);
  assert.is(e.startStep, 21);
  assert.is(e.endStep, 44);
  assert.is(e.startIndex, 22, 'native index, not the run position');
  assert.is(e.endIndex, 45);
  assert.is(e.startMs, 2100, 'measured from the first frame');
  assert.is(e.endMs, 4400);
  assert.is(e.open, false);
  assert.is(e.maxBoxes, 1);
  assert.ok(e.peakCells >= 2 && e.peakStep >= 20 && e.peakStep <= 41);
});

test('the clock is the source clock, not the wall clock', async () => {
  // One frame a minute: an hour of virtual time. A runner that slept on the wall clock would not
  // end before the file's timeout; how fast it runs is a benchmark (bench/sim.ts), not a test.
  const source = squareSource({ frameMs: 60_000 });
  const r = await runSource(source, { width: 32, detector: new StandInDetector(32, 24) });
  assert.is(r.durationMs, 59 * 60_000);
  assert.is(r.events[0].startMs, 21 * 60_000);
  assert.is(r.events[0].endMs, 44 * 60_000);
});

test('timeline has one entry per frame with the detector flags', async () => {
  const r = await runSource(squareSource(), { width: 32, detector: new StandInDetector(32, 24) });
  const tl = r.timeline;
  for (const arr of Object.values(tl)) assert.is(arr.length, 60);
  assert.equal(tl.timeMs.slice(0, 3), [0, 100, 200]);
  assert.equal(tl.calibrating.slice(0, 4), [1, 1, 0, 0]);
  assert.is(tl.motionCells[10], 0);
  assert.ok(tl.motionCells[25] > 0);
  assert.is(tl.eventState.filter((s) => s === EVENT_START).length, 1);
  assert.is(r.stateBytes, 32 * 24);
  assert.ok(Number.isFinite(r.detectorMsPerFrame) && r.detectorMsPerFrame >= 0, 'measured (its size is a benchmark figure)');
});

test('progress is reported after every frame with the expected total', async () => {
  const calls: [number, number | undefined][] = [];
  await runSource(squareSource({ frames: 25 }), {
    width: 32, detector: new StandInDetector(32, 24), onProgress: (d, t) => calls.push([d, t]),
  });
  assert.is(calls.length, 25);
  assert.equal(calls[0], [1, 25]);
  assert.equal(calls[24], [25, 25]);
});

test('progress total is undefined when the source does not know its length', async () => {
  const totals = new Set<number | undefined>();
  await runSource(squareSource({ frames: 5, frameCount: false }), {
    width: 32, detector: new StandInDetector(32, 24), onProgress: (_d, t) => totals.add(t),
  });
  assert.equal([...totals], [undefined]);
});

test('maxFrames stops the run and leaves a running event open', async () => {
  const totals: (number | undefined)[] = [];
  const r = await runSource(squareSource(), {
    width: 32, detector: new StandInDetector(32, 24), maxFrames: 30, onProgress: (_d, t) => totals.push(t),
  });
  assert.is(r.frames, 30);
  assert.is(totals[0], 30);
  assert.is(r.events.length, 1);
  assert.is(r.events[0].open, true);
  assert.is(r.events[0].endStep, 29);
  assert.is(r.events[0].endMs, 2900);
});

test('seconds stops on virtual time', async () => {
  const totals = new Set<number | undefined>();
  const r = await runSource(squareSource(), {
    width: 32, detector: new StandInDetector(32, 24), seconds: 1, onProgress: (_d, t) => totals.add(t),
  });
  assert.is(r.frames, 10, 'frames at 0..900 ms');
  assert.equal([...totals], [10], 'the expected total agrees');
});

test('onFrame sees the reduced grid, the output and the position', async () => {
  const seen: number[] = [];
  let gridLen = 0;
  let nativeW = 0;
  await runSource(squareSource({ frames: 4 }), {
    width: 16,
    detector: new StandInDetector(16, 12),
    onFrame: (ctx: FrameContext) => {
      seen.push(ctx.step);
      gridLen = ctx.grid.length;
      nativeW = ctx.nativeWidth;
      assert.is(ctx.total, 4);
      assert.is(ctx.out.width, 16);
    },
  });
  assert.equal(seen, [0, 1, 2, 3]);
  assert.is(gridLen, 16 * 12);
  assert.is(nativeW, 32);
});

test('a detector of the wrong size is refused with a clear error', async () => {
  try {
    await runSource(squareSource(), { width: 16, detector: new StandInDetector(32, 24) });
    assert.unreachable();
  } catch (err) {
    assert.instance(err, RangeError);
    assert.match((err as Error).message, /32x24.*16x12/);
  }
});

test('bad options are refused', async () => {
  for (const opts of [{ width: 0 }, { width: 2.5 }, { maxFrames: 0 }, { seconds: -1 }]) {
    try {
      await runSource(squareSource(), opts);
      assert.unreachable(JSON.stringify(opts));
    } catch (err) {
      assert.instance(err, RangeError);
    }
  }
});

test('the real detector raises an event when a square moves after a still start', async () => {
  // 80x60 at 10 fps: 7 s still (calibration, then the 5 s warm-up in which no event starts), 3 s of motion, 3 s still.
  const source = squareSource({ width: 80, height: 60, frames: 130, size: 12, moving: [[70, 100]], noise: 2 });
  const r = await runSource(source, { width: 80 });
  assert.is(r.config?.width, 80);
  assert.is(r.config?.height, 60);
  assert.ok(r.stateBytes > 0);
  assert.ok(r.events.length >= 1, 'at least one event');
  const first = r.events[0];
  assert.ok(first.startMs >= 7000 && first.startMs <= 8000, `event starts with the motion, got ${first.startMs} ms`);
  assert.ok(r.timeline.calibrating[0] === 1, 'calibrates at the start');
});

test.run();
