/** Event frames (src/protocol/event-frame.ts): round trip with motion boxes, version 1, proof of origin, malformed input. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  EVENT_FRAME_OVERHEAD, MAX_FRAME_BOXES, decodeEventFrame, encodeEventFrame, encodeLiveFrame, eventFrameHeaderSize, eventFrameMacOk, eventFrameSize,
  frameMacDomain, frameTopic, macKey, macOf, parseTopic, type FrameMotion,
} from '../../src/protocol/index.ts';
import { writeU32 } from '../../src/protocol/bytes.ts';

const KEY = macKey(new Uint8Array(32).fill(7));
const H = { cameraId: 'porch', eventId: 4000000001, index: 2, count: 3, timeMs: 1765000000123, offsetMs: 3004, width: 320, height: 240 };
const JPEG = new Uint8Array(500).map((_, i) => (i * 13) & 255);
/** 11 boxes on a 20x15 grid, as a detector's Int16Array with room for 32. */
const ELEVEN = [[3, 2, 6, 9], [10, 0, 12, 4], [0, 11, 1, 14], [15, 5, 19, 7], [8, 8, 9, 9], [5, 5, 5, 5], [13, 13, 14, 14],
  [11, 6, 12, 7], [2, 3, 4, 3], [17, 12, 18, 12], [9, 1, 9, 10]];

function motion(k: number): FrameMotion {
  const boxes = new Int16Array(32 * 4);
  for (let i = 0; i < k; i++) boxes.set(ELEVEN[i], i * 4);
  return { cols: 20, rows: 15, count: k, boxes };
}

function encoded(m: FrameMotion | null = null): Uint8Array {
  const out = new Uint8Array(1000);
  const n = encodeEventFrame(out, KEY, { ...H, motion: m }, JPEG, 400);
  assert.is(n, eventFrameSize('porch', 400, m ? m.count : 0));
  return out.slice(0, n);
}

/** A version 1 message as boards before issue 14's crops sent it (header 30 + n, no grid or boxes). */
function v1(): Uint8Array {
  const v2 = encoded();
  const n = 5;
  const b = new Uint8Array(v2.length - 3);
  b.set(v2.subarray(0, 26 + n));
  b[2] = 1;
  writeU32(b, 26 + n, 400);
  b.set(JPEG.subarray(0, 400), 30 + n);
  macOf(KEY, frameMacDomain('porch'), b, 0, b.length - 16, b, b.length - 16);
  return b;
}

test('round trip without motion: every field, the JPEG bytes, a 48-bit wall clock, motion null', () => {
  const b = encoded();
  assert.is(b.length, EVENT_FRAME_OVERHEAD + 5 + 400);
  assert.is(b[2], 2, 'version 2');
  assert.equal([...b.subarray(31, 34)], [0, 0, 0], 'cols, rows, k = 0');
  const d = decodeEventFrame(b);
  assert.is(d.error, '');
  const { jpeg, ...h } = d.frame!;
  assert.equal(h, { ...H, motion: null });
  assert.equal([...jpeg], [...JPEG.subarray(0, 400)]);
  assert.ok(eventFrameMacOk(KEY, b));
});

test('round trip with 0 and 3 boxes: the grid and the boxes as the detector gave them', () => {
  const zero = decodeEventFrame(encoded(motion(0)));
  assert.equal(zero.frame!.motion, { cols: 20, rows: 15, count: 0, boxes: [] }, 'a grid with no box is not "no information"');
  const b = encoded(motion(3));
  assert.is(b.length, EVENT_FRAME_OVERHEAD + 5 + 12 + 400);
  assert.is(eventFrameHeaderSize('porch', 3), 33 + 5 + 12);
  const d = decodeEventFrame(b);
  assert.is(d.error, '');
  assert.equal(d.frame!.motion, { cols: 20, rows: 15, count: 3, boxes: [3, 2, 6, 9, 10, 0, 12, 4, 0, 11, 1, 14] });
  assert.equal([...d.frame!.jpeg], [...JPEG.subarray(0, 400)]);
  assert.is(d.frame!.timeMs, H.timeMs);
  assert.ok(eventFrameMacOk(KEY, b));
});

test('11 boxes: 7 as they are, the 8th the union of boxes 7..10; every moving cell stays inside a box', () => {
  const m = motion(11);
  assert.is(eventFrameHeaderSize('porch', 11), eventFrameHeaderSize('porch', MAX_FRAME_BOXES), 'the header counts 8 boxes');
  const b = encoded(m);
  assert.is(b.length, EVENT_FRAME_OVERHEAD + 5 + 4 * 8 + 400);
  const got = decodeEventFrame(b).frame!.motion!;
  assert.is(got.count, 8);
  assert.equal(got.boxes.slice(0, 28), ELEVEN.slice(0, 7).flat());
  assert.equal(got.boxes.slice(28), [2, 1, 18, 12], 'union of [11,6,12,7] [2,3,4,3] [17,12,18,12] [9,1,9,10]');
  const inside = (x: number, y: number) => [0, 1, 2, 3, 4, 5, 6, 7].some((i) =>
    x >= got.boxes[i * 4] && x <= got.boxes[i * 4 + 2] && y >= got.boxes[i * 4 + 1] && y <= got.boxes[i * 4 + 3]);
  for (const [x0, y0, x1, y1] of ELEVEN) for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) assert.ok(inside(x, y), `cell ${x},${y}`);
  assert.equal(Array.from(m.boxes).slice(0, 44), ELEVEN.flat(), "the detector's boxes are not changed");
});

test('the board way: the JPEG read into the buffer at eventFrameHeaderSize first, header and MAC written around it', () => {
  const buf = new Uint8Array(1000);
  const at = eventFrameHeaderSize('porch', 11);
  buf.set(JPEG.subarray(0, 400), at);
  const n = encodeEventFrame(buf, KEY, { ...H, motion: motion(11) }, buf.subarray(at, at + 400), 400);
  assert.equal([...buf.subarray(0, n)], [...encoded(motion(11))]);
});

test('version 1 (old boards) still decodes, motion null, MAC checked', () => {
  const b = v1();
  const d = decodeEventFrame(b);
  assert.is(d.error, '');
  const { jpeg, ...h } = d.frame!;
  assert.equal(h, { ...H, motion: null });
  assert.equal([...jpeg], [...JPEG.subarray(0, 400)]);
  assert.ok(eventFrameMacOk(KEY, b));
  const x = b.slice();
  x[40] ^= 1;
  assert.not.ok(eventFrameMacOk(KEY, x));
  assert.is(decodeEventFrame(b.subarray(0, b.length - 1)).error, 'bad-length');
});

test('a changed byte anywhere (a box byte included), or another key, fails the MAC', () => {
  const b = encoded(motion(3));
  const box = 34 + 5; // first box's y0
  for (const at of [4, 12, box, box + 8, 40, 300, b.length - 1]) {
    const x = b.slice();
    x[at] ^= 1;
    assert.ok(x[at] !== b[at]);
    assert.not.ok(eventFrameMacOk(KEY, x), `byte ${at}`);
  }
  const moved = b.slice();
  moved[box] = 3; // y0 2 -> 3: still a valid box, only the MAC can tell
  assert.is(decodeEventFrame(moved).error, '');
  assert.not.ok(eventFrameMacOk(KEY, moved));
  assert.not.ok(eventFrameMacOk(macKey(new Uint8Array(32).fill(8)), b));
});

test('bad motion bytes are named: grid, k, boxes outside the grid or inverted', () => {
  const b = encoded(motion(3));
  const g = 26 + 5;
  const cases: [number, number, string][] = [
    [g, 0, 'cols 0 with rows and k set'], [g + 1, 0, 'rows 0'], [g + 2, 9, 'k 9'],
    [g + 3, 7, 'x0 > x1'], [g + 5, 20, 'x1 = cols'], [g + 4, 10, 'y0 > y1'], [g + 6, 15, 'y1 = rows'], [g + 13, 255, 'x1 of box 2 past the grid'],
  ];
  for (const [at, v, why] of cases) {
    const x = b.slice();
    x[at] = v;
    assert.is(decodeEventFrame(x).error, 'bad-motion', why);
  }
  const noInfo = encoded();
  const y = noInfo.slice();
  y[g + 2] = 1; // k without a grid
  assert.is(decodeEventFrame(y).error, 'bad-motion');
  const z = b.slice();
  z[g + 2] = 8; // 8 boxes announced, 3 there: the rest is cut short or the lengths disagree
  assert.is(decodeEventFrame(z.subarray(0, 60)).error, 'bad-length');
});

test('malformed input is named, never thrown', () => {
  const b = encoded(motion(3));
  assert.is(decodeEventFrame(b.subarray(0, 20)).error, 'bad-magic');
  assert.is(decodeEventFrame(b.subarray(0, b.length - 1)).error, 'bad-length');
  const k = b.slice();
  k[26 + 5 + 2] = 2; // 2 boxes announced, 3 written: the JPEG length lands inside the boxes
  assert.is(decodeEventFrame(k).error, 'bad-length');
  const v = b.slice();
  v[2] = 9;
  assert.is(decodeEventFrame(v).error, 'bad-version');
  const c = b.slice();
  c[4] = 0x2f; // '/' in the camera id
  assert.is(decodeEventFrame(c).error, 'bad-camera');
  for (let cut = 0; cut < b.length; cut += 7) assert.ok(decodeEventFrame(b.subarray(0, cut)).error !== '', `cut at ${cut}`);
});

test('encode refuses what it cannot carry', () => {
  assert.throws(() => encodeEventFrame(new Uint8Array(100), KEY, H, JPEG, 400), /buffer/);
  assert.throws(() => encodeEventFrame(new Uint8Array(448), KEY, { ...H, motion: motion(1) }, JPEG, 400), /buffer/, 'the box needs 4 more bytes');
  assert.throws(() => encodeEventFrame(new Uint8Array(1000), KEY, { ...H, cameraId: 'A/B' }, JPEG, 400), /camera id/);
  assert.throws(() => encodeEventFrame(new Uint8Array(1000), KEY, H, JPEG, 0), /JPEG length/);
  assert.throws(() => encodeEventFrame(new Uint8Array(1000), KEY, { ...H, motion: { ...motion(1), cols: 256 } }, JPEG, 400), /grid 256x15/);
  assert.throws(() => encodeEventFrame(new Uint8Array(1000), KEY, { ...H, motion: { ...motion(1), rows: 0 } }, JPEG, 400), /grid/);
  assert.throws(() => encodeEventFrame(new Uint8Array(1000), KEY, { ...H, motion: { ...motion(3), rows: 9 } }, JPEG, 400), /motion box 0 outside/);
  assert.throws(() => encodeEventFrame(new Uint8Array(1000), KEY, { ...H, motion: { cols: 20, rows: 15, count: 2, boxes: [1, 1, 2, 2] } }, JPEG, 400), /2 motion boxes, 4 numbers/);
  assert.throws(() => encodeEventFrame(new Uint8Array(1000), KEY, { ...H, motion: { cols: 20, rows: 15, count: 1, boxes: [3, 1, 2, 2] } }, JPEG, 400), /outside/);
  assert.throws(() => encodeLiveFrame(new Uint8Array(1000), KEY, { ...H, motion: motion(1) }, JPEG, 400), /no motion/);
  assert.ok(encodeLiveFrame(new Uint8Array(1000), KEY, { ...H, motion: { cols: 0, rows: 0, count: 0, boxes: [] } }, JPEG, 400) > 0);
});

test('the frame topic', () => {
  assert.is(frameTopic('porch'), 'quietcam/porch/frame');
  assert.equal(parseTopic('quietcam/porch/frame'), { cameraId: 'porch', kind: 'frame' });
});

test.run();
