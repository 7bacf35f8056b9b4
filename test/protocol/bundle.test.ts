import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  MAX_BOXES, MAX_BUNDLE_BYTES, MAX_RAW_VIEW_BYTES, bundleSize, checkBundle, crc32, decodeBundle, encodeBundle,
  type Bundle,
} from '../../src/protocol/index.js';
import { int, prng, randomBundle } from './fixtures.js';
import { goldenBundle } from './golden-fixture.js';

function roundTrip(b: Bundle): void {
  const bytes = encodeBundle(b);
  assert.is(bytes.length, bundleSize(b));
  const r = decodeBundle(bytes);
  if (!r.ok) assert.unreachable(r.error.code + ': ' + r.error.message);
  else assert.equal(r.bundle, b);
}

/** Re-seal bytes after editing them so that the CRC passes and the field checks are reached. */
function reseal(bytes: Uint8Array): Uint8Array {
  const n = bytes.length;
  const c = crc32(bytes, 0, n - 4);
  bytes[n - 4] = c & 0xff;
  bytes[n - 3] = (c >>> 8) & 0xff;
  bytes[n - 2] = (c >>> 16) & 0xff;
  bytes[n - 1] = c >>> 24;
  return bytes;
}

test('decode(encode(x)) deep-equals x for 200 random bundles (80x60, 160x120, any cell size)', () => {
  const rng = prng(1);
  for (let i = 0; i < 200; i++) roundTrip(randomBundle(rng));
});

test('round-trips the edge shapes: 0 boxes, MAX_BOXES boxes, empty raw view, no background', () => {
  const rng = prng(2);
  roundTrip(randomBundle(rng, { width: 80, height: 60, cellSize: 4, boxCount: 0, rawBytes: 0, background: [0, 0] }));
  roundTrip(randomBundle(rng, { width: 160, height: 120, cellSize: 8, boxCount: MAX_BOXES, rawBytes: 50000 }));
  roundTrip(randomBundle(rng, { width: 160, height: 120, cellSize: 1, boxCount: 3, rawBytes: MAX_RAW_VIEW_BYTES, background: [256, 256] }));
  roundTrip(randomBundle(rng, { width: 1, height: 1, cellSize: 64, boxCount: 1, rawBytes: 1, background: [1, 1] }));
  roundTrip(randomBundle(rng, { width: 1023, height: 7, cellSize: 3 }));
});

test('keeps capture times exact up to 2^53 - 1 ms', () => {
  for (const t of [0, 1, 0xffffffff, 0x100000000, 1714564800123, 9007199254740991]) {
    const b = goldenBundle();
    b.captureTimeMs = t;
    roundTrip(b);
  }
});

test('writes into a caller buffer (allocate once on the board)', () => {
  const b = goldenBundle();
  const out = new Uint8Array(1000);
  const view = encodeBundle(b, out);
  assert.is(view.buffer, out.buffer);
  assert.equal(Array.from(view), Array.from(encodeBundle(b)));
  assert.throws(() => encodeBundle(b, new Uint8Array(bundleSize(b) - 1)), /output holds/);
});

test('accepts detector-sized box arrays (capacity > boxCount) and decodes them exact-sized', () => {
  const b = goldenBundle();
  const boxes = new Int16Array(32 * 4);
  boxes.set(b.boxes);
  const areas = new Uint16Array(32);
  areas.set(b.boxAreas);
  const r = decodeBundle(encodeBundle({ ...b, boxes, boxAreas: areas }));
  assert.ok(r.ok);
  if (r.ok) assert.equal(r.bundle, b);
});

test('checkBundle names the bad field; encodeBundle throws a RangeError for it', () => {
  const cases: [string, (b: Bundle) => void, string, RegExp][] = [
    ['camera id with a slash', (b) => { b.cameraId = 'porch/1'; }, 'bad-field', /cameraId/],
    ['upper-case camera id', (b) => { b.cameraId = 'Porch'; }, 'bad-field', /cameraId/],
    ['bundle id starting with a dot', (b) => { b.bundleId = '.x'; }, 'bad-field', /bundleId/],
    ['non-ASCII detector version', (b) => { b.detectorVersion = 'v1é'; }, 'bad-field', /detectorVersion/],
    ['negative time', (b) => { b.captureTimeMs = -1; }, 'bad-field', /captureTimeMs/],
    ['fractional time', (b) => { b.captureTimeMs = 1.5; }, 'bad-field', /captureTimeMs/],
    ['unknown purpose bit', (b) => { b.purposes = 4; }, 'bad-field', /purposes/],
    ['cols not ceil(width / cellSize)', (b) => { b.cols = 11; }, 'bad-field', /cols x rows/],
    ['mask value 2', (b) => { b.motion[3] = 2; }, 'bad-field', /motion\[3\]/],
    ['mask of the wrong size', (b) => { b.sky = new Uint8Array(79); }, 'bad-field', /sky/],
    ['box outside the grid', (b) => { b.boxes[2] = 10; }, 'bad-field', /box 0/],
    ['box area above its cell count', (b) => { b.boxAreas[1] = 2; }, 'bad-field', /box 1: area/],
    ['too many boxes', (b) => { b.boxCount = MAX_BOXES + 1; }, 'too-large', /boxCount/],
    ['raw view over the limit', (b) => { b.rawView = { width: 1, height: 1, jpeg: new Uint8Array(MAX_RAW_VIEW_BYTES + 1) }; }, 'too-large', /rawView/],
    ['empty raw view with a size', (b) => { b.rawView = { width: 160, height: 120, jpeg: new Uint8Array(0) }; }, 'bad-field', /rawView/],
    ['background size mismatch', (b) => { b.background = { width: 10, height: 8, pixels: new Uint8Array(79) }; }, 'bad-field', /background/],
    ['grid over the cell limit', (b) => { Object.assign(b, { width: 1024, height: 1024, cellSize: 1, cols: 1024, rows: 1024 }); }, 'too-large', /cells/],
  ];
  for (const [name, edit, code, msg] of cases) {
    const b = goldenBundle();
    edit(b);
    const err = checkBundle(b);
    assert.ok(err, name);
    assert.is(err!.code, code, name);
    assert.match(err!.message, msg, name);
    assert.throws(() => encodeBundle(b), (e: unknown) => e instanceof RangeError, name);
  }
});

test('decode reports truncated, bad-magic, bad-version, bad-crc, too-large and trailing bytes', () => {
  const good = encodeBundle(goldenBundle());
  const code = (bytes: Uint8Array) => {
    const r = decodeBundle(bytes);
    return r.ok ? 'ok' : r.error.code;
  };
  assert.is(code(good), 'ok');
  assert.is(code(new Uint8Array(0)), 'truncated');
  assert.is(code(good.subarray(0, 3)), 'truncated');
  assert.is(code(good.subarray(0, good.length - 1)), 'truncated');
  assert.is(code(new Uint8Array([0x51, 0x43, 0x43])), 'bad-magic');
  for (const version of [1, 3]) {
    const other = good.slice();
    other[4] = version; // v1 had no MAC: refused, not read without one
    assert.is(code(other), 'bad-version');
  }
  const flipped = good.slice();
  flipped[100] ^= 0x10;
  assert.is(code(flipped), 'bad-crc');
  const trailing = new Uint8Array(good.length + 1);
  trailing.set(good);
  assert.is(code(trailing), 'bad-field');
  const huge = new Uint8Array(MAX_BUNDLE_BYTES + 1);
  huge.set(good);
  assert.is(code(huge), 'too-large');
  const claims = good.slice();
  claims[6] = 0; claims[7] = 0; claims[8] = 0x10; claims[9] = 0; // announces 1 MiB
  assert.is(code(claims), 'too-large');
  assert.is(code('not bytes' as unknown as Uint8Array), 'bad-field');
});

test('decode checks fields even when the CRC is right (a buggy encoder, not corruption)', () => {
  const good = encodeBundle(goldenBundle());
  const edit = (at: number, v: number) => {
    const b = good.slice();
    b[at] = v;
    const r = decodeBundle(reseal(b));
    return r.ok ? 'ok' : r.error.code + ' ' + r.error.message;
  };
  assert.match(edit(5, 1), /^bad-field flags/);
  assert.match(edit(22, 7), /^bad-field purposes/);
  assert.match(edit(23, 7), /^bad-field cols x rows/);
  assert.match(edit(46, 8), /^bad-field announced length/); // camera id length no longer adds up
  assert.match(edit(50, 0x41), /^bad-field cameraId/); // 'A'
  // The 80-cell masks fill their 10 bytes exactly, so use a 7-cell grid to test unused bits.
  const small = goldenBundle();
  Object.assign(small, { width: 7, height: 1, cellSize: 1, cols: 7, rows: 1, sky: new Uint8Array(7), staticMask: new Uint8Array(7), motion: new Uint8Array(7), boxCount: 0 });
  const bytes = encodeBundle(small);
  const skyAt = 50 + 7 + 18 + 5 + 8;
  bytes[skyAt] = 0x80; // bit 7 is beyond the 7th cell
  const r = decodeBundle(reseal(bytes));
  assert.ok(!r.ok && r.error.code === 'bad-field' && /unused bits/.test(r.error.message));
});

test('decoded arrays are copies, not views of the input', () => {
  const bytes = encodeBundle(goldenBundle());
  const r = decodeBundle(bytes);
  assert.ok(r.ok);
  if (!r.ok) return;
  bytes.fill(0);
  assert.equal(r.bundle, goldenBundle());
});

test('random valid bundles of every size stay under MAX_BUNDLE_BYTES', () => {
  const rng = prng(3);
  for (let i = 0; i < 20; i++) {
    const b = randomBundle(rng, { rawBytes: int(rng, 0, MAX_RAW_VIEW_BYTES), boxCount: MAX_BOXES, background: [256, 256] });
    assert.ok(bundleSize(b) <= MAX_BUNDLE_BYTES);
    assert.is(checkBundle(b), null);
  }
});

test.run();
