import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GridMap, GridReducer, cellOfPixel, cellsToGrid, gridSize, upsampleMask } from '../../sim/grid.js';

/** Straight from EVAL.md, with no precomputed maps: the reference the fast code must match. */
function referenceReduce(native: Uint8Array, w: number, h: number, Wg: number, Hg: number): Uint8Array {
  const sum = new Array(Wg * Hg).fill(0);
  const cnt = new Array(Wg * Hg).fill(0);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const c = Math.floor((y * Hg) / h) * Wg + Math.floor((x * Wg) / w);
      sum[c] += native[y * w + x];
      cnt[c]++;
    }
  }
  return Uint8Array.from(sum.map((s, c) => Math.floor(s / cnt[c] + 0.5)));
}

function pseudoRandom(n: number, seed: number): Uint8Array {
  const a = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s >>> 24;
  }
  return a;
}

test('grid sizes follow Hg = floor(Wg*h/w + 0.5)', () => {
  assert.equal(gridSize(320, 240, 80), { width: 80, height: 60 });
  assert.equal(gridSize(640, 480, 160), { width: 160, height: 120 });
  assert.equal(gridSize(768, 576, 80), { width: 80, height: 60 });
  assert.equal(gridSize(352, 240, 80), { width: 80, height: 55 }, '54.55 rounds up');
  assert.equal(gridSize(360, 240, 80), { width: 80, height: 53 }, '3:2 gives 53.33 -> 53');
  assert.equal(gridSize(720, 480, 80), { width: 80, height: 53 });
  assert.equal(gridSize(1920, 1080, 80), { width: 80, height: 45 });
  assert.equal(gridSize(160, 1, 80), { width: 80, height: 1 }, '0.5 rounds up to 1');
});

test('gridSize refuses grids finer than the frame and bad numbers', () => {
  assert.throws(() => gridSize(64, 48, 80), /does not fit/);
  assert.throws(() => gridSize(320, 240, 0), /positive integer/);
  assert.throws(() => gridSize(320, 240, 80.5), /positive integer/);
  assert.throws(() => gridSize(320, 1, 80), /does not fit/, 'Hg would be 0');
});

test('the map gives npix per cell that sums to the frame, 4 or 5 columns wide at 352 -> 80', () => {
  const m = new GridMap(352, 240, 80);
  let total = 0;
  for (const n of m.npix) total += n;
  assert.is(total, 352 * 240);
  const widths = new Array(80).fill(0);
  for (let x = 0; x < 352; x++) widths[m.colOf[x]]++;
  assert.ok(widths.every((w) => w === 4 || w === 5), widths.join(','));
  assert.is(m.cellOf(351, 239), 80 * 55 - 1);
  assert.is(m.cellOf(0, 0), 0);
  // x = 5 -> 5*80/352 = 1.13 -> column 1; y = 5 -> 5*55/240 = 1.15 -> row 1
  assert.is(m.cellOf(5, 5), 81);
  assert.is(cellOfPixel(5, 5, 352, 240, 80, 55), 81);
});

test('reduce is the rounded area mean on a hand-computed 4x4 -> 2x2 frame', () => {
  const r = new GridReducer(4, 4, 2);
  const native = Uint8Array.from([
    0, 1, 10, 10,
    1, 1, 10, 11,
    200, 200, 255, 255,
    200, 201, 255, 254,
  ]);
  const out = new Uint8Array(4);
  r.reduce(native, out);
  // (0+1+1+1)/4 = 0.75 -> 1; 41/4 = 10.25 -> 10; 801/4 = 200.25 -> 200; 1019/4 = 254.75 -> 255
  assert.equal(Array.from(out), [1, 10, 200, 255]);
  r.reduce(Uint8Array.from([1, 2, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), out);
  assert.is(out[0], 2, '1.5 rounds half up');
});

test('reduce matches the reference on random frames at 352x240 and 768x576', () => {
  for (const [w, h] of [[352, 240], [768, 576], [321, 243]]) {
    const r = new GridReducer(w, h, 80);
    const native = pseudoRandom(w * h, w);
    const out = new Uint8Array(r.width * r.height);
    r.reduce(native, out);
    assert.equal(Array.from(out), Array.from(referenceReduce(native, w, h, r.width, r.height)), `${w}x${h}`);
    // Reusing the reducer must not carry sums over from the previous frame.
    r.reduce(native, out);
    assert.equal(Array.from(out), Array.from(referenceReduce(native, w, h, r.width, r.height)), `${w}x${h} again`);
  }
});

test('reduce keeps a constant frame constant and checks sizes', () => {
  const r = new GridReducer(320, 240, 80);
  const out = new Uint8Array(80 * 60);
  r.reduce(new Uint8Array(320 * 240).fill(77), out);
  assert.ok(out.every((v) => v === 77));
  assert.throws(() => r.reduce(new Uint8Array(10), out), /native frame/);
  assert.throws(() => r.reduce(new Uint8Array(320 * 240), new Uint8Array(5)), /grid output/);
});

// Speed (768x576 -> 80x60 under 5 ms per frame) is a benchmark, not a test: bench/sim.ts.

test('upsampleMask is nearest through the same map, and reducing it gives the mask back', () => {
  const grid = Uint8Array.from([1, 0, 0, 1]);
  const out = new Uint8Array(16);
  upsampleMask(grid, 2, 2, 4, 4, out);
  assert.equal(Array.from(out), [1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1]);
  const m = new GridMap(352, 240, 80);
  const g = pseudoRandom(80 * 55, 9).map((v) => (v > 128 ? 255 : 0));
  const native = new Uint8Array(352 * 240);
  m.upsample(g, native);
  for (let y = 0; y < 240; y += 7) for (let x = 0; x < 352; x += 5) assert.is(native[y * 352 + x], g[m.cellOf(x, y)]);
  const back = new Uint8Array(80 * 55);
  new GridReducer(352, 240, 80).reduce(native, back);
  assert.equal(Array.from(back), Array.from(g));
  assert.throws(() => upsampleMask(grid, 2, 3, 4, 4, out), /grid height/);
});

test('cellsToGrid expands detector cells, partial cells at the right and bottom edges', () => {
  // 10x6 grid, 4-pixel cells -> 3x2 cells, the last column 2 wide and the last row 2 high.
  const cells = Uint8Array.from([0, 0, 1, 0, 1, 0]);
  const out = new Uint8Array(60);
  cellsToGrid(cells, 3, 2, 4, 10, 6, out);
  for (let y = 0; y < 6; y++) {
    for (let x = 0; x < 10; x++) {
      const want = (y < 4 && x >= 8) || (y >= 4 && x >= 4 && x < 8) ? 1 : 0;
      assert.is(out[y * 10 + x], want, `(${x}, ${y})`);
    }
  }
  assert.throws(() => cellsToGrid(cells, 2, 2, 4, 10, 6, out), /does not cover/);
});

test.run();
