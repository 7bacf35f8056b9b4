import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Reassembler, chunkBundle, crc32, decodeBundle, encodeBundle, type Bundle, type PushResult,
} from '../../src/protocol/index.js';
import { int, prng, randomBundle, shuffle, type Rng } from './fixtures.js';
import { goldenBundle } from './golden-fixture.js';

function chunksOf(b: Bundle, chunkSize = 512): Uint8Array[] {
  return chunkBundle(encodeBundle(b), { cameraId: b.cameraId, bundleId: b.bundleId, chunkSize });
}

function bundleWith(rng: Rng, rawBytes: number, id: string): Bundle {
  const b = randomBundle(rng, { width: 80, height: 60, cellSize: 4, boxCount: 2, rawBytes, background: [20, 15] });
  b.cameraId = 'cam';
  b.bundleId = id;
  return b;
}

test('reassembles shuffled chunks with duplicates; each bundle completes exactly once', () => {
  const rng = prng(20);
  const r = new Reassembler();
  for (let k = 0; k < 30; k++) {
    const b = randomBundle(rng);
    const chunks = chunksOf(b, int(rng, 256, 3000));
    const stream = shuffle(rng, chunks.concat(chunks.filter(() => rng() < 0.3)));
    const done: PushResult[] = [];
    for (const c of stream) {
      const res = r.push(c, k * 1000);
      assert.ok(res.kind !== 'error', JSON.stringify(res));
      if (res.kind === 'complete') done.push(res);
    }
    assert.is(done.length, 1);
    const d = done[0];
    if (d.kind !== 'complete') return;
    assert.is(d.cameraId, b.cameraId);
    const dec = decodeBundle(d.bytes);
    assert.ok(dec.ok);
    if (dec.ok) assert.equal(dec.bundle, b);
    assert.is(r.retainedBytes(), 0);
    assert.is(r.pendingCount(), 0);
  }
});

test('interleaved bundles from several cameras reassemble independently', () => {
  const rng = prng(21);
  const bundles = [0, 1, 2, 3].map((i) => { const b = randomBundle(rng, { rawBytes: 3000 }); b.cameraId = 'cam' + i; b.bundleId = 'same-id'; return b; });
  const stream = shuffle(rng, bundles.flatMap((b) => chunksOf(b, 300)));
  const r = new Reassembler();
  const done = stream.map((c) => r.push(c, 0)).filter((x) => x.kind === 'complete');
  assert.is(done.length, 4);
  for (const d of done) {
    if (d.kind !== 'complete') continue;
    const b = bundles.find((x) => x.cameraId === d.cameraId)!;
    assert.equal(Array.from(d.bytes), Array.from(encodeBundle(b)));
  }
});

test('a late duplicate after completion is a duplicate, not a new partial bundle', () => {
  const chunks = chunksOf(goldenBundle(), 256);
  const r = new Reassembler();
  chunks.forEach((c) => r.push(c, 0));
  assert.is(r.push(chunks[0], 10).kind, 'duplicate');
  assert.is(r.pendingCount(), 0);
});

test('a bundle with a dropped chunk never completes; expire reports it after the timeout', () => {
  const rng = prng(22);
  const b = bundleWith(rng, 5000, 'lost-one');
  const chunks = chunksOf(b, 1024);
  const r = new Reassembler({ timeoutMs: 30000 });
  chunks.forEach((c, i) => { if (i !== 2) assert.is(r.push(c, 1000 + i).kind, 'partial'); });
  assert.equal(r.expire(1000 + chunks.length - 1 + 29999), []);
  const lastMs = 1000 + chunks.length - 1;
  const gone = r.expire(lastMs + 30000);
  assert.equal(gone, [{
    cameraId: 'cam', bundleId: 'lost-one', reason: 'timeout', received: chunks.length - 1, total: chunks.length,
    bundleLength: encodeBundle(b).length, firstMs: 1000, lastMs,
  }]);
  assert.is(r.retainedBytes(), 0);
  assert.equal(r.expire(lastMs + 99999), []); // reported once
});

test('the timeout counts from the latest new chunk, not the first', () => {
  const rng = prng(23);
  const chunks = chunksOf(bundleWith(rng, 5000, 'slow'), 1024);
  const r = new Reassembler({ timeoutMs: 1000 });
  r.push(chunks[0], 0);
  r.push(chunks[1], 900);
  assert.equal(r.expire(1500), []);
  assert.is(r.expire(1900).length, 1);
});

test('memory stays within maxBytes: the oldest partial bundle is evicted and reported', () => {
  const rng = prng(24);
  const bundles = ['a', 'b', 'c'].map((id) => bundleWith(rng, 20000, id));
  const chunked = bundles.map((b) => chunksOf(b, 4096));
  const sizes = bundles.map((b) => encodeBundle(b).length);
  const r = new Reassembler({ maxBytes: sizes[0] + sizes[1] + 100 });
  assert.is(r.push(chunked[0][0], 0).kind, 'partial');
  assert.is(r.push(chunked[1][0], 10).kind, 'partial');
  assert.is(r.push(chunked[0][1], 20).kind, 'partial'); // 'a' is now fresher than 'b'
  const res = r.push(chunked[2][0], 30);
  assert.is(res.kind, 'partial');
  if (res.kind !== 'partial') return;
  assert.is(res.evicted.length, 1);
  assert.is(res.evicted[0].bundleId, 'b');
  assert.is(res.evicted[0].reason, 'evicted');
  assert.ok(r.retainedBytes() <= r.maxBytes);
  // 'a' and 'c' still complete.
  const rest = chunked[0].slice(2).concat(chunked[2].slice(1)).map((c) => r.push(c, 40));
  assert.is(rest.filter((x) => x.kind === 'complete').length, 2);
});

test('at most maxBundles partial bundles are held', () => {
  const rng = prng(25);
  const r = new Reassembler({ maxBundles: 2 });
  const evicted: string[] = [];
  for (let i = 0; i < 5; i++) {
    const res = r.push(chunksOf(bundleWith(rng, 3000, 'p' + i), 1024)[0], i);
    if (res.kind === 'partial') res.evicted.forEach((e) => evicted.push(e.bundleId));
    assert.ok(r.pendingCount() <= 2);
  }
  assert.equal(evicted, ['p0', 'p1', 'p2']);
});

test('a camera flooding partial bundles evicts its own, never a quieter camera\'s', () => {
  const rng = prng(27);
  const quiet = bundleWith(rng, 6000, 'q1');
  quiet.cameraId = 'porch';
  const quietChunks = chunksOf(quiet, 1024);
  const r = new Reassembler({ maxBundles: 8, maxPerCamera: 3 });
  assert.is(r.push(quietChunks[0], 0).kind, 'partial');
  const evicted: string[] = [];
  for (let i = 0; i < 200; i++) {
    const res = r.push(chunksOf(bundleWith(rng, 3000, 'flood' + i), 1024)[0], 1 + i); // fresher than porch's
    assert.is(res.kind, 'partial');
    if (res.kind === 'partial') res.evicted.forEach((e) => evicted.push(e.cameraId + '/' + e.bundleId));
    assert.ok(r.pendingCount() <= 4, 'the flooder holds at most maxPerCamera, plus porch');
  }
  assert.is(evicted.length, 197);
  assert.ok(evicted.every((e) => e.startsWith('cam/')), 'only the flooding camera lost bundles');
  assert.equal(evicted.slice(0, 3), ['cam/flood0', 'cam/flood1', 'cam/flood2']);
  const done = quietChunks.slice(1).map((c) => r.push(c, 500));
  assert.is(done.filter((x) => x.kind === 'complete').length, 1, "porch's bundle still completes");
});

test('under the global limits the camera holding the most gives way first', () => {
  const rng = prng(28);
  const r = new Reassembler({ maxBundles: 4, maxPerCamera: 4 });
  const first = (cam: string, id: string) => {
    const b = bundleWith(rng, 3000, id);
    b.cameraId = cam;
    return chunksOf(b, 1024)[0];
  };
  r.push(first('a', 'a1'), 0); // oldest overall, but camera a holds one
  r.push(first('b', 'b1'), 1);
  r.push(first('b', 'b2'), 2);
  r.push(first('b', 'b3'), 3);
  const res = r.push(first('c', 'c1'), 4);
  assert.ok(res.kind === 'partial' && res.evicted.length === 1 && res.evicted[0].bundleId === 'b1', JSON.stringify(res));
});

test('a bundle bigger than the whole budget is refused, not buffered', () => {
  const rng = prng(26);
  const chunks = chunksOf(bundleWith(rng, 5000, 'big'), 1024);
  const r = new Reassembler({ maxBytes: 2048 });
  const res = r.push(chunks[0], 0);
  assert.ok(res.kind === 'error' && res.error.code === 'too-large');
  assert.is(r.retainedBytes(), 0);
});

test('chunks inconsistent with earlier chunks of the same bundle are rejected; the bundle survives', () => {
  const rng = prng(27);
  const one = bundleWith(rng, 5000, 'x');
  const other = bundleWith(rng, 7000, 'x'); // same ids, different content and length
  const a = chunksOf(one, 1024);
  const b = chunksOf(other, 1024);
  const r = new Reassembler();
  r.push(a[0], 0);
  const res = r.push(b[1], 1);
  assert.ok(res.kind === 'error' && res.error.code === 'inconsistent', JSON.stringify(res));
  // Same index twice with different bytes (same length and CRC claims): also inconsistent.
  const forged = a[0].slice();
  const at = forged.length - 10;
  forged[at] ^= 1;
  const n = forged.length;
  const c = crc32(forged, 0, n - 4);
  forged[n - 4] = c & 255; forged[n - 3] = (c >>> 8) & 255; forged[n - 2] = (c >>> 16) & 255; forged[n - 1] = c >>> 24;
  const res2 = r.push(forged, 2);
  assert.ok(res2.kind === 'error' && res2.error.code === 'inconsistent');
  const done = a.slice(1).map((x) => r.push(x, 3)).filter((x) => x.kind === 'complete');
  assert.is(done.length, 1);
});

test('reassembled bytes that do not match the bundle CRC are reported as bad-crc and dropped', () => {
  // A consistent set of chunks (each with a valid chunk CRC) whose payload was altered before chunking.
  const bytes = encodeBundle(goldenBundle());
  bytes[60] ^= 0xff; // bundle CRC (last 4 bytes) now disagrees with the content
  const chunks = chunkBundle(bytes, { cameraId: 'porch-1', bundleId: 'bad', chunkSize: 256 });
  const r = new Reassembler();
  const results = chunks.map((c) => r.push(c, 0));
  const last = results[results.length - 1];
  assert.ok(last.kind === 'error' && last.error.code === 'bad-crc');
  assert.is(r.retainedBytes(), 0);
});

test('undecodable chunks are errors with the decoder code', () => {
  const r = new Reassembler();
  const res = r.push(new Uint8Array([1, 2, 3]), 0);
  assert.ok(res.kind === 'error' && res.error.code === 'bad-magic');
});

test('options are validated in the constructor', () => {
  assert.throws(() => new Reassembler({ maxPerCamera: 0 }), /maxPerCamera/);
  assert.throws(() => new Reassembler({ maxBundles: 0 }), /maxBundles/);
  assert.throws(() => new Reassembler({ maxBytes: 10 }), /maxBytes/);
  assert.throws(() => new Reassembler({ timeoutMs: -1 }), /timeoutMs/);
});

test.run();
