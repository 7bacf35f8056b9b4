/**
 * The EVAL.md rules on hand-built 8x8 frames scored on a 2x2 grid: every cell is 4x4 native
 * pixels (npix = 16), cell 0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PROTOCOL, SequenceScorer, prf } from '../../sim/eval/score.js';

const W = 8;
const H = 8;

/** An 8x8 native frame; `cells[c]` lists the values of cell c's 16 pixels in raster order. */
function frame(cells: number[][]): Uint8Array {
  const a = new Uint8Array(W * H);
  for (let c = 0; c < 4; c++) {
    const x0 = (c % 2) * 4;
    const y0 = (c >> 1) * 4;
    for (let k = 0; k < 16; k++) a[(y0 + (k >> 2)) * W + x0 + (k & 3)] = cells[c][k] ?? 0;
  }
  return a;
}

/** 16 values: `n` copies of v, then `rest`. */
function cell(n: number, v: number, rest = 0, m = 0, w = 0): number[] {
  return Array.from({ length: 16 }, (_, k) => (k < n ? v : k < n + m ? w : rest));
}

const mask = (...v: number[]) => Uint8Array.from(v);
const scorer = (roi?: Uint8Array) => new SequenceScorer({ nativeW: W, nativeH: H, Wg: 2, roi });

test('prf: P, R, F, with F = 0 when TP = 0 and 0 for empty denominators', () => {
  const a = prf(3, 1, 2);
  assert.is(a.precision, 0.75);
  assert.is(a.recall, 0.6);
  assert.ok(Math.abs(a.f - 2 / 3) < 1e-12);
  assert.equal([prf(0, 5, 5).f, prf(0, 0, 0).precision, prf(0, 0, 0).recall, prf(0, 0, 0).f], [0, 0, 0, 0]);
});

// Cell 0: 4 of 16 foreground -> nfg >= nvalid/4 -> GT-foreground.
// Cell 1: 3 of 16 foreground -> 0 < nfg < nvalid/4 -> boundary, ignored.
// Cell 2: 8 pixels 85 (outside ROI) + 8 background -> nvalid = 8 = npix/2 -> kept, GT-background.
// Cell 3: 9 pixels 170 + 7 foreground -> nvalid = 7 < npix/2 -> ignored.
const RULES = frame([cell(4, 255), cell(3, 255), cell(8, 85), cell(9, 170, 255)]);

test('cell rule: GT-foreground at a quarter, boundary cells and half-invalid cells ignored', () => {
  const s = scorer();
  s.add({ motion: RULES }, true, mask(1, 1, 1, 1));
  let r = s.result().cell!;
  assert.equal([r.tp, r.fp, r.fn, r.tn], [1, 1, 0, 0], 'cells 1 and 3 are ignored whatever is predicted');
  const s2 = scorer();
  s2.add({ motion: RULES }, true, mask(0, 0, 0, 0));
  r = s2.result().cell!;
  assert.equal([r.tp, r.fp, r.fn, r.tn], [0, 0, 1, 1]);
  assert.is(r.f, 0);
});

test('pixel level: the grid mask upsampled, over valid pixels only', () => {
  const s = scorer();
  s.add({ motion: RULES }, true, mask(1, 0, 1, 0));
  const p = s.result().pixel!;
  // cell 0 predicted: 4 TP + 12 FP; cell 1 not: 3 FN + 13 TN; cell 2 predicted: 8 valid FP;
  // cell 3 not: 7 valid foreground pixels are FN (its 170s are not valid).
  assert.equal([p.tp, p.fp, p.fn, p.tn], [4, 20, 10, 13]);
  assert.ok(Math.abs(p.precision - 4 / 24) < 1e-12);
  assert.ok(Math.abs(p.recall - 4 / 14) < 1e-12);
});

test('50 (shadow), 1 and other values are background; only 255 is foreground', () => {
  const s = scorer();
  s.add({ motion: frame([cell(8, 50, 1), cell(16, 254), cell(16, 0), cell(16, 255)]) }, true, mask(1, 1, 0, 1));
  const r = s.result().cell!;
  assert.equal([r.tp, r.fp, r.fn, r.tn], [1, 2, 0, 1]);
});

test('the ROI removes pixels: a cell half inside is kept, one fully outside is ignored', () => {
  const roi = new Uint8Array(W * H);
  const inCell = frame([cell(8, 1), cell(0, 0), cell(16, 1), cell(16, 1)]); // cell 0 half inside, cell 1 outside
  roi.set(inCell);
  const s = scorer(roi);
  // cell 0: inside pixels are the first 8 (values 255 in 2 of them -> 2 >= 8/4 -> foreground).
  s.add({ motion: frame([cell(2, 255), cell(16, 255), cell(0, 0), cell(16, 255)]) }, true, mask(1, 1, 1, 1));
  const r = s.result().cell!;
  assert.equal([r.tp, r.fp, r.fn, r.tn], [2, 1, 0, 0], 'cell 1 (all 255 but outside) counts for nothing');
  const p = s.result().pixel!;
  assert.equal([p.tp, p.fp], [2 + 16, 6 + 16], 'pixels outside the ROI are never scored');
});

test('unscored frames are fed but count for nothing', () => {
  const s = scorer();
  s.add({ motion: RULES }, false, mask(1, 1, 1, 1));
  s.add(undefined, false, mask(1, 1, 1, 1));
  const r = s.result();
  assert.is(r.scoredFrames, 0);
  assert.is(r.cell, undefined, 'no scored frame had truth');
  assert.is(r.falseAlarm.frames, 0);
});

test('TP/FP/FN add up over frames', () => {
  const s = scorer();
  s.add({ motion: RULES }, true, mask(1, 0, 0, 0)); // TP
  s.add({ motion: RULES }, true, mask(0, 0, 1, 0)); // FN + FP
  s.add({ motion: RULES }, true, mask(1, 0, 1, 0)); // TP + FP
  const r = s.result().cell!;
  assert.equal([r.tp, r.fp, r.fn], [2, 2, 1]);
  assert.is(s.result().truthFrames, 3);
});

test('false alarms: share of scored frames with a marked cell and mean share of cells marked', () => {
  const s = scorer();
  s.add(undefined, true, mask(1, 0, 0, 0));
  s.add(undefined, true, mask(1, 1, 0, 0));
  s.add(undefined, true, mask(0, 0, 0, 0));
  s.add(undefined, false, mask(1, 1, 1, 1)); // not scored
  s.add(undefined, true, mask(0, 0, 0, 0));
  const fa = s.result().falseAlarm;
  assert.equal([fa.frames, fa.framesMarked], [4, 2]);
  assert.is(fa.rate, 0.5);
  assert.is(fa.meanMarkedFraction, (0.25 + 0.5) / 4);
  assert.is(s.result().cell, undefined, 'no P/R/F without truth');
});

test('false alarms only count cells mostly inside the ROI', () => {
  const roi = frame([cell(16, 1), cell(16, 1), cell(16, 1), cell(7, 1)]); // cell 3: 7/16 inside
  const s = scorer(roi);
  s.add(undefined, true, mask(0, 0, 0, 1));
  s.add(undefined, true, mask(1, 0, 0, 1));
  const fa = s.result().falseAlarm;
  assert.is(fa.framesMarked, 1);
  assert.is(fa.meanMarkedFraction, 1 / 3 / 2);
});

const STILL = frame([cell(16, 255), cell(0, 0), cell(0, 0), cell(0, 0)]); // cell 0 foreground

test(`static: a cell is GT-static after ${PROTOCOL.staticFrames} scored frames as GT-foreground`, () => {
  const s = scorer();
  for (let t = 1; t < 25; t++) s.add({ motion: STILL }, true, mask(1, 0, 0, 0), mask(1, 0, 0, 0));
  let st = s.result().static!;
  assert.is(st.frames, 0, 'not static before the 25th frame');
  assert.is(st.last, 0, 'predicted static without GT-static: IoU 0');
  s.add({ motion: STILL }, true, mask(1, 0, 0, 0), mask(1, 0, 0, 0));
  st = s.result().static!;
  assert.equal([st.frames, st.last, st.mean], [1, 1, 1]);
  s.add({ motion: STILL }, true, mask(1, 0, 0, 0), mask(1, 1, 0, 0)); // one extra cell: 1/2
  st = s.result().static!;
  assert.equal([st.frames, st.last, st.mean], [2, 0.5, 0.75]);
});

test('static: unscored frames do not break a run, a non-foreground scored frame does', () => {
  const empty = frame([cell(0, 0), cell(0, 0), cell(0, 0), cell(0, 0)]);
  const s = scorer();
  for (let t = 0; t < 10; t++) s.add({ motion: STILL }, true, mask(1, 0, 0, 0));
  for (let t = 0; t < 5; t++) s.add({ motion: empty }, false, mask(0, 0, 0, 0));
  for (let t = 0; t < 15; t++) s.add({ motion: STILL }, true, mask(1, 0, 0, 0), mask(1, 0, 0, 0));
  assert.is(s.result().static!.frames, 1, '25 scored frames in a row, despite the gap');

  const b = scorer();
  const boundary = frame([cell(1, 255), cell(0, 0), cell(0, 0), cell(0, 0)]); // 1/16: ignored cell
  for (let t = 0; t < 24; t++) b.add({ motion: STILL }, true, mask(1, 0, 0, 0));
  b.add({ motion: boundary }, true, mask(1, 0, 0, 0));
  for (let t = 0; t < 24; t++) b.add({ motion: STILL }, true, mask(1, 0, 0, 0));
  const st = b.result().static!;
  assert.is(st.frames, 0, 'an ignored (boundary) frame is not GT-foreground: the run restarts');
  assert.is(st.last, 1, 'both empty: IoU 1');
  assert.is(st.mean, null);
});

test('static IoU skips ignored cells', () => {
  // Cell 1 is a boundary cell at the last frame: a static prediction there is neither hit nor miss.
  const f = frame([cell(16, 255), cell(2, 255), cell(0, 0), cell(0, 0)]);
  const s = scorer();
  for (let t = 0; t < 25; t++) s.add({ motion: f }, true, mask(1, 1, 0, 0), mask(1, 1, 0, 0));
  assert.is(s.result().static!.last, 1);
});

test('sky: >= 75 % sky is sky, <= 10 % is not, between is ignored, 128 is not counted', () => {
  // cell 0: all sky. cell 1: 4 x 128 (ignored pixels), 9 sky, 3 not -> 9/12 = 75 % -> sky.
  // cell 2: 2/16 = 12.5 % -> ignored. cell 3: 1/16 = 6.25 % -> not sky.
  const sky = frame([cell(16, 255), cell(4, 128, 0, 9, 255), cell(2, 255), cell(1, 255)]);
  const s = scorer();
  s.add({ sky }, true, mask(0, 0, 0, 0), undefined, mask(1, 0, 1, 1));
  let r = s.result().sky!;
  assert.ok(Math.abs(r.last - 1 / 3) < 1e-12, `IoU ${r.last}: hit cell 0, missed 1, false 3, cell 2 ignored`);
  s.add({ sky }, true, mask(0, 0, 0, 0), undefined, mask(1, 1, 1, 0));
  r = s.result().sky!;
  assert.equal([r.last, r.frames], [1, 2]);
  assert.ok(Math.abs(r.mean! - (1 / 3 + 1) / 2) < 1e-12);
});

test('sky: a cell with more than half its pixels uncertain is ignored; no sky anywhere gives IoU 1', () => {
  const sky = frame([cell(9, 128, 255), cell(0, 0), cell(0, 0), cell(0, 0)]);
  const s = scorer();
  s.add({ sky }, true, mask(0, 0, 0, 0), undefined, mask(1, 0, 0, 0));
  assert.is(s.result().sky!.last, 1, 'cell 0 ignored, nothing else is sky or predicted');
  assert.is(s.result().cell, undefined);
});

test('masks of the wrong size are refused', () => {
  const s = scorer();
  assert.throws(() => s.add({ motion: RULES }, true, new Uint8Array(5)), /foreground mask has 5 bytes/);
  assert.throws(() => s.add({ motion: new Uint8Array(3) }, true, mask(0, 0, 0, 0)), /motion truth/);
  assert.throws(() => new SequenceScorer({ nativeW: 8, nativeH: 8, Wg: 2, roi: new Uint8Array(3) }), /ROI/);
});

test('on a 352x240 frame, the 80x55 grid scores a known square exactly', () => {
  // A 44x48 foreground block at native (88..131, 48..95): cell columns 20..29, rows 11..21
  // (x*80/352, y*55/240). Predicting exactly the cells whose pixels are all foreground gives F = 1.
  const w = 352, h = 240;
  const gt = new Uint8Array(w * h);
  for (let y = 48; y < 96; y++) for (let x = 88; x < 132; x++) gt[y * w + x] = 255;
  const s = new SequenceScorer({ nativeW: w, nativeH: h, Wg: 80 });
  const fg = new Uint8Array(80 * 55);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (gt[y * w + x]) fg[s.map.cellOf(x, y)] = 1;
  s.add({ motion: gt }, true, fg);
  const r = s.result();
  assert.is(r.cell!.f, 1);
  assert.is(r.cell!.tp, 10 * 11);
  assert.is(r.pixel!.fp, 0);
});

test.run();
