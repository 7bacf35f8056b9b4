/** Boot mask, sky that is really sky, people who wait: the detector behaviours of issue 18. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createDetector, createOutput, EVENT_IDLE } from '../../src/core/index.ts';
import { background, noisy, square, count } from './frames.ts';

const W = 80, H = 60;

function detector(config = {}) {
  const det = createDetector({ width: W, height: H, ...config });
  return { det, out: createOutput(W, H, det.cellSize) };
}

/** Cells of the output's mask inside the pixel rectangle [x0, x1) x [y0, y1). */
function cellsIn(mask: Uint8Array, cols: number, x0: number, y0: number, x1: number, y1: number): number {
  let n = 0;
  for (let cy = y0 >> 2; cy < (y1 + 3) >> 2; cy++) for (let cx = x0 >> 2; cx < (x1 + 3) >> 2; cx++) n += mask[cy * cols + cx] ? 1 : 0;
  return n;
}

test('just booted: a mask from the second frame, no event, and no ghost where the walker stood at boot', () => {
  const { det, out } = detector();
  const bg = background(W, H);
  // A 10x10 square walks right 2 px a frame from x = 10, present from the very first frame.
  const frame = (i: number) => square(noisy(bg, W, i), W, 10 + 2 * i, 25, 10, 230);
  for (let i = 0; i < 10; i++) {
    det.step(frame(i), out);
    assert.is(out.calibrating, 1);
    assert.is(out.eventState, EVENT_IDLE, `no event at frame ${i}`);
    if (i >= 1) {
      assert.ok(cellsIn(out.motion, out.cols, 10 + 2 * i, 25, 20 + 2 * i, 35) >= 3, `frame ${i}: the walker is marked`);
      assert.ok(count(out.foreground) >= 20, `frame ${i}: pixels marked`);
    }
  }
  for (let i = 10; i < 16; i++) det.step(frame(i), out);
  // Where the square stood at boot (x 10..19) is background now: nothing marked there.
  assert.is(cellsIn(out.motion, out.cols, 10, 25, 19, 35) + cellsIn(out.staticMask, out.cols, 10, 25, 19, 35), 0, 'no ghost');
  assert.ok(cellsIn(out.motion, out.cols, 42, 25, 52, 35) >= 3, 'the walker is still seen');
});

test('sky: a bright flat façade with windows and dense fog are not sky; sky cut off below a crown is', () => {
  const facade = background(W, H);
  for (let y = 0; y < 30; y++) for (let x = 0; x < W; x++) facade[y * W + x] = 205;
  for (let k = 0; k < 4; k++) square(facade, W, 6 + 20 * k, 10, 6, 60); // upper-floor windows, wall all round
  const a = detector({ warmupFrames: 0 });
  for (let i = 0; i < 100; i++) a.det.step(noisy(facade, W, i), a.out);
  assert.is(count(a.out.sky), 0, 'façade');

  const fog = new Uint8Array(W * H);
  for (let i = 0; i < fog.length; i++) fog[i] = 190 + (background(W, H)[i] >> 4);
  const b = detector({ warmupFrames: 0 });
  for (let i = 0; i < 100; i++) b.det.step(noisy(fog, W, i), b.out);
  assert.is(count(b.out.sky), 0, 'fog');

  // Sky on top; a dark crown from the top edge down to row 16 over x 20..40; sky continues
  // below it down to row 24 between x 24 and 36 (buildings either side), as it does right of x 68
  // in the open: that pocket is sky.
  const scene = background(W, H);
  for (let y = 0; y < 24; y++) for (let x = 0; x < W; x++) scene[y * W + x] = 215;
  for (let y = 0; y < 16; y++) for (let x = 20; x < 40; x++) scene[y * W + x] = 60 + ((x * 7 + y * 13) % 30);
  for (let y = 16; y < 24; y++) for (let x = 0; x < W; x++) if (x < 24 || (x >= 36 && x < 68)) scene[y * W + x] = 100 + ((x + y) % 20);
  const c = detector({ warmupFrames: 0 });
  for (let i = 0; i < 100; i++) c.det.step(noisy(scene, W, i), c.out);
  assert.ok(cellsIn(c.out.sky, c.out.cols, 0, 0, 20, 16) >= 15, 'open sky');
  assert.ok(cellsIn(c.out.sky, c.out.cols, 24, 16, 36, 24) >= 4, 'the pocket below the crown');
  assert.is(cellsIn(c.out.sky, c.out.cols, 20, 0, 40, 16), 0, 'not the crown');
  // At pixel level the sky stops at the crown's edge, not at a cell boundary.
  assert.is(c.out.skyPixels![5 * W + 21], 0);
  assert.is(c.out.skyPixels![5 * W + 18], 1);
});

test('someone who walks in and waits (swaying a pixel) is still marked 30 s later', () => {
  const { det, out } = detector({ warmupFrames: 0 });
  const bg = background(W, H);
  // A 8x16 figure with a 3 px lighter collar: walks in from the left for 30 frames, then stands
  // at x = 30, shifting by one pixel every 7 frames, for 300 frames.
  const at = (i: number) => (i < 30 ? i : 30 + ((i >> 3) % 2));
  const frame = (i: number) => {
    const f = noisy(bg, W, i);
    if (i < 20) return f;
    const x0 = at(i - 20) * 1;
    for (let y = 20; y < 36; y++) for (let x = x0; x < x0 + 8; x++) f[y * W + x] = y < 23 ? 200 : 40;
    return f;
  };
  let lastFg = 0;
  for (let i = 0; i < 350; i++) {
    det.step(frame(i), out);
    lastFg = count(out.foreground);
  }
  assert.ok(lastFg >= 0.8 * 8 * 16, `pixels marked after 30 s of waiting: ${lastFg} of ${8 * 16}`);
});

test('a hard shadow on textured ground is left out of the evaluation mask; a dark object is not', () => {
  const ground = background(W, H, 120);
  const run = (paint: (f: Uint8Array, i: number) => void) => {
    const { det, out } = detector({ warmupFrames: 0 });
    for (let i = 0; i < 60; i++) {
      const f = noisy(ground, W, i);
      if (i >= 40) paint(f, i);
      det.step(f, out);
    }
    return count(out.foreground);
  };
  // A 12x12 block moving 1 px a frame: the ground darkened to half (texture kept), or a flat dark object.
  const shadow = run((f, i) => { for (let y = 30; y < 42; y++) for (let x = i - 20; x < i - 8; x++) f[y * W + x] = f[y * W + x] >> 1; });
  const object = run((f, i) => { for (let y = 30; y < 42; y++) for (let x = i - 20; x < i - 8; x++) f[y * W + x] = 40; });
  assert.ok(object >= 100, `the dark object is marked (${object} px)`);
  assert.ok(shadow <= 40, `the shadow is mostly not (${shadow} of 144 px)`);
});

test('a hard shadow running into the cells of the person casting it is left out there too; the person is not', () => {
  const ground = background(W, H, 120);
  const { det, out } = detector({ warmupFrames: 0 });
  // A dark 6x16 person walking right 1 px a frame, their shadow a 24x5 band to the left of their
  // feet (the ground at half, texture kept), sharing the cells of the feet.
  const person = new Uint8Array(W * H);
  const shade = new Uint8Array(W * H);
  for (let i = 0; i < 60; i++) {
    const f = noisy(ground, W, i);
    person.fill(0);
    shade.fill(0);
    if (i >= 40) {
      const x0 = i - 10;
      for (let y = 37; y < 42; y++) for (let x = x0 - 22; x < x0 + 2; x++) { f[y * W + x] = f[y * W + x] >> 1; shade[y * W + x] = 1; }
      for (let y = 24; y < 40; y++) for (let x = x0; x < x0 + 6; x++) { f[y * W + x] = 40; person[y * W + x] = 1; shade[y * W + x] = 0; }
    }
    det.step(f, out);
  }
  let p = 0;
  let sh = 0;
  for (let i = 0; i < W * H; i++) { if (person[i] && out.foreground[i]) p++; if (shade[i] && out.foreground[i]) sh++; }
  assert.ok(p >= 0.9 * 96, `the person is marked (${p} of 96 px)`);
  assert.ok(sh <= 3, `the shadow is not, even beside the person (${sh} of ${count(shade)} px)`);
});

test.run();
