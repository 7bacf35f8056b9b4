/** The naive baseline of EVAL.md (src/core/frame-diff.ts): |g_t − g_{t−1}| > 15 on the grid. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createFrameDiff } from '../../src/core/frame-diff.js';
import { createOutput, EVENT_IDLE } from '../../src/core/types.js';
import { checkEs5Bundle } from '../../firmware/es5-gate.js';

function setup(w = 10, h = 6, cell = 4) {
  const det = createFrameDiff(w, h, cell);
  return { det, out: createOutput(w, h, det.cellSize) };
}

test('the first frame has nothing to compare with: no foreground, calibrating', () => {
  const { det, out } = setup();
  det.step(new Uint8Array(60).fill(200), out);
  assert.ok(out.foreground.every((v) => v === 0));
  assert.is(out.calibrating, 1);
  assert.is(out.eventState, EVENT_IDLE);
});

test('a pixel is foreground when it changed by more than 15, in either direction', () => {
  const { det, out } = setup();
  const a = new Uint8Array(60).fill(100);
  det.step(a, out);
  const b = a.slice();
  b[0] = 115; // +15: not foreground
  b[1] = 116; // +16
  b[2] = 84; // -16
  b[3] = 85; // -15
  det.step(b, out);
  assert.equal(Array.from(out.foreground.subarray(0, 5)), [0, 1, 1, 0, 0]);
  assert.is(out.calibrating, 0);
  // It compares with the previous frame, not the first: the same frame again is quiet.
  det.step(b, out);
  assert.ok(out.foreground.every((v) => v === 0));
});

test('motion cells need a quarter of their pixels; static, sky and boxes stay empty', () => {
  const { det, out } = setup();
  const a = new Uint8Array(60);
  det.step(a, out);
  const b = a.slice();
  // Cell (0,0) is 4x4: 4 pixels changed = a quarter. Cell (2,1) is the 2x2 corner: 1 pixel = a quarter.
  b[0] = b[1] = b[10] = b[11] = 255;
  b[5 * 10 + 9] = 255;
  // Cell (1,0): 3 of 16 pixels, below a quarter.
  b[4] = b[5] = b[6] = 255;
  out.staticMask.fill(1);
  out.sky.fill(1);
  out.boxCount = 3;
  det.step(b, out);
  assert.equal(Array.from(out.motion), [1, 0, 0, 0, 0, 1]);
  assert.ok(out.staticMask.every((v) => v === 0));
  assert.ok(out.sky.every((v) => v === 0));
  assert.is(out.boxCount, 0);
});

test('reset forgets the previous frame; background is that frame; sizes are checked', () => {
  const { det, out } = setup();
  const a = new Uint8Array(60).fill(9);
  det.step(a, out);
  const bg = new Uint8Array(60);
  det.background(bg);
  assert.equal(Array.from(bg), Array.from(a));
  det.reset();
  det.step(new Uint8Array(60).fill(250), out);
  assert.ok(out.foreground.every((v) => v === 0), 'after reset the next frame starts over');
  assert.throws(() => det.step(new Uint8Array(59), out), /59 bytes/);
  assert.throws(() => createFrameDiff(10, 6, 0), /cellSize/);
  assert.ok(det.stateBytes() >= 60);
});

test('frame-diff is ES5-safe (the board gate: tsc ES5 lib, acorn ecmaVersion 5, banned names)', () => {
  const r = checkEs5Bundle(['src/core/frame-diff.ts']);
  assert.ok(r.ok, r.errors.join('\n'));
});

test.run();
