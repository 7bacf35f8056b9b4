/** Event frames (src/protocol/event-frame.ts): round trip, proof of origin, malformed input. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeEventFrame, encodeEventFrame, eventFrameMacOk, eventFrameSize, frameTopic, macKey, parseTopic } from '../../src/protocol/index.ts';

const KEY = macKey(new Uint8Array(32).fill(7));
const H = { cameraId: 'porch', eventId: 4000000001, index: 2, count: 3, timeMs: 1765000000123, offsetMs: 3004, width: 320, height: 240 };
const JPEG = new Uint8Array(500).map((_, i) => (i * 13) & 255);

function encoded(): Uint8Array {
  const out = new Uint8Array(1000);
  const n = encodeEventFrame(out, KEY, H, JPEG, 400);
  assert.is(n, eventFrameSize('porch', 400));
  return out.slice(0, n);
}

test('round trip: every field, the JPEG bytes, a 48-bit wall clock', () => {
  const d = decodeEventFrame(encoded());
  assert.is(d.error, '');
  const { jpeg, ...h } = d.frame!;
  assert.equal(h, H);
  assert.equal([...jpeg], [...JPEG.subarray(0, 400)]);
  assert.ok(eventFrameMacOk(KEY, encoded()));
});

test('a changed byte anywhere, or another key, fails the MAC', () => {
  const b = encoded();
  for (const at of [4, 12, 40, 300, b.length - 1]) {
    const x = b.slice();
    x[at] ^= 1;
    assert.not.ok(eventFrameMacOk(KEY, x), `byte ${at}`);
  }
  assert.not.ok(eventFrameMacOk(macKey(new Uint8Array(32).fill(8)), b));
});

test('malformed input is named, never thrown', () => {
  const b = encoded();
  assert.is(decodeEventFrame(b.subarray(0, 20)).error, 'bad-magic');
  assert.is(decodeEventFrame(b.subarray(0, b.length - 1)).error, 'bad-length');
  const v = b.slice();
  v[2] = 9;
  assert.is(decodeEventFrame(v).error, 'bad-version');
  const c = b.slice();
  c[4] = 0x2f; // '/' in the camera id
  assert.is(decodeEventFrame(c).error, 'bad-camera');
});

test('encode refuses what it cannot carry', () => {
  assert.throws(() => encodeEventFrame(new Uint8Array(100), KEY, H, JPEG, 400), /buffer/);
  assert.throws(() => encodeEventFrame(new Uint8Array(1000), KEY, { ...H, cameraId: 'A/B' }, JPEG, 400), /camera id/);
  assert.throws(() => encodeEventFrame(new Uint8Array(1000), KEY, H, JPEG, 0), /JPEG length/);
});

test('the frame topic', () => {
  assert.is(frameTopic('porch'), 'quietcam/porch/frame');
  assert.equal(parseTopic('quietcam/porch/frame'), { cameraId: 'porch', kind: 'frame' });
});

test.run();
