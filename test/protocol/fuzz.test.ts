/**
 * Fuzz: >= 100,000 mutated, truncated, oversized and random inputs thrown at decodeBundle,
 * decodeChunk and the Reassembler (seeded, so a failure replays exactly). Every input must give
 * a typed error or a valid result, never an exception; whatever decodes must re-encode to the
 * same bytes; whatever the reassembler completes must be a valid bundle; and its retained bytes
 * must never exceed its budget. Half of the mutations re-seal the CRC afterwards, so the field
 * checks behind the CRC get fuzzed too, not only the CRC.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  MAC_BYTES, MAX_BUNDLE_BYTES, MAX_CHUNK_SIZE, Reassembler, chunkBundle, crc32, decodeBundle, decodeChunk, encodeBundle,
} from '../../src/protocol/index.js';
import { int, prng, randomBundle, randomBytes, shuffle, type Rng } from './fixtures.js';
import { goldenBundle } from './golden-fixture.js';

const SEED = 0x5eed;
const BUNDLE_INPUTS = 100000;
const CHUNK_INPUTS = 50000;
const REASSEMBLER_PUSHES = 50000;
const CODES = ['truncated', 'bad-magic', 'bad-version', 'bad-crc', 'bad-field', 'too-large', 'inconsistent'];

const rng = prng(SEED);

/** Corpus: the golden bundle and random valid ones, mostly small (the CRC pass dominates the time). */
const bundles: Uint8Array[] = [encodeBundle(goldenBundle())];
for (let i = 0; i < 40; i++) {
  const big = i % 10 === 0;
  bundles.push(encodeBundle(randomBundle(rng, { rawBytes: big ? int(rng, 10000, 60000) : int(rng, 0, 1500), boxCount: int(rng, 0, big ? 256 : 6) })));
}
const chunkSets: { cameraId: string; bundleId: string; chunks: Uint8Array[] }[] = bundles.map((bytes, i) => {
  const d = decodeBundle(bytes);
  if (!d.ok) throw new Error('corpus bundle ' + i + ' does not decode');
  const chunks = chunkBundle(bytes, { cameraId: d.bundle.cameraId, bundleId: d.bundle.bundleId, chunkSize: int(rng, 256, 4096) });
  return { cameraId: d.bundle.cameraId, bundleId: d.bundle.bundleId, chunks };
});
const allChunks = chunkSets.flatMap((s) => s.chunks);

const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0xfe, 0x10, 0x40];

function pick<T>(r: Rng, a: T[]): T {
  return a[int(r, 0, a.length - 1)];
}

/** Rewrite the trailing CRC32 so the mutation gets past the checksum. */
function reseal(b: Uint8Array): Uint8Array {
  const n = b.length;
  if (n < 5) return b;
  const c = crc32(b, 0, n - 4);
  b[n - 4] = c & 255;
  b[n - 3] = (c >>> 8) & 255;
  b[n - 2] = (c >>> 16) & 255;
  b[n - 1] = c >>> 24;
  return b;
}

/** One random mutation of `src` (never modifies `src`). `headerBytes` focuses field edits. */
function mutate(r: Rng, src: Uint8Array, headerBytes: number): Uint8Array {
  const kind = int(r, 0, 9);
  let b: Uint8Array;
  switch (kind) {
    case 0: { // flip 1-8 bits anywhere
      b = src.slice();
      for (let k = int(r, 1, 8); k > 0; k--) b[int(r, 0, b.length - 1)] ^= 1 << int(r, 0, 7);
      break;
    }
    case 1: { // set header bytes to interesting values
      b = src.slice();
      for (let k = int(r, 1, 4); k > 0; k--) b[int(r, 0, Math.min(headerBytes + 40, b.length) - 1)] = r() < 0.5 ? pick(r, INTERESTING) : int(r, 0, 255);
      break;
    }
    case 2: // truncate
      return src.subarray(0, int(r, 0, src.length - 1));
    case 3: { // extend with random bytes
      b = new Uint8Array(src.length + int(r, 1, 64));
      b.set(src);
      b.set(randomBytes(r, b.length - src.length), src.length);
      return r() < 0.5 ? reseal(b) : b;
    }
    case 4: { // delete a range
      const at = int(r, 0, src.length - 1);
      const len = int(r, 1, Math.min(32, src.length - at));
      b = new Uint8Array(src.length - len);
      b.set(src.subarray(0, at));
      b.set(src.subarray(at + len), at);
      break;
    }
    case 5: { // insert a range
      const at = int(r, 0, src.length);
      const ins = randomBytes(r, int(r, 1, 32));
      b = new Uint8Array(src.length + ins.length);
      b.set(src.subarray(0, at));
      b.set(ins, at);
      b.set(src.subarray(at), at + ins.length);
      break;
    }
    case 6: { // overwrite a header u16/u32 with an extreme value
      b = src.slice();
      const at = int(r, 0, headerBytes - 4);
      const v = pick(r, [0, 1, 0xffff, 0xffffffff, 0x7fffffff, 0x10000, MAX_BUNDLE_BYTES + 1, int(r, 0, 0xffffffff)]);
      const width = r() < 0.5 ? 2 : 4;
      for (let k = 0; k < width; k++) b[at + k] = (v >>> (8 * k)) & 255;
      break;
    }
    case 7: // pure random bytes
      return randomBytes(r, int(r, 0, 600));
    case 8: { // the right magic and version, then random
      b = randomBytes(r, int(r, 5, 600));
      b.set(src.subarray(0, 5));
      break;
    }
    default: { // oversized, rarely (they are big)
      if (r() < 0.9) return src.subarray(0, int(r, 0, 60));
      b = new Uint8Array(int(r, MAX_CHUNK_SIZE, MAX_BUNDLE_BYTES + 1000));
      b.set(src.subarray(0, Math.min(src.length, b.length)));
      return b;
    }
  }
  return r() < 0.5 ? reseal(b) : b;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

interface Tally { inputs: number; valid: number; exceptions: number; firstException: string; codes: Record<string, number> }
const tally = (): Tally => ({ inputs: 0, valid: 0, exceptions: 0, firstException: '', codes: {} });

function count(t: Tally, code: string): void {
  t.codes[code] = (t.codes[code] || 0) + 1;
  assert.ok(CODES.indexOf(code) >= 0, 'unknown error code ' + code);
}

const started = Date.now();
const results: Record<string, Tally> = {};

test('decodeBundle: typed error or a valid bundle that re-encodes to the same bytes', () => {
  const t = (results.decodeBundle = tally());
  const odd: unknown[] = [null, undefined, 42, 'QCBN', [0x51, 0x43, 0x42, 0x4e], new Uint16Array(100), {}];
  for (const x of odd) {
    t.inputs++;
    const r = decodeBundle(x as Uint8Array);
    assert.ok(!r.ok);
    if (!r.ok) count(t, r.error.code);
  }
  for (let i = 0; i < BUNDLE_INPUTS; i++) {
    const input = i % 50 === 0 ? pick(rng, bundles) : mutate(rng, pick(rng, bundles), 50);
    t.inputs++;
    try {
      const r = decodeBundle(input);
      if (r.ok) {
        t.valid++;
        // The MAC is opaque to the codec (it needs the key): compare all but it and the CRC after it.
        const again = encodeBundle(r.bundle);
        const macAt = input.length - 4 - MAC_BYTES;
        assert.ok(again.length === input.length && sameBytes(again.subarray(0, macAt), input.subarray(0, macAt)), 'a decoded bundle re-encodes differently');
      } else {
        count(t, r.error.code);
        assert.type(r.error.message, 'string');
      }
    } catch (e) {
      if (e instanceof assert.Assertion) throw e;
      if (!t.exceptions++) t.firstException = String(e);
    }
  }
  assert.is(t.exceptions, 0, t.firstException);
});

test('decodeChunk: typed error or a valid chunk', () => {
  const t = (results.decodeChunk = tally());
  for (let i = 0; i < CHUNK_INPUTS; i++) {
    const input = i % 50 === 0 ? pick(rng, allChunks) : mutate(rng, pick(rng, allChunks), 24);
    t.inputs++;
    try {
      const r = decodeChunk(input);
      if (r.ok) {
        t.valid++;
        const c = r.chunk;
        assert.ok(c.index < c.total && c.payload.length <= c.stride && c.bundleLength <= MAX_BUNDLE_BYTES);
      } else {
        count(t, r.error.code);
      }
    } catch (e) {
      if (e instanceof assert.Assertion) throw e;
      if (!t.exceptions++) t.firstException = String(e);
    }
  }
  assert.is(t.exceptions, 0, t.firstException);
});

test('Reassembler: never throws, never exceeds its budget, completes only valid bundles', () => {
  const t = (results.reassembler = tally());
  const r = new Reassembler({ maxBundles: 4, maxBytes: 96 * 1024, timeoutMs: 5000 });
  let now = 0;
  let completed = 0;
  let reported = 0;
  let maxRetained = 0;
  let episode = 0;
  while (t.inputs < REASSEMBLER_PUSHES) {
    // An episode: 3 bundles under fresh ids, their chunks dropped (10%), duplicated (20%),
    // shuffled together and interleaved with mutated chunks and random bytes.
    const stream: Uint8Array[] = [];
    for (let k = 0; k < 3; k++) {
      const i = int(rng, 0, bundles.length - 1);
      const id = ('e' + episode++ + '-' + chunkSets[i].bundleId).slice(0, 64);
      const chunks = chunkBundle(bundles[i], { cameraId: chunkSets[i].cameraId, bundleId: id, chunkSize: int(rng, 256, 4096) });
      for (const c of chunks) {
        if (rng() < 0.9) stream.push(c);
        if (rng() < 0.2) stream.push(c);
        if (rng() < 0.3) stream.push(rng() < 0.9 ? mutate(rng, c, 24) : randomBytes(rng, int(rng, 0, 300)));
      }
    }
    shuffle(rng, stream);
    for (const input of stream) {
      now += int(rng, 0, 50);
      t.inputs++;
      try {
        const res = r.push(input, now);
        if (res.kind === 'error') count(t, res.error.code);
        else t.valid++;
        if (res.kind === 'partial') reported += res.evicted.length;
        if (res.kind === 'complete') {
          completed++;
          const d = decodeBundle(res.bytes);
          assert.ok(d.ok, 'a completed bundle does not decode: ' + (d.ok ? '' : d.error.message));
        }
        if (t.inputs % 200 === 0) reported += r.expire(now).length;
      } catch (e) {
        if (e instanceof assert.Assertion) throw e;
        if (!t.exceptions++) t.firstException = String(e);
      }
      assert.ok(r.retainedBytes() <= r.maxBytes, 'retained ' + r.retainedBytes() + ' > ' + r.maxBytes);
      assert.ok(r.pendingCount() <= r.maxBundles);
      if (r.retainedBytes() > maxRetained) maxRetained = r.retainedBytes();
    }
  }
  reported += r.expire(now + 5000).length;
  assert.is(r.retainedBytes(), 0);
  assert.is(t.exceptions, 0, t.firstException);
  assert.ok(completed > 1000, 'only ' + completed + ' bundles completed: the stream is too hostile to test completion');
  assert.ok(reported > 100, 'only ' + reported + ' incomplete bundles reported');
  t.codes.completed = completed;
  t.codes.reportedIncomplete = reported;
  t.codes.maxRetainedBytes = maxRetained;
});

test('summary: at least 100,000 inputs', () => {
  const total = Object.keys(results).reduce((a, k) => a + results[k].inputs, 0);
  const secs = (Date.now() - started) / 1000;
  for (const k of Object.keys(results)) {
    console.log('fuzz ' + k + ': ' + results[k].inputs + ' inputs, ' + results[k].valid + ' valid, ' + JSON.stringify(results[k].codes));
  }
  console.log('fuzz total: ' + total + ' inputs in ' + secs.toFixed(1) + ' s (seed 0x' + SEED.toString(16) + ')');
  assert.ok(total >= 100000);
});

test.run();
