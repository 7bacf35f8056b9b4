/**
 * Issue 18's abandoned bag: a bag put down beside someone who sits with it for six minutes,
 * partly in front of it and reaching over it now and then, and then leaves. The bag must be
 * static at the end, and the place where they sat must not be.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createDetector, createOutput } from '../../src/core/index.ts';
import { background, noisy, hash } from './frames.ts';

const W = 80, H = 60;
const ARRIVE = 100; // frame the owner walks in (from the left edge, 1 px a frame)
const SIT = ARRIVE + 26; // frame they sit down and the bag lies beside them
const LEAVE = SIT + 3600; // six minutes at 10 fps: longer than the static (2 s) and leak (~3.4 min) times
const END = LEAVE + 300; // they walk back out (1 px a frame); 30 s alone with the bag

/** Bag: x 30..41 (the last two columns half a cell), y 40..47, cardboard with a bright tape stripe. */
function drawBag(f: Uint8Array): void {
  for (let y = 40; y < 48; y++) for (let x = 30; x < 42; x++) f[y * W + x] = (x === 35 || x === 36 ? 215 : 165) + (hash(x, y, 3) & 7);
}

/** The seated owner, left edge at x0: a dark body with a lighter face; `reach` puts an arm over the bag. */
function drawOwner(f: Uint8Array, x0: number, reach: boolean): void {
  for (let y = 22; y < 50; y++) {
    for (let x = x0; x < x0 + 10; x++) {
      if (x < 0 || x >= W) continue;
      f[y * W + x] = y < 28 && x > x0 + 2 && x < x0 + 8 ? 150 : 45 + (hash(x, y, 5) & 15);
    }
  }
  if (reach) for (let y = 38; y < 46; y++) for (let x = x0 + 10; x < x0 + 18; x++) f[y * W + x] = 55 + (hash(x, y, 6) & 15);
}

function frame(bg: Uint8Array, i: number): Uint8Array {
  const f = noisy(bg, W, i);
  if (i < ARRIVE) return f;
  if (i >= SIT) drawBag(f); // bag down beside them; before that they carry it (not drawn: it is small)
  let x0: number;
  let reach = false;
  if (i < SIT) x0 = i - ARRIVE - 4;
  else if (i < LEAVE) {
    // Seated: sways by up to 2 px (period 4 s), and every 3 s reaches over the bag for 1.2 s.
    const k = (i / 5 | 0) % 8;
    x0 = 22 + (k < 4 ? k : 8 - k) - 1;
    reach = (i - SIT) % 30 >= 18;
  } else x0 = 22 - (i - LEAVE);
  if (x0 > -10) drawOwner(f, x0, reach);
  return f;
}

test('a bag left beside a seated owner who reaches over it for 6 minutes is static after they leave; their seat is not', () => {
  const det = createDetector({ width: W, height: H });
  const out = createOutput(W, H, det.cellSize, 32, false);
  const bg = background(W, H);
  for (let i = 0; i < END; i++) det.step(frame(bg, i), out);
  const cols = W / det.cellSize;
  // Cells wholly inside the bag (x 32..39, y 40..47): 2 x 2; cells of the seat (x 20..31, y 20..39).
  let bag = 0;
  for (let cy = 10; cy < 12; cy++) for (let cx = 8; cx < 10; cx++) bag += out.staticMask[cy * cols + cx];
  let seat = 0;
  let elsewhere = 0;
  for (let c = 0; c < out.staticMask.length; c++) {
    const cx = c % cols;
    const cy = (c - cx) / cols;
    const inBag = cx >= 7 && cx <= 10 && cy >= 10 && cy <= 11;
    if (!out.staticMask[c] || inBag) continue;
    if (cx >= 5 && cx <= 7 && cy >= 5 && cy <= 9) seat++;
    else elsewhere++;
  }
  assert.is(bag, 4, `bag cells static at the end: ${bag} of 4`);
  assert.is(seat, 0, 'no static cell where the owner sat');
  assert.is(elsewhere, 0, 'no static cell anywhere else');
});

test.run();
