import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CHUNK_HEADER_BYTES, Chunker, DEFAULT_CHUNK_SIZE, MAX_CHUNK_SIZE, MIN_CHUNK_SIZE, chunkBundle, chunkOverhead, crc32,
  decodeChunk, encodeBundle,
} from '../../src/protocol/index.js';
import { int, prng, randomBundle } from './fixtures.js';
import { goldenBundle } from './golden-fixture.js';

const opts = { cameraId: 'porch-1', bundleId: 'b-0001' };

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let p = 0;
  for (const x of parts) { out.set(x, p); p += x.length; }
  return out;
}

test('chunks are at most chunkSize bytes and their payloads concatenate to the bundle', () => {
  const rng = prng(10);
  for (let i = 0; i < 40; i++) {
    const b = randomBundle(rng);
    const bytes = encodeBundle(b);
    const chunkSize = i % 4 === 0 ? DEFAULT_CHUNK_SIZE : int(rng, MIN_CHUNK_SIZE, 9000);
    const chunks = chunkBundle(bytes, { cameraId: b.cameraId, bundleId: b.bundleId, chunkSize });
    const payloads: Uint8Array[] = [];
    chunks.forEach((c, index) => {
      assert.ok(c.length <= chunkSize);
      const r = decodeChunk(c);
      if (!r.ok) return assert.unreachable(r.error.message);
      assert.is(r.chunk.index, index);
      assert.is(r.chunk.total, chunks.length);
      assert.is(r.chunk.cameraId, b.cameraId);
      assert.is(r.chunk.bundleId, b.bundleId);
      assert.is(r.chunk.bundleLength, bytes.length);
      assert.is(r.chunk.bundleCrc, crc32(bytes, 0, bytes.length - 4));
      payloads.push(r.chunk.payload);
    });
    assert.equal(concat(payloads), bytes);
  }
});

test('the default chunk is 4096 bytes, header included', () => {
  const bytes = new Uint8Array(10000);
  const c = new Chunker(bytes, opts);
  assert.is(c.stride, DEFAULT_CHUNK_SIZE - chunkOverhead(opts.cameraId, opts.bundleId));
  assert.is(c.chunkLength(0), 4096);
  assert.is(c.count, 3);
  assert.is(c.maxChunkLength, 4096);
  assert.is(chunkOverhead('a', 'b'), CHUNK_HEADER_BYTES + 2 + 4);
});

test('Chunker.write fills one caller buffer per chunk (the board loop)', () => {
  const bytes = encodeBundle(goldenBundle());
  const c = new Chunker(bytes, { ...opts, chunkSize: MIN_CHUNK_SIZE });
  const buf = new Uint8Array(c.maxChunkLength);
  const all = chunkBundle(bytes, { ...opts, chunkSize: MIN_CHUNK_SIZE });
  for (let i = 0; i < c.count; i++) {
    const view = c.write(i, buf);
    assert.is(view.buffer, buf.buffer);
    assert.equal(Array.from(view), Array.from(all[i]));
  }
  assert.throws(() => c.write(c.count), RangeError);
  assert.throws(() => c.write(0, new Uint8Array(10)), RangeError);
});

test('Chunker validates its options before allocating', () => {
  const b = new Uint8Array(100);
  assert.throws(() => new Chunker(b, { ...opts, chunkSize: MIN_CHUNK_SIZE - 1 }), /chunkSize/);
  assert.throws(() => new Chunker(b, { ...opts, chunkSize: MAX_CHUNK_SIZE + 1 }), /chunkSize/);
  assert.throws(() => new Chunker(b, { ...opts, cameraId: 'a/b' }), /cameraId/);
  assert.throws(() => new Chunker(b, { ...opts, bundleId: '' }), /bundleId/);
  assert.throws(() => new Chunker(new Uint8Array(4), opts), /bundle must be/);
});

test('decodeChunk reports typed errors', () => {
  const chunks = chunkBundle(encodeBundle(goldenBundle()), { ...opts, chunkSize: MIN_CHUNK_SIZE });
  const code = (b: Uint8Array) => { const r = decodeChunk(b); return r.ok ? 'ok' : r.error.code; };
  const edit = (i: number, at: number, v: number, reseal: boolean) => {
    const b = chunks[i].slice();
    b[at] = v;
    if (reseal) {
      const n = b.length;
      const c = crc32(b, 0, n - 4);
      b[n - 4] = c & 255; b[n - 3] = (c >>> 8) & 255; b[n - 2] = (c >>> 16) & 255; b[n - 1] = c >>> 24;
    }
    const r = decodeChunk(b);
    return r.ok ? 'ok' : r.error.code + ' ' + r.error.message;
  };
  assert.is(code(chunks[0]), 'ok');
  assert.is(code(new Uint8Array(0)), 'truncated');
  assert.is(code(chunks[0].subarray(0, 20)), 'truncated');
  assert.is(code(chunks[0].subarray(0, chunks[0].length - 1)), 'truncated');
  assert.is(code(new Uint8Array([1, 2, 3, 4, 5])), 'bad-magic');
  assert.match(edit(0, 4, 9, false), /^bad-version/);
  assert.match(edit(0, 40, 0, false), /^bad-crc/);
  const huge = new Uint8Array(MAX_CHUNK_SIZE + 1);
  huge.set(chunks[0]);
  assert.is(code(huge), 'too-large');
  const longer = new Uint8Array(chunks[0].length + 3);
  longer.set(chunks[0]);
  assert.is(code(longer), 'bad-field');
  assert.match(edit(0, 5, 1, true), /^bad-field flags/);
  assert.match(edit(0, 6, 5, true), /^bad-field index/); // index 5 of 2
  assert.match(edit(0, 8, 3, true), /^bad-field total/);
  assert.match(edit(1, 12, 0x44, true), /^bad-field|^truncated/); // payload length no longer fits the bytes
  assert.match(edit(0, 24, 0x2f, true), /^bad-field cameraId/); // '/'
  assert.match(edit(0, 17, 0x10, true), /^too-large bundleLength/);
});

test('the payload is a view of the input (no copy per chunk)', () => {
  const [c] = chunkBundle(encodeBundle(goldenBundle()), opts);
  const r = decodeChunk(c);
  assert.ok(r.ok && r.chunk.payload.buffer === c.buffer);
});

test.run();
